/* test_runtime_stats.c — the runtime's statistics and set_active.
 *
 * Counts: a deterministic topology (numbers -> split (2 tasks) -> "even"
 * to evens (2 tasks, all grouping), "odd" to odds) run to the end; every
 * executor's per-stream counts are exact in every window, in the snapshot
 * and in its JSON, in both reliability modes.  split reports an error for
 * every multiple of 7: 15 of them, the last ten kept with their task.
 * Windows: the history's arithmetic with a clock the test moves.
 * set_active: a spout deactivated with messages in flight stops calling
 * next_tuple(), still hears their acks and fails, and resumes when
 * activated; a runtime set inactive before start opens its spouts
 * deactivated.
 */
#include "stats_history.h"
#include "test_components.h"

#include <string.h>

/* ---- split: "even" or "odd", anchored; an error for multiples of 7 ---- */

static void split_declare(gust_declarer *d, const json_t *conf)
{
  const char *const fields[] = {"n", NULL};
  gust_declare_stream(d, "even", fields, FALSE);
  gust_declare_stream(d, "odd", fields, FALSE);
}

static gboolean split_execute(void *state, const gust_tuple *input, gust_collector *out,
                              GError **error)
{
  int64_t n = gust_tuple_get(input, 0)->u.i;
  if (n % 7 == 0) gust_report_error(out, "multiple of seven: %" G_GINT64_FORMAT, n);
  fc_value v = fc_i64(n);
  gust_emit(out, n % 2 ? "odd" : "even", &input, 1, &v, 1, NULL, 0);
  gust_ack(out, input);
  return TRUE;
}

static const gust_component_def split_def = {.abi = GUST_NATIVE_ABI,
                                             .kind = GUST_DEF_BOLT,
                                             .declare_outputs = split_declare,
                                             .execute = split_execute};

/* ---- pausable spout and gate bolt (set_active) ---- */

static struct {
  pthread_mutex_t lock;
  int64_t limit, emitted, next_calls, next_calls_at_deactivate, acked, failed;
  int64_t activations, deactivations, opens;
  int64_t release; /* nonzero: the gate acks (even) or fails (odd) what it holds */
  GPtrArray *held; /* gust_tuple copies, gate task's */
} pause;

static int64_t pause_get(int64_t *field)
{
  pthread_mutex_lock(&pause.lock);
  int64_t v = *field;
  pthread_mutex_unlock(&pause.lock);
  return v;
}

static void pausable_declare(gust_declarer *d, const json_t *conf)
{
  const char *const fields[] = {"n", NULL};
  gust_declare_stream(d, NULL, fields, FALSE);
}

static gboolean pausable_open(const gust_context *ctx, void **state, GError **error)
{
  pthread_mutex_lock(&pause.lock);
  pause.opens++;
  pthread_mutex_unlock(&pause.lock);
  return TRUE;
}

static gboolean pausable_next(void *state, gust_collector *out, GError **error)
{
  pthread_mutex_lock(&pause.lock);
  pause.next_calls++;
  gboolean emit = pause.emitted < pause.limit;
  int64_t n = pause.emitted;
  if (emit) pause.emitted++;
  pthread_mutex_unlock(&pause.lock);
  if (emit) {
    fc_value v = fc_i64(n);
    gust_spout_emit(out, NULL, &v, 1, &v, NULL, 0);
  }
  return TRUE;
}

static void pausable_activate(void *state)
{
  pthread_mutex_lock(&pause.lock);
  pause.activations++;
  pthread_mutex_unlock(&pause.lock);
}

static void pausable_deactivate(void *state)
{
  pthread_mutex_lock(&pause.lock);
  pause.deactivations++;
  pause.next_calls_at_deactivate = pause.next_calls;
  pthread_mutex_unlock(&pause.lock);
}

static void pausable_ack(void *state, gust_collector *out, const fc_value *msg_id)
{
  pthread_mutex_lock(&pause.lock);
  pause.acked++;
  pthread_mutex_unlock(&pause.lock);
}

