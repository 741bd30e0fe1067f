/* stats_pages.c — the page infos Storm UI is built from:
 * TopologyPageInfo (one window: per-component aggregates, the topology's
 * totals in every window, its workers), ComponentPageInfo (one component:
 * every window, per input and output stream and per executor in the
 * window asked, its last errors) and SupervisorPageInfo (a supervisor and
 * the workers on it).  System components and streams (names starting
 * "__") count only with is_include_sys, as in Storm.  Required fields are
 * always written, and the optional ones Storm 2.6 sends.  Pure: borrowed
 * JSON in, new objects out.
 */
#include "stats_view.h"

#include <string.h>

static void put_double(GHashTable *map, const char *key, double v)
{
  gdouble *d = g_new(gdouble, 1);
  *d = v;
  g_hash_table_insert(map, g_strdup(key), d);
}

static void put_i64(GHashTable *map, const char *key, int64_t v)
{
  gint64 *n = g_new(gint64, 1);
  *n = v;
  g_hash_table_insert(map, g_strdup(key), n);
}

static double mean(double total, int64_t weight)
{
  return weight ? total / (double)weight : 0;
}

/* Storm's resources of a component: its defaults
 * (topology.component.resources.onheap.memory.mb 128,
 * .offheap.memory.mb 0, topology.component.cpu.pcore.percent 10). */
static void component_resources(GHashTable *map)
{
  put_double(map, "onheap.memory.mb", 128.0);
  put_double(map, "offheap.memory.mb", 0.0);
  put_double(map, "cpu.pcore.percent", 10.0);
}

GustStormComponentAggregateStats *gust_stats_aggregate(const gust_stats_sums *s, gboolean spout,
                                                       gboolean with_resources)
{
  GustStormComponentAggregateStats *a =
      g_object_new(GUST_STORM_TYPE_COMPONENT_AGGREGATE_STATS, NULL);
  a->type = spout ? GUST_STORM_COMPONENT_TYPE_SPOUT : GUST_STORM_COMPONENT_TYPE_BOLT;
  a->__isset_type = TRUE;
  GustStormCommonAggregateStats *c = g_object_new(GUST_STORM_TYPE_COMMON_AGGREGATE_STATS, NULL);
  c->num_executors = s->executors, c->__isset_num_executors = TRUE;
  c->num_tasks = s->tasks, c->__isset_num_tasks = TRUE;
  c->emitted = s->emitted, c->__isset_emitted = TRUE;
  c->transferred = s->transferred, c->__isset_transferred = TRUE;
  c->acked = s->acked, c->__isset_acked = TRUE;
  c->failed = s->failed, c->__isset_failed = TRUE;
  if (with_resources) {
    component_resources(c->resources_map);
    c->__isset_resources_map = TRUE;
  }
  if (a->common_stats) g_object_unref(a->common_stats);
  a->common_stats = c;
  a->__isset_common_stats = TRUE;
  GustStormSpecificAggregateStats *sp =
      g_object_new(GUST_STORM_TYPE_SPECIFIC_AGGREGATE_STATS, NULL);
  if (spout) {
    GustStormSpoutAggregateStats *x = sp->spout; /* made by the struct's instance init */
    x->complete_latency_ms = mean(s->complete_total, s->complete_weight);
    x->__isset_complete_latency_ms = TRUE;
    sp->__isset_spout = TRUE;
  } else {
    GustStormBoltAggregateStats *x = sp->bolt; /* made by the struct's instance init */
    x->execute_latency_ms = mean(s->execute_total, s->execute_weight);
    x->__isset_execute_latency_ms = TRUE;
    x->process_latency_ms = mean(s->process_total, s->process_weight);
    x->__isset_process_latency_ms = TRUE;
    x->executed = s->executed, x->__isset_executed = TRUE;
    x->capacity = s->capacity, x->__isset_capacity = TRUE;
    sp->__isset_bolt = TRUE;
  }
  if (a->specific_stats) g_object_unref(a->specific_stats);
  a->specific_stats = sp;
  a->__isset_specific_stats = TRUE;
  return a;
}

