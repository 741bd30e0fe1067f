/* stats.c — the runtime's statistics: counters per task and stream,
 * rolling windows, the last errors per component, and the snapshot.
 *
 * Layout.  Each component gets a slot per stream it emits or receives
 * (rt_component.slot_of, set once in rt_stats_setup() and read-only after);
 * each task a block of n_slots * RT_STAT_N counters in rt->counters, its
 * block starting on its own cache line.  A task adds to its own counters
 * only (runtime_private.h: rt_stat_add, relaxed), so counting costs the
 * data path one slot lookup and a plain add; nothing here locks it.
 *
 * Windows.  The job watcher thread calls rt_stats_sample() about every
 * second; when a bucket of some window is due it copies the counters into
 * the history (stats_history.c), under stats_lock.  A snapshot takes the
 * lock, samples too, reads the counters, and subtracts each window's base
 * copy from them.  Counters are read while the tasks run, so a snapshot is
 * not one instant: a tuple counted as emitted may not be executed yet, as
 * in Storm's heartbeats.
 *
 * Errors.  rt_report_error() may be called from any thread (task threads,
 * a multilang reader); each component's last RT_ERRORS_KEPT live in a ring
 * under the component's error lock.
 */
#include "runtime_private.h"
#include "stats_history.h"

#include <string.h>

enum { COUNTERS_PER_LINE = 64 / sizeof(rt_counter) };

/* A ladder from 100 us to 10 s, about three steps a decade. */
const double gust_latency_bucket_secs[GUST_LATENCY_BUCKETS] = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
    0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
const uint64_t rt_latency_bucket_ns[GUST_LATENCY_BUCKETS] = {
    100000,   250000,    500000,    1000000,   2500000,    5000000,    10000000,   25000000,
    50000000, 100000000, 250000000, 500000000, 1000000000, 2500000000, 5000000000, 10000000000};
G_STATIC_ASSERT(RT_HIST_N % COUNTERS_PER_LINE == 0);

const char *gust_stats_window_name(gust_stats_window window)
{
  static const char *const names[GUST_N_WINDOWS] = {"600", "10800", "86400", ":all-time"};
  g_return_val_if_fail(window < GUST_N_WINDOWS, NULL);
  return names[window];
}

static int64_t monotonic_secs(void)
{
  return g_get_monotonic_time() / G_USEC_PER_SEC;
}

/* The slot of stream s in c, added if new. */
static int slot_for(rt_component *c, uint32_t s, GArray *slots)
{
  if (c->slot_of[s] < 0) {
    c->slot_of[s] = (int)slots->len;
    g_array_append_val(slots, s);
  }
  return c->slot_of[s];
}

static void setup_slots(gust_runtime *rt, rt_component *c)
{
  guint n_streams = rt->streams->len;
  c->slot_of = g_new(int, MAX(n_streams, 1));
  for (guint s = 0; s < n_streams; s++)
    c->slot_of[s] = -1;
  GArray *slots = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  GArray *inputs = g_array_new(FALSE, FALSE, sizeof(int));
  for (guint s = 0; s < n_streams; s++)
    if (((rt_stream *)g_ptr_array_index(rt->streams, s))->comp == c) slot_for(c, s, slots);
  guint n_outputs = slots->len;
  for (guint k = 0; k < gust_component_n_inputs(c->model); k++) {
    const gust_input *in = gust_component_input(c->model, k);
    rt_component *src = g_hash_table_lookup(rt->comp_by_id, gust_input_source(in));
    const rt_stream *s = src ? rt_stream_of(src, gust_input_stream(in)) : NULL;
    if (!s) continue; /* validation refused such topologies already */
    int slot = slot_for(c, s->id, slots);
    g_array_append_val(inputs, slot);
  }
  if (!c->is_spout && c->tick_secs > 0) {
    int slot = slot_for(c, rt->tick_stream->id, slots);
    g_array_append_val(inputs, slot);
  }
  c->n_slots = (int)slots->len;
  c->slot_stream = (uint32_t *)g_array_free(slots, FALSE);
  c->slot_is_output = g_new0(bool, MAX(c->n_slots, 1));
  c->slot_is_input = g_new0(bool, MAX(c->n_slots, 1));
  for (guint i = 0; i < n_outputs; i++)
    c->slot_is_output[i] = true;
  for (guint i = 0; i < inputs->len; i++)
    c->slot_is_input[g_array_index(inputs, int, i)] = true;
  g_array_free(inputs, TRUE);
}

static size_t task_block_size(const rt_component *c)
{
  size_t n = (size_t)c->n_slots * RT_STAT_N;
  return (n + COUNTERS_PER_LINE - 1) / COUNTERS_PER_LINE * COUNTERS_PER_LINE;
}