static void pausable_fail(void *state, gust_collector *out, const fc_value *msg_id)
{
  pthread_mutex_lock(&pause.lock);
  pause.failed++;
  pthread_mutex_unlock(&pause.lock);
}

static const gust_component_def pausable_def = {.abi = GUST_NATIVE_ABI,
                                                .kind = GUST_DEF_SPOUT,
                                                .declare_outputs = pausable_declare,
                                                .open = pausable_open,
                                                .next_tuple = pausable_next,
                                                .activate = pausable_activate,
                                                .deactivate = pausable_deactivate,
                                                .ack = pausable_ack,
                                                .fail = pausable_fail};

/* Holds every tuple; on a tick after release, acks the even ones and
 * fails the odd ones. */
static gboolean gate_execute(void *state, const gust_tuple *input, gust_collector *out,
                             GError **error)
{
  if (!gust_tuple_is_tick(input)) {
    g_ptr_array_add(pause.held, gust_tuple_copy(input));
    return TRUE;
  }
  if (!pause_get(&pause.release)) return TRUE;
  for (guint i = 0; i < pause.held->len; i++) {
    gust_tuple *t = g_ptr_array_index(pause.held, i);
    if (gust_tuple_get(t, 0)->u.i % 2)
      gust_fail(out, t);
    else
      gust_ack(out, t);
  }
  g_ptr_array_set_size(pause.held, 0);
  return TRUE;
}

static const gust_component_def gate_def = {
    .abi = GUST_NATIVE_ABI, .kind = GUST_DEF_BOLT, .execute = gate_execute};

/* ---- crash_once: fails its task on the first tuple of the process ---- */

static gint crashed;

static gboolean crash_once_execute(void *state, const gust_tuple *input, gust_collector *out,
                                   GError **error)
{
  if (g_atomic_int_compare_and_exchange(&crashed, 0, 1)) {
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_FAILED, "crash_once crashes");
    return FALSE;
  }
  gust_ack(out, input);
  return TRUE;
}

static const gust_component_def crash_once_def = {
    .abi = GUST_NATIVE_ABI, .kind = GUST_DEF_BOLT, .execute = crash_once_execute};

static const gust_component_def *lookup(const char *library, const char *symbol, void *data)
{
  if (!strcmp(symbol, "crash_once")) return &crash_once_def;
  if (!strcmp(symbol, "split")) return &split_def;
  if (!strcmp(symbol, "pausable")) return &pausable_def;
  if (!strcmp(symbol, "gate")) return &gate_def;
  return test_lookup(library, symbol, data);
}

/* ---- building ---- */

static gust_runtime *start(gust_topology *t)
{
  GError *error = NULL;
  gust_runtime_options opts = {.native_lookup = lookup, .threads = 2, .worker_port = 6701};
  gust_runtime *rt = gust_runtime_new(t, &opts, &error);
  g_assert_no_error(error);
  return rt;
}

/* ---- counts ---- */

/* Sums of one counter over a component's executors, for one stream row. */
typedef struct {
  uint64_t emitted, transferred, acked, failed, executed;
  guint executors;
} sums;

static sums sum_rows(const gust_runtime_stats *s, const char *component, gboolean is_input,
                     const char *source, const char *stream, gust_stats_window w)
{
  sums out = {0};
  for (guint e = 0; e < s->n_executors; e++) {
    const gust_executor_stats *x = &s->executors[e];
    if (strcmp(x->component, component)) continue;
    out.executors++;
    for (guint i = 0; i < x->n_streams; i++) {
      const gust_stream_stats *r = &x->streams[i];
      if (r->is_input != is_input || strcmp(r->stream, stream) ||
          (is_input && strcmp(r->component, source)))
        continue;
      out.emitted += r->emitted[w];
      out.transferred += r->transferred[w];
      out.acked += r->acked[w];
      out.failed += r->failed[w];
      out.executed += r->executed[w];
    }
  }
  return out;
}

