/* ui_api_cluster.c — Storm UI's cluster-wide replies: /cluster/summary,
 * /nimbus/summary, /supervisor/summary, /topology/summary.  A local run is
 * a cluster of one: this process is the Nimbus, the one supervisor and the
 * one worker (one slot, used while a topology runs).  A cluster's snapshot
 * carries Nimbus's own list of supervisors and Nimbuses (s->cluster): the
 * replies show those, and the summary's counts are their sums. */
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

/* Slots over the cluster's supervisors; a local run: its one slot, used
 * while a topology runs. */
static void slots_of(const gust_ui_snapshot *s, int *total, int *used)
{
  *total = 1;
  *used = s->n_topologies ? 1 : 0;
  if (!s->cluster) return;
  *total = *used = 0;
  for (guint i = 0; i < s->cluster->supervisors->len; i++) {
    const gust_ui_supervisor *sup = g_ptr_array_index(s->cluster->supervisors, i);
    *total += sup->slots_total;
    *used += sup->slots_used;
  }
}

json_t *ui_api_cluster_summary(const gust_ui_snapshot *s)
{
  int tasks = 0, executors, supervisors = 1, total, used;
  for (int i = 0; i < s->n_topologies; i++)
    tasks += tasks_of(&s->topologies[i]);
  executors = tasks;
  if (s->cluster) {
    supervisors = (int)s->cluster->supervisors->len;
    tasks = s->cluster->tasks_total;
    executors = s->cluster->executors_total;
  }
  slots_of(s, &total, &used);
  json_t *o = json_pack(
      "{s:n, s:s, s:{s:s, s:s, s:s, s:s, s:s}, s:i, s:i, s:i, s:i, s:i, s:i, s:i, "
      "s:f, s:f, s:f, s:f, s:f, s:f, s:n, s:s, s:s, s:n, s:n, s:s, s:s}",
      "user", "stormVersion", GUST_STORM_VERSION, "stormVersionInfo", "version", GUST_STORM_VERSION,
      "revision", "", "branch", "", "date", "", "srcChecksum", "", "supervisors", supervisors,
      "topologies", s->n_topologies, "slotsUsed", used, "slotsTotal", total, "slotsFree",
      total - used, "tasksTotal", tasks, "executorsTotal", executors, "totalMem", 0.0, "totalCpu",
      0.0, "availMem", 0.0, "availCpu", 0.0, "fragmentedMem", 0.0, "fragmentedCpu", 0.0,
      "schedulerDisplayResource", "memAssignedPercentUtil", "0.0", "cpuAssignedPercentUtil", "0.0",
      "bugtracker-url", "central-log-url", "availGenerics", "", "totalGenerics", "");
  return ui_api_with_display_resource(o);
}

/* One row of /nimbus/summary; status as Storm UI words it. */
static json_t *nimbus_row(const char *host, int port, gboolean leader, const char *version,
                          int64_t uptime_secs)
{
  g_autofree char *uptime = ui_api_pretty_secs(uptime_secs);
  return json_pack("{s:s, s:i, s:s, s:s, s:I, s:s, s:s}", "host", host, "port", port, "status",
                   leader ? "Leader" : "Not a Leader", "version", version, "nimbusUpTimeSeconds",
                   (json_int_t)uptime_secs, "nimbusUpTime", uptime, "nimbusLogLink", "");
}

json_t *ui_api_nimbus_summary(const gust_ui_snapshot *s, int port)
{
  json_t *rows = json_array();
  if (!s->cluster)
    json_array_append_new(rows,
                          nimbus_row(s->host, port, TRUE, GUST_STORM_VERSION, s->uptime_secs));
  for (guint i = 0; s->cluster && i < s->cluster->nimbuses->len; i++) {
    const gust_ui_nimbus *n = g_ptr_array_index(s->cluster->nimbuses, i);
    json_array_append_new(rows,
                          nimbus_row(n->host, n->port, n->leader, n->version, n->uptime_secs));
  }
  return json_pack("{s:o}", "nimbuses", rows);
}

/* One row of /supervisor/summary. */
static json_t *supervisor_row(const gust_ui_supervisor *sup)
{
  g_autofree char *uptime = ui_api_pretty_secs(sup->uptime_secs);
  return json_pack(
      "{s:s, s:s, s:s, s:b, s:I, s:i, s:i, s:i, s:f, s:f, s:f, s:f, s:s, s:f, s:f, s:s, s:s, "
      "s:s, s:s}",
      "id", sup->id, "host", sup->host, "uptime", uptime, "blacklisted", sup->blacklisted,
      "uptimeSeconds", (json_int_t)sup->uptime_secs, "slotsTotal", sup->slots_total, "slotsUsed",
      sup->slots_used, "slotsFree", sup->slots_total - sup->slots_used, "totalMem", 0.0, "totalCpu",
      0.0, "usedMem", sup->used_mem, "usedCpu", sup->used_cpu, "logLink", "", "availMem", 0.0,
      "availCpu", 0.0, "version", sup->version, "totalGenericResources", "", "usedGenericResources",
      "", "availGenericResources", "");
}

json_t *ui_api_supervisor_summary(const gust_ui_snapshot *s)
{
  json_t *rows = json_array();
  if (!s->cluster) {
    g_autofree char *id = g_strdup_printf("%s-local", s->host);
    gust_ui_supervisor local = {.id = id,
                                .host = s->host,
                                .version = (char *)GUST_STORM_VERSION,
                                .uptime_secs = s->uptime_secs};
    slots_of(s, &local.slots_total, &local.slots_used);
    json_array_append_new(rows, supervisor_row(&local));
  }
  for (guint i = 0; s->cluster && i < s->cluster->supervisors->len; i++)
    json_array_append_new(rows, supervisor_row(g_ptr_array_index(s->cluster->supervisors, i)));
  return ui_api_with_display_resource(json_pack("{s:i, s:s, s:o, s:n}", "logviewerPort", 8000,
                                                "logviewerScheme", "http", "supervisors", rows,
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