static gboolean is_spout(json_t *x)
{
  return !g_strcmp0(gust_stats_string(x, "type", ""), "spout");
}

/* ---- TopologyPageInfo ---- */

typedef struct {
  const gust_stats_topology *t;
  const char *window;
  gboolean include_sys;
  GHashTable *sums;   /* component -> gust_stats_sums* */
  GHashTable *spouts; /* component -> itself, for spouts */
  gust_stats_sums totals[4];
} page_walk;

static void sum_component(json_t *x, json_t *beat, gpointer data)
{
  page_walk *w = data;
  const char *comp = gust_stats_string(x, "component", "");
  if (!w->include_sys && gust_stats_is_system(comp)) return;
  gust_stats_sums *s = g_hash_table_lookup(w->sums, comp);
  if (!s) g_hash_table_insert(w->sums, (gpointer)comp, s = g_new0(gust_stats_sums, 1));
  gust_stats_filter f = {.window = w->window, .include_sys = w->include_sys};
  gust_stats_sums_add(s, x, &f);
  if (is_spout(x)) g_hash_table_add(w->spouts, (gpointer)comp);
  for (int k = 0; k < 4; k++) { /* the topology's totals: acks and latency of spouts alone */
    gust_stats_filter all = {
        .window = gust_stats_windows[k], .include_sys = w->include_sys, .outputs_only = TRUE};
    gust_stats_sums one = {0};
    gust_stats_sums_add(&one, x, &all);
    w->totals[k].emitted += one.emitted;
    w->totals[k].transferred += one.transferred;
    if (!is_spout(x)) continue;
    w->totals[k].acked += one.acked;
    w->totals[k].failed += one.failed;
    w->totals[k].complete_total += one.complete_total;
    w->totals[k].complete_weight += one.complete_weight;
  }
}

GustStormErrorInfo *gust_stats_last_error(const gust_stats_topology *t, const char *comp)
{
  GPtrArray *errors = gust_stats_component_errors(t, comp);
  GustStormErrorInfo *e =
      errors->len ? g_object_ref(g_ptr_array_index(errors, errors->len - 1)) : NULL;
  g_ptr_array_unref(errors);
  return e;
}

static void set_last_error(GustStormComponentAggregateStats *a, const gust_stats_topology *t,
                           const char *comp)
{
  GustStormErrorInfo *e = gust_stats_last_error(t, comp);
  if (!e) return;
  if (a->last_error) g_object_unref(a->last_error);
  a->last_error = e;
  a->__isset_last_error = TRUE;
}

static void topology_stats(GustStormTopologyStats *ts, const gust_stats_sums *totals)
{
  for (int k = 0; k < 4; k++) {
    const char *w = gust_stats_windows[k];
    put_i64(ts->window_to_emitted, w, totals[k].emitted);
    put_i64(ts->window_to_transferred, w, totals[k].transferred);
    put_double(ts->window_to_complete_latencies_ms, w,
               mean(totals[k].complete_total, totals[k].complete_weight));
    put_i64(ts->window_to_acked, w, totals[k].acked);
    put_i64(ts->window_to_failed, w, totals[k].failed);
  }
  ts->__isset_window_to_emitted = ts->__isset_window_to_transferred = TRUE;
  ts->__isset_window_to_complete_latencies_ms = ts->__isset_window_to_acked = TRUE;
  ts->__isset_window_to_failed = TRUE;
}