static void assert_counts_exact(const gust_runtime_stats *s, gust_stats_window w)
{
  sums numbers = sum_rows(s, "numbers", FALSE, NULL, "default", w);
  g_assert_cmpuint(numbers.executors, ==, 1);
  g_assert_cmpuint(numbers.emitted, ==, 100);
  g_assert_cmpuint(numbers.transferred, ==, 100);
  g_assert_cmpuint(numbers.acked, ==, 100);
  g_assert_cmpuint(numbers.failed, ==, 0);
  sums split_in = sum_rows(s, "split", TRUE, "numbers", "default", w);
  g_assert_cmpuint(split_in.executors, ==, 2);
  g_assert_cmpuint(split_in.executed, ==, 100);
  g_assert_cmpuint(split_in.acked, ==, 100);
  sums even = sum_rows(s, "split", FALSE, NULL, "even", w);
  g_assert_cmpuint(even.emitted, ==, 50);
  g_assert_cmpuint(even.transferred, ==, 100); /* all grouping: both evens tasks */
  g_assert_cmpuint(even.acked, ==, 0);         /* a bolt's acks are its inputs' */
  sums odd = sum_rows(s, "split", FALSE, NULL, "odd", w);
  g_assert_cmpuint(odd.emitted, ==, 50);
  g_assert_cmpuint(odd.transferred, ==, 50);
  sums evens = sum_rows(s, "evens", TRUE, "split", "even", w);
  g_assert_cmpuint(evens.executors, ==, 2);
  g_assert_cmpuint(evens.executed, ==, 100);
  g_assert_cmpuint(evens.acked, ==, 100);
  sums odds = sum_rows(s, "odds", TRUE, "split", "odd", w);
  g_assert_cmpuint(odds.executed, ==, 50);
  g_assert_cmpuint(odds.acked, ==, 50);
  /* each evens task got every even number */
  for (guint e = 0; e < s->n_executors; e++)
    if (!strcmp(s->executors[e].component, "evens"))
      for (guint i = 0; i < s->executors[e].n_streams; i++)
        if (s->executors[e].streams[i].is_input)
          g_assert_cmpuint(s->executors[e].streams[i].executed[w], ==, 50);
}

static void assert_json_matches(json_t *j, const gust_runtime_stats *s)
{
  g_assert_cmpint(json_integer_value(json_object_get(j, "format")), ==, 1);
  g_assert_cmpint(json_integer_value(json_object_get(j, "port")), ==, 6701);
  json_t *executors = json_object_get(j, "executors");
  g_assert_cmpuint(json_array_size(executors), ==, s->n_executors);
  int64_t even_transferred = 0, odds_executed = 0, numbers_acked = 0;
  size_t i;
  json_t *e;
  json_array_foreach(executors, i, e)
  {
    const char *comp = json_string_value(json_object_get(e, "component"));
    g_assert_cmpint(json_integer_value(json_object_get(e, "task_start")), ==,
                    json_integer_value(json_object_get(e, "task_end")));
    for (int w = 0; w < GUST_N_WINDOWS; w++) {
      const char *name = gust_stats_window_name(w);
      g_assert_nonnull(json_object_get(json_object_get(e, "emitted"), name));
      if (!strcmp(comp, "split"))
        even_transferred += json_integer_value(
            json_object_get(json_object_get(json_object_get(e, "transferred"), name), "even"));
      if (!strcmp(comp, "odds"))
        odds_executed += json_integer_value(json_object_get(
            json_object_get(json_object_get(json_object_get(e, "executed"), name), "split"),
            "odd"));
      if (!strcmp(comp, "numbers")) {
        g_assert_cmpstr(json_string_value(json_object_get(e, "type")), ==, "spout");
        numbers_acked += json_integer_value(
            json_object_get(json_object_get(json_object_get(e, "acked"), name), "default"));
        g_assert_true(json_is_real(json_object_get(
            json_object_get(json_object_get(e, "complete_ms_avg"), name), "default")));
      }
    }
  }
  g_assert_cmpint(even_transferred, ==, 100 * GUST_N_WINDOWS);
  g_assert_cmpint(odds_executed, ==, 50 * GUST_N_WINDOWS);
  g_assert_cmpint(numbers_acked, ==, 100 * GUST_N_WINDOWS);
  json_t *split_errors = json_object_get(json_object_get(j, "errors"), "split");
  g_assert_cmpint(json_integer_value(json_object_get(split_errors, "total")), ==, 15);
  g_assert_cmpuint(json_array_size(json_object_get(split_errors, "last")), ==, 10);
  g_assert_cmpint(json_integer_value(json_object_get(
                      json_object_get(json_object_get(j, "errors"), "odds"), "total")),
                  ==, 0);
}

