/* worker_link.c — a worker's side of ZooKeeper: it follows its
 * topology's status and writes its heartbeat.
 *
 * /storms/<topology-id> is watched; the watch (ZooKeeper's thread) only
 * raises a flag, and the next tick reads the status: ACTIVE runs the
 * spouts, INACTIVE, KILLED and REBALANCING (and a node that is gone)
 * deactivate them, as Storm's workers do.  The callback is called only
 * when that changes (the runtime starts with active spouts).
 * /workerbeats/<topology-id>/<supervisor-id>-<port> (ephemeral) is written
 * every worker.heartbeat.frequency.secs (Storm's default 1) with the
 * uptime and the runtime's statistics.  Locality: the thread that calls
 * new/tick/free (the worker's main thread), but for the watch callback.
 */
#define G_LOG_DOMAIN "gust-worker"

#include "supervisor_private.h"

#include <gust/cluster.h>
#include <string.h>

struct gust_worker_link {
  gust_worker_link_options options;
  char *topology_id, *supervisor_id, *host;
  char *storm_path, *beat_path;
  gust_cluster *cluster;
  guint watch;
  gint status_changed; /* atomic: set by ZooKeeper's thread */
  gboolean active;
  gint64 started_us, beat_every_us, next_beat_us;
};

static void on_status_change(gust_cluster *c, const char *path, void *data)
{
  gust_worker_link *link = data;
  g_atomic_int_set(&link->status_changed, 1);
}

gust_worker_link *gust_worker_link_new(json_t *conf, const gust_worker_link_options *options,
                                       GError **error)
{
  gint64 beat_s;
  if (!sv_conf_int(conf, "worker.heartbeat.frequency.secs", 1, 1, 3600, &beat_s, error))
    return NULL;
  gust_cluster *cluster = gust_cluster_connect_conf(conf, error);
  if (!cluster) return NULL;
  gust_worker_link *link = g_new0(gust_worker_link, 1);
  link->options = *options;
  link->topology_id = g_strdup(options->topology_id);
  link->supervisor_id = g_strdup(options->supervisor_id);
  link->host = options->host ? g_strdup(options->host) : sv_conf_hostname(conf);
  link->options.topology_id = link->topology_id;
  link->options.supervisor_id = link->supervisor_id;
  link->options.host = link->host;
  link->cluster = cluster;
  link->storm_path = g_strconcat("/storms/", options->topology_id, NULL);
  link->beat_path = g_strdup_printf("/workerbeats/%s/%s-%d", options->topology_id,
                                    options->supervisor_id, options->port);
  link->active = TRUE;
  link->started_us = g_get_monotonic_time();
  link->beat_every_us = beat_s * G_USEC_PER_SEC;
  link->status_changed = 1;
  link->watch = gust_cluster_watch(cluster, link->storm_path, on_status_change, link);
  return link;
}

static void apply_status(gust_worker_link *link)
{
  GError *error = NULL;
  json_t *storm = gust_cluster_get_json(link->cluster, link->storm_path, &error);
  const char *status = NULL;
  if (storm)
    status = json_string_value(json_object_get(storm, "status"));
  else if (!g_error_matches(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_NOT_FOUND)) {
    g_warning("cannot read the status of %s (%s): %s; trying again", link->topology_id,
              link->storm_path, error->message);
    g_error_free(error);
    g_atomic_int_set(&link->status_changed, 1);
    return;
  }
  g_clear_error(&error);
  gboolean active = status && !strcmp(status, "ACTIVE");
  if (active != link->active) {
    g_message("topology %s is %s: %s its spouts", link->topology_id, status ? status : "gone",
              active ? "activating" : "deactivating");
    link->active = active;
    if (link->options.set_active) link->options.set_active(active, link->options.data);
  }
  json_decref(storm);
}

static void write_beat(gust_worker_link *link)
{
  gint64 now = g_get_monotonic_time();
  json_t *stats = link->options.stats ? link->options.stats(link->options.data) : NULL;
  json_t *beat = json_pack("{s:I, s:I, s:s, s:s, s:i, s:o}", "time_secs",
                           (json_int_t)(g_get_real_time() / G_USEC_PER_SEC), "uptime_secs",
                           (json_int_t)((now - link->started_us) / G_USEC_PER_SEC), "supervisor_id",
                           link->supervisor_id, "host", link->host, "port", link->options.port,
                           "stats", stats ? stats : json_object());
  GError *error = NULL;
  if (!gust_cluster_put_json(link->cluster, link->beat_path, beat, GUST_NODE_EPHEMERAL, &error)) {
    g_warning("cannot write the heartbeat %s: %s", link->beat_path, error->message);
    g_error_free(error);
  }
  json_decref(beat);
}

void gust_worker_link_tick(gust_worker_link *link)
{
  if (g_atomic_int_and(&link->status_changed, 0)) apply_status(link);
  gint64 now = g_get_monotonic_time();
  if (now >= link->next_beat_us) {
    link->next_beat_us = now + link->beat_every_us;
    write_beat(link);
  }
}

void gust_worker_link_free(gust_worker_link *link)
{
  if (!link) return;
  gust_cluster_unwatch(link->cluster, link->watch);
  gust_cluster_free(link->cluster);
  g_free(link->topology_id);
  g_free(link->supervisor_id);
  g_free(link->host);
  g_free(link->storm_path);
  g_free(link->beat_path);
  g_free(link);
}
