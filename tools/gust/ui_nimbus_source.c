/* ui_nimbus_source.c — the UI's data source for a cluster: the leader
 * Nimbus, over Thrift (nimbus_client.h).
 *
 * Everything runs on the UI server's thread (one client, one thread).
 * snapshot(): getClusterInfo for the Nimbus and the topologies, then for
 * each topology getTopologyInfo (its executors with their statistics per
 * Storm window and stream, and each component's last errors) and
 * getTopologyConf.  The cluster's supervisors and Nimbuses come along as
 * Nimbus lists them (gust_ui_cluster).  Each executor becomes one task of the snapshot (its
 * first task id).  When Nimbus cannot be reached the snapshot carries the
 * error (source_error), which the API answers as Storm's 500; the client
 * is dropped and the next sample dials the seeds again.
 * act(): Storm UI's calls by topology name (activate, deactivate,
 * rebalance with the wait and the body's numWorkers and executors,
 * killTopologyWithOpts with the wait).
 */
#define G_LOG_DOMAIN "gust-ui"

#include "ui_nimbus_source.h"

#include "nimbus_client.h"

#include <string.h>

typedef struct {
  json_t *conf; /* the daemon conf (owned) */
  gust_nimbus_client *client;
  GHashTable *names; /* topology id -> name, from the last snapshot */
} nimbus_source;

static const char *const WINDOW_KEYS[GUST_UI_N_WINDOWS] = {"600", "10800", "86400", ":all-time"};

/* ---- statistics maps: window -> (stream | GlobalStreamId) -> number ---- */

static GHashTable *window_map(GHashTable *by_window, int w)
{
  return by_window ? g_hash_table_lookup(by_window, WINDOW_KEYS[w]) : NULL;
}

/* The stream row of task for (input source component or NULL, stream). */
static gust_ui_stream *stream_row(GPtrArray *rows, gboolean is_input, const char *component,
                                  const char *stream)
{
  for (guint i = 0; i < rows->len; i++) {
    gust_ui_stream *r = g_ptr_array_index(rows, i);
    if (r->is_input == is_input && g_strcmp0(r->component, component) == 0 &&
        g_strcmp0(r->stream, stream) == 0)
      return r;
  }
  gust_ui_stream *r = g_new0(gust_ui_stream, 1);
  r->is_input = is_input;
  r->component = g_strdup(component);
  r->stream = g_strdup(stream);
  g_ptr_array_add(rows, r);
  return r;
}

typedef enum {
  FIELD_EMITTED,
  FIELD_TRANSFERRED,
  FIELD_ACKED,
  FIELD_FAILED,
  FIELD_EXECUTED
} count_field;
typedef enum { FIELD_COMPLETE, FIELD_PROCESS, FIELD_EXECUTE } latency_field;

static uint64_t *count_slot(gust_ui_stream *r, count_field f)
{
  switch (f) {
  case FIELD_EMITTED:
    return r->emitted;
  case FIELD_TRANSFERRED:
    return r->transferred;
  case FIELD_ACKED:
    return r->acked;
  case FIELD_FAILED:
    return r->failed;
  case FIELD_EXECUTED:
    return r->executed;
  }
  g_assert_not_reached();
}

static double *latency_slot(gust_ui_stream *r, latency_field f)
{
  switch (f) {
  case FIELD_COMPLETE:
    return r->complete_ms;
  case FIELD_PROCESS:
    return r->process_ms;
  case FIELD_EXECUTE:
    return r->execute_ms;
  }
  g_assert_not_reached();
}

/* Rows from map<window, map<key, i64 | double>>: keys are stream names
 * (output rows) or GlobalStreamIds (input rows: source component and
 * stream). */
static void add_rows(GPtrArray *rows, gboolean is_input, GHashTable *by_window, gboolean is_count,
                     int field)
{
  for (int w = 0; w < GUST_UI_N_WINDOWS; w++) {
    GHashTable *m = window_map(by_window, w);
    if (!m) continue;
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, m);
    while (g_hash_table_iter_next(&it, &key, &value)) {
      const GustStormGlobalStreamId *gs = is_input ? key : NULL;
      gust_ui_stream *r = gs ? stream_row(rows, TRUE, gs->componentId, gs->streamId)
                             : stream_row(rows, FALSE, NULL, key);
      if (is_count)
        count_slot(r, field)[w] = (uint64_t)MAX(*(gint64 *)value, 0);
      else
        latency_slot(r, field)[w] = *(gdouble *)value;
    }
  }
}