static void assert_errors_kept(const gust_runtime_stats *s, gust_runtime *rt)
{
  size_t n_split = 0;
  const int *split_tasks = gust_runtime_component_tasks(rt, "split", &n_split);
  const gust_component_errors *split = NULL;
  for (guint i = 0; i < s->n_components; i++)
    if (!strcmp(s->components[i].component, "split")) split = &s->components[i];
  g_assert_nonnull(split);
  g_assert_cmpuint(split->total, ==, 15);
  g_assert_cmpuint(split->n_errors, ==, GUST_STATS_ERRORS_KEPT);
  for (guint k = 0; k < split->n_errors; k++) {
    const gust_error_info *e = &split->errors[k];
    g_assert_true(g_str_has_prefix(e->message, "multiple of seven: "));
    g_assert_true(e->task == split_tasks[0] || e->task == split_tasks[1]);
    g_assert_cmpint(e->time_secs, >, 1700000000);
    g_assert_cmpint(e->port, ==, 6701);
    g_assert_nonnull(e->host);
    if (k) g_assert_cmpint(e->time_secs, >=, split->errors[k - 1].time_secs);
  }
}

/* Every latency sample is in one bucket of its histogram: the buckets add
 * up to the sample count, the sums agree, and each bucket's samples lie
 * within its bounds as the sum shows. */
static void assert_latency_histograms(gust_runtime *rt)
{
  gust_task_metrics *m = NULL;
  guint n = gust_runtime_task_metrics(rt, &m);
  uint64_t split_samples = 0;
  for (guint i = 0; i < n; i++) {
    if (!strcmp(m[i].component, "__acker")) continue;
    gust_latency_kind kind = m[i].is_spout ? GUST_LATENCY_COMPLETE : GUST_LATENCY_EXECUTE;
    const gust_latency_histogram *h = &m[i].latencies[kind];
    uint64_t count = 0;
    double low = 0, high = 0;
    for (int b = 0; b <= GUST_LATENCY_BUCKETS; b++) {
      count += h->counts[b];
      low += h->counts[b] * (b ? gust_latency_bucket_secs[b - 1] : 0);
      high += h->counts[b] * (b < GUST_LATENCY_BUCKETS ? gust_latency_bucket_secs[b] : G_MAXDOUBLE);
    }
    g_assert_cmpuint(count, ==, m[i].latency_count);
    g_assert_cmpuint(h->sum_ns, ==, m[i].latency_ns);
    g_assert_cmpfloat(h->sum_ns / 1e9, >=, low * (1 - 1e-9));
    g_assert_cmpfloat(h->sum_ns / 1e9, <=, high * (1 + 1e-9));
    if (!strcmp(m[i].component, "split")) split_samples += count;
  }
  g_assert_cmpuint(split_samples, >, 0);
  g_free(m);
}

