/* test_scheduler.c — the thread pool runs many tasks on few threads, ends
 * cleanly at end of input, drains endless sources on request, cancels,
 * reports a failing task by name, and gives a task that asks for another
 * turn (fc_task_again) one. */
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
  g_assert_true(fc_job_wait(job, 120000, &error));
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
  g_assert_true(fc_job_wait(job, 120000, &error));
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
  g_assert_false(fc_job_wait(job, 120000, &error));
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
  g_assert_false(fc_job_wait(job, 120000, &error));
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
  g_assert_false(fc_job_wait(job, 120000, &error));
  g_assert_error(error, FC_ERROR, FC_ERROR_TASK_FAILED);
  g_assert_nonnull(strstr(error->message, "broken[0]"));
  g_assert_nonnull(strstr(error->message, "cannot open the thing"));
  g_error_free(error);
  fc_job_free(job);
}

/* A source whose every produce() call sends a full batch and then works
 * for a millisecond: one turn of it is BUDGET calls. */
enum { BURST_RECORDS = 64, BURST_BUDGET = 200 };
static gint calls_done;               /* produce() calls the source finished */
static gint calls_at_first_seen = -1; /* ... when the sink saw its first record */

static fc_produce_result burst_produce(fc_task *t, void *state, GError **error)
{
  int64_t *sent = state;
  if (*sent == BURST_BUDGET) return FC_PRODUCE_END;
  if (*sent == 0) g_usleep(50000); /* the other thread has gone to sleep */
  for (int i = 0; i < BURST_RECORDS; i++) {
    fc_value v = fc_i64(fc_now_ns());
    fc_record rec = {.n_values = 1, .values = &v};
    fc_task_emit(t, &rec, NULL, 0);
  }
  (*sent)++;
  for (int64_t until = fc_now_ns() + 1000000; fc_now_ns() < until;)
    ; /* work */
  g_atomic_int_inc(&calls_done);
  return FC_PRODUCE_MORE;
}

static gboolean burst_open(fc_task *t, void *data, void **state, GError **error)
{
  *state = g_new0(int64_t, 1);
  return TRUE;
}

static void burst_close(fc_task *t, void *state)
{
  g_free(state);
}

static gboolean note_first(fc_task *t, void *state, const fc_record *rec, GError **error)
{
  if (calls_at_first_seen < 0) calls_at_first_seen = g_atomic_int_get(&calls_done);
  return TRUE;
}

static void test_a_long_turn_does_not_keep_the_next_task_waiting(void)
{
  /* A wake issued inside a turn is put off while the turn is short (the
   * same thread runs the woken task next); a turn that goes on must rouse
   * the idle thread, or the sink would wait for the source's whole turn
   * (BURST_BUDGET ms). */
  static const fc_operator burst = {
      .open = burst_open, .produce = burst_produce, .close = burst_close};
  static const fc_operator first = {.process = note_first};
  fc_graph *g = fc_graph_new();
  int a = fc_graph_add_vertex(g, "burst", 1, &burst, NULL, NULL);
  int b = fc_graph_add_vertex(g, "first", 1, &first, NULL, NULL);
  fc_graph_add_edge(g, a, b, &(fc_edge_spec){.partitioner = FC_PART_FORWARD, .stream = -1});
  fc_job_options opts = {.threads = 2,
                         .batch_records = BURST_RECORDS,
                         .source_budget = BURST_BUDGET,
                         .channel_batches = 2 * BURST_BUDGET}; /* room for the whole turn */
  fc_job *job = fc_job_new(g, &opts, NULL);
  fc_job_start(job);
  GError *error = NULL;
  g_assert_true(fc_job_wait(job, 120000, &error));
  g_assert_no_error(error);
  fc_job_free(job);
  /* Measured in the source's own progress, not in milliseconds: the sink
   * ran while the source's turn went on, however busy the machine. */
  g_test_message("the sink saw its first record after %d of the turn's %d calls",
                 calls_at_first_seen, BURST_BUDGET);
  g_assert_cmpint(calls_at_first_seen, >=, 0);
  g_assert_cmpint(calls_at_first_seen, <, BURST_BUDGET);
}

/* A source that waits for messages: produce() says FC_PRODUCE_WAIT until
 * `allowed` messages have arrived, then ends. */
typedef struct {
  gint produce_calls, messages;
} waiting_source;

static fc_produce_result waiting_produce(fc_task *t, void *state, GError **error)
{
  waiting_source *w = state;
  g_atomic_int_inc(&w->produce_calls);
  return g_atomic_int_get(&w->messages) >= 2 ? FC_PRODUCE_END : FC_PRODUCE_WAIT;
}

static gboolean waiting_message(fc_task *t, void *state, const fc_message *msg, GError **error)
{
  waiting_source *w = state;
  g_atomic_int_inc(&w->messages);
  return TRUE;
}

static gboolean waiting_open(fc_task *t, void *data, void **state, GError **error)
{
  *state = data;
  return TRUE;
}

/* Waits (a hang bound of 120 s) until *counter reaches at least n. */
static void wait_for_at_least(gint *counter, gint n)
{
  int64_t give_up = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;
  while (g_atomic_int_get(counter) < n && g_get_monotonic_time() < give_up)
    g_usleep(1000);
  g_assert_cmpint(g_atomic_int_get(counter), >=, n);
}