/* One executor's statistics into task: its stream rows and, from the
 * all-time window, the totals. */
static void fill_task(gust_ui_task *task, const GustStormExecutorSummary *ex)
{
  task->task_id = ex->executor_info->task_start;
  task->uptime_secs = ex->uptime_secs;
  if (!ex->__isset_stats || !ex->stats) return;
  const GustStormExecutorStats *st = ex->stats;
  GPtrArray *rows = g_ptr_array_new();
  add_rows(rows, FALSE, st->emitted, TRUE, FIELD_EMITTED);
  add_rows(rows, FALSE, st->transferred, TRUE, FIELD_TRANSFERRED);
  const GustStormExecutorSpecificStats *sp = st->specific;
  if (sp && sp->__isset_spout && sp->spout) {
    add_rows(rows, FALSE, sp->spout->acked, TRUE, FIELD_ACKED);
    add_rows(rows, FALSE, sp->spout->failed, TRUE, FIELD_FAILED);
    add_rows(rows, FALSE, sp->spout->complete_ms_avg, FALSE, FIELD_COMPLETE);
  } else if (sp && sp->__isset_bolt && sp->bolt) {
    add_rows(rows, TRUE, sp->bolt->acked, TRUE, FIELD_ACKED);
    add_rows(rows, TRUE, sp->bolt->failed, TRUE, FIELD_FAILED);
    add_rows(rows, TRUE, sp->bolt->executed, TRUE, FIELD_EXECUTED);
    add_rows(rows, TRUE, sp->bolt->process_ms_avg, FALSE, FIELD_PROCESS);
    add_rows(rows, TRUE, sp->bolt->execute_ms_avg, FALSE, FIELD_EXECUTE);
  }
  gust_ui_stream *out = gust_ui_task_alloc_streams(task, (int)rows->len);
  const int all = GUST_UI_WINDOW_ALL_TIME;
  for (guint i = 0; i < rows->len; i++) {
    gust_ui_stream *r = g_ptr_array_index(rows, i);
    out[i] = *r; /* takes the strings */
    g_free(r);
    task->emitted += out[i].emitted[all];
    task->transferred += out[i].transferred[all];
    task->acked += out[i].acked[all];
    task->failed += out[i].failed[all];
    task->executed += out[i].executed[all];
    double ms = out[i].is_input ? out[i].execute_ms[all] : out[i].complete_ms[all];
    uint64_t n = out[i].is_input ? out[i].executed[all] : out[i].acked[all];
    task->latency_ns += (uint64_t)(ms * 1e6 * (double)n);
    task->latency_count += n;
  }
  task->records_in = task->executed;
  task->records_out = task->emitted;
  g_ptr_array_unref(rows);
}

static gust_ui_component *find_component(gust_ui_topology *t, const char *id)
{
  for (int i = 0; i < t->n_components; i++)
    if (strcmp(t->components[i].id, id) == 0) return &t->components[i];
  return NULL;
}

static gboolean is_spout_executor(const GustStormExecutorSummary *ex)
{
  return ex->__isset_stats && ex->stats && ex->stats->specific &&
         ex->stats->specific->__isset_spout;
}

/* The components of info, in the order their executors come, each with
 * one task per executor, and their last errors. */
static void fill_components(gust_ui_topology *t, const GustStormTopologyInfo *info)
{
  GPtrArray *ids = g_ptr_array_new();
  for (guint i = 0; i < info->executors->len; i++) {
    const GustStormExecutorSummary *ex = g_ptr_array_index(info->executors, i);
    gboolean seen = FALSE;
    for (guint k = 0; k < ids->len && !seen; k++)
      seen = strcmp(g_ptr_array_index(ids, k), ex->component_id) == 0;
    if (!seen) g_ptr_array_add(ids, ex->component_id);
  }
  gust_ui_topology_alloc_components(t, (int)ids->len);
  for (guint k = 0; k < ids->len; k++) {
    gust_ui_component *c = &t->components[k];
    c->id = g_strdup(g_ptr_array_index(ids, k));
    c->is_system = c->id[0] == '_' && c->id[1] == '_';
    c->tasks = g_new0(gust_ui_task, info->executors->len);
  }
  g_ptr_array_unref(ids);
  for (guint i = 0; i < info->executors->len; i++) {
    const GustStormExecutorSummary *ex = g_ptr_array_index(info->executors, i);
    gust_ui_component *c = find_component(t, ex->component_id);
    c->is_spout |= is_spout_executor(ex);
    fill_task(&c->tasks[c->n_tasks++], ex);
    c->executors = c->n_tasks;
  }
  GHashTableIter it;
  gpointer key, value;
  if (!info->errors) return;
  g_hash_table_iter_init(&it, info->errors);
  while (g_hash_table_iter_next(&it, &key, &value)) {
    gust_ui_component *c = find_component(t, key);
    GPtrArray *errors = value;
    for (guint k = 0; c && errors && k < errors->len; k++) {
      const GustStormErrorInfo *in = g_ptr_array_index(errors, k);
      gust_ui_error_info *e = g_new0(gust_ui_error_info, 1);
      e->message = g_strdup(in->error);
      e->time_secs = in->error_time_secs;
      e->host = g_strdup(in->__isset_host ? in->host : "");
      e->port = in->__isset_port ? in->port : 0;
      g_ptr_array_add(c->errors, e);
    }
  }
}