static void run_counts(const char *reliability)
{
  seen_clear(); /* fresh observations: the settled count ends the run */
  seen_reset();
  gust_topology *t = gust_topology_new("stats");
  gust_topology_set_conf_value(t, "topology.gust.reliability", json_string(reliability));
  test_add_component(t, "numbers", "numbers", 1, TRUE);
  test_subscribe(test_add_component(t, "split", "split", 2, FALSE), "numbers", "default",
                 gust_grouping_new(GUST_GROUPING_SHUFFLE));
  test_subscribe(test_add_component(t, "evens", "sink", 2, FALSE), "split", "even",
                 gust_grouping_new(GUST_GROUPING_ALL));
  test_subscribe(test_add_component(t, "odds", "sink", 1, FALSE), "split", "odd",
                 gust_grouping_new(GUST_GROUPING_SHUFFLE));
  gust_runtime *rt = start(t);
  gust_runtime_start(rt);
  g_assert_true(wait_until(settled_at_least, GSIZE_TO_POINTER(100)));
  GError *error = NULL;
  g_assert_true(gust_runtime_stop(rt, 120000, &error));
  g_assert_no_error(error);

  gust_runtime_stats *s = gust_runtime_stats_take(rt);
  g_assert_cmpuint(s->n_executors, ==, 6);
  for (int w = 0; w < GUST_N_WINDOWS; w++)
    assert_counts_exact(s, w); /* younger than every window: all equal */
  assert_errors_kept(s, rt);
  assert_latency_histograms(rt);
  json_t *j = gust_runtime_stats_json(rt);
  assert_json_matches(j, s);
  json_decref(j);

  gust_component_summary *summary = NULL;
  guint n = gust_runtime_summary(rt, &summary);
  for (guint i = 0; i < n; i++)
    if (!strcmp(summary[i].component, "split")) {
      g_assert_cmpuint(summary[i].executed, ==, 100);
      g_assert_cmpuint(summary[i].emitted, ==, 100);
      g_assert_cmpuint(summary[i].errors, ==, 15);
    }
  g_free(summary);
  gust_runtime_stats_free(s);
  gust_runtime_free(rt);
  gust_topology_free(t);
}

static void test_counts_per_stream_are_exact_acker(void)
{
  run_counts("acker");
}

static void test_counts_per_stream_are_exact_checkpoint(void)
{
  run_counts("checkpoint");
}

/* ---- windows ---- */

static void test_windows_subtract_the_copy_a_window_old(void)
{
  int64_t t0 = 1000;
  rt_stats_history *h = rt_stats_history_new(1, t0);
  uint64_t v;
  /* one event a second for two hours, copies whenever due */
  for (int64_t s = 1; s <= 7200; s++) {
    v = (uint64_t)s;
    if (rt_stats_history_due(h, t0 + s)) rt_stats_history_add(h, &v, t0 + s);
  }
  int64_t now = t0 + 7200;
  /* 10 minutes: between 600 and 630 events (one bucket more at most) */
  uint64_t ten = v - rt_stats_history_base(h, 0, now)[0];
  g_assert_cmpuint(ten, >=, 600);
  g_assert_cmpuint(ten, <=, 630);
  /* 3 hours and a day: younger than the window, everything */
  g_assert_cmpuint(v - rt_stats_history_base(h, 1, now)[0], ==, 7200);
  g_assert_cmpuint(v - rt_stats_history_base(h, 2, now)[0], ==, 7200);
  /* nothing for an hour: the 10-minute window empties, 3 hours keeps all */
  for (int64_t s = 7201; s <= 10800; s++)
    if (rt_stats_history_due(h, t0 + s)) rt_stats_history_add(h, &v, t0 + s);
  now = t0 + 10800;
  g_assert_cmpuint(v - rt_stats_history_base(h, 0, now)[0], ==, 0);
  g_assert_cmpuint(v - rt_stats_history_base(h, 1, now)[0], ==, 7200);
  /* four more hours of nothing: the 3-hour window empties too, the day keeps all */
  for (int64_t s = 10801; s <= 25200; s++)
    if (rt_stats_history_due(h, t0 + s)) rt_stats_history_add(h, &v, t0 + s);
  now = t0 + 25200;
  g_assert_cmpuint(v - rt_stats_history_base(h, 1, now)[0], ==, 0);
  g_assert_cmpuint(v - rt_stats_history_base(h, 2, now)[0], ==, 7200);
  rt_stats_history_free(h);
}

static void test_window_names_are_storms(void)
{
  g_assert_cmpstr(gust_stats_window_name(GUST_WINDOW_10_MINUTES), ==, "600");
  g_assert_cmpstr(gust_stats_window_name(GUST_WINDOW_3_HOURS), ==, "10800");
  g_assert_cmpstr(gust_stats_window_name(GUST_WINDOW_1_DAY), ==, "86400");
  g_assert_cmpstr(gust_stats_window_name(GUST_WINDOW_ALL_TIME), ==, ":all-time");
}

