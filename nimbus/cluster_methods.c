/* cluster_methods.c — the Nimbus methods about the cluster itself:
 * getLeader, getClusterInfo (nimbuses, topologies, supervisors) and
 * getNimbusConf.  Handler threads. */
#define G_LOG_DOMAIN "gust-nimbus"

#include "nimbus_private.h"

static GustStormNimbusSummary *own_summary(gust_nimbus *nimbus)
{
  gint64 uptime = g_get_real_time() / G_USEC_PER_SEC - nimbus->start_time_secs;
  return g_object_new(GUST_STORM_TYPE_NIMBUS_SUMMARY, "host", nimbus->host, "port",
                      (gint32)nimbus->port, "uptime_secs", (gint32)MAX(uptime, 0), "isLeader", TRUE,
                      "version", GUST_NIMBUS_VERSION, NULL);
}

GUST_NIMBUS_HANDLER(gust_nimbus_get_leader)
{
  GustStormNimbusSummary *summary = own_summary(call->nimbus);
  g_object_set(result, "success", summary, NULL);
  g_object_unref(summary);
  return TRUE;
}

GUST_NIMBUS_HANDLER(gust_nimbus_get_cluster_info)
{
  gust_nimbus *nimbus = call->nimbus;
  GustStormClusterSummary *cluster = g_object_new(GUST_STORM_TYPE_CLUSTER_SUMMARY, NULL);
  g_ptr_array_add(cluster->nimbuses, own_summary(nimbus));
  g_mutex_lock(&nimbus->lock);
  GList *topologies = g_hash_table_get_values(nimbus->topologies);
  for (GList *l = topologies; l; l = l->next)
    g_ptr_array_add(cluster->topologies, gust_nimbus_topology_summary(nimbus, l->data));
  g_list_free(topologies);
  g_mutex_unlock(&nimbus->lock);
  gust_stats_add_supervisors(nimbus, cluster->supervisors); /* stats_source.c */
  g_object_set(result, "success", cluster, NULL);
  g_object_unref(cluster);
  return TRUE;
}

GUST_NIMBUS_HANDLER(gust_nimbus_get_nimbus_conf)
{
  char *conf = json_dumps(call->nimbus->conf, JSON_COMPACT | JSON_SORT_KEYS);
  g_object_set(result, "success", conf, NULL);
  free(conf);
  return TRUE;
}
