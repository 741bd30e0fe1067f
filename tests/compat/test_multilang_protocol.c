/* test_multilang_protocol.c — multilang components speak Storm's protocol
 * with gust: real subprocesses (Python, and awk through sh) started from
 * argv in their resources directory, handshake with Storm's context,
 * emits with and without task-id replies, direct emits, several anchors,
 * acks and fails reaching the spout, unknown ids, every log level, error
 * and metrics commands, emits before the handshake, integers of any size,
 * tick tuples, spouts answering next/ack/fail/activate, and the
 * checkpoint reliability mode (what a child holds at a barrier is acked
 * when it settles: test_multilang_reliability.c).
 *
 * Topologies are numbers -> ml -> sink (see multilang_test.h); the child
 * scripts live in tests/compat/multilang/.
 */
#include "multilang_test.h"

static void test_python_bolt_echoes_and_every_tuple_is_acked(void)
{
  seen_reset();
  gust_topology *t = ml_topology("echo", "echo", python_bolt, 200);
  gust_component_summary ml = run_until_settled(t, 200, "ml");
  assert_all_acked(200);
  g_assert_cmpuint(count_matching(seen.tuples, "sink 5 default"), ==, 200);
  g_assert_cmpuint(ml.executed, ==, 200);
  g_assert_cmpuint(ml.acked, ==, 200);
  g_assert_cmpuint(ml.errors, ==, 0);
  /* need_task_ids defaults to true: the child got the sink's task id back */
  g_assert_cmpuint(count_matching(seen.logs, "name:ml task ids [5]"), ==, 1);
  g_assert_cmpuint(count_matching(seen.logs, "ShellLog pid:"), ==, 1);
  g_assert_cmpuint(count_matching(seen.tuples, "info [\"started "), ==, 1);
  gust_topology_free(t);
  seen_clear();
}

static void test_handshake_gives_storm_context_pid_dir_cwd_and_env(void)
{
  seen_reset();
  const char *const argv[] = {"python3", "proto_bolt.py", "early", NULL};
  const char *const env[] = {"GUST_TEST_ENV=from-flux", NULL};
  gust_topology *t = ml_topology("context", "early", argv, 10);
  g_autofree char *dir = child_dir();
  gust_component_set_impl(gust_topology_lookup(t, "ml"), gust_impl_new_multilang(argv, dir, env));
  gust_component_set_conf_value(gust_topology_lookup(t, "ml"), "my.setting", json_integer(7));
  run_until_settled(t, 10, "ml");
  assert_all_acked(10);
  /* an emit written before the child read the handshake still counts */
  g_assert_cmpuint(count_matching(seen.tuples, "info [\"early\"]"), ==, 1);

  g_autofree char *line = find_line(seen.tuples, "info [\"context ");
  g_assert_nonnull(line);
  /* the value is a JSON string holding JSON: decode twice */
  json_error_t jerr;
  json_t *outer = json_loads(strstr(line, "["), 0, &jerr);
  g_assert_nonnull(outer);
  json_t *info =
      json_loads(json_string_value(json_array_get(outer, 0)) + strlen("context "), 0, &jerr);
  g_assert_nonnull(info);
  json_t *ctx = json_object_get(info, "context");
  g_assert_cmpint(json_integer_value(json_object_get(ctx, "taskid")), ==, 3);
  g_assert_cmpstr(json_string_value(json_object_get(ctx, "componentid")), ==, "ml");
  json_t *tasks = json_object_get(ctx, "task->component");
  g_assert_cmpstr(json_string_value(json_object_get(tasks, "1")), ==, "dsink");
  g_assert_cmpstr(json_string_value(json_object_get(tasks, "2")), ==, "dsink");
  g_assert_cmpstr(json_string_value(json_object_get(tasks, "3")), ==, "ml");
  g_assert_cmpstr(json_string_value(json_object_get(tasks, "4")), ==, "numbers");
  g_assert_cmpstr(json_string_value(json_object_get(tasks, "5")), ==, "sink");
  g_assert_cmpstr(json_string_value(json_object_get(tasks, "6")), ==, "__acker");
  g_assert_cmpstr(json_string_value(json_object_get(tasks, "-1")), ==, "__system");
  g_assert_cmpuint(json_array_size(json_object_get(ctx, "streams")), ==, 3);
  json_t *fields = json_object_get(ctx, "stream->outputfields");
  g_assert_cmpstr(json_string_value(json_array_get(json_object_get(fields, "info"), 0)), ==,
                  "text");
  json_t *targets = json_object_get(ctx, "stream->target->grouping");
  g_assert_cmpstr(json_string_value(json_object_get(
                      json_object_get(json_object_get(targets, "direct"), "dsink"), "type")),
                  ==, "DIRECT");
  g_assert_cmpstr(json_string_value(json_object_get(
                      json_object_get(json_object_get(targets, "info"), "sink"), "type")),
                  ==, "SHUFFLE");
  json_t *sources = json_object_get(ctx, "source->stream->grouping");
  g_assert_cmpstr(json_string_value(json_object_get(
                      json_object_get(json_object_get(sources, "numbers"), "default"), "type")),
                  ==, "SHUFFLE");
  json_t *source_fields = json_object_get(ctx, "source->stream->fields");
  g_assert_cmpstr(json_string_value(json_array_get(
                      json_object_get(json_object_get(source_fields, "numbers"), "default"), 0)),
                  ==, "n");
  /* component conf over topology conf; the pid dir is absolute; cwd and env */
  json_t *conf = json_object_get(info, "conf");
  g_assert_cmpint(json_integer_value(json_object_get(conf, "my.setting")), ==, 7);
  g_assert_cmpstr(json_string_value(json_object_get(conf, "test.mode")), ==, "early");
  g_assert_true(g_path_is_absolute(json_string_value(json_object_get(info, "pidDir"))));
  g_assert_false(
      g_file_test(json_string_value(json_object_get(info, "pidDir")), G_FILE_TEST_EXISTS));
  g_assert_cmpstr(json_string_value(json_object_get(info, "cwd")), ==, dir);
  g_assert_cmpstr(json_string_value(json_object_get(info, "env")), ==, "from-flux");
  json_decref(info);
  json_decref(outer);
  gust_topology_free(t);
  seen_clear();
}

