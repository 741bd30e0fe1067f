/* test_multilang_reliability.c — a multilang bolt keeps Storm's acking
 * promise in checkpoint mode, and its subprocess starts with the topology.
 * A restart after a task failed fails to the spout what the bolt held.
 *
 * A tuple fails only on an explicit fail, a crash or restart, or
 * topology.message.timeout.secs without completion: never because a
 * checkpoint barrier found the bolt's child still holding it (a child
 * slower than the checkpoint interval, a child that starts late), and a
 * barrier never restarts a healthy child.  And a bolt's child is launched
 * (its handshake answered) while a source keeps the only scheduler thread
 * busy.
 *
 * Real Python subprocesses (tests/compat/multilang/proto_bolt.py); the
 * timeouts below only bound a hang.
 */
#include "multilang_test.h"

#include <glib/gstdio.h>

static void use_checkpoints(gust_topology *t, int interval_ms)
{
  gust_topology_set_conf_value(t, "topology.gust.reliability", json_string("checkpoint"));
  gust_topology_set_conf_value(t, "topology.gust.checkpoint.interval.ms",
                               json_integer(interval_ms));
}

/* Each tuple takes the child longer than several checkpoint intervals:
 * barriers pass it while it works, and every tuple is acked once the child
 * acks it, none failed, the child never restarted. */
static void test_a_bolt_slower_than_the_checkpoint_interval_acks_every_tuple(void)
{
  seen_reset();
  enum { TUPLES = 4 };
  gust_topology *t = ml_topology("slow", "no_task_ids", python_bolt, TUPLES);
  use_checkpoints(t, 100);
  gust_topology_set_conf_value(t, "test.work_s", json_real(1.5));
  run_until_settled(t, TUPLES, "ml");
  assert_all_acked(TUPLES);
  g_assert_cmpuint(count_matching(seen.tuples, "sink 5 info [\"started "), ==, 1);
  g_assert_cmpuint(count_matching(seen.logs, "restarting it"), ==, 0);
  g_assert_cmpuint(count_matching(seen.tuples, "sink 5 default"), ==, TUPLES);
  gust_topology_free(t);
  seen_clear();
}

/* The child sleeps before it reads its handshake; tuples and barriers
 * queue up meanwhile.  Nothing fails. */
static void test_a_child_that_starts_late_fails_nothing(void)
{
  seen_reset();
  enum { TUPLES = 60 };
  g_setenv("GUST_TEST_LATE_S", "3", TRUE);
  gust_topology *t = ml_topology("late", "no_task_ids", python_bolt, TUPLES);
  use_checkpoints(t, 100);
  run_until_settled(t, TUPLES, "ml");
  g_unsetenv("GUST_TEST_LATE_S");
  assert_all_acked(TUPLES);
  g_assert_cmpuint(count_matching(seen.tuples, "sink 5 info [\"started "), ==, 1);
  gust_topology_free(t);
  seen_clear();
}

/* The child holds tuple 40 forever and answers every other one at once.
 * Checkpoints go on completing and ack the 40 others; the held one fails
 * once topology.message.timeout.secs has passed, as Storm's acker would
 * fail it.  (The timeout is 10 s: long enough that no checkpoint of the
 * others outlives it on a busy machine, which would fail them too.) */
static void test_a_tuple_held_past_the_message_timeout_fails(void)
{
  seen_reset();
  g_autofree char *dir = g_dir_make_tmp("gust-ml-held-XXXXXX", NULL);
  g_autofree char *marker = g_build_filename(dir, "held", NULL);
  gust_topology *t = ml_topology("holding", "hold", python_bolt, 41);
  use_checkpoints(t, 100);
  gust_topology_set_conf_value(t, "test.hold", json_integer(40));
  gust_topology_set_conf_value(t, "test.marker", json_string(marker));
  gust_topology_set_conf_value(t, "topology.message.timeout.secs", json_integer(10));
  run_until_settled(t, 41, "ml");
  for (int n = 0; n < 40; n++) {
    g_assert_cmpuint(times(seen.acked, n), ==, 1);
    g_assert_cmpuint(times(seen.failed, n), ==, 0);
  }
  g_assert_cmpuint(times(seen.acked, 40), ==, 0);
  g_assert_cmpuint(times(seen.failed, 40), ==, 1);
  g_assert_cmpuint(count_matching(seen.logs, "restarting it"), ==, 0);
  gust_topology_free(t);
  g_unlink(marker);
  g_rmdir(dir);
  seen_clear();
}

/* ---- the child starts while a source keeps the only thread busy ---- */

enum { BUSY_CALL_MS = 80 };

static struct {
  char *started_file;
  int64_t calls, calls_before_started; /* -1: not seen yet */
} busy;

/* Emits on every call (so a turn runs its whole budget of calls) and,
 * until the child's file exists, takes BUSY_CALL_MS a call. */
