/* ui_local_source.c — the UI's data source for a topology running in
 * this process: one topology, one worker (this host, port 0), one
 * executor per task.
 *
 * snapshot() runs on the UI server's thread: the runtime's task metrics
 * (atomic counters and a short copy under the runtime's lock), its
 * checkpoint counters and restart count, and the process's CPU and RSS.
 * The topology id is Storm's shape, name-1-<start time in seconds>.
 * Per stream and window figures and the last errors come from the
 * runtime's statistics (gust_runtime_stats_take), the latency histograms
 * from its task metrics, what components reported about themselves from
 * gust_runtime_component_metrics; the Kafka spouts' lag
 * from the brokers, read by a thread of the source (lag_reader).
 * act(): activate/deactivate switch the spouts through the runtime; kill
 * calls the program back (it stops the run, as Storm's kill does after
 * the wait time); rebalance is refused: a local run has one worker and
 * its task counts are fixed.
 */
#include <gust/ui_local.h>

#include <gust/conf.h>
#include <gust/kafka.h>
#include <pthread.h>
#include <time.h>

/* The Kafka spouts' lag, read by a thread of its own every
 * ui.gust.sample.ms (a read blocks on the brokers); snapshots copy the
 * latest under the lock. */
typedef struct {
  GThread *thread;
  pthread_mutex_t lock; /* pthread's, which TSan sees */
  pthread_cond_t wake;
  gboolean stop;
  int period_ms;
  GPtrArray *spouts; /* const gust_component* (the topology's) */
  GPtrArray *lags;   /* per spout: GPtrArray of gust_kafka_partition_lag, or NULL */
  GPtrArray *errors; /* per spout: char*, or NULL */
  char *topology_name;
} lag_reader;

enum { LAG_TIMEOUT_MS = 2000 };

typedef struct {
  gust_runtime *rt;
  gust_topology *topology;
  gust_ui_kill_func on_kill;
  void *kill_data;
  char *id;
  int64_t start_us; /* monotonic */
  gboolean killed;
  lag_reader lag;
} local_source;

static const char *const KAFKA_SPOUT_CLASS = "org.apache.storm.kafka.spout.KafkaSpout";

static void fill_inputs(gust_ui_component *uc, const gust_component *mc)
{
  for (guint i = 0; mc && i < gust_component_n_inputs(mc); i++) {
    const gust_input *in = gust_component_input(mc, i);
    gust_ui_input *ui = g_new0(gust_ui_input, 1);
    ui->component = g_strdup(gust_input_source(in));
    ui->stream = g_strdup(gust_input_stream(in));
    ui->grouping =
        g_strdup(gust_grouping_kind_name(gust_grouping_get_kind(gust_input_grouping(in))));
    g_ptr_array_add(uc->inputs, ui);
  }
  for (guint i = 0; mc && i < gust_component_n_streams(mc); i++)
    g_ptr_array_add(uc->streams, g_strdup(gust_stream_id(gust_component_stream(mc, i))));
}

static gboolean is_kafka_spout(const gust_component *mc)
{
  const gust_impl *impl = mc ? gust_component_impl(mc) : NULL;
  return impl && impl->kind == GUST_IMPL_BUILTIN &&
         g_strcmp0(impl->builtin.class_name, KAFKA_SPOUT_CLASS) == 0;
}

static gust_ui_component *find_component(gust_ui_topology *t, const char *id)
{
  for (int i = 0; i < t->n_components; i++)
    if (strcmp(t->components[i].id, id) == 0) return &t->components[i];
  return NULL;
}

static gust_ui_task *find_task(gust_ui_component *c, int task_id)
{
  for (int i = 0; c && i < c->n_tasks; i++)
    if (c->tasks[i].task_id == task_id) return &c->tasks[i];
  return NULL;
}

/* The runtime's statistics: per executor and stream, Storm's windows (in
 * the same order as gust_ui_window), and each component's last errors. */
