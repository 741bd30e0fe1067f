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

#include <glib/gstdio.h>

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
  return test_lookup(library, symbol, data);
}

static gboolean stalling(gpointer data)
{
  return count_matching(seen.logs, "stalling") > 0;
}

static gboolean beats_passed(gpointer data)
{
  return g_atomic_int_get(&beats) > GPOINTER_TO_INT(data);
}

static gboolean emitted_at_least(gpointer data)
{
  return emitted_count() >= (int64_t)GPOINTER_TO_SIZE(data);
}

enum { TUPLES = 20000 };

/* Runs the stalling child with the given bound until the other pipeline
 * has run during the stall and, with `expect_all`, until the spout emitted
 * every tuple; then releases the child.  Returns the spout's emits during
 * the stall.  The stall ends when the test says so, not after a time: what
 * is asserted about it holds however slow the machine is. */
static int64_t run_stall(int64_t max_pending, const char *reliability, gboolean expect_all)
{
  seen_reset();
  capture_logs();
  g_autofree char *dir = g_dir_make_tmp("gust-ml-stall-XXXXXX", NULL);
  g_autofree char *release = g_build_filename(dir, "release", NULL);
  gust_topology *t = ml_topology("stall", "stall", python_bolt, TUPLES);
  gust_topology_set_conf_value(t, "topology.gust.reliability", json_string(reliability));
  gust_topology_set_conf_value(t, "test.release", json_string(release));
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
  g_assert_true(wait_until(stalling, NULL));
  /* the only thread is not stuck with the stalled child: beats go on */
  g_assert_true(wait_until(beats_passed, GINT_TO_POINTER(g_atomic_int_get(&beats))));
  if (expect_all) g_assert_true(wait_until(emitted_at_least, GSIZE_TO_POINTER(TUPLES)));
  int64_t during = emitted_count();
  g_assert_true(g_file_set_contents(release, "", 0, NULL));
  if (!wait_until(settled_at_least, GSIZE_TO_POINTER(TUPLES))) dump_logs();
  g_assert_true(gust_runtime_stop(rt, 120000, &error));
  g_assert_no_error(error);
  gust_runtime_free(rt);
  assert_all_acked(TUPLES);
  g_assert_cmpuint(count_matching(seen.logs, "reading again"), ==, 1);
  gust_topology_free(t);
  g_unlink(release);
  g_rmdir(dir);
  seen_clear();
  return during;
}

static void test_a_stalled_child_holds_the_input_not_a_thread(void)
{
  int64_t during = run_stall(50, "acker", FALSE);
  g_test_message("max.pending 50: the spout emitted %" G_GINT64_FORMAT " during the stall", during);
  /* held back: the spout's channel (8 batches of 256), 50 unwritten, the
   * pipe (64 KiB, ~60 bytes a tuple) and what the child had read.  Read at
   * any moment of the stall, the count can only be lower. */
  g_assert_cmpint(during, <, 6000);
}

static void test_a_large_bound_lets_the_bolt_take_everything(void)
{
  int64_t during = run_stall(1000000, "acker", TRUE);
  g_test_message("max.pending 1000000: the spout emitted %" G_GINT64_FORMAT " during the stall",
                 during);
  g_assert_cmpint(during, ==, TUPLES);
}

/* Checkpoint mode: barriers that reach the bolt while its child stalls
 * pass without waiting for it, no thread waits, and nothing is failed when
 * the child resumes. */
static void test_barriers_pass_a_stalled_child_without_failing_anything(void)
{
  run_stall(50, "checkpoint", FALSE);
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
