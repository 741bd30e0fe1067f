/* stats_source.c — what the statistics methods read: the topology from
 * the Nimbus's table (under nimbus->lock, copied out), its workers'
 * heartbeats /workerbeats/<id>/<supervisor>-<port> and the supervisors
 * /supervisors/<id> from ZooKeeper (nimbus->cluster; without a
 * connection there are none, and the replies say so with no executors).
 * Ids reach ZooKeeper paths only after the table knew them.  A node that
 * vanishes between listing and reading (a worker that stopped) or does not
 * parse is skipped.  Runs on a handler thread.
 */
#include "stats_source.h"

#include <gust/cluster.h>

/* Every child of dir that reads as a JSON object. */
static json_t *read_children(gust_cluster *cluster, const char *dir)
{
  json_t *out = json_array();
  if (!cluster) return out;
  GError *error = NULL;
  GPtrArray *names = gust_cluster_children(cluster, dir, &error);
  if (!names) {
    g_debug("statistics: cannot list %s: %s", dir, error->message);
    g_error_free(error);
    return out;
  }
  for (guint i = 0; i < names->len; i++) {
    g_autofree char *path = g_strdup_printf("%s/%s", dir, (char *)g_ptr_array_index(names, i));
    json_t *node = gust_cluster_get_json(cluster, path, &error);
    if (json_is_object(node))
      json_array_append(out, node);
    else if (error)
      g_debug("statistics: %s skipped: %s", path, error->message);
    json_decref(node);
    g_clear_error(&error);
  }
  g_ptr_array_unref(names);
  return out;
}

/* {"<component>": "spout" | "bolt"} of the submitted topology. */
static json_t *component_types(const gust_nimbus_topology *t)
{
  json_t *types = json_object();
  if (!t->topology) return types;
  GHashTable *groups[] = {t->topology->spouts, t->topology->bolts};
  for (int g = 0; g < 2; g++) {
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, groups[g]);
    while (g_hash_table_iter_next(&it, &key, NULL))
      json_object_set_new(types, key, json_string(g == 0 ? "spout" : "bolt"));
  }
  return types;
}

static void load(gust_nimbus *nimbus, gust_nimbus_topology *t, gust_stats_loaded *out)
{
  out->id = g_strdup(t->id);
  out->storm = gust_nimbus_topology_base(t);
  out->conf = t->conf ? json_deep_copy(t->conf) : NULL;
  out->components = component_types(t);
}

static void finish(gust_nimbus *nimbus, gust_stats_loaded *out)
{
  g_autofree char *dir = g_strdup_printf("/workerbeats/%s", out->id);
  out->beats = read_children(nimbus->cluster, dir);
  out->view = (gust_stats_topology){.id = out->id,
                                    .storm = out->storm,
                                    .beats = out->beats,
                                    .conf = out->conf,
                                    .components = out->components,
                                    .now_secs = g_get_real_time() / G_USEC_PER_SEC};
}

gboolean gust_stats_load(gust_nimbus *nimbus, const char *id, const char *name,
                         gust_stats_loaded *out)
{
  memset(out, 0, sizeof *out);
  g_mutex_lock(&nimbus->lock);
  gust_nimbus_topology *t =
      id ? gust_nimbus_find_by_id(nimbus, id) : gust_nimbus_find_by_name(nimbus, name ? name : "");
  if (t) load(nimbus, t, out);
  g_mutex_unlock(&nimbus->lock);
  if (!t) return FALSE;
  finish(nimbus, out);
  return TRUE;
}

void gust_stats_loaded_clear(gust_stats_loaded *l)
{
  g_free(l->id);
  json_decref(l->storm);
  json_decref(l->beats);
  json_decref(l->conf);
  json_decref(l->components);
  memset(l, 0, sizeof *l);
}

GArray *gust_stats_load_all(gust_nimbus *nimbus)
{
  GArray *all = g_array_new(FALSE, TRUE, sizeof(gust_stats_loaded));
  g_mutex_lock(&nimbus->lock);
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, nimbus->topologies);
  while (g_hash_table_iter_next(&it, NULL, &value)) {
    gust_stats_loaded l = {0};
    load(nimbus, value, &l);
    g_array_append_val(all, l);
  }
  g_mutex_unlock(&nimbus->lock);
  for (guint i = 0; i < all->len; i++)
    finish(nimbus, &g_array_index(all, gust_stats_loaded, i));
  return all;
}

void gust_stats_loaded_free_all(GArray *all)
{
  for (guint i = 0; i < all->len; i++)
    gust_stats_loaded_clear(&g_array_index(all, gust_stats_loaded, i));
  g_array_free(all, TRUE);
}

json_t *gust_stats_supervisors(gust_nimbus *nimbus)
{
  return read_children(nimbus->cluster, "/supervisors");
}