static void test_a_waiting_source_runs_only_when_a_message_comes(void)
{
  /* FC_PRODUCE_WAIT: no back-off polling (FC_PRODUCE_IDLE would call
   * produce() every idle_backoff_ms); each message runs it again. */
  static const fc_operator waiting = {
      .open = waiting_open, .produce = waiting_produce, .message = waiting_message};
  waiting_source w = {0};
  fc_graph *g = fc_graph_new();
  int a = fc_graph_add_vertex(g, "waiting", 1, &waiting, &w, NULL);
  g_assert_cmpint(a, ==, 0);
  int b = fc_graph_add_vertex(g, "pass", 1, &pass_op, NULL, NULL);
  fc_graph_add_edge(g, a, b, &(fc_edge_spec){.partitioner = FC_PART_FORWARD, .stream = -1});
  fc_job *job = fc_job_new(g, &(fc_job_options){.threads = 2, .idle_backoff_ms = 1}, NULL);
  fc_job_start(job);
  wait_for_at_least(&w.produce_calls, 1);
  /* 200 idle back-offs of 1 ms would have it polled ~200 times; a busy
   * machine can only make that fewer */
  g_usleep(200000);
  int before = g_atomic_int_get(&w.produce_calls);
  g_assert_cmpint(before, <=, 2);
  fc_message msg = {.kind = 1};
  fc_job_post(job, 0, &msg); /* task 0: vertex a's only subtask */
  wait_for_at_least(&w.produce_calls, before + 1);
  g_usleep(100000);
  g_assert_cmpint(g_atomic_int_get(&w.produce_calls), ==, before + 1);
  fc_job_post(job, 0, &msg); /* task 0: vertex a's only subtask */
  GError *error = NULL;
  g_assert_true(fc_job_wait(job, 120000, &error));
  g_assert_no_error(error);
  fc_job_free(job);
}

/* An operator that, at its first record, holds its input and then runs
 * AGAIN - 1 more turns with no input, message or timer to bring them:
 * each turn asks for the next (fc_task_again); the last releases the
 * input. */
enum { AGAIN = 5 };

typedef struct {
  int owed;         /* turns still to ask for */
  int again_turns;  /* turns run while held */
  int64_t received; /* records processed */
} again_op_state;

static gboolean again_open(fc_task *t, void *data, void **state, GError **error)
{
  *state = data;
  return TRUE;
}

static gboolean again_process(fc_task *t, void *state, const fc_record *rec, GError **error)
{
  again_op_state *a = state;
  if (a->received++ == 0) {
    fc_task_hold_input(t, TRUE);
    a->owed = AGAIN;
  }
  return TRUE;
}

static gboolean again_turn_end(fc_task *t, void *state, GError **error)
{
  again_op_state *a = state;
  if (a->owed == 0 || a->received == 0) return TRUE;
  if (a->owed < AGAIN) a->again_turns++; /* (the first is the turn that held) */
  if (--a->owed > 0)
    fc_task_again(t);
  else
    fc_task_hold_input(t, FALSE);
  return TRUE;
}

static void test_a_task_that_asks_again_gets_another_turn(void)
{
  static const fc_operator op = {
      .open = again_open, .process = again_process, .turn_end = again_turn_end};
  enum { N = 100 }; /* one batch: no later batch wakes the task */
  again_op_state a = {0};
  seq_source_conf conf = {.n = N};
  fc_graph *g = fc_graph_new();
  int src = fc_graph_add_vertex(g, "src", 1, &seq_source_op, &conf, NULL);
  int v = fc_graph_add_vertex(g, "again", 1, &op, &a, NULL);
  fc_graph_add_edge(g, src, v, &(fc_edge_spec){.partitioner = FC_PART_FORWARD, .stream = -1});
  fc_job *job = fc_job_new(g, &(fc_job_options){.threads = 1}, NULL);
  fc_job_start(job);
  GError *error = NULL;
  /* without the turns asked for, the held task would never run again */
  g_assert_true(fc_job_wait(job, 30000, &error));
  g_assert_no_error(error);
  fc_job_free(job);
  g_assert_cmpint(a.again_turns, ==, AGAIN - 1);
  g_assert_cmpint(a.received, ==, N);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/scheduler/200_tasks_run_on_2_threads", test_200_tasks_run_on_2_threads);
  g_test_add_func("/scheduler/a_waiting_source_runs_only_when_a_message_comes",
                  test_a_waiting_source_runs_only_when_a_message_comes);
  g_test_add_func("/scheduler/a_long_turn_does_not_keep_the_next_task_waiting",
                  test_a_long_turn_does_not_keep_the_next_task_waiting);
  g_test_add_func("/scheduler/drain_ends_endless_sources_and_finishes_everyone",
                  test_drain_ends_endless_sources_and_finishes_everyone);
  g_test_add_func("/scheduler/cancel_stops_an_endless_job", test_cancel_stops_an_endless_job);
  g_test_add_func("/scheduler/failing_task_surfaces_its_name", test_failing_task_surfaces_its_name);
  g_test_add_func("/scheduler/a_task_that_asks_again_gets_another_turn",
                  test_a_task_that_asks_again_gets_another_turn);
  g_test_add_func("/scheduler/failing_open_surfaces_as_an_error",
                  test_failing_open_surfaces_as_an_error);
  return g_test_run();
}