static gboolean busy_next(void *state, gust_collector *out, GError **error)
{
  pthread_mutex_lock(&seen.lock);
  bool started = busy.calls_before_started >= 0;
  if (!started && g_file_test(busy.started_file, G_FILE_TEST_EXISTS)) {
    busy.calls_before_started = busy.calls;
    started = true;
  }
  busy.calls++;
  pthread_mutex_unlock(&seen.lock);
  if (!started) g_usleep(BUSY_CALL_MS * 1000);
  fc_value v = fc_i64(busy.calls);
  gust_spout_emit(out, NULL, &v, 1, NULL, NULL, 0);
  return TRUE;
}

static void busy_declare(gust_declarer *d, const json_t *conf)
{
  const char *fields[] = {"n", NULL};
  gust_declare_stream(d, NULL, fields, FALSE);
}

static gboolean busy_open(const gust_context *ctx, void **state, GError **error)
{
  *state = NULL;
  return TRUE;
}

static const gust_component_def busy_spout_def = {.abi = GUST_NATIVE_ABI,
                                                  .kind = GUST_DEF_SPOUT,
                                                  .declare_outputs = busy_declare,
                                                  .open = busy_open,
                                                  .next_tuple = busy_next};

static const gust_component_def *busy_lookup(const char *library, const char *symbol, void *data)
{
  return !strcmp(symbol, "a_busy") ? &busy_spout_def : test_lookup(library, symbol, data);
}

/* a_busy -> ml -> sink: the spout's id sorts first, so its task is the
 * first the engine queues. */
static gust_topology *busy_topology(void)
{
  gust_topology *t = gust_topology_new("busy");
  gust_topology_set_conf_value(t, "test.mode", json_string("no_task_ids"));
  add_native(t, "a_busy", GUST_COMPONENT_SPOUT, 1);
  gust_component *ml = gust_topology_add_component(t, "ml", GUST_COMPONENT_BOLT);
  g_autofree char *dir = child_dir();
  gust_component_set_impl(ml, gust_impl_new_multilang(python_bolt, dir, NULL));
  declare(ml, "default", "n", FALSE);
  declare(ml, "info", "text", FALSE);
  subscribe(ml, "a_busy", "default", GUST_GROUPING_SHUFFLE);
  gust_component *sink = add_native(t, "sink", GUST_COMPONENT_BOLT, 1);
  subscribe(sink, "ml", "default", GUST_GROUPING_SHUFFLE);
  subscribe(sink, "ml", "info", GUST_GROUPING_SHUFFLE);
  return t;
}

/* One scheduler thread; the spout's produce() calls each take 80 ms until
 * the bolt's child has answered its handshake, so one turn of the spout
 * (256 calls, the engine's source budget) lasts 20 s.  Before, the bolt
 * opened, and so launched its child, only once a turn of the spout had
 * ended; now every task opens before any source produces, and the child is
 * answering while the spout's first turn still runs. */
static void test_a_bolt_child_starts_while_a_spout_keeps_the_only_thread_busy(void)
{
  seen_reset();
  g_autofree char *dir = g_dir_make_tmp("gust-ml-start-XXXXXX", NULL);
  busy.started_file = g_build_filename(dir, "started", NULL);
  busy.calls = 0;
  busy.calls_before_started = -1;
  gust_topology *t = busy_topology();
  gust_topology_set_conf_value(t, "test.started_file", json_string(busy.started_file));
  GError *error = NULL;
  gust_runtime_options opts = {.native_lookup = busy_lookup, .threads = 1};
  gust_runtime *rt = gust_runtime_new(t, &opts, &error);
  g_assert_no_error(error);
  gust_runtime_start(rt);
  int64_t start = g_get_monotonic_time();
  for (;;) { /* until the spout saw the file (at most its first turn, plus a margin) */
    pthread_mutex_lock(&seen.lock);
    bool seen_started = busy.calls_before_started >= 0;
    pthread_mutex_unlock(&seen.lock);
    if (seen_started || g_get_monotonic_time() - start > 60 * G_USEC_PER_SEC) break;
    g_usleep(10000);
  }
  g_assert_true(gust_runtime_stop(rt, 60000, &error));
  g_assert_no_error(error);
  gust_runtime_free(rt);
  g_test_message("the spout made %" G_GINT64_FORMAT " calls before the child answered",
                 busy.calls_before_started);
  g_assert_cmpint(busy.calls_before_started, >=, 0);
  g_assert_cmpint(busy.calls_before_started, <, 256);
  g_unlink(busy.started_file);
  g_rmdir(dir);
  g_free(busy.started_file);
  gust_topology_free(t);
  seen_clear();
}

/* ---- a restart fails what a bolt held ---- */

static struct {
  int64_t checkpoints; /* completed, as the crasher saw them */
  bool crash;          /* the crasher fails its task on its next call */
  int phase;
  int64_t held_since; /* checkpoints completed when the hold was seen */
  char *marker;
} restart;

static gboolean crasher_open(const gust_context *ctx, void **state, GError **error)
{
  *state = NULL;
  return TRUE;
}