/* ---- the calls (the generated client fills struct replies into objects
 * the caller makes) ---- */

static gust_nimbus_client *client_of(nimbus_source *src, GError **error)
{
  if (!src->client) src->client = gust_nimbus_client_connect(src->conf, error);
  return src->client;
}

/* After a failed call: a transport failure drops the connection. */
static void after_failure(nimbus_source *src, const GError *error)
{
  if (g_error_matches(error, GUST_NIMBUS_CLIENT_ERROR, GUST_NIMBUS_CLIENT_ERROR_TRANSPORT)) {
    gust_nimbus_client_free(src->client);
    src->client = NULL;
  }
}

static gboolean fill_topology(nimbus_source *src, gust_ui_topology *t,
                              const GustStormTopologySummary *sum, GError **error)
{
  GustStormNimbusIf *nimbus = gust_nimbus_client_nimbus(src->client);
  t->id = g_strdup(sum->id);
  t->name = g_strdup(sum->name);
  t->status = g_strdup(sum->status);
  t->uptime_secs = sum->uptime_secs;
  GustStormTopologyInfo *info = g_object_new(GUST_STORM_TYPE_TOPOLOGY_INFO, NULL);
  GustStormNotAliveException *e = NULL;
  GustStormAuthorizationException *aze = NULL;
  GError *call_error = NULL;
  gboolean ok =
      gust_storm_nimbus_if_get_topology_info(nimbus, &info, sum->id, &e, &aze, &call_error);
  if (!gust_nimbus_client_outcome(src->client, ok, call_error, error, 2, e, aze)) {
    g_object_unref(info);
    return FALSE;
  }
  fill_components(t, info);
  g_object_unref(info);
  char *conf_text = NULL;
  e = NULL, aze = NULL;
  ok = gust_storm_nimbus_if_get_topology_conf(nimbus, &conf_text, sum->id, &e, &aze, &call_error);
  if (!gust_nimbus_client_outcome(src->client, ok, call_error, error, 2, e, aze)) {
    g_free(conf_text);
    return FALSE;
  }
  t->conf = conf_text ? json_loads(conf_text, 0, NULL) : NULL;
  if (!json_is_object(t->conf)) {
    json_decref(t->conf);
    t->conf = json_object();
  }
  g_free(conf_text);
  return TRUE;
}

/* Nimbus's lists of supervisors and Nimbuses, and the task and executor
 * counts of every topology, as the cluster-wide replies show them. */
static gust_ui_cluster *cluster_of(const GustStormClusterSummary *summary)
{
  gust_ui_cluster *c = gust_ui_cluster_new();
  for (guint i = 0; i < summary->supervisors->len; i++) {
    const GustStormSupervisorSummary *in = g_ptr_array_index(summary->supervisors, i);
    gust_ui_supervisor *sup = g_new0(gust_ui_supervisor, 1);
    sup->id = g_strdup(in->supervisor_id);
    sup->host = g_strdup(in->host);
    sup->version = g_strdup(in->__isset_version ? in->version : "VERSION_NOT_PROVIDED");
    sup->uptime_secs = in->uptime_secs;
    sup->slots_total = in->num_workers;
    sup->slots_used = in->num_used_workers;
    sup->blacklisted = in->__isset_blacklisted && in->blacklisted;
    sup->used_mem = in->__isset_used_mem ? in->used_mem : 0.0;
    sup->used_cpu = in->__isset_used_cpu ? in->used_cpu : 0.0;
    g_ptr_array_add(c->supervisors, sup);
  }
  for (guint i = 0; i < summary->nimbuses->len; i++) {
    const GustStormNimbusSummary *in = g_ptr_array_index(summary->nimbuses, i);
    gust_ui_nimbus *n = g_new0(gust_ui_nimbus, 1);
    n->host = g_strdup(in->host);
    n->port = in->port;
    n->leader = in->isLeader;
    n->version = g_strdup(in->version);
    n->uptime_secs = in->uptime_secs;
    g_ptr_array_add(c->nimbuses, n);
  }
  for (guint i = 0; i < summary->topologies->len; i++) {
    const GustStormTopologySummary *t = g_ptr_array_index(summary->topologies, i);
    c->tasks_total += t->num_tasks;
    c->executors_total += t->num_executors;
  }
  return c;
}