void rt_stats_setup(gust_runtime *rt)
{
  size_t total = 0;
  for (guint i = 0; i < rt->n_comps; i++) {
    setup_slots(rt, &rt->comps[i]);
    total += task_block_size(&rt->comps[i]) * (size_t)rt->comps[i].n_tasks;
    pthread_mutex_init(&rt->comps[i].error_log.lock, NULL);
  }
  rt->n_counters = total;
  rt->counters = g_aligned_alloc0(MAX(total, 1), sizeof(rt_counter), 64);
  size_t at = 0;
  int storm_task = 1; /* user components' tasks come first, in id order, from 1 */
  for (guint i = 0; i < rt->n_comps; i++) {
    rt_component *c = &rt->comps[i];
    c->first_storm_task = storm_task;
    storm_task += c->n_tasks;
    c->task_counters = g_new(rt_counter *, c->n_tasks);
    c->block_counters = task_block_size(c);
    for (int t = 0; t < c->n_tasks; t++, at += task_block_size(c))
      c->task_counters[t] = &rt->counters[at];
    c->latency_hist =
        g_aligned_alloc0((size_t)MAX(c->n_tasks, 1) * RT_HIST_N, sizeof(rt_counter), 64);
  }
  rt->history = rt_stats_history_new(total, monotonic_secs());
}

void rt_stats_clear(gust_runtime *rt)
{
  if (!rt->counters) return;
  for (guint i = 0; i < rt->n_comps; i++) {
    rt_component *c = &rt->comps[i];
    g_free(c->slot_of);
    g_free(c->slot_stream);
    g_free(c->slot_is_output);
    g_free(c->slot_is_input);
    g_free(c->task_counters);
    g_aligned_free(c->latency_hist);
    for (guint k = 0; k < c->error_log.n; k++)
      g_free(c->error_log.ring[(c->error_log.first + k) % RT_ERRORS_KEPT].message);
    pthread_mutex_destroy(&c->error_log.lock);
  }
  rt_stats_history_free(rt->history);
  g_aligned_free(rt->counters);
  rt->counters = NULL;
}

/* A copy of every counter now (relaxed loads: each task's are its own). */
static uint64_t *read_counters(gust_runtime *rt)
{
  uint64_t *v = g_new(uint64_t, MAX(rt->n_counters, 1));
  for (size_t i = 0; i < rt->n_counters; i++)
    v[i] = atomic_load_explicit(&rt->counters[i], memory_order_relaxed);
  return v;
}

/* Under stats_lock. */
static void sample_locked(gust_runtime *rt, int64_t now)
{
  if (!rt_stats_history_due(rt->history, now)) return;
  g_autofree uint64_t *v = read_counters(rt);
  rt_stats_history_add(rt->history, v, now);
}

void rt_stats_sample(gust_runtime *rt)
{
  pthread_mutex_lock(&rt->stats_lock);
  sample_locked(rt, monotonic_secs());
  pthread_mutex_unlock(&rt->stats_lock);
}

void rt_report_error(rt_component *comp, int task, const char *message)
{
  atomic_fetch_add(&comp->errors, 1);
  rt_error_log *log = &comp->error_log;
  pthread_mutex_lock(&log->lock);
  guint at;
  if (log->n == RT_ERRORS_KEPT) { /* the oldest goes */
    at = log->first;
    g_free(log->ring[at].message);
    log->first = (log->first + 1) % RT_ERRORS_KEPT;
  } else {
    at = (log->first + log->n++) % RT_ERRORS_KEPT;
  }
  log->ring[at] = (rt_error){
      .time_secs = g_get_real_time() / G_USEC_PER_SEC, .task = task, .message = g_strdup(message)};
  pthread_mutex_unlock(&log->lock);
}

/* ---- the snapshot ---- */

/* Window values of one task's slot: now minus each window's base. */
typedef struct {
  uint64_t v[GUST_N_WINDOWS][RT_STAT_N];
} slot_windows;

static double mean_ms(const uint64_t *v, int x_ns)
{
  return v[x_ns + 1] ? (double)v[x_ns] / 1e6 / (double)v[x_ns + 1] : 0;
}

static void fill_row(gust_stream_stats *row, const slot_windows *sw)
{
  for (int w = 0; w < GUST_N_WINDOWS; w++) {
    const uint64_t *v = sw->v[w];
    if (row->is_input) {
      row->executed[w] = v[RT_STAT_EXECUTED];
      row->process_ms_avg[w] = mean_ms(v, RT_STAT_PROCESS_NS);
      row->execute_ms_avg[w] = mean_ms(v, RT_STAT_EXECUTE_NS);
    } else {
      row->emitted[w] = v[RT_STAT_EMITTED];
      row->transferred[w] = v[RT_STAT_TRANSFERRED];
      row->complete_ms_avg[w] = mean_ms(v, RT_STAT_COMPLETE_NS);
    }
    /* spouts count acks on output streams, bolts on input streams */
    row->acked[w] = v[RT_STAT_ACKED];
    row->failed[w] = v[RT_STAT_FAILED];
  }
}

