/* ui_api_cluster.c — Storm UI's cluster-wide replies: /cluster/summary,
 * /nimbus/summary, /supervisor/summary, /topology/summary.  A local run is
 * a cluster of one: this process is the Nimbus, the one supervisor and the
 * one worker (one slot, used while a topology runs). */
#include "ui_api.h"

#include <gust/storm.h>

json_t *ui_api_with_display_resource(json_t *reply)
{
  json_object_set_new(reply, "schedulerDisplayResource", json_false());
  return reply;
}

static int tasks_of(const gust_ui_topology *t)
{
  int n = 0;
  for (int i = 0; i < t->n_components; i++)
    n += t->components[i].n_tasks;
  return n;
}

json_t *ui_api_cluster_summary(const gust_ui_snapshot *s)
{
  int tasks = 0;
  for (int i = 0; i < s->n_topologies; i++)
    tasks += tasks_of(&s->topologies[i]);
  int used = s->n_topologies ? 1 : 0;
  json_t *o = json_pack(
      "{s:n, s:s, s:{s:s, s:s, s:s, s:s, s:s}, s:i, s:i, s:i, s:i, s:i, s:i, s:i, "
      "s:f, s:f, s:f, s:f, s:f, s:f, s:n, s:s, s:s, s:n, s:n, s:s, s:s}",
      "user", "stormVersion", GUST_STORM_VERSION, "stormVersionInfo", "version", GUST_STORM_VERSION,
      "revision", "", "branch", "", "date", "", "srcChecksum", "", "supervisors", 1, "topologies",
      s->n_topologies, "slotsUsed", used, "slotsTotal", 1, "slotsFree", 1 - used, "tasksTotal",
      tasks, "executorsTotal", tasks, "totalMem", 0.0, "totalCpu", 0.0, "availMem", 0.0, "availCpu",
      0.0, "fragmentedMem", 0.0, "fragmentedCpu", 0.0, "schedulerDisplayResource",
      "memAssignedPercentUtil", "0.0", "cpuAssignedPercentUtil", "0.0", "bugtracker-url",
      "central-log-url", "availGenerics", "", "totalGenerics", "");
  return ui_api_with_display_resource(o);
}

json_t *ui_api_nimbus_summary(const gust_ui_snapshot *s, int port)
{
  g_autofree char *uptime = ui_api_pretty_secs(s->uptime_secs);
  return json_pack("{s:[{s:s, s:i, s:s, s:s, s:I, s:s, s:s}]}", "nimbuses", "host", s->host, "port",
                   port, "status", "Leader", "version", GUST_STORM_VERSION, "nimbusUpTimeSeconds",
                   (json_int_t)s->uptime_secs, "nimbusUpTime", uptime, "nimbusLogLink", "");
}

json_t *ui_api_supervisor_summary(const gust_ui_snapshot *s)
{
  g_autofree char *uptime = ui_api_pretty_secs(s->uptime_secs);
  g_autofree char *id = g_strdup_printf("%s-local", s->host);
  int used = s->n_topologies ? 1 : 0;
  json_t *sup = json_pack(
      "{s:s, s:s, s:s, s:b, s:I, s:i, s:i, s:i, s:f, s:f, s:f, s:f, s:s, s:f, s:f, s:s, s:s, "
      "s:s, s:s}",
      "id", id, "host", s->host, "uptime", uptime, "blacklisted", 0, "uptimeSeconds",
      (json_int_t)s->uptime_secs, "slotsTotal", 1, "slotsUsed", used, "slotsFree", 1 - used,
      "totalMem", 0.0, "totalCpu", 0.0, "usedMem", 0.0, "usedCpu", 0.0, "logLink", "", "availMem",
      0.0, "availCpu", 0.0, "version", GUST_STORM_VERSION, "totalGenericResources", "",
      "usedGenericResources", "", "availGenericResources", "");
  return ui_api_with_display_resource(json_pack("{s:i, s:s, s:[o], s:n}", "logviewerPort", 8000,
                                                "logviewerScheme", "http", "supervisors", sup,
                                                "schedulerDisplayResource"));
}

static json_t *topology_map(const gust_ui_topology *t)
{
  g_autofree char *uptime = ui_api_pretty_secs(t->uptime_secs);
  g_autofree char *encoded = g_uri_escape_string(t->id, NULL, FALSE);
  int tasks = tasks_of(t);
  return json_pack(
      "{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:i, s:i, s:i, s:i, s:s, s:f, s:f, s:f, "
      "s:f, s:n, s:f, s:f, s:f, s:f, s:n, s:s, s:s}",
      "id", t->id, "encodedId", encoded, "owner", g_get_user_name(), "name", t->name, "status",
      t->status, "uptime", uptime, "uptimeSeconds", (json_int_t)t->uptime_secs, "tasksTotal", tasks,
      "workersTotal", 1, "executorsTotal", tasks, "replicationCount", 1, "schedulerInfo", "",
      "requestedMemOnHeap", 0.0, "requestedMemOffHeap", 0.0, "requestedTotalMem", 0.0,
      "requestedCpu", 0.0, "requestedGenericResources", "assignedMemOnHeap", 0.0,
      "assignedMemOffHeap", 0.0, "assignedTotalMem", 0.0, "assignedCpu", 0.0,
      "assignedGenericResources", "topologyVersion", "", "stormVersion", GUST_STORM_VERSION);
}

json_t *ui_api_topology_summary(const gust_ui_snapshot *s)
{
  json_t *list = json_array();
  for (int i = 0; i < s->n_topologies; i++)
    json_array_append_new(list, topology_map(&s->topologies[i]));
  return ui_api_with_display_resource(
      json_pack("{s:o, s:n}", "topologies", list, "schedulerDisplayResource"));
}

json_t *ui_api_topology_map(const gust_ui_topology *t)
{
  return topology_map(t);
}