static gboolean fill_snapshot(nimbus_source *src, gust_ui_snapshot **out, GError **error)
{
  if (!client_of(src, error)) return FALSE;
  GustStormClusterSummary *cluster = g_object_new(GUST_STORM_TYPE_CLUSTER_SUMMARY, NULL);
  GustStormAuthorizationException *aze = NULL;
  GError *call_error = NULL;
  gboolean ok = gust_storm_nimbus_if_get_cluster_info(gust_nimbus_client_nimbus(src->client),
                                                      &cluster, &aze, &call_error);
  if (!gust_nimbus_client_outcome(src->client, ok, call_error, error, 1, aze)) {
    g_object_unref(cluster);
    return FALSE;
  }
  gust_ui_snapshot *s = gust_ui_snapshot_new((int)cluster->topologies->len);
  for (guint i = 0; i < cluster->nimbuses->len; i++) {
    const GustStormNimbusSummary *n = g_ptr_array_index(cluster->nimbuses, i);
    if (!n->isLeader && i + 1 < cluster->nimbuses->len) continue;
    s->host = g_strdup(n->host);
    s->nimbus_port = n->port;
    s->uptime_secs = n->uptime_secs;
    break;
  }
  s->cluster = cluster_of(cluster);
  g_hash_table_remove_all(src->names);
  gboolean all = TRUE;
  for (guint i = 0; i < cluster->topologies->len && all; i++) {
    const GustStormTopologySummary *sum = g_ptr_array_index(cluster->topologies, i);
    g_hash_table_insert(src->names, g_strdup(sum->id), g_strdup(sum->name));
    all = fill_topology(src, &s->topologies[i], sum, error);
  }
  g_object_unref(cluster);
  if (!all) {
    gust_ui_snapshot_unref(s);
    return FALSE;
  }
  *out = s;
  return TRUE;
}

static gust_ui_snapshot *nimbus_snapshot(void *data)
{
  nimbus_source *src = data;
  gust_ui_snapshot *s = NULL;
  GError *error = NULL;
  if (!fill_snapshot(src, &s, &error)) {
    after_failure(src, error);
    s = gust_ui_snapshot_new(0);
    s->source_error = g_strdup_printf("cannot read the cluster from Nimbus: %s", error->message);
    g_error_free(error);
  }
  if (!s->host) s->host = g_strdup(g_get_host_name());
  gust_ui_snapshot_fill_process(s);
  return s;
}

/* RebalanceOptions from the wait and Storm UI's rebalanceOptions
 * ({"numWorkers": N, "executors": {"component": N}}, each optional). */
static GustStormRebalanceOptions *rebalance_options(int wait_secs, const json_t *body,
                                                    GError **error)
{
  GustStormRebalanceOptions *o = g_object_new(GUST_STORM_TYPE_REBALANCE_OPTIONS, NULL);
  o->wait_secs = wait_secs;
  o->__isset_wait_secs = TRUE;
  const json_t *workers = json_object_get(body, "numWorkers");
  const json_t *executors = json_object_get(body, "executors");
  if (workers) {
    if (!json_is_integer(workers) || json_integer_value(workers) < 1 ||
        json_integer_value(workers) > G_MAXINT32) {
      g_set_error(error, GUST_UI_ERROR, GUST_UI_ERROR_BAD_REQUEST,
                  "rebalanceOptions.numWorkers must be a whole number from 1");
      g_object_unref(o);
      return NULL;
    }
    o->num_workers = (gint32)json_integer_value(workers);
    o->__isset_num_workers = TRUE;
  }
  if (executors && !json_is_object(executors)) {
    g_set_error(error, GUST_UI_ERROR, GUST_UI_ERROR_BAD_REQUEST,
                "rebalanceOptions.executors must be an object of component: count");
    g_object_unref(o);
    return NULL;
  }
  const char *component;
  const json_t *count;
  json_object_foreach((json_t *)executors, component, count)
  {
    if (!json_is_integer(count) || json_integer_value(count) < 1 ||
        json_integer_value(count) > G_MAXINT32) {
      g_set_error(error, GUST_UI_ERROR, GUST_UI_ERROR_BAD_REQUEST,
                  "rebalanceOptions.executors.%s must be a whole number from 1", component);
      g_object_unref(o);
      return NULL;
    }
    gint32 *value = g_new(gint32, 1);
    *value = (gint32)json_integer_value(count);
    g_hash_table_insert(o->num_executors, g_strdup(component), value);
    o->__isset_num_executors = TRUE;
  }
  return o;
}

