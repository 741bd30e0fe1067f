/* test_scheduler.c — the thread pool runs many tasks on few threads, ends
 * cleanly at end of input, drains endless sources on request, cancels, and
 * reports a failing task by name. */
#include "fc_test_ops.h"

#include <string.h>

static void test_200_tasks_run_on_2_threads(void)
{
  /* 50 independent chains source -> pass -> pass -> sink: 200 tasks. */
  enum { CHAINS = 50, N = 2000 };
  seq_source_conf conf = {.n = N};
  fc_graph *g = fc_graph_new();
  record_sink *sinks[CHAINS];
  for (int c = 0; c < CHAINS; c++) {
    char name[32];
    g_snprintf(name, sizeof name, "src%d", c);
    int a = fc_graph_add_vertex(g, name, 1, &seq_source_op, &conf, NULL);
    int b = fc_graph_add_vertex(g, "pass1", 1, &pass_op, NULL, NULL);
    int d = fc_graph_add_vertex(g, "pass2", 1, &pass_op, NULL, NULL);
    sinks[c] = record_sink_new(1);
    int e = fc_graph_add_vertex(g, "sink", 1, &record_sink_op, sinks[c], NULL);
    fc_edge_spec spec = {.partitioner = FC_PART_SHUFFLE, .stream = -1};
    fc_graph_add_edge(g, a, b, &spec);
    fc_graph_add_edge(g, b, d, &spec);
    fc_graph_add_edge(g, d, e, &spec);
  }
  fc_job *job = fc_job_new(g, &(fc_job_options){.threads = 2, .batch_records = 64}, NULL);
  g_assert_cmpint(fc_job_n_tasks(job), ==, 200);
  fc_job_start(job);
  GError *error = NULL;
  g_assert_true(fc_job_wait(job, 60000, &error));
  g_assert_no_error(error);
  for (int t = 0; t < 200; t++) {
    fc_task_metrics m;
    fc_job_task_metrics(job, t, &m);
    if (t % 4 == 0)
      g_assert_cmpuint(m.records_out, ==, N);
    else
      g_assert_cmpuint(m.records_in, ==, N);
    g_assert_cmpuint(m.queued_records, ==, 0);
  }
  fc_job_free(job);
  for (int c = 0; c < CHAINS; c++) {
    g_assert_cmpuint(record_sink_total(sinks[c]), ==, N);
    record_sink_free(sinks[c]);
  }
}

/* Counts finish() calls: every operator must see end of input once. */
static gint finishes;
static gboolean count_finish(fc_task *t, void *state, GError **error)
{
  g_atomic_int_inc(&finishes);
  return TRUE;
}

static void test_drain_ends_endless_sources_and_finishes_everyone(void)
{
  static fc_operator pass_counting;
  pass_counting = pass_op;
  pass_counting.finish = count_finish;
  seq_source_conf conf = {.n = -1};
  fc_graph *g = fc_graph_new();
  int a = fc_graph_add_vertex(g, "endless", 2, &seq_source_op, &conf, NULL);
  int b = fc_graph_add_vertex(g, "pass", 3, &pass_counting, NULL, NULL);
  record_sink *sink = record_sink_new(2);
  int c = fc_graph_add_vertex(g, "sink", 2, &record_sink_op, sink, NULL);
  fc_graph_add_edge(g, a, b, &(fc_edge_spec){.partitioner = FC_PART_SHUFFLE, .stream = -1});
  fc_graph_add_edge(
      g, b, c, &(fc_edge_spec){.partitioner = FC_PART_HASH, .stream = -1, .key = first_value_key});
  g_atomic_int_set(&finishes, 0);
  fc_job *job = fc_job_new(g, &(fc_job_options){.threads = 2}, NULL);
  fc_job_start(job);
  GError *error = NULL;
  g_assert_false(fc_job_wait(job, 100, &error));
  g_assert_error(error, FC_ERROR, FC_ERROR_TIMEOUT);
  g_clear_error(&error);
  fc_job_drain(job);
  g_assert_true(fc_job_wait(job, 30000, &error));
  g_assert_no_error(error);
  g_assert_cmpint(g_atomic_int_get(&finishes), ==, 3);
  uint64_t emitted = 0;
  for (int t = 0; t < 2; t++) {
    fc_task_metrics m;
    fc_job_task_metrics(job, t, &m);
    emitted += m.records_out;
  }
  fc_job_free(job);
  g_assert_cmpuint(emitted, >, 0);
  g_assert_cmpuint(record_sink_total(sink), ==, emitted); /* drained: nothing dropped */
  record_sink_free(sink);
}