static void test_need_task_ids_false_gets_no_reply(void)
{
  seen_reset();
  gust_topology *t = ml_topology("no-ids", "no_task_ids", python_bolt, 100);
  gust_component_summary ml = run_until_settled(t, 100, "ml");
  assert_all_acked(100);
  g_assert_cmpuint(ml.errors, ==, 0); /* the child reports any task-id list it gets */
  g_assert_cmpuint(count_matching(seen.tuples, "sink 5 default"), ==, 100);
  gust_topology_free(t);
  seen_clear();
}

static void test_direct_emits_reach_the_named_task_without_reply(void)
{
  seen_reset();
  gust_topology *t = ml_topology("direct", "direct", python_bolt, 40);
  gust_component_summary ml = run_until_settled(t, 40, "ml");
  assert_all_acked(40);
  g_assert_cmpuint(ml.errors, ==, 0);
  for (int n = 0; n < 40; n++) {
    g_autofree char *expect = g_strdup_printf("dsink %d direct [%d]", 1 + n % 2, n);
    g_assert_cmpuint(count_matching(seen.tuples, expect), ==, 1);
  }
  gust_topology_free(t);
  seen_clear();
}

static void test_emit_anchored_to_several_tuples_tracks_them_all(void)
{
  seen_reset();
  gust_topology *t = ml_topology("join", "join", python_bolt, 40);
  /* pairs (2k, 2k+1) become one tuple 4k+1; the sink fails it when k is even */
  gust_topology_set_conf_value(t, "test.fail_every", json_integer(8));
  gust_topology_set_conf_value(t, "test.fail_remainder", json_integer(1));
  run_until_settled(t, 40, "ml");
  for (int k = 0; k < 20; k++) {
    GHashTable *expect = k % 2 == 0 ? seen.failed : seen.acked;
    GHashTable *other = k % 2 == 0 ? seen.acked : seen.failed;
    for (int n = 2 * k; n <= 2 * k + 1; n++) {
      g_assert_cmpuint(times(expect, n), ==, 1);
      g_assert_cmpuint(times(other, n), ==, 0);
    }
  }
  gust_topology_free(t);
  seen_clear();
}

static void test_ack_or_fail_of_unknown_id_is_reported_and_ignored(void)
{
  seen_reset();
  gust_topology *t = ml_topology("unknown", "unknown", python_bolt, 30);
  gust_component_summary ml = run_until_settled(t, 30, "ml");
  assert_all_acked(30);
  g_assert_cmpuint(ml.errors, ==, 2);
  g_assert_cmpuint(
      count_matching(seen.logs, "ack of tuple id \"999999999\", which the bolt does not hold"), ==,
      1);
  g_assert_cmpuint(
      count_matching(seen.logs, "fail of tuple id \"abc\", which the bolt does not hold"), ==, 1);
  gust_topology_free(t);
  seen_clear();
}