/* ---- set_active ---- */

static gust_topology *pause_topology(void)
{
  memset(&pause, 0, sizeof pause);
  pthread_mutex_init(&pause.lock, NULL);
  pause.held = g_ptr_array_new_with_free_func((GDestroyNotify)gust_tuple_free);
  gust_topology *t = gust_topology_new("pause");
  gust_topology_set_conf_value(t, "topology.gust.reliability", json_string("acker"));
  test_add_component(t, "pausable", "pausable", 1, TRUE);
  gust_component *gate = test_add_component(t, "gate", "gate", 1, FALSE);
  test_subscribe(gate, "pausable", "default", gust_grouping_new(GUST_GROUPING_GLOBAL));
  gust_component_set_conf_value(gate, "topology.tick.tuple.freq.secs", json_integer(1));
  return t;
}

static void pause_free(gust_topology *t)
{
  g_ptr_array_free(pause.held, TRUE);
  pthread_mutex_destroy(&pause.lock);
  gust_topology_free(t);
}

static gboolean pause_at_least(gpointer data)
{
  int64_t *want = data; /* {field index, value} */
  int64_t got = want[0] == 0   ? pause_get(&pause.emitted)
                : want[0] == 1 ? pause_get(&pause.acked) + pause_get(&pause.failed)
                : want[0] == 2 ? pause_get(&pause.deactivations)
                               : pause_get(&pause.activations);
  return got >= want[1];
}

static void wait_for(int64_t what, int64_t value)
{
  int64_t want[2] = {what, value};
  g_assert_true(wait_until(pause_at_least, want));
}

static void test_set_active_pauses_next_tuple_and_keeps_acking(void)
{
  gust_topology *t = pause_topology();
  pause.limit = 10;
  gust_runtime *rt = start(t);
  gust_runtime_start(rt);
  g_assert_true(gust_runtime_is_active(rt));
  wait_for(0, 10);
  gust_runtime_set_active(rt, FALSE);
  g_assert_false(gust_runtime_is_active(rt));
  wait_for(2, 1);
  pthread_mutex_lock(&pause.lock);
  pause.limit = 20; /* would emit at once if next_tuple() were called */
  pause.release = TRUE;
  pthread_mutex_unlock(&pause.lock);
  wait_for(1, 10); /* the ten in flight settle while deactivated */
  g_assert_cmpint(pause_get(&pause.acked), ==, 5);
  g_assert_cmpint(pause_get(&pause.failed), ==, 5);
  g_assert_cmpint(pause_get(&pause.next_calls), ==, pause_get(&pause.next_calls_at_deactivate));
  g_assert_cmpint(pause_get(&pause.emitted), ==, 10);
  gust_runtime_set_active(rt, TRUE);
  wait_for(3, 2); /* open's and this one */
  wait_for(1, 20);
  g_assert_cmpint(pause_get(&pause.emitted), ==, 20);
  GError *error = NULL;
  g_assert_true(gust_runtime_stop(rt, 120000, &error));
  g_assert_no_error(error);
  gust_runtime_stats *s = gust_runtime_stats_take(rt);
  sums spout = sum_rows(s, "pausable", FALSE, NULL, "default", GUST_WINDOW_ALL_TIME);
  g_assert_cmpuint(spout.acked, ==, 10);
  g_assert_cmpuint(spout.failed, ==, 10);
  g_assert_cmpuint(spout.emitted, ==, 20);
  gust_runtime_stats_free(s);
  gust_runtime_free(rt);
  pause_free(t);
}

static gboolean opened(gpointer data)
{
  return pause_get(&pause.opens) > 0;
}