static gboolean crasher_next(void *state, gust_collector *out, GError **error)
{
  pthread_mutex_lock(&seen.lock);
  bool crash = restart.crash;
  restart.crash = false;
  pthread_mutex_unlock(&seen.lock);
  if (crash) g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "the test asked for a crash");
  return !crash;
}

static void crasher_checkpoint_complete(void *state, gust_collector *out, uint64_t id)
{
  pthread_mutex_lock(&seen.lock);
  restart.checkpoints++;
  pthread_mutex_unlock(&seen.lock);
}

static const gust_component_def crasher_spout_def = {
    .abi = GUST_NATIVE_ABI,
    .kind = GUST_DEF_SPOUT,
    .declare_outputs = busy_declare,
    .open = crasher_open,
    .next_tuple = crasher_next,
    .checkpoint_complete = crasher_checkpoint_complete,
};

static const gust_component_def *crasher_lookup(const char *library, const char *symbol, void *data)
{
  return !strcmp(symbol, "crasher") ? &crasher_spout_def : test_lookup(library, symbol, data);
}

enum { RESTART_TUPLES = 10, HELD = 5 };

/* The child holds HELD and everything else is acked; three more
 * checkpoints complete; then the crasher fails its task; done once HELD
 * is acked (the restarted child answers it). */
static gboolean held_then_restarted(gpointer data)
{
  if (restart.phase == 0) {
    if (!g_file_test(restart.marker, G_FILE_TEST_EXISTS)) return FALSE;
    for (int n = 0; n < RESTART_TUPLES; n++)
      if (n != HELD && times(seen.acked, n) == 0) return FALSE;
    pthread_mutex_lock(&seen.lock);
    restart.held_since = restart.checkpoints;
    pthread_mutex_unlock(&seen.lock);
    restart.phase = 1;
  }
  if (restart.phase == 1) {
    pthread_mutex_lock(&seen.lock);
    bool enough = restart.checkpoints >= restart.held_since + 3;
    if (enough) restart.crash = true;
    pthread_mutex_unlock(&seen.lock);
    if (!enough) return FALSE;
    g_assert_cmpuint(times(seen.acked, HELD), ==, 0);
    g_assert_cmpuint(times(seen.failed, HELD), ==, 0);
    restart.phase = 2;
  }
  return times(seen.acked, HELD) > 0;
}

/* A native spout without state of its own: the message whose tuple the
 * child held while checkpoints completed is failed to it when a task fails
 * and the topology restarts (as Storm fails what a crash left pending), so
 * a spout that replays on fail replays it; nothing acked is failed. */
static void test_a_restart_fails_the_messages_a_bolt_held(void)
{
  seen_reset();
  g_autofree char *dir = g_dir_make_tmp("gust-ml-restart-XXXXXX", NULL);
  restart.marker = g_build_filename(dir, "held", NULL);
  restart.checkpoints = restart.held_since = 0;
  restart.phase = 0;
  restart.crash = false;
  gust_topology *t = ml_topology("held-restart", "hold", python_bolt, RESTART_TUPLES);
  use_checkpoints(t, 100);
  gust_topology_set_conf_value(t, "test.hold", json_integer(HELD));
  gust_topology_set_conf_value(t, "test.marker", json_string(restart.marker));
  gust_topology_set_conf_value(t, "topology.gust.restart.delay.ms", json_integer(0));
  add_native(t, "crasher", GUST_COMPONENT_SPOUT, 1);
  run_until(t, crasher_lookup, held_then_restarted, NULL, "ml");
  g_assert_cmpint(restart.phase, ==, 2);
  g_assert_cmpuint(times(seen.failed, HELD), ==, 1);
  for (int n = 0; n < RESTART_TUPLES; n++)
    if (n != HELD) g_assert_cmpuint(times(seen.failed, n), ==, 0);
  g_assert_cmpuint(count_matching(seen.logs, "the test asked for a crash"), >=, 1);
  g_assert_cmpuint(count_matching(seen.logs, "failing 1 message(s) still in flight"), ==, 1);
  g_unlink(restart.marker);
  g_rmdir(dir);
  g_free(restart.marker);
  gust_topology_free(t);
  seen_clear();
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL);
  capture_logs();
  g_test_add_func(
      "/multilang/reliability/a_bolt_slower_than_the_checkpoint_interval_acks_every_tuple",
      test_a_bolt_slower_than_the_checkpoint_interval_acks_every_tuple);
  g_test_add_func("/multilang/reliability/a_child_that_starts_late_fails_nothing",
                  test_a_child_that_starts_late_fails_nothing);
  g_test_add_func("/multilang/reliability/a_tuple_held_past_the_message_timeout_fails",
                  test_a_tuple_held_past_the_message_timeout_fails);
  g_test_add_func(
      "/multilang/reliability/a_bolt_child_starts_while_a_spout_keeps_the_only_thread_busy",
      test_a_bolt_child_starts_while_a_spout_keeps_the_only_thread_busy);
  g_test_add_func("/multilang/reliability/a_restart_fails_the_messages_a_bolt_held",
                  test_a_restart_fails_the_messages_a_bolt_held);
  return g_test_run();
}