static void test_cancel_stops_an_endless_job(void)
{
  seq_source_conf conf = {.n = -1};
  fc_graph *g = fc_graph_new();
  int a = fc_graph_add_vertex(g, "endless", 1, &seq_source_op, &conf, NULL);
  int b = fc_graph_add_vertex(g, "pass", 1, &pass_op, NULL, NULL);
  fc_graph_add_edge(g, a, b, &(fc_edge_spec){.partitioner = FC_PART_SHUFFLE, .stream = -1});
  fc_job *job = fc_job_new(g, NULL, NULL);
  fc_job_start(job);
  g_usleep(50000);
  fc_job_cancel(job);
  GError *error = NULL;
  g_assert_false(fc_job_wait(job, 10000, &error));
  g_assert_error(error, FC_ERROR, FC_ERROR_CANCELLED);
  g_error_free(error);
  fc_job_free(job);
}

static void test_failing_task_surfaces_its_name(void)
{
  seq_source_conf conf = {.n = -1};
  fc_graph *g = fc_graph_new();
  int a = fc_graph_add_vertex(g, "numbers", 2, &seq_source_op, &conf, NULL);
  record_sink *sink = record_sink_new(3);
  sink->fail_on = 1234;
  int b = fc_graph_add_vertex(g, "picky", 3, &record_sink_op, sink, NULL);
  fc_graph_add_edge(
      g, a, b, &(fc_edge_spec){.partitioner = FC_PART_HASH, .stream = -1, .key = first_value_key});
  fc_job *job = fc_job_new(g, NULL, NULL);
  fc_job_start(job);
  GError *error = NULL;
  g_assert_false(fc_job_wait(job, 30000, &error));
  g_assert_error(error, FC_ERROR, FC_ERROR_TASK_FAILED);
  g_test_message("%s", error->message);
  g_assert_nonnull(strstr(error->message, "task picky["));
  g_assert_nonnull(strstr(error->message, "refusing value 1234"));
  g_error_free(error);
  fc_job_free(job);
  record_sink_free(sink);
}

static gboolean failing_open(fc_task *t, void *data, void **state, GError **error)
{
  g_set_error(error, g_quark_from_static_string("test"), 2, "cannot open the thing");
  return FALSE;
}

static void test_failing_open_surfaces_as_an_error(void)
{
  static const fc_operator bad = {.open = failing_open, .process = NULL, .produce = NULL};
  static fc_operator bad_source;
  bad_source = bad;
  bad_source.produce = seq_source_op.produce;
  fc_graph *g = fc_graph_new();
  fc_graph_add_vertex(g, "broken", 1, &bad_source, NULL, NULL);
  fc_job *job = fc_job_new(g, NULL, NULL);
  fc_job_start(job);
  GError *error = NULL;
  g_assert_false(fc_job_wait(job, 10000, &error));
  g_assert_error(error, FC_ERROR, FC_ERROR_TASK_FAILED);
  g_assert_nonnull(strstr(error->message, "broken[0]"));
  g_assert_nonnull(strstr(error->message, "cannot open the thing"));
  g_error_free(error);
  fc_job_free(job);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/scheduler/200_tasks_run_on_2_threads", test_200_tasks_run_on_2_threads);
  g_test_add_func("/scheduler/drain_ends_endless_sources_and_finishes_everyone",
                  test_drain_ends_endless_sources_and_finishes_everyone);
  g_test_add_func("/scheduler/cancel_stops_an_endless_job", test_cancel_stops_an_endless_job);
  g_test_add_func("/scheduler/failing_task_surfaces_its_name", test_failing_task_surfaces_its_name);
  g_test_add_func("/scheduler/failing_open_surfaces_as_an_error",
                  test_failing_open_surfaces_as_an_error);
  return g_test_run();
}