static void test_log_levels_error_and_metrics_commands(void)
{
  seen_reset();
  gust_topology *t = ml_topology("logs", "logs", python_bolt, 10);
  gust_component_summary ml = run_until_settled(t, 10, "ml");
  assert_all_acked(10);
  g_assert_cmpuint(count_matching(seen.logs, "DEBUG ShellLog pid:"), ==, 2);
  g_assert_cmpuint(count_matching(seen.logs, ", name:ml level 0"), ==, 1);
  g_assert_cmpuint(count_matching(seen.logs, ", name:ml level 1"), ==, 1);
  g_assert_cmpuint(count_matching(seen.logs, "INFO ShellLog pid:"), ==, 2); /* 2 and no level */
  g_assert_cmpuint(count_matching(seen.logs, ", name:ml no level"), ==, 1);
  g_assert_cmpuint(count_matching(seen.logs, "WARNING ShellLog pid:"), ==, 2);
  g_assert_cmpuint(count_matching(seen.logs, ", name:ml WARN level 3"), ==, 1);
  g_assert_cmpuint(count_matching(seen.logs, ", name:ml ERROR level 4"), ==, 1);
  /* error: reported, counted, the bolt goes on */
  g_assert_cmpuint(ml.errors, ==, 1);
  g_assert_cmpuint(
      count_matching(
          seen.logs,
          "ml (task 3) reported an error: Shell Process Exception: something went wrong"),
      ==, 1);
  gust_topology_free(t);
  seen_clear();
}

static void test_integers_of_any_size_are_accepted(void)
{
  seen_reset();
  gust_topology *t = ml_topology("bigint", "bigint", python_bolt, 20);
  gust_component_summary ml = run_until_settled(t, 20, "ml");
  assert_all_acked(20); /* acks with numeric ids */
  g_assert_cmpuint(ml.errors, ==, 0);
  g_assert_cmpuint(count_matching(seen.tuples, "info [\"123456789012345678901234567890\"]"), ==, 1);
  gust_topology_free(t);
  seen_clear();
}

static void test_awk_bolt_runs_like_a_python_one(void)
{
  seen_reset();
  const char *const argv[] = {"sh", "echo_bolt.sh", NULL};
  gust_topology *t = ml_topology("awk", "echo", argv, 100);
  gust_component_summary ml = run_until_settled(t, 100, "ml");
  assert_all_acked(100);
  g_assert_cmpuint(ml.errors, ==, 0);
  for (int n = 0; n < 100; n += 33) {
    g_autofree char *expect = g_strdup_printf("sink 5 default [%d]", n);
    g_assert_cmpuint(count_matching(seen.tuples, expect), ==, 1);
  }
  gust_topology_free(t);
  seen_clear();
}

static gboolean five_settled_and_two_ticks(gpointer data)
{
  return settled_count() >= 5 && count_matching(seen.tuples, "info [\"tick [1]\"]") >= 2;
}

static void test_tick_tuples_reach_the_shell_bolt(void)
{
  seen_reset();
  gust_topology *t = ml_topology("ticks", "no_task_ids", python_bolt, 5);
  gust_component_set_conf_value(gust_topology_lookup(t, "ml"), "topology.tick.tuple.freq.secs",
                                json_integer(1));
  run_until(t, test_lookup, five_settled_and_two_ticks, NULL, "ml");
  assert_all_acked(5);
  g_assert_cmpuint(count_matching(seen.tuples, "info [\"tick [1]\"]"), >=, 2);
  gust_topology_free(t);
  seen_clear();
}

static gboolean twenty_acks_or_fails_reported(gpointer data)
{
  return count_matching(seen.tuples, "report [\"ack ") +
             count_matching(seen.tuples, "report [\"fail ") >=
         20;
}

/* A Python spout instead of numbers; the sink fails n = 1, 5, 9, 13, 17
 * (n % 4 == 1), whose message ids are integers above 2^64. */
