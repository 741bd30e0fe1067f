/* test_multilang_failures.c — a multilang subprocess that crashes, exits,
 * hangs past topology.subprocess.timeout.secs, writes garbage (text
 * after a message's JSON object included) or emits a tuple whose size is
 * not its stream's (Storm's "Tuple created with wrong number of fields") is
 * reported with its component, its task and the last lines of its
 * stderr; what it held fails back to the spout; a new process takes over
 * and the topology keeps running.  A spout process killed while it sits at
 * topology.max.spout.pending takes its pending messages with it: the next
 * process emits at once.  A component whose first process cannot
 * start (no such program, a script that dies at once) fails the topology
 * with a message that says why, and one configured for another serializer
 * than JSON is refused at submission.
 *
 * The first process of proto_bolt.py (tests/compat/multilang/) holds
 * tuples 3 and 4 unacked, then misbehaves on tuple 5; the next one (it
 * finds the marker file) echoes and acks everything.
 */
#include "multilang_test.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

typedef struct {
  const char *mode;
  const char *reliability;
  const char *reason; /* expected in the report */
  const char *how;    /* expected in the report: how it ended */
  int timeout_s;      /* topology.subprocess.timeout.secs; 0: Storm's default */
  const char *absent; /* never seen by the sink (NULL: no check) */
} failure_case;

static void run_failure(const failure_case *fc)
{
  seen_reset();
  enum { TUPLES = 60 };
  g_autofree char *dir = g_dir_make_tmp("gust-ml-test-XXXXXX", NULL);
  g_autofree char *marker = g_build_filename(dir, "marker", NULL);
  gust_topology *t = ml_topology(fc->mode, fc->mode, python_bolt, TUPLES);
  gust_topology_set_conf_value(t, "test.marker", json_string(marker));
  /* Only the hang needs a short timeout; it also bounds the silence of the
   * second process, so it stays well above what a busy machine adds. */
  if (fc->timeout_s)
    gust_topology_set_conf_value(t, "topology.subprocess.timeout.secs",
                                 json_integer(fc->timeout_s));
  gust_topology_set_conf_value(t, "topology.gust.reliability", json_string(fc->reliability));
  gust_topology_set_conf_value(t, "topology.gust.checkpoint.interval.ms", json_integer(100));
  gust_topology_set_conf_value(t, "topology.max.spout.pending", json_integer(20));
  gust_component_summary ml = run_until_settled(t, TUPLES, "ml");

  /* the report: component, task, what happened, how it ended, its stderr */
  g_autofree char *report =
      find_line(seen.logs, "multilang ml (task 3): subprocess [python3 proto_bolt.py]");
  if (!report) {
    dump_logs();
    g_error("no report of the %s", fc->mode);
  }
  g_test_message("%s", report);
  assert_contains(report, "WARNING");
  assert_contains(report, fc->reason);
  assert_contains(report, fc->how);
  g_autofree char *last_words = g_strdup_printf("about to %s at tuple 5", fc->mode);
  assert_contains(report, last_words);
  assert_contains(report, "restarting it");
  g_assert_cmpuint(ml.errors, >=, 1);

  /* what the dead process held failed back to the spout, exactly once each;
   * everything else was acked once: nothing acknowledged was lost */
  for (int n = 3; n <= 5; n++)
    g_assert_cmpuint(times(seen.failed, n), ==, 1);
  for (int n = 0; n < TUPLES; n++)
    g_assert_cmpuint(times(seen.acked, n) + times(seen.failed, n), ==, 1);
  g_assert_cmpuint(times(seen.acked, TUPLES - 1), ==, 1);

  /* a second process ran, and the topology went on through it */
  g_assert_cmpuint(count_matching(seen.tuples, "info [\"started "), ==, 2);
  g_autofree char *last = g_strdup_printf("sink 5 default [%d]", TUPLES - 1);
  g_assert_cmpuint(count_matching(seen.tuples, last), ==, 1);
  if (fc->absent) g_assert_cmpuint(count_matching(seen.tuples, fc->absent), ==, 0);

  gust_topology_free(t);
  g_unlink(marker);
  g_rmdir(dir);
  seen_clear();
}

static void test_crash_is_reported_and_restarted(void)
{
  failure_case fc = {"crash", "acker", "closed its output", "was killed by signal 11", 0, NULL};
  run_failure(&fc);
}

