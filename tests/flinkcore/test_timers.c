/* test_timers.c — processing-time timers fire at their period (never
 * early; late by whatever the machine adds, bounded only against a wrong
 * unit), one-shots fire once, cancelled
 * timers stop, and timers reach busy tasks too. */
#include "fc_test_ops.h"

typedef struct {
  uint32_t periodic_id, once_id, cancelled_id;
  GArray *fired_at; /* int64 ns of each periodic firing */
  int once_count, cancelled_count;
  int64_t once_at, started;
} timer_state;

static timer_state ts;

static gboolean tick_open(fc_task *t, void *data, void **state, GError **error)
{
  ts.started = fc_now_ns();
  ts.periodic_id = fc_task_timer_add(t, 20, TRUE);
  ts.once_id = fc_task_timer_add(t, 50, FALSE);
  ts.cancelled_id = fc_task_timer_add(t, 30, TRUE);
  fc_task_timer_cancel(t, ts.cancelled_id);
  return TRUE;
}

static gboolean tick_timer(fc_task *t, void *state, uint32_t id, GError **error)
{
  int64_t now = fc_now_ns();
  if (id == ts.periodic_id)
    g_array_append_val(ts.fired_at, now);
  else if (id == ts.once_id) {
    ts.once_count++;
    ts.once_at = now;
  } else if (id == ts.cancelled_id)
    ts.cancelled_count++;
  return TRUE;
}

/* A source that keeps emitting (busy) until 25 periodic firings happened. */
static fc_produce_result tick_produce(fc_task *t, void *state, GError **error)
{
  if (ts.fired_at->len >= 25) return FC_PRODUCE_END;
  fc_value v = fc_i64(1);
  fc_record rec = {.n_values = 1, .values = &v};
  fc_task_emit(t, &rec, NULL, 0);
  return FC_PRODUCE_MORE;
}

static void test_timers_fire_at_their_period(void)
{
  static const fc_operator ticking = {
      .open = tick_open, .produce = tick_produce, .timer = tick_timer};
  ts = (timer_state){.fired_at = g_array_new(FALSE, FALSE, sizeof(int64_t))};
  fc_graph *g = fc_graph_new();
  int a = fc_graph_add_vertex(g, "ticking", 1, &ticking, NULL, NULL);
  record_sink *sink = record_sink_new(1);
  int b = fc_graph_add_vertex(g, "sink", 1, &record_sink_op, sink, NULL);
  fc_graph_add_edge(g, a, b, &(fc_edge_spec){.partitioner = FC_PART_SHUFFLE, .stream = -1});
  fc_job *job = fc_job_new(g, &(fc_job_options){.threads = 2}, NULL);
  fc_job_start(job);
  g_assert_true(fc_job_wait(job, 120000, NULL));
  fc_job_free(job);

  /* 25 firings of a 20 ms timer: ~500 ms in all (no drift), and no gap far
   * from 20 ms on average. */
  g_assert_cmpuint(ts.fired_at->len, >=, 25); /* one more may land before the end */
  int64_t first = g_array_index(ts.fired_at, int64_t, 0);
  int64_t last = g_array_index(ts.fired_at, int64_t, 24);
  double first_ms = (first - ts.started) / 1e6;
  double mean_ms = (last - first) / 24 / 1e6;
  g_test_message("first firing after %.2f ms, mean period %.3f ms", first_ms, mean_ms);
  g_assert_cmpfloat(first_ms, >=, 19.0);
  /* never early; late by whatever the machine adds.  The upper bound on
   * the mean is ten periods: it catches a period in the wrong unit (a
   * second, not a millisecond), never a busy machine. */
  for (guint k = 0; k < 25; k++)
    g_assert_cmpint(g_array_index(ts.fired_at, int64_t, k), >=,
                    ts.started + (int64_t)(k + 1) * 20000000 - 1000000);
  g_assert_cmpfloat(mean_ms, >, 18.0);
  g_assert_cmpfloat(mean_ms, <, 200.0);
  g_assert_cmpint(ts.once_count, ==, 1);
  g_assert_cmpfloat((ts.once_at - ts.started) / 1e6, >=, 49.0);
  g_assert_cmpint(ts.cancelled_count, ==, 0);
  g_array_free(ts.fired_at, TRUE);
  record_sink_free(sink);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/timers/fire_at_their_period", test_timers_fire_at_their_period);
  return g_test_run();
}