static void test_python_spout_gets_its_acks_and_fails_with_exact_ids(void)
{
  seen_reset();
  gust_topology *t = gust_topology_new("spout");
  gust_topology_set_conf_value(t, "topology.gust.reliability", json_string("acker"));
  gust_topology_set_conf_value(t, "test.tuples", json_integer(20));
  gust_topology_set_conf_value(t, "test.fail_every", json_integer(4));
  gust_topology_set_conf_value(t, "test.fail_remainder", json_integer(1));
  gust_component *spout = gust_topology_add_component(t, "ml", GUST_COMPONENT_SPOUT);
  const char *const argv[] = {"python3", "proto_spout.py", NULL};
  g_autofree char *dir = child_dir();
  gust_component_set_impl(spout, gust_impl_new_multilang(argv, dir, NULL));
  declare(spout, "default", "n", FALSE);
  declare(spout, "report", "text", FALSE);
  gust_component *sink = add_native(t, "sink", GUST_COMPONENT_BOLT, 1);
  subscribe(sink, "ml", "default", GUST_GROUPING_SHUFFLE);
  subscribe(sink, "ml", "report", GUST_GROUPING_SHUFFLE);
  GError *error = NULL;
  gust_runtime_options opts = {.native_lookup = test_lookup, .threads = 2};
  gust_runtime *rt = gust_runtime_new(t, &opts, &error);
  g_assert_no_error(error);
  gust_runtime_start(rt);
  g_assert_true(wait_until(twenty_acks_or_fails_reported, NULL));
  g_assert_true(gust_runtime_stop(rt, 120000, &error));
  gust_component_summary *all = NULL;
  gust_runtime_summary(rt, &all);
  g_assert_cmpuint(all[0].emitted, ==, 20 + count_matching(seen.tuples, "report"));
  g_assert_cmpuint(all[0].acked, ==, 15);
  g_assert_cmpuint(all[0].failed, ==, 5);
  g_assert_cmpuint(all[0].errors, ==, 0);
  g_free(all);
  gust_runtime_free(rt);

  g_assert_cmpuint(count_matching(seen.logs, "name:ml got activate"), ==, 1);
  g_assert_cmpuint(count_matching(seen.logs, "name:ml got deactivate"), ==, 1);
  for (int n = 0; n < 20; n++) {
    /* even n: "m<n>"; odd n: 2**70 + n = 1180591620717411303424 + n, every digit kept */
    g_autofree char *id = n % 2 == 0 ? g_strdup_printf("m%d", n)
                                     : g_strdup_printf("11805916207174113034%02d", 24 + n);
    g_autofree char *expect =
        g_strdup_printf("report [\"%s %s\"]", n % 4 == 1 ? "fail" : "ack", id);
    if (count_matching(seen.tuples, expect) != 1) {
      dump_logs();
      g_error("the spout did not get \"%s\" once", expect);
    }
  }
  gust_topology_free(t);
  seen_clear();
}

static void test_checkpoint_mode_acks_what_the_shell_bolt_processed(void)
{
  seen_reset();
  gust_topology *t = ml_topology("checkpointed", "no_task_ids", python_bolt, 100);
  gust_topology_set_conf_value(t, "topology.gust.reliability", json_string("checkpoint"));
  gust_topology_set_conf_value(t, "topology.gust.checkpoint.interval.ms", json_integer(100));
  run_until_settled(t, 100, "ml");
  assert_all_acked(100);
  g_assert_cmpuint(count_matching(seen.tuples, "sink 5 default"), ==, 100);
  gust_topology_free(t);
  seen_clear();
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL);
  capture_logs();
  g_test_add_func("/multilang/python_bolt_echoes_and_every_tuple_is_acked",
                  test_python_bolt_echoes_and_every_tuple_is_acked);
  g_test_add_func("/multilang/handshake_gives_storm_context_pid_dir_cwd_and_env",
                  test_handshake_gives_storm_context_pid_dir_cwd_and_env);
  g_test_add_func("/multilang/need_task_ids_false_gets_no_reply",
                  test_need_task_ids_false_gets_no_reply);
  g_test_add_func("/multilang/direct_emits_reach_the_named_task_without_reply",
                  test_direct_emits_reach_the_named_task_without_reply);
  g_test_add_func("/multilang/emit_anchored_to_several_tuples_tracks_them_all",
                  test_emit_anchored_to_several_tuples_tracks_them_all);
  g_test_add_func("/multilang/ack_or_fail_of_unknown_id_is_reported_and_ignored",
                  test_ack_or_fail_of_unknown_id_is_reported_and_ignored);
  g_test_add_func("/multilang/log_levels_error_and_metrics_commands",
                  test_log_levels_error_and_metrics_commands);
  g_test_add_func("/multilang/integers_of_any_size_are_accepted",
                  test_integers_of_any_size_are_accepted);
  g_test_add_func("/multilang/awk_bolt_runs_like_a_python_one",
                  test_awk_bolt_runs_like_a_python_one);
  g_test_add_func("/multilang/tick_tuples_reach_the_shell_bolt",
                  test_tick_tuples_reach_the_shell_bolt);
  g_test_add_func("/multilang/python_spout_gets_its_acks_and_fails_with_exact_ids",
                  test_python_spout_gets_its_acks_and_fails_with_exact_ids);
  g_test_add_func("/multilang/checkpoint_mode_acks_what_the_shell_bolt_processed",
                  test_checkpoint_mode_acks_what_the_shell_bolt_processed);
  return g_test_run();
}