static void test_exit_is_reported_and_restarted(void)
{
  failure_case fc = {"exit", "acker", "closed its output", "exited with code 3", 0, NULL};
  run_failure(&fc);
}

static void test_hang_past_the_timeout_is_killed_and_restarted(void)
{
  failure_case fc = {"hang", "acker", "sent nothing for", "was killed by signal 9", 5, NULL};
  run_failure(&fc);
}

static void test_garbage_output_is_reported_and_restarted(void)
{
  failure_case fc = {"garbage", "acker", "malformed message", "was killed by signal 9", 0, NULL};
  run_failure(&fc);
}

static void test_text_after_a_message_is_reported_and_restarted(void)
{
  failure_case fc = {
      "trailing", "acker", "more text after the message's JSON object", "was killed by signal 9",
      0,          NULL};
  run_failure(&fc);
}

static void test_wrong_number_of_fields_is_reported_and_restarted(void)
{
  failure_case fc = {
      "fields",
      "acker",
      "Tuple created with wrong number of fields. Expected 1 fields but got 2 fields",
      "was killed by signal 9",
      0,
      "\"extra\""};
  run_failure(&fc);
}

static void test_crash_in_checkpoint_mode_fails_what_it_held(void)
{
  failure_case fc = {"crash", "checkpoint", "closed its output", "was killed by signal 11",
                     0,       NULL};
  run_failure(&fc);
}

static gboolean both_reported(gpointer data)
{
  const char *const *lines = data;
  return count_matching(seen.tuples, lines[0]) && count_matching(seen.tuples, lines[1]);
}

/* proto_spout.py as "ml" (streams default and report; 20 tuples) in acker
 * mode, with conf test.mode and test.marker; the native sink takes its
 * reports (and its default stream when sink_default). */
static gust_topology *spout_topology(const char *name, const char *mode, const char *marker,
                                     gboolean sink_default)
{
  gust_topology *t = gust_topology_new(name);
  gust_topology_set_conf_value(t, "topology.gust.reliability", json_string("acker"));
  gust_topology_set_conf_value(t, "test.tuples", json_integer(20));
  gust_topology_set_conf_value(t, "test.mode", json_string(mode));
  gust_topology_set_conf_value(t, "test.marker", json_string(marker));
  gust_component *spout = gust_topology_add_component(t, "ml", GUST_COMPONENT_SPOUT);
  const char *const argv[] = {"python3", "proto_spout.py", NULL};
  g_autofree char *children = child_dir();
  gust_component_set_impl(spout, gust_impl_new_multilang(argv, children, NULL));
  declare(spout, "default", "n", FALSE);
  declare(spout, "report", "text", FALSE);
  gust_component *sink = add_native(t, "sink", GUST_COMPONENT_BOLT, 1);
  if (sink_default) subscribe(sink, "ml", "default", GUST_GROUPING_SHUFFLE);
  subscribe(sink, "ml", "report", GUST_GROUPING_SHUFFLE);
  return t;
}

static gust_runtime *start_runtime(gust_topology *t)
{
  GError *error = NULL;
  gust_runtime_options opts = {.native_lookup = test_lookup, .threads = 2};
  gust_runtime *rt = gust_runtime_new(t, &opts, &error);
  g_assert_no_error(error);
  gust_runtime_start(rt);
  return rt;
}

