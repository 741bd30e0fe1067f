/* cluster_methods.c — the Nimbus methods about the cluster itself:
 * getLeader, getClusterInfo (nimbuses, topologies, supervisors) and
 * getNimbusConf.  Handler threads. */
#define G_LOG_DOMAIN "gust-nimbus"

#include "nimbus_private.h"

#include <string.h>

/* The NimbusSummary of /nimbuses/<member>, or NULL when it is gone. */
static GustStormNimbusSummary *member_summary(gust_nimbus *nimbus, const char *member,
                                              const char *leader)
{
  char *path = g_strconcat("/nimbuses/", member, NULL);
  json_t *node = gust_cluster_get_json(nimbus->cluster, path, NULL);
  g_free(path);
  const char *host = json_string_value(json_object_get(node, "host"));
  GustStormNimbusSummary *summary = NULL;
  if (host) {
    gint64 uptime = g_get_real_time() / G_USEC_PER_SEC -
                    json_integer_value(json_object_get(node, "start_time_secs"));
    summary = g_object_new(GUST_STORM_TYPE_NIMBUS_SUMMARY, "host", host, "port",
                           (gint32)json_integer_value(json_object_get(node, "port")), "uptime_secs",
                           (gint32)MAX(uptime, 0), "isLeader",
                           (gboolean)(leader && !strcmp(leader, member)), "version",
                           GUST_NIMBUS_VERSION, NULL);
  }
  json_decref(node);
  return summary;
}

GUST_NIMBUS_HANDLER(gust_nimbus_get_leader)
{
  char *leader = gust_nimbus_leader_address(call->nimbus);
  GustStormNimbusSummary *summary = leader ? member_summary(call->nimbus, leader, leader) : NULL;
  g_free(leader);
  if (!summary) { /* Storm's getLeader returns null: its client reports MISSING_RESULT */
    g_set_error(error, GUST_NIMBUS_CALL_ERROR, GUST_TAPP_MISSING_RESULT,
                "getLeader: no Nimbus is the leader yet (ZooKeeper's /leader-lock is empty)");
    return FALSE;
  }
  g_object_set(result, "success", summary, NULL);
  g_object_unref(summary);
  return TRUE;
}

GUST_NIMBUS_HANDLER(gust_nimbus_get_cluster_info)
{
  gust_nimbus *nimbus = call->nimbus;
  GustStormClusterSummary *cluster = g_object_new(GUST_STORM_TYPE_CLUSTER_SUMMARY, NULL);
  char *leader = gust_nimbus_leader_address(nimbus);
  GPtrArray *members = gust_cluster_children(nimbus->cluster, "/nimbuses", NULL);
  for (guint i = 0; members && i < members->len; i++) {
    GustStormNimbusSummary *summary = member_summary(nimbus, members->pdata[i], leader);
    if (summary) g_ptr_array_add(cluster->nimbuses, summary);
  }
  if (members) g_ptr_array_unref(members);
  g_free(leader);
  g_mutex_lock(&nimbus->lock);
  GList *topologies = g_hash_table_get_values(nimbus->topologies);
  for (GList *l = topologies; l; l = l->next)
    g_ptr_array_add(cluster->topologies, gust_nimbus_topology_summary(nimbus, l->data));
  g_list_free(topologies);
  g_mutex_unlock(&nimbus->lock);
  gust_nimbus_add_supervisor_summaries(nimbus, cluster->supervisors);
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