static void fill_statistics(gust_ui_topology *t, const gust_runtime_stats *st)
{
  G_STATIC_ASSERT((int)GUST_N_WINDOWS == (int)GUST_UI_N_WINDOWS);
  for (guint e = 0; e < st->n_executors; e++) {
    const gust_executor_stats *ex = &st->executors[e];
    gust_ui_task *task = find_task(find_component(t, ex->component), ex->task);
    if (!task) continue;
    task->uptime_secs = ex->uptime_secs;
    gust_ui_stream *rows = gust_ui_task_alloc_streams(task, (int)ex->n_streams);
    for (guint k = 0; k < ex->n_streams; k++) {
      const gust_stream_stats *in = &ex->streams[k];
      gust_ui_stream *out = &rows[k];
      out->is_input = in->is_input;
      out->component = g_strdup(in->component);
      out->stream = g_strdup(in->stream);
      for (int w = 0; w < GUST_UI_N_WINDOWS; w++) {
        out->emitted[w] = in->emitted[w];
        out->transferred[w] = in->transferred[w];
        out->acked[w] = in->acked[w];
        out->failed[w] = in->failed[w];
        out->executed[w] = in->executed[w];
        out->complete_ms[w] = in->complete_ms_avg[w];
        out->process_ms[w] = in->process_ms_avg[w];
        out->execute_ms[w] = in->execute_ms_avg[w];
      }
    }
  }
  for (guint i = 0; i < st->n_components; i++) {
    const gust_component_errors *ce = &st->components[i];
    gust_ui_component *c = find_component(t, ce->component);
    for (guint k = 0; c && k < ce->n_errors; k++) {
      gust_ui_error_info *e = g_new0(gust_ui_error_info, 1);
      e->message = g_strdup(ce->errors[k].message);
      e->time_secs = ce->errors[k].time_secs;
      e->task_id = ce->errors[k].task;
      e->host = g_strdup(ce->errors[k].host);
      e->port = ce->errors[k].port;
      g_ptr_array_add(c->errors, e);
    }
  }
}

static void copy_task(gust_ui_task *t, const gust_task_metrics *m, int64_t uptime_secs)
{
  *t = (gust_ui_task){
      .task_id = m->task_id,
      .uptime_secs = uptime_secs,
      .emitted = m->emitted,
      .transferred = m->emitted, /* one worker: everything emitted is transferred */
      .acked = m->acked,
      .failed = m->failed,
      .executed = m->executed,
      .latency_ns = m->latency_ns,
      .latency_count = m->latency_count,
      .records_in = m->engine.records_in,
      .records_out = m->engine.records_out,
      .busy_ns = m->engine.busy_ns,
      .backpressure_ns = m->engine.backpressure_ns,
      .alignment_ns = m->engine.alignment_ns,
      .queued_records = m->engine.queued_records,
      .queued_batches = m->engine.queued_batches,
      .queue_capacity = m->engine.queue_capacity,
      .has_latency_histograms = TRUE,
  };
  memcpy(t->latencies, m->latencies, sizeof t->latencies);
}

/* Components in task order: each one's tasks are consecutive. */
static void fill_components(local_source *src, gust_ui_topology *t, int64_t uptime_secs)
{
  gust_task_metrics *m = NULL;
  guint n = gust_runtime_task_metrics(src->rt, &m);
  int n_comps = 0;
  for (guint i = 0; i < n; i++)
    if (i == 0 || strcmp(m[i].component, m[i - 1].component) != 0) n_comps++;
  gust_ui_topology_alloc_components(t, n_comps);
  int c = -1;
  for (guint i = 0; i < n; i++) {
    if (i == 0 || strcmp(m[i].component, m[i - 1].component) != 0) {
      gust_ui_component *uc = &t->components[++c];
      const gust_component *mc = gust_topology_lookup(src->topology, m[i].component);
      uc->id = g_strdup(m[i].component);
      uc->is_spout = m[i].is_spout;
      uc->is_system = m[i].component[0] == '_' && m[i].component[1] == '_';
      uc->tasks = g_new0(gust_ui_task, n);
      fill_inputs(uc, mc);
      uc->kafka_spout = is_kafka_spout(mc);
    }
    gust_ui_component *uc = &t->components[c];
    copy_task(&uc->tasks[uc->n_tasks++], &m[i], uptime_secs);
    uc->executors = uc->n_tasks;
  }
  g_free(m);
}