static void fill_executor(gust_runtime *rt, rt_component *c, int t, const uint64_t *now_v,
                          const uint64_t *const *bases, gust_executor_stats *e)
{
  e->component = c->id;
  e->is_spout = c->is_spout;
  e->task = c->first_storm_task + t;
  GArray *rows = g_array_new(FALSE, TRUE, sizeof(gust_stream_stats));
  size_t block = (size_t)(c->task_counters[t] - rt->counters);
  for (int slot = 0; slot < c->n_slots; slot++) {
    slot_windows sw;
    size_t at = block + (size_t)slot * RT_STAT_N;
    for (int w = 0; w < GUST_N_WINDOWS; w++)
      for (int x = 0; x < RT_STAT_N; x++)
        sw.v[w][x] = now_v[at + x] - (bases[w] ? bases[w][at + x] : 0);
    const rt_stream *s = g_ptr_array_index(rt->streams, c->slot_stream[slot]);
    for (int input = 0; input < 2; input++) {
      if (!(input ? c->slot_is_input[slot] : c->slot_is_output[slot])) continue;
      gust_stream_stats row = {
          .is_input = input,
          .component = !input    ? NULL
                       : s->comp ? s->comp->id
                                 : "__system",
          .stream = s->name,
      };
      fill_row(&row, &sw);
      if (!input && !c->is_spout) /* a bolt's acks belong to its input rows */
        memset(row.acked, 0, sizeof row.acked), memset(row.failed, 0, sizeof row.failed);
      g_array_append_val(rows, row);
    }
  }
  e->n_streams = rows->len;
  e->streams = (gust_stream_stats *)g_array_free(rows, FALSE);
}

static void fill_errors(gust_runtime *rt, rt_component *c, gust_component_errors *out)
{
  out->component = c->id;
  out->total = atomic_load(&c->errors);
  rt_error_log *log = &c->error_log;
  pthread_mutex_lock(&log->lock);
  out->n_errors = log->n;
  for (guint k = 0; k < log->n; k++) {
    const rt_error *e = &log->ring[(log->first + k) % RT_ERRORS_KEPT];
    out->errors[k] = (gust_error_info){.time_secs = e->time_secs,
                                       .task = e->task,
                                       .host = rt->host,
                                       .port = rt->port,
                                       .message = g_strdup(e->message)};
  }
  pthread_mutex_unlock(&log->lock);
}

gust_runtime_stats *gust_runtime_stats_take(gust_runtime *rt)
{
  gust_runtime_stats *s = g_new0(gust_runtime_stats, 1);
  s->time_secs = g_get_real_time() / G_USEC_PER_SEC;
  int64_t started = atomic_load(&rt->job_started_us);
  s->uptime_secs = started ? (g_get_monotonic_time() - started) / G_USEC_PER_SEC : 0;
  s->host = rt->host;
  s->port = rt->port;
  for (guint i = 0; i < rt->n_comps; i++)
    s->n_executors += (guint)rt->comps[i].n_tasks;
  s->executors = g_new0(gust_executor_stats, MAX(s->n_executors, 1));
  s->n_components = rt->n_comps;
  s->components = g_new0(gust_component_errors, MAX(rt->n_comps, 1));

  pthread_mutex_lock(&rt->stats_lock);
  int64_t now = monotonic_secs();
  sample_locked(rt, now);
  g_autofree uint64_t *now_v = read_counters(rt);
  const uint64_t *bases[GUST_N_WINDOWS] = {NULL};
  for (int w = 0; w < RT_ROLLING_WINDOWS; w++)
    bases[w] = rt_stats_history_base(rt->history, w, now);
  guint e = 0;
  for (guint i = 0; i < rt->n_comps; i++)
    for (int t = 0; t < rt->comps[i].n_tasks; t++, e++) {
      fill_executor(rt, &rt->comps[i], t, now_v, bases, &s->executors[e]);
      s->executors[e].uptime_secs = s->uptime_secs;
    }
  pthread_mutex_unlock(&rt->stats_lock);
  for (guint i = 0; i < rt->n_comps; i++)
    fill_errors(rt, &rt->comps[i], &s->components[i]);
  return s;
}

void gust_runtime_stats_free(gust_runtime_stats *stats)
{
  if (!stats) return;
  for (guint e = 0; e < stats->n_executors; e++)
    g_free(stats->executors[e].streams);
  for (guint i = 0; i < stats->n_components; i++)
    for (guint k = 0; k < stats->components[i].n_errors; k++)
      g_free(stats->components[i].errors[k].message);
  g_free(stats->executors);
  g_free(stats->components);
  g_free(stats);
}

json_t *gust_runtime_stats_json(gust_runtime *rt)
{
  gust_runtime_stats *s = gust_runtime_stats_take(rt);
  json_t *j = gust_runtime_stats_to_json(s);
  gust_runtime_stats_free(s);
  return j;
}