static void test_spout_crash_is_reported_and_restarted(void)
{
  seen_reset();
  g_autofree char *dir = g_dir_make_tmp("gust-ml-test-XXXXXX", NULL);
  g_autofree char *marker = g_build_filename(dir, "marker", NULL);
  gust_topology *t = spout_topology("spout-crash", "crash", marker, TRUE);
  gust_runtime *rt = start_runtime(t);
  GError *error = NULL;
  /* the second process emits its 20 tuples, which are acked: wait for the
   * last two (n = 18: "m18"; n = 19: 2^70 + 19) */
  const char *last_acks[] = {"report [\"ack m18\"]", "report [\"ack 1180591620717411303443\"]"};
  g_assert_true(wait_until(both_reported, last_acks));
  g_assert_true(gust_runtime_stop(rt, 120000, &error));
  gust_runtime_free(rt);

  g_autofree char *report =
      find_line(seen.logs, "multilang ml (task 1): subprocess [python3 proto_spout.py]");
  if (!report) {
    dump_logs();
    g_error("no report of the spout's crash");
  }
  assert_contains(report, "exited with code 4");
  assert_contains(report, "spout giving up after 5 tuples");
  g_assert_cmpuint(count_matching(seen.tuples, "report [\"started "), ==, 2);
  /* the second process emitted its 20 and was acked for each; the first
   * may have been acked for its 5 before it went, never after */
  guint acks = count_matching(seen.tuples, "report [\"ack ");
  g_assert_cmpuint(acks, >=, 20);
  g_assert_cmpuint(acks, <=, 25);
  g_assert_cmpuint(count_matching(seen.tuples, last_acks[0]), ==, 1);
  g_assert_cmpuint(count_matching(seen.tuples, last_acks[1]), ==, 1);
  g_assert_cmpuint(count_matching(seen.tuples, "report [\"fail "), ==, 0);
  gust_topology_free(t);
  g_unlink(marker);
  g_rmdir(dir);
  seen_clear();
}

static gboolean line_seen(gpointer data)
{
  const char *const *where_what = data;
  return count_matching(where_what[0][0] == 'l' ? seen.logs : seen.tuples, where_what[1]) > 0;
}

/* A spout process sitting at topology.max.spout.pending (the hold bolt
 * keeps its tuples) is killed: its pending messages go with it, so the next
 * process emits at once instead of after topology.message.timeout.secs
 * (300 s here, beyond the wait's hang bound), and the held tuples' acks,
 * which come after, reach no process. */
static void test_spout_killed_at_max_pending_is_followed_at_once(void)
{
  seen_reset();
  g_autofree char *dir = g_dir_make_tmp("gust-ml-test-XXXXXX", NULL);
  g_autofree char *marker = g_build_filename(dir, "marker", NULL);
  /* the mode is the hold bolt's; the spout has none */
  gust_topology *t = spout_topology("spout-at-cap-killed", "hold_until_marker", marker, FALSE);
  gust_topology_set_conf_value(t, "topology.max.spout.pending", json_integer(5));
  gust_topology_set_conf_value(t, "topology.message.timeout.secs", json_integer(300));
  g_autofree char *children = child_dir();
  gust_component *hold = gust_topology_add_component(t, "hold", GUST_COMPONENT_BOLT);
  gust_component_set_impl(hold, gust_impl_new_multilang(python_bolt, children, NULL));
  declare(hold, "default", "n", FALSE);
  declare(hold, "info", "text", FALSE);
  subscribe(hold, "ml", "default", GUST_GROUPING_SHUFFLE);
  gust_runtime *rt = start_runtime(t);
  GError *error = NULL;
  const char *at_cap[] = {"logs", "holding 5"};
  g_assert_true(wait_until(line_seen, at_cap));
  g_autofree char *started = find_line(seen.tuples, "report [\"started ");
  g_assert_nonnull(started);
  gint64 pid = g_ascii_strtoll(strstr(started, "started ") + strlen("started "), NULL, 10);
  g_assert_cmpint(pid, >, 1);
  g_assert_true(g_file_set_contents(marker, "", 0, NULL)); /* the hold bolt lets go from now */
  g_assert_cmpint(kill((pid_t)pid, SIGKILL), ==, 0);
  /* the second process's 20 tuples are acked (n = 18: "m18"; n = 19: 2^70 + 19) */
  const char *last_acks[] = {"report [\"ack m18\"]", "report [\"ack 1180591620717411303443\"]"};
  gboolean went_on = wait_until(both_reported, last_acks);
  if (!went_on) dump_logs();
  g_assert_true(went_on);
  g_assert_true(gust_runtime_stop(rt, 120000, &error));
  gust_runtime_free(rt);

  g_assert_cmpuint(count_matching(seen.logs, "5 pending message(s) are dropped with it"), ==, 1);
  g_assert_cmpuint(count_matching(seen.tuples, "report [\"started "), ==, 2);
  /* the second process was acked for each of its 20, the first for none */
  g_assert_cmpuint(count_matching(seen.tuples, "report [\"ack "), ==, 20);
  g_assert_cmpuint(count_matching(seen.tuples, "report [\"fail "), ==, 0);
  gust_topology_free(t);
  g_unlink(marker);
  g_rmdir(dir);
  seen_clear();
}

