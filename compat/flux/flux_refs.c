/* flux_refs.c — references between definitions.
 *
 * An argument written {ref: id} stands for the component (bean) with that
 * id, {reflist: [a, b]} for a list of them; a property may say ref: id.
 * Flux resolves these at the top level of constructorArgs, factoryArgs and
 * each config method's args.  gust does not build Java objects, so it only
 * checks that every id names an entry of "components:", at load time and
 * with the line of the reference.
 */
#include "flux_private.h"

static gboolean check_id(const flux_node *node, const char *what, const char *file,
                         const gust_topology *topology, GError **error)
{
  const char *id;
  if (!flux_node_text(node, "a reference", file, &id, error)) return FALSE;
  if (gust_topology_bean(topology, id)) return TRUE;
  return flux_fail(error, GUST_FLUX_ERROR_REFERENCE, file, node->line,
                   "%s refers to '%s', which is not defined under 'components'", what, id);
}

static gboolean check_argument(const flux_node *arg, const char *what, const char *file,
                               const gust_topology *topology, GError **error)
{
  if (arg->type != FLUX_NODE_MAPPING || arg->pairs->len != 1) return TRUE;
  const flux_pair *pair = g_ptr_array_index(arg->pairs, 0);
  if (g_str_equal(pair->key, "ref")) return check_id(pair->value, what, file, topology, error);
  if (!g_str_equal(pair->key, "reflist")) return TRUE;
  if (pair->value->type != FLUX_NODE_SEQUENCE)
    return flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, pair->line,
                     "%s: reflist must be a list of component ids", what);
  for (guint i = 0; i < pair->value->items->len; i++)
    if (!check_id(g_ptr_array_index(pair->value->items, i), what, file, topology, error))
      return FALSE;
  return TRUE;
}

static gboolean check_arguments(const flux_node *list, const char *what, const char *file,
                                const gust_topology *topology, GError **error)
{
  if (!list || list->type != FLUX_NODE_SEQUENCE) return TRUE;
  for (guint i = 0; i < list->items->len; i++)
    if (!check_argument(g_ptr_array_index(list->items, i), what, file, topology, error))
      return FALSE;
  return TRUE;
}

static gboolean check_each(const flux_node *list, const char *key, gboolean is_ref,
                           const char *what, const char *file, const gust_topology *topology,
                           GError **error)
{
  if (!list || list->type != FLUX_NODE_SEQUENCE) return TRUE;
  for (guint i = 0; i < list->items->len; i++) {
    const flux_node *value = flux_node_get(g_ptr_array_index(list->items, i), key);
    if (!value) continue;
    if (is_ref ? !check_id(value, what, file, topology, error)
               : !check_arguments(value, what, file, topology, error))
      return FALSE;
  }
  return TRUE;
}

gboolean flux_check_refs(const flux_node *definition, const char *what, const char *file,
                         const gust_topology *topology, GError **error)
{
  return check_arguments(flux_node_get(definition, "constructorArgs"), what, file, topology,
                         error) &&
         check_arguments(flux_node_get(definition, "factoryArgs"), what, file, topology, error) &&
         check_each(flux_node_get(definition, "configMethods"), "args", FALSE, what, file, topology,
                    error) &&
         check_each(flux_node_get(definition, "properties"), "ref", TRUE, what, file, topology,
                    error);
}