GustStormTopologyPageInfo *gust_stats_topology_page(const gust_stats_topology *t,
                                                    const char *window, gboolean include_sys)
{
  GustStormTopologyPageInfo *p = g_object_new(GUST_STORM_TYPE_TOPOLOGY_PAGE_INFO, NULL);
  p->id = g_strdup(t->id);
  p->name = g_strdup(gust_stats_topology_name(t)), p->__isset_name = TRUE;
  p->uptime_secs = gust_stats_topology_uptime(t), p->__isset_uptime_secs = TRUE;
  p->status = g_strdup(gust_stats_string(t->storm, "status", "ACTIVE")), p->__isset_status = TRUE;
  page_walk w = {.t = t,
                 .window = window,
                 .include_sys = include_sys,
                 .sums = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free),
                 .spouts = g_hash_table_new(g_str_hash, g_str_equal)};
  gust_stats_foreach_executor(t, sum_component, &w);
  int executors = 0, tasks = 0;
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, w.sums);
  while (g_hash_table_iter_next(&it, &key, &value)) {
    const gust_stats_sums *s = value;
    gboolean spout = g_hash_table_contains(w.spouts, key);
    GustStormComponentAggregateStats *a = gust_stats_aggregate(s, spout, TRUE);
    set_last_error(a, t, key);
    g_hash_table_insert(spout ? p->id_to_spout_agg_stats : p->id_to_bolt_agg_stats, g_strdup(key),
                        a);
    executors += s->executors;
    tasks += s->tasks;
  }
  const char *comp;
  json_t *type;
  json_object_foreach(t->components, comp, type)
  { /* submitted, not reported by any heartbeat yet: zeros */
    if (g_hash_table_contains(w.sums, comp) || (!include_sys && gust_stats_is_system(comp)))
      continue;
    gboolean spout = !g_strcmp0(json_string_value(type), "spout");
    gust_stats_sums none = gust_stats_unreported(t, comp);
    g_hash_table_insert(spout ? p->id_to_spout_agg_stats : p->id_to_bolt_agg_stats, g_strdup(comp),
                        gust_stats_aggregate(&none, spout, TRUE));
    executors += none.executors;
    tasks += none.tasks;
  }
  p->__isset_id_to_spout_agg_stats = p->__isset_id_to_bolt_agg_stats = TRUE;
  p->num_tasks = tasks, p->__isset_num_tasks = TRUE;
  p->num_executors = executors, p->__isset_num_executors = TRUE;
  p->num_workers = (gint32)json_array_size(t->beats), p->__isset_num_workers = TRUE;
  char *conf = t->conf ? json_dumps(t->conf, JSON_COMPACT) : NULL;
  p->topology_conf = g_strdup(conf ? conf : "{}"), p->__isset_topology_conf = TRUE;
  free(conf);
  topology_stats(p->topology_stats, w.totals);
  p->__isset_topology_stats = TRUE;
  p->owner = g_strdup(gust_stats_string(t->storm, "owner", "")), p->__isset_owner = TRUE;
  p->replication_count = 1, p->__isset_replication_count = TRUE;
  size_t i;
  json_t *beat;
  json_array_foreach(t->beats, i, beat)
      g_ptr_array_add(p->workers, gust_stats_worker_summary(t, beat));
  p->__isset_workers = TRUE;
  p->storm_version = g_strdup(GUST_STATS_STORM_VERSION), p->__isset_storm_version = TRUE;
  g_hash_table_destroy(w.sums);
  g_hash_table_destroy(w.spouts);
  return p;
}

/* ---- workers and supervisors ---- */

static void count_tasks(GHashTable *by_comp, json_t *beat, int *executors)
{
  size_t k;
  json_t *x;
  json_array_foreach(json_object_get(json_object_get(beat, "stats"), "executors"), k, x)
  {
    const char *comp = gust_stats_string(x, "component", NULL);
    if (!comp) continue;
    gint64 *n = g_hash_table_lookup(by_comp, comp);
    if (!n) {
      put_i64(by_comp, comp, 0);
      n = g_hash_table_lookup(by_comp, comp);
    }
    *n += MAX(gust_stats_int(x, "task_end") - gust_stats_int(x, "task_start") + 1, 1);
    (*executors)++;
  }
}