/* The first process of a task never answered: the topology fails, saying why. */
static void assert_cannot_start(const char *const *argv, const char *expect1, const char *expect2)
{
  seen_reset();
  gust_topology *t = ml_topology("broken", "echo", argv, 5);
  /* the first failure's message is the point: no job restarts */
  gust_topology_set_conf_value(t, "topology.gust.restart.attempts", json_integer(0));
  GError *error = NULL;
  gust_runtime_options opts = {.native_lookup = test_lookup, .threads = 2};
  gust_runtime *rt = gust_runtime_new(t, &opts, &error);
  g_assert_no_error(error);
  gust_runtime_start(rt);
  g_assert_false(gust_runtime_wait(rt, (guint)(TEST_HANG_BOUND_S * 1000), &error));
  g_assert_nonnull(error);
  g_test_message("%s", error->message);
  g_assert_false(g_error_matches(error, FC_ERROR, FC_ERROR_TIMEOUT));
  assert_contains(error->message, "ml (task 3)");
  assert_contains(error->message, expect1);
  assert_contains(error->message, expect2);
  g_error_free(error);
  gust_runtime_free(rt);
  gust_topology_free(t);
  seen_clear();
}

static void test_missing_program_fails_the_topology(void)
{
  const char *const argv[] = {"no-such-interpreter-gust", "x.py", NULL};
  assert_cannot_start(argv, "cannot start [no-such-interpreter-gust x.py]",
                      "no-such-interpreter-gust");
}

static void test_script_dying_before_the_handshake_fails_the_topology(void)
{
  const char *const argv[] = {"python3", "no_such_script.py", NULL};
  assert_cannot_start(argv, "before answering the handshake", "no_such_script.py");
}

static void test_other_serializer_is_refused_at_submission(void)
{
  gust_topology *t = ml_topology("msgpack", "echo", python_bolt, 5);
  gust_component_set_conf_value(gust_topology_lookup(t, "ml"), "topology.multilang.serializer",
                                json_string("com.example.MsgPackSerializer"));
  GError *error = NULL;
  gust_runtime_options opts = {.native_lookup = test_lookup};
  g_assert_null(gust_runtime_new(t, &opts, &error));
  assert_error_contains(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_CONF,
                        "bolt 'ml': conf 'topology.multilang.serializer' must be one of "
                        "\"org.apache.storm.multilang.JsonSerializer\" "
                        "(got \"com.example.MsgPackSerializer\")");
  g_error_free(error);
  gust_topology_free(t);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL);
  capture_logs();
  g_test_add_func("/multilang/crash_is_reported_and_restarted",
                  test_crash_is_reported_and_restarted);
  g_test_add_func("/multilang/exit_is_reported_and_restarted", test_exit_is_reported_and_restarted);
  g_test_add_func("/multilang/hang_past_the_timeout_is_killed_and_restarted",
                  test_hang_past_the_timeout_is_killed_and_restarted);
  g_test_add_func("/multilang/garbage_output_is_reported_and_restarted",
                  test_garbage_output_is_reported_and_restarted);
  g_test_add_func("/multilang/text_after_a_message_is_reported_and_restarted",
                  test_text_after_a_message_is_reported_and_restarted);
  g_test_add_func("/multilang/wrong_number_of_fields_is_reported_and_restarted",
                  test_wrong_number_of_fields_is_reported_and_restarted);
  g_test_add_func("/multilang/crash_in_checkpoint_mode_fails_what_it_held",
                  test_crash_in_checkpoint_mode_fails_what_it_held);
  g_test_add_func("/multilang/spout_crash_is_reported_and_restarted",
                  test_spout_crash_is_reported_and_restarted);
  g_test_add_func("/multilang/spout_killed_at_max_pending_is_followed_at_once",
                  test_spout_killed_at_max_pending_is_followed_at_once);
  g_test_add_func("/multilang/missing_program_fails_the_topology",
                  test_missing_program_fails_the_topology);
  g_test_add_func("/multilang/script_dying_before_the_handshake_fails_the_topology",
                  test_script_dying_before_the_handshake_fails_the_topology);
  g_test_add_func("/multilang/other_serializer_is_refused_at_submission",
                  test_other_serializer_is_refused_at_submission);
  return g_test_run();
}