static gboolean nimbus_act(void *data, const char *topology_id, gust_ui_action action,
                           int wait_secs, const json_t *rebalance_body, GError **error)
{
  nimbus_source *src = data;
  const char *name = g_hash_table_lookup(src->names, topology_id);
  if (!name) {
    g_set_error(error, GUST_UI_ERROR, GUST_UI_ERROR_NOT_ALIVE, "%s", topology_id);
    return FALSE;
  }
  GError *nimbus_error = NULL;
  if (!client_of(src, &nimbus_error)) {
    g_set_error(error, GUST_UI_ERROR, GUST_UI_ERROR_UNAVAILABLE, "%s", nimbus_error->message);
    g_error_free(nimbus_error);
    return FALSE;
  }
  GustStormNimbusIf *nimbus = gust_nimbus_client_nimbus(src->client);
  GustStormNotAliveException *e = NULL;
  GustStormInvalidTopologyException *ite = NULL;
  GustStormAuthorizationException *aze = NULL;
  GError *call_error = NULL;
  gboolean ok = FALSE, judged = FALSE;
  switch (action) {
  case GUST_UI_ACTIVATE:
    ok = gust_storm_nimbus_if_activate(nimbus, name, &e, &aze, &call_error);
    break;
  case GUST_UI_DEACTIVATE:
    ok = gust_storm_nimbus_if_deactivate(nimbus, name, &e, &aze, &call_error);
    break;
  case GUST_UI_REBALANCE: {
    GustStormRebalanceOptions *o = rebalance_options(wait_secs, rebalance_body, error);
    if (!o) return FALSE;
    ok = gust_storm_nimbus_if_rebalance(nimbus, name, o, &e, &ite, &aze, &call_error);
    g_object_unref(o);
    judged = TRUE;
    ok = gust_nimbus_client_outcome(src->client, ok, call_error, &nimbus_error, 3, e, ite, aze);
    break;
  }
  case GUST_UI_KILL: {
    GustStormKillOptions *o = g_object_new(GUST_STORM_TYPE_KILL_OPTIONS, NULL);
    o->wait_secs = wait_secs;
    o->__isset_wait_secs = TRUE;
    ok = gust_storm_nimbus_if_kill_topology_with_opts(nimbus, name, o, &e, &aze, &call_error);
    g_object_unref(o);
    break;
  }
  }
  if (!judged)
    ok = gust_nimbus_client_outcome(src->client, ok, call_error, &nimbus_error, 2, e, aze);
  if (ok) return TRUE;
  after_failure(src, nimbus_error);
  g_set_error(
      error, GUST_UI_ERROR,
      g_error_matches(nimbus_error, GUST_NIMBUS_CLIENT_ERROR, GUST_NIMBUS_CLIENT_ERROR_DECLARED)
          ? GUST_UI_ERROR_NOT_ALIVE
          : GUST_UI_ERROR_UNAVAILABLE,
      "%s", nimbus_error->message);
  g_error_free(nimbus_error);
  return FALSE;
}

static json_t *nimbus_cluster_conf(void *data)
{
  nimbus_source *src = data;
  return json_deep_copy(src->conf);
}

static void nimbus_destroy(void *data)
{
  nimbus_source *src = data;
  gust_nimbus_client_free(src->client);
  g_hash_table_unref(src->names);
  json_decref(src->conf);
  g_free(src);
}

static const gust_ui_source_funcs nimbus_funcs = {
    .snapshot = nimbus_snapshot,
    .act = nimbus_act,
    .cluster_conf = nimbus_cluster_conf,
    .destroy = nimbus_destroy,
};

const gust_ui_source_funcs *gust_ui_nimbus_source(const json_t *conf, void **data)
{
  nimbus_source *src = g_new0(nimbus_source, 1);
  src->conf = json_deep_copy(conf);
  src->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  *data = src;
  return &nimbus_funcs;
}