GustStormWorkerSummary *gust_stats_worker_summary(const gust_stats_topology *t, json_t *beat)
{
  GustStormWorkerSummary *w = g_object_new(GUST_STORM_TYPE_WORKER_SUMMARY, NULL);
  w->supervisor_id = g_strdup(gust_stats_string(beat, "supervisor_id", "")),
  w->__isset_supervisor_id = TRUE;
  w->host = g_strdup(gust_stats_string(beat, "host", "")), w->__isset_host = TRUE;
  w->port = (gint32)gust_stats_int(beat, "port"), w->__isset_port = TRUE;
  w->topology_id = g_strdup(t->id), w->__isset_topology_id = TRUE;
  w->topology_name = g_strdup(gust_stats_topology_name(t)), w->__isset_topology_name = TRUE;
  int executors = 0;
  count_tasks(w->component_to_num_tasks, beat, &executors);
  w->num_executors = executors, w->__isset_num_executors = TRUE;
  w->__isset_component_to_num_tasks = TRUE;
  w->uptime_secs = (gint32)gust_stats_int(beat, "uptime_secs"), w->__isset_uptime_secs = TRUE;
  /* gust does not schedule by resources: what Storm assigns by default */
  w->assigned_memonheap = 128.0 * executors, w->__isset_assigned_memonheap = TRUE;
  w->assigned_memoffheap = 0, w->__isset_assigned_memoffheap = TRUE;
  w->assigned_cpu = 10.0 * executors, w->__isset_assigned_cpu = TRUE;
  w->owner = g_strdup(gust_stats_string(t->storm, "owner", "")), w->__isset_owner = TRUE;
  return w;
}

GustStormSupervisorSummary *gust_stats_supervisor_summary(json_t *sup, int64_t now_secs)
{
  GustStormSupervisorSummary *s = g_object_new(GUST_STORM_TYPE_SUPERVISOR_SUMMARY, NULL);
  s->host = g_strdup(gust_stats_string(sup, "host", ""));
  int64_t started = gust_stats_int(sup, "start_time_secs");
  s->uptime_secs = started > 0 && now_secs > started ? (gint32)(now_secs - started) : 0;
  size_t slots = json_array_size(json_object_get(sup, "ports"));
  s->num_workers = (gint32)slots;
  s->num_used_workers = (gint32)json_array_size(json_object_get(sup, "workers"));
  s->supervisor_id = g_strdup(gust_stats_string(sup, "id", ""));
  g_free(s->version);
  s->version = g_strdup(GUST_STATS_STORM_VERSION), s->__isset_version = TRUE;
  /* what Storm's supervisor offers by default: 100 % CPU and 4096 MB per slot */
  put_double(s->total_resources, "cpu.pcore.percent", 400.0);
  put_double(s->total_resources, "memory.mb", 4096.0);
  s->__isset_total_resources = TRUE;
  s->blacklisted = FALSE, s->__isset_blacklisted = TRUE;
  return s;
}

GustStormSupervisorPageInfo *gust_stats_supervisor_page(json_t *supervisors,
                                                        const gust_stats_topology *topologies,
                                                        guint n_topologies, const char *id,
                                                        const char *host, int64_t now_secs)
{
  GustStormSupervisorPageInfo *p = g_object_new(GUST_STORM_TYPE_SUPERVISOR_PAGE_INFO, NULL);
  size_t i;
  json_t *sup;
  json_array_foreach(supervisors, i, sup)
  {
    const char *sid = gust_stats_string(sup, "id", "");
    if (id ? strcmp(id, sid) : g_strcmp0(host, gust_stats_string(sup, "host", NULL))) continue;
    g_ptr_array_add(p->supervisor_summaries, gust_stats_supervisor_summary(sup, now_secs));
    for (guint k = 0; k < n_topologies; k++) {
      size_t b;
      json_t *beat;
      json_array_foreach(topologies[k].beats, b, beat)
      {
        if (!g_strcmp0(gust_stats_string(beat, "supervisor_id", ""), sid))
          g_ptr_array_add(p->worker_summaries, gust_stats_worker_summary(&topologies[k], beat));
      }
    }
  }
  p->__isset_supervisor_summaries = p->__isset_worker_summaries = TRUE;
  return p;
}
