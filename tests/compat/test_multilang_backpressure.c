/* test_multilang_backpressure.c — a multilang child that stops reading its
 * stdin for a while.  The bolt then holds its input instead of waiting in
 * a scheduler thread: with a single thread, another pipeline keeps running
 * during the stall; at most topology.shellbolt.max.pending inputs wait
 * unwritten, so the spout is held back (with a large bound the bolt takes
 * everything the spout has); in checkpoint mode barriers pass the
 * child without a thread; and once the child reads again every tuple is
 * processed and acked exactly once.
 */
#include "multilang_test.h"

static gint beats; /* tuples the beat pipeline delivered */

static gboolean beat_next(void *state, gust_collector *out, GError **error)
{
  fc_value v = fc_i64(1);
  gust_spout_emit(out, NULL, &v, 1, NULL, NULL, 0);
  return TRUE;
}

static void beat_declare(gust_declarer *d, const json_t *conf)
{
  const char *const fields[] = {"beat", NULL};
  gust_declare_stream(d, NULL, fields, FALSE);
}

static gboolean beat_open(const gust_context *ctx, void **state, GError **error)
{
  *state = NULL;
  return TRUE;
}

static gboolean beats_execute(void *state, const gust_tuple *input, gust_collector *out,
                              GError **error)
{
  g_atomic_int_inc(&beats);
  return TRUE;
}

static const gust_component_def beat_spout_def = {.abi = GUST_NATIVE_ABI,
                                                  .kind = GUST_DEF_SPOUT,
                                                  .declare_outputs = beat_declare,
                                                  .open = beat_open,
                                                  .next_tuple = beat_next};
static const gust_component_def beats_bolt_def = {
    .abi = GUST_NATIVE_ABI, .kind = GUST_DEF_BOLT, .open = beat_open, .execute = beats_execute};

static const gust_component_def *lookup_all(const char *library, const char *symbol, void *data)
{
  if (!strcmp(symbol, "beat")) return &beat_spout_def;
  if (!strcmp(symbol, "beats")) return &beats_bolt_def;
  return lookup(library, symbol, data);
}

static int64_t emitted(void)
{
  pthread_mutex_lock(&seen.lock);
  int64_t n = seen.emitted;
  pthread_mutex_unlock(&seen.lock);
  return n;
}

static gboolean wait_for(gboolean (*done)(void), double max_s)
{
  int64_t end = g_get_monotonic_time() + (int64_t)(max_s * 1e6);
  while (g_get_monotonic_time() < end) {
    if (done()) return TRUE;
    g_usleep(10000);
  }
  return done();
}

static gboolean stalling(void)
{
  return count_matching(seen.logs, "stalling") > 0;
}

enum { TUPLES = 20000 };

static gboolean all_settled(void)
{
  return settled_count() >= TUPLES;
}

/* Runs the stalling child with the given bound; returns the spout's
 * emits 1.5 s into the stall and whether the beat pipeline ran meanwhile. */
static int64_t run_stall(int64_t max_pending, const char *reliability, double stall_s,
                         gboolean *beats_ran)
{
  seen_reset();
  g_log_set_default_handler(capture_log, NULL);
  gust_topology *t = ml_topology("stall", "stall", python_bolt, TUPLES);
  gust_topology_set_conf_value(t, "topology.gust.reliability", json_string(reliability));
  gust_topology_set_conf_value(t, "test.stall_s", json_real(stall_s));
  /* checkpoint mode: barriers keep arriving during the stall */
  gust_topology_set_conf_value(t, "topology.gust.checkpoint.interval.ms", json_integer(100));
  gust_component_set_conf_value(gust_topology_lookup(t, "ml"), "topology.shellbolt.max.pending",
                                json_integer(max_pending));
  gust_component *beat = gust_topology_add_component(t, "beat", GUST_COMPONENT_SPOUT);
  gust_component_set_impl(beat, gust_impl_new_native("test", "beat"));
  gust_component *sink = gust_topology_add_component(t, "beats", GUST_COMPONENT_BOLT);
  gust_component_set_impl(sink, gust_impl_new_native("test", "beats"));
  subscribe(sink, "beat", "default", GUST_GROUPING_SHUFFLE);

  GError *error = NULL;
  gust_runtime_options opts = {.native_lookup = lookup_all, .threads = 1};
  gust_runtime *rt = gust_runtime_new(t, &opts, &error);
  g_assert_no_error(error);
  gust_runtime_start(rt);
  g_assert_true(wait_for(stalling, 30));
  g_usleep((gulong)(stall_s * 1e6 / 6)); /* the pipe and the bolt's buffer fill up */
  gint before = g_atomic_int_get(&beats);
  g_usleep((gulong)(stall_s * 1e6 / 3));
  *beats_ran = g_atomic_int_get(&beats) > before;
  int64_t during = emitted();
  if (!wait_for(all_settled, 60)) dump_logs();
  g_assert_true(gust_runtime_stop(rt, 30000, &error));
  g_assert_no_error(error);
  gust_runtime_free(rt);
  assert_all_acked(TUPLES);
  g_assert_cmpuint(count_matching(seen.logs, "reading again"), ==, 1);
  gust_topology_free(t);
  seen_clear();
  return during;
}

static void test_a_stalled_child_holds_the_input_not_a_thread(void)
{
  gboolean beats_ran = FALSE;
  int64_t during = run_stall(50, "acker", 3, &beats_ran);
  g_test_message("max.pending 50: the spout emitted %" G_GINT64_FORMAT " during the stall", during);
  g_assert_true(beats_ran);
  /* held back: the spout's channel (8 batches of 256), 50 unwritten, the
   * pipe (64 KiB, ~60 bytes a tuple) and what the child had read */
  g_assert_cmpint(during, <, 6000);
}

static void test_a_large_bound_lets_the_bolt_take_everything(void)
{
  gboolean beats_ran = FALSE;
  int64_t during = run_stall(1000000, "acker", 3, &beats_ran);
  g_test_message("max.pending 1000000: the spout emitted %" G_GINT64_FORMAT " during the stall",
                 during);
  g_assert_true(beats_ran);
  g_assert_cmpint(during, ==, TUPLES);
}

/* Checkpoint mode: barriers that reach the bolt while its child stalls
 * pass without waiting for it, no thread waits, and nothing is failed when
 * the child resumes. */
static void test_barriers_pass_a_stalled_child_without_failing_anything(void)
{
  gboolean beats_ran = FALSE;
  run_stall(50, "checkpoint", 0.6, &beats_ran);
  g_assert_true(beats_ran);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/multilang/backpressure/a_stalled_child_holds_the_input_not_a_thread",
                  test_a_stalled_child_holds_the_input_not_a_thread);
  g_test_add_func("/multilang/backpressure/a_large_bound_lets_the_bolt_take_everything",
                  test_a_large_bound_lets_the_bolt_take_everything);
  g_test_add_func("/multilang/backpressure/barriers_pass_a_stalled_child_without_failing_anything",
                  test_barriers_pass_a_stalled_child_without_failing_anything);
  return g_test_run();
}