static gpointer lag_thread(gpointer data)
{
  lag_reader *r = data;
  pthread_mutex_lock(&r->lock);
  while (!r->stop) {
    for (guint i = 0; i < r->spouts->len && !r->stop; i++) {
      const gust_component *c = g_ptr_array_index(r->spouts, i);
      pthread_mutex_unlock(&r->lock);
      GError *error = NULL;
      GPtrArray *lag = gust_kafka_spout_lag(gust_component_conf(c), r->topology_name,
                                            gust_component_id(c), LAG_TIMEOUT_MS, &error);
      pthread_mutex_lock(&r->lock);
      if (r->lags->pdata[i]) g_ptr_array_unref(r->lags->pdata[i]);
      g_free(r->errors->pdata[i]);
      r->lags->pdata[i] = lag;
      r->errors->pdata[i] = error ? g_strdup(error->message) : NULL;
      g_clear_error(&error);
    }
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += r->period_ms / 1000;
    until.tv_nsec += (long)(r->period_ms % 1000) * 1000000;
    if (until.tv_nsec >= 1000000000) until.tv_sec++, until.tv_nsec -= 1000000000;
    while (!r->stop && pthread_cond_timedwait(&r->wake, &r->lock, &until) == 0) {
    }
  }
  pthread_mutex_unlock(&r->lock);
  return NULL;
}

static void lag_start(lag_reader *r, gust_topology *topology, int period_ms)
{
  r->spouts = g_ptr_array_new();
  for (guint i = 0; i < gust_topology_n_components(topology); i++) {
    const gust_component *c = gust_topology_component(topology, i);
    if (is_kafka_spout(c)) g_ptr_array_add(r->spouts, (gpointer)c);
  }
  r->lags = g_ptr_array_new();
  r->errors = g_ptr_array_new();
  g_ptr_array_set_size(r->lags, r->spouts->len);
  g_ptr_array_set_size(r->errors, r->spouts->len);
  if (!r->spouts->len) return;
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_mutex_init(&r->lock, NULL);
  pthread_cond_init(&r->wake, &attr);
  pthread_condattr_destroy(&attr);
  r->period_ms = period_ms > 0 ? period_ms : 1000;
  r->topology_name = g_strdup(gust_topology_name(topology));
  r->thread = g_thread_new("gust-ui-lag", lag_thread, r);
}

static void lag_stop(lag_reader *r)
{
  if (r->thread) {
    pthread_mutex_lock(&r->lock);
    r->stop = TRUE;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
    g_thread_join(r->thread);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->wake);
  }
  for (guint i = 0; i < r->spouts->len; i++) {
    if (r->lags->pdata[i]) g_ptr_array_unref(r->lags->pdata[i]);
    g_free(r->errors->pdata[i]);
  }
  g_ptr_array_unref(r->spouts);
  g_ptr_array_unref(r->lags);
  g_ptr_array_unref(r->errors);
  g_free(r->topology_name);
}

/* The latest lag of every Kafka spout into the snapshot. */
static void fill_lag(lag_reader *r, gust_ui_topology *t)
{
  if (!r->thread) return;
  pthread_mutex_lock(&r->lock);
  for (guint i = 0; i < r->spouts->len; i++) {
    const char *id = gust_component_id(g_ptr_array_index(r->spouts, i));
    gust_ui_component *c = find_component(t, id);
    GPtrArray *lag = r->lags->pdata[i];
    if (c && r->errors->pdata[i]) c->lag_error = g_strdup(r->errors->pdata[i]);
    for (guint k = 0; lag && k < lag->len; k++) {
      const gust_kafka_partition_lag *in = g_ptr_array_index(lag, k);
      gust_ui_partition_lag *out = g_new0(gust_ui_partition_lag, 1);
      out->spout = g_strdup(id);
      out->topic = g_strdup(in->topic);
      out->partition = in->partition;
      out->committed = in->committed;
      out->head = in->head;
      g_ptr_array_add(t->lag, out);
    }
  }
  pthread_mutex_unlock(&r->lock);
}

/* What the components reported about themselves. */
static void fill_component_metrics(local_source *src, gust_ui_topology *t)
{
  g_autoptr(GPtrArray) metrics = gust_runtime_component_metrics(src->rt);
  for (guint i = 0; i < metrics->len; i++) {
    const gust_component_metric *in = g_ptr_array_index(metrics, i);
    gust_ui_component_metric *out = g_new(gust_ui_component_metric, 1);
    *out = (gust_ui_component_metric){.component = g_strdup(in->component),
                                      .task_id = in->task,
                                      .name = g_strdup(in->name),
                                      .key = g_strdup(in->key),
                                      .value = in->value};
    g_ptr_array_add(t->component_metrics, out);
  }
}

