/* flux_build.c — a merged flux_doc becomes a gust_topology.
 *
 * Order matters and follows Flux's builder:
 *   1. name and config (the topology needs a name);
 *   2. components (beans), so that references can be checked;
 *   3. spouts, in file order;
 *   4. bolts, in file order — but only those that some stream has as its
 *      "to".  Flux registers bolts while walking the streams, so a bolt
 *      with no incoming stream silently disappears; gust does the same and
 *      logs a warning naming it once the topology is built;
 *   5. {ref}/{reflist} in every kept definition must name a bean;
 *   6. streams, in file order, become inputs.
 * Validation is the caller's (flux_load.c) next step.
 */
#define G_LOG_DOMAIN "gust-flux"

#include "flux_private.h"

static GHashTable *stream_targets(const flux_doc *doc)
{
  GHashTable *targets = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < doc->streams->len; i++) {
    const flux_node *to =
        flux_node_get(((flux_entry *)g_ptr_array_index(doc->streams, i))->node, "to");
    if (to && to->type == FLUX_NODE_SCALAR) g_hash_table_add(targets, to->text);
  }
  return targets;
}

static gboolean check_entry_refs(const gust_topology *topology, const flux_entry *entry,
                                 const char *kind, GError **error)
{
  char *what = g_strdup_printf("%s '%s'", kind, entry->id);
  gboolean ok = flux_check_refs(entry->node, what, entry->file, topology, error);
  g_free(what);
  return ok;
}

static gboolean build_vertices(const flux_context *context, gust_topology *topology,
                               const flux_doc *doc, GHashTable *dropped, GPtrArray *dropped_list,
                               GError **error)
{
  GHashTable *targets = stream_targets(doc);
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < doc->spouts->len; i++) {
    const flux_entry *entry = g_ptr_array_index(doc->spouts, i);
    ok = flux_build_vertex(context, topology, entry, GUST_COMPONENT_SPOUT, error) &&
         check_entry_refs(topology, entry, "spout", error);
  }
  for (guint i = 0; ok && i < doc->bolts->len; i++) {
    const flux_entry *entry = g_ptr_array_index(doc->bolts, i);
    if (!g_hash_table_contains(targets, entry->id)) {
      g_hash_table_add(dropped, entry->id);
      g_ptr_array_add(dropped_list, (gpointer)entry);
      continue;
    }
    ok = flux_build_vertex(context, topology, entry, GUST_COMPONENT_BOLT, error) &&
         check_entry_refs(topology, entry, "bolt", error);
  }
  g_hash_table_unref(targets);
  return ok;
}

gust_topology *flux_build_topology(const flux_context *context, const flux_doc *doc, GError **error)
{
  const char *main_file = ((flux_source *)g_ptr_array_index(doc->sources, 0))->file;
  if (!doc->name) {
    flux_fail(error, GUST_FLUX_ERROR_SCHEMA, main_file, 0,
              "the topology has no 'name' (add name: \"my-topology\" at the top level)");
    return NULL;
  }
  gust_topology *topology = gust_topology_new(doc->name);
  gust_topology_set_conf(topology, json_deep_copy(doc->config));

  GHashTable *dropped = g_hash_table_new(g_str_hash, g_str_equal);
  GPtrArray *dropped_list = g_ptr_array_new();
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < doc->beans->len; i++)
    ok = flux_build_bean(context, topology, g_ptr_array_index(doc->beans, i), error);
  for (guint i = 0; ok && i < doc->beans->len; i++)
    ok = check_entry_refs(topology, g_ptr_array_index(doc->beans, i), "component", error);
  ok = ok && build_vertices(context, topology, doc, dropped, dropped_list, error);
  for (guint i = 0; ok && i < doc->streams->len; i++)
    ok = flux_build_stream(context, topology, g_ptr_array_index(doc->streams, i), dropped, error);

  for (guint i = 0; ok && i < dropped_list->len; i++) {
    const flux_entry *entry = g_ptr_array_index(dropped_list, i);
    g_warning("%s:%u: bolt '%s' is left out of the topology: no stream has it as 'to'", entry->file,
              entry->node->line, entry->id);
  }
  g_hash_table_unref(dropped);
  g_ptr_array_unref(dropped_list);
  if (!ok) g_clear_pointer(&topology, gust_topology_free);
  return topology;
}