static void test_inactive_before_start_opens_spouts_deactivated(void)
{
  gust_topology *t = pause_topology();
  pause.limit = 5;
  pause.release = TRUE;
  gust_runtime *rt = start(t);
  gust_runtime_set_active(rt, FALSE);
  gust_runtime_start(rt);
  g_assert_true(wait_until(opened, NULL));
  g_usleep(200000); /* a deactivated spout stays quiet however long this is */
  g_assert_cmpint(pause_get(&pause.next_calls), ==, 0);
  g_assert_cmpint(pause_get(&pause.activations), ==, 0);
  gust_runtime_set_active(rt, TRUE);
  wait_for(1, 5);
  g_assert_cmpint(pause_get(&pause.activations), ==, 1);
  GError *error = NULL;
  g_assert_true(gust_runtime_stop(rt, 120000, &error));
  g_assert_no_error(error);
  gust_runtime_free(rt);
  pause_free(t);
}

/* ---- snapshots while the job restarts ---- */

typedef struct {
  gust_runtime *rt;
  gint stop;
  guint64 taken;
} poller;

static gpointer poll_stats(gpointer data)
{
  poller *p = data;
  while (!g_atomic_int_get(&p->stop)) {
    gust_runtime_stats *s = gust_runtime_stats_take(p->rt);
    json_t *j = gust_runtime_stats_to_json(s);
    json_decref(j);
    gust_runtime_stats_free(s);
    p->taken++;
  }
  return NULL;
}

static void test_snapshots_while_the_job_restarts(void)
{
  seen_clear();
  seen_reset();
  g_atomic_int_set(&crashed, 0);
  gust_topology *t = gust_topology_new("restarting");
  gust_topology_set_conf_value(t, "topology.gust.reliability", json_string("acker"));
  gust_topology_set_conf_value(t, "topology.gust.restart.delay.ms", json_integer(50));
  test_add_component(t, "numbers", "numbers", 1, TRUE);
  test_subscribe(test_add_component(t, "crash", "crash_once", 2, FALSE), "numbers", "default",
                 gust_grouping_new(GUST_GROUPING_SHUFFLE));
  gust_runtime *rt = start(t);
  poller p = {.rt = rt};
  gust_runtime_start(rt);
  GThread *thread = g_thread_new("stats-poller", poll_stats, &p);
  g_assert_true(wait_until(settled_at_least, GSIZE_TO_POINTER(100))); /* after the restart */
  GError *error = NULL;
  g_assert_true(gust_runtime_stop(rt, 120000, &error));
  g_assert_no_error(error);
  g_atomic_int_set(&p.stop, 1);
  g_thread_join(thread);
  g_assert_cmpuint(p.taken, >, 0);
  g_assert_cmpint(g_atomic_int_get(&crashed), ==, 1);
  /* counters outlive the failed job: the replayed emits add to the first ones */
  gust_runtime_stats *s = gust_runtime_stats_take(rt);
  sums numbers = sum_rows(s, "numbers", FALSE, NULL, "default", GUST_WINDOW_ALL_TIME);
  g_assert_cmpuint(numbers.emitted, >=, 100);
  gust_runtime_stats_free(s);
  gust_runtime_free(rt);
  gust_topology_free(t);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  seen_reset();
  g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL); /* split's reported errors are warnings */
  capture_logs();
  g_test_add_func("/runtime_stats/counts_per_stream_are_exact/acker",
                  test_counts_per_stream_are_exact_acker);
  g_test_add_func("/runtime_stats/counts_per_stream_are_exact/checkpoint",
                  test_counts_per_stream_are_exact_checkpoint);
  g_test_add_func("/runtime_stats/windows_subtract_the_copy_a_window_old",
                  test_windows_subtract_the_copy_a_window_old);
  g_test_add_func("/runtime_stats/window_names_are_storms", test_window_names_are_storms);
  g_test_add_func("/runtime_stats/set_active_pauses_next_tuple_and_keeps_acking",
                  test_set_active_pauses_next_tuple_and_keeps_acking);
  g_test_add_func("/runtime_stats/inactive_before_start_opens_spouts_deactivated",
                  test_inactive_before_start_opens_spouts_deactivated);
  g_test_add_func("/runtime_stats/snapshots_while_the_job_restarts",
                  test_snapshots_while_the_job_restarts);
  int status = g_test_run();
  seen_clear();
  return status;
}