static gust_ui_snapshot *local_snapshot(void *data)
{
  local_source *src = data;
  gust_ui_snapshot *s = gust_ui_snapshot_new(1);
  gust_ui_snapshot_fill_process(s);
  int64_t uptime = (g_get_monotonic_time() - src->start_us) / G_USEC_PER_SEC;
  s->uptime_secs = uptime;
  gust_ui_topology *t = &s->topologies[0];
  t->id = g_strdup(src->id);
  t->name = g_strdup(gust_topology_name(src->topology));
  t->status = g_strdup(src->killed                       ? "KILLED"
                       : gust_runtime_is_active(src->rt) ? "ACTIVE"
                                                         : "INACTIVE");
  t->uptime_secs = uptime;
  t->conf = json_deep_copy(gust_runtime_conf(src->rt));
  t->restarts = gust_runtime_restarts(src->rt);
  fc_checkpoint_metrics cm;
  t->checkpoints = gust_runtime_checkpoint_metrics(src->rt, &cm, &t->checkpoint_last_failure);
  t->checkpoint_last_id = cm.last_completed_id;
  t->checkpoint_last_size = cm.last_size;
  t->checkpoint_last_duration_us = cm.last_duration_us;
  t->checkpoints_triggered = cm.n_triggered;
  t->checkpoints_completed = cm.n_completed;
  t->checkpoints_aborted = cm.n_aborted;
  fill_components(src, t, uptime);
  gust_runtime_stats *st = gust_runtime_stats_take(src->rt);
  fill_statistics(t, st);
  gust_runtime_stats_free(st);
  fill_lag(&src->lag, t);
  fill_component_metrics(src, t);
  return s;
}

static gboolean local_act(void *data, const char *topology_id, gust_ui_action action, int wait_secs,
                          const json_t *rebalance_options, GError **error)
{
  local_source *src = data;
  if (g_strcmp0(topology_id, src->id) != 0) {
    g_set_error(error, GUST_UI_ERROR, GUST_UI_ERROR_NOT_ALIVE, "%s", topology_id);
    return FALSE;
  }
  if (src->killed) {
    g_set_error(error, GUST_UI_ERROR, GUST_UI_ERROR_NOT_ALIVE, "topology %s is being killed",
                topology_id);
    return FALSE;
  }
  switch (action) {
  case GUST_UI_ACTIVATE:
  case GUST_UI_DEACTIVATE:
    gust_runtime_set_active(src->rt, action == GUST_UI_ACTIVATE);
    return TRUE;
  case GUST_UI_REBALANCE:
    g_set_error(error, GUST_UI_ERROR, GUST_UI_ERROR_UNSUPPORTED,
                "rebalance is not possible for a local run of %s: it has one worker and fixed "
                "task counts; change the parallelism in the Flux file and restart from a "
                "checkpoint (gust local --checkpoint-dir)",
                topology_id);
    return FALSE;
  case GUST_UI_KILL: /* as Storm: the spouts stop at once, the run after wait_secs */
    gust_runtime_set_active(src->rt, FALSE);
    src->killed = TRUE;
    src->on_kill(wait_secs, src->kill_data);
    return TRUE;
  }
  g_assert_not_reached();
}

static json_t *local_cluster_conf(void *data)
{
  local_source *src = data;
  json_t *conf = json_deep_copy(gust_runtime_conf(src->rt));
  return conf ? conf : json_object();
}

static void local_destroy(void *data)
{
  local_source *src = data;
  lag_stop(&src->lag);
  g_free(src->id);
  g_free(src);
}

static const gust_ui_source_funcs local_funcs = {
    .snapshot = local_snapshot,
    .act = local_act,
    .cluster_conf = local_cluster_conf,
    .destroy = local_destroy,
};

const gust_ui_source_funcs *gust_ui_local_source(gust_runtime *rt, gust_topology *topology,
                                                 gust_ui_kill_func on_kill, void *user_data,
                                                 void **data)
{
  local_source *src = g_new0(local_source, 1);
  src->rt = rt;
  src->topology = topology;
  src->on_kill = on_kill;
  src->kill_data = user_data;
  src->start_us = g_get_monotonic_time();
  src->id = g_strdup_printf("%s-1-%" G_GINT64_FORMAT, gust_topology_name(topology),
                            g_get_real_time() / G_USEC_PER_SEC);
  lag_start(&src->lag, topology, gust_conf_int(gust_runtime_conf(rt), "ui.gust.sample.ms"));
  *data = src;
  return &local_funcs;
}
