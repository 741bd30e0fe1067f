/* topology.c — the topology object: name, conf, components, beans.
 *
 * Components live in an array (insertion order, which loaders keep as the
 * file's order) and in a hash table by id for lookups.  Ids are not
 * required to be unique while building: the table keeps the first
 * component of an id and validate.c reports the duplicate, so a loader can
 * add everything and get one error that names both definitions.
 *
 * Task ids: Storm numbers tasks 1..N over components sorted by id with
 * Java's String.compareTo (UTF-16 code units).  For ASCII that is byte
 * order; java_order_compare() below also gets characters outside the
 * Basic Multilingual Plane right, where UTF-8 byte order and UTF-16 order
 * differ.
 */
#include "model_private.h"

#include <gust/conf.h>

#include <stdlib.h>
#include <string.h>

gust_topology *gust_topology_new(const char *name)
{
  gust_topology *topology = g_new0(gust_topology, 1);
  topology->name = g_strdup(name);
  topology->conf = json_object();
  topology->components =
      g_ptr_array_new_with_free_func((GDestroyNotify)gust_component_free_internal);
  topology->by_id = g_hash_table_new(g_str_hash, g_str_equal);
  topology->beans = json_object();
  return topology;
}

void gust_topology_free(gust_topology *topology)
{
  if (!topology) return;
  g_free(topology->name);
  json_decref(topology->conf);
  g_hash_table_unref(topology->by_id);
  g_ptr_array_unref(topology->components);
  json_decref(topology->beans);
  g_free(topology);
}

const char *gust_topology_name(const gust_topology *topology)
{
  return topology->name;
}

void gust_topology_set_name(gust_topology *topology, const char *name)
{
  char *copy = g_strdup(name);
  g_free(topology->name);
  topology->name = copy;
}

json_t *gust_topology_conf(const gust_topology *topology)
{
  return topology->conf;
}

void gust_topology_set_conf(gust_topology *topology, json_t *conf)
{
  g_return_if_fail(json_is_object(conf));
  json_decref(topology->conf);
  topology->conf = conf;
}

void gust_topology_set_conf_value(gust_topology *topology, const char *key, json_t *value)
{
  json_object_set_new(topology->conf, key, value);
}

gust_component *gust_topology_add_component(gust_topology *topology, const char *id,
                                            gust_component_kind kind)
{
  gust_component *component = gust_component_new_internal(id, kind);
  g_ptr_array_add(topology->components, component);
  if (!g_hash_table_contains(topology->by_id, component->id))
    g_hash_table_insert(topology->by_id, component->id, component);
  return component;
}

guint gust_topology_n_components(const gust_topology *topology)
{
  return topology->components->len;
}

gust_component *gust_topology_component(const gust_topology *topology, guint index)
{
  g_return_val_if_fail(index < topology->components->len, NULL);
  return g_ptr_array_index(topology->components, index);
}

gust_component *gust_topology_lookup(const gust_topology *topology, const char *id)
{
  return g_hash_table_lookup(topology->by_id, id);
}

gboolean gust_topology_has_native_components(const gust_topology *topology)
{
  for (guint i = 0; i < topology->components->len; i++) {
    const gust_component *component = g_ptr_array_index(topology->components, i);
    if (component->impl && component->impl->kind == GUST_IMPL_NATIVE) return TRUE;
  }
  return FALSE;
}

/* The first UTF-16 code unit of a code point: itself inside the BMP, its
 * high surrogate outside. */
static gunichar first_utf16_unit(gunichar c)
{
  return c < 0x10000 ? c : 0xD800 + ((c - 0x10000) >> 10);
}

/* Java String.compareTo order for valid UTF-8; byte order otherwise. */
static gint java_order_compare(const char *a, const char *b)
{
  if (!g_utf8_validate(a, -1, NULL) || !g_utf8_validate(b, -1, NULL)) return strcmp(a, b);
  while (*a && *b) {
    gunichar ca = g_utf8_get_char(a), cb = g_utf8_get_char(b);
    if (ca != cb) {
      gunichar ua = first_utf16_unit(ca), ub = first_utf16_unit(cb);
      /* Equal first units means both are outside the BMP with the same high
       * surrogate: the low surrogates then order like the code points. */
      if (ua != ub) return ua < ub ? -1 : 1;
      return ca < cb ? -1 : 1;
    }
    a = g_utf8_next_char(a);
    b = g_utf8_next_char(b);
  }
  return *a ? 1 : (*b ? -1 : 0);
}

static gint compare_id_pointers(gconstpointer a, gconstpointer b)
{
  return java_order_compare(*(const char *const *)a, *(const char *const *)b);
}

const char **gust_topology_component_ids_sorted(const gust_topology *topology)
{
  guint n = topology->components->len;
  const char **ids = g_new0(const char *, n + 1);
  for (guint i = 0; i < n; i++)
    ids[i] = ((gust_component *)g_ptr_array_index(topology->components, i))->id;
  qsort(ids, n, sizeof *ids, compare_id_pointers);
  return ids;
}

/* Reads key from the component conf, falling back to the topology conf. */
static gboolean merged_conf_int(const gust_topology *topology, const gust_component *component,
                                const char *key, gint *out)
{
  return gust_conf_lookup_int(gust_conf_pick(component->conf, topology->conf, key), key, out);
}

gint gust_topology_component_tasks(const gust_topology *topology, const gust_component *component)
{
  gint tasks, max_parallelism;
  if (!merged_conf_int(topology, component, "topology.tasks", &tasks))
    tasks = component->parallelism;
  if (merged_conf_int(topology, component, "topology.max.task.parallelism", &max_parallelism))
    tasks = MIN(tasks, max_parallelism);
  return tasks;
}

void gust_topology_add_bean(gust_topology *topology, const char *id, json_t *definition)
{
  json_object_set_new(topology->beans, id, definition);
}

json_t *gust_topology_bean(const gust_topology *topology, const char *id)
{
  return json_object_get(topology->beans, id);
}

const char **gust_topology_bean_ids(const gust_topology *topology)
{
  const char **ids = g_new0(const char *, json_object_size(topology->beans) + 1);
  const char *key;
  json_t *value;
  guint i = 0;
  json_object_foreach(topology->beans, key, value) ids[i++] = key;
  return ids;
}
