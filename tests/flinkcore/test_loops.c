/* test_loops.c — graphs with cycles: records flow, checkpoints complete,
 * a drain ends, a full loop does not deadlock, a loop no source feeds is
 * refused.
 *
 * Two shapes, each in both checkpoint modes:
 *
 *   self-loop:  src --> bounce --> sink          bounce --LOOP--> bounce
 *   two-step:   src --> bounce --> sink          bounce --LOOP--> echo --> bounce
 *
 * A record is [id, hops].  bounce sends a record with hops < max_hops back
 * into the loop with hops + 1, and the others to the sink; echo returns
 * what it gets.  Record 0 may instead circulate until the test lets it go
 * (`hold_zero`): while it does, every checkpoint's barrier finds it inside
 * the loop, so bounce must be told it crossed each checkpoint, before that
 * checkpoint completes.  With loops_drop_at_end, record 0 circulates
 * forever and the job still ends: the loop is dropped once its input from
 * outside has ended.  Nothing here waits for a wall-clock window: the
 * timeouts only bound a hang.
 */
#include "fc_test_ops.h"

#include <stdatomic.h>
#include <string.h>

enum { STREAM_IN = 0, STREAM_LOOP = 1, STREAM_OUT = 2 };
enum { HANG_MS = 120000 };

typedef struct {
  int64_t n;               /* records the source emits; < 0: until drained */
  int max_hops;            /* hops each record makes in the loop */
  atomic_int hold_zero;    /* record 0 circulates while set */
  _Atomic int64_t emitted; /* by the source */
  /* bounce's thread only, read after the job */
  GArray *crossed;   /* uint64 checkpoint ids record 0 was seen crossing */
  GArray *completed; /* uint64 ids completed, with whether crossed was seen first */
  int bad_order;     /* a completion that came before record 0 crossed it */
} loop_world;

static gboolean world_open(fc_task *t, void *data, void **state, GError **error)
{
  *state = data;
  return TRUE;
}

static fc_produce_result src_produce(fc_task *t, void *state, GError **error)
{
  loop_world *w = state;
  int64_t i = atomic_load(&w->emitted);
  if (w->n >= 0 && i >= w->n) return FC_PRODUCE_END;
  fc_value v[2] = {fc_i64(i), fc_i64(0)};
  fc_record rec = {.stream = STREAM_IN, .n_values = 2, .values = v};
  fc_task_emit(t, &rec, NULL, 0);
  atomic_store(&w->emitted, i + 1);
  return FC_PRODUCE_MORE;
}

static gboolean bounce_process(fc_task *t, void *state, const fc_record *rec, GError **error)
{
  loop_world *w = state;
  int64_t id = rec->values[0].u.i, hops = rec->values[1].u.i;
  uint64_t crossed = fc_task_crossed_checkpoint(t);
  if (id == 0 && crossed) {
    if (!w->crossed->len || g_array_index(w->crossed, uint64_t, w->crossed->len - 1) != crossed)
      g_array_append_val(w->crossed, crossed);
  }
  bool again = (id == 0 && atomic_load(&w->hold_zero)) || hops < w->max_hops;
  fc_value v[2] = {fc_i64(id), fc_i64(hops + 1)};
  fc_record out = {.stream = again ? STREAM_LOOP : STREAM_OUT, .n_values = 2, .values = v};
  fc_task_emit(t, &out, NULL, 0);
  return TRUE;
}

static void bounce_complete(fc_task *t, void *state, uint64_t id)
{
  loop_world *w = state;
  g_array_append_val(w->completed, id);
  if (!atomic_load(&w->hold_zero)) return;
  bool seen = false;
  for (guint i = 0; i < w->crossed->len; i++)
    seen |= g_array_index(w->crossed, uint64_t, i) <= id;
  if (!seen) w->bad_order++;
}

static const fc_operator src_op = {.open = world_open, .produce = src_produce};
static const fc_operator bounce_op = {
    .open = world_open, .process = bounce_process, .checkpoint_complete = bounce_complete};

typedef struct {
  loop_world w;
  record_sink *sink;
  fc_job *job;
} loop_run;

/* Builds the job: two_step puts echo in the loop. */
static void loop_run_start_with(loop_run *r, bool two_step, fc_checkpoint_mode mode, int64_t n,
                                int max_hops, int channel_batches, int batch_records,
                                bool drop_at_end)
{
  r->w.n = n;
  r->w.max_hops = max_hops;
  r->w.crossed = g_array_new(FALSE, FALSE, sizeof(uint64_t));
  r->w.completed = g_array_new(FALSE, FALSE, sizeof(uint64_t));
  r->sink = record_sink_new(1);
  fc_graph *g = fc_graph_new();
  int src = fc_graph_add_vertex(g, "src", 1, &src_op, &r->w, NULL);
  int bounce = fc_graph_add_vertex(g, "bounce", 1, &bounce_op, &r->w, NULL);
  int sink = fc_graph_add_vertex(g, "sink", 1, &record_sink_op, r->sink, NULL);
  fc_edge_spec in = {.partitioner = FC_PART_SHUFFLE, .stream = STREAM_IN};
  fc_edge_spec loop = {.partitioner = FC_PART_SHUFFLE, .stream = STREAM_LOOP};
  fc_edge_spec out = {.partitioner = FC_PART_SHUFFLE, .stream = STREAM_OUT};
  fc_graph_add_edge(g, src, bounce, &in);
  fc_graph_add_edge(g, bounce, sink, &out);
  if (two_step) {
    int echo = fc_graph_add_vertex(g, "echo", 1, &pass_op, NULL, NULL);
    fc_graph_add_edge(g, bounce, echo, &loop);
    fc_edge_spec back = {.partitioner = FC_PART_SHUFFLE, .stream = -1};
    fc_graph_add_edge(g, echo, bounce, &back);
  } else {
    fc_graph_add_edge(g, bounce, bounce, &loop);
  }
  fc_job_options opts = {.threads = 2,
                         .checkpoint_mode = mode,
                         .channel_batches = channel_batches,
                         .batch_records = batch_records,
                         .loops_drop_at_end = drop_at_end};
  GError *error = NULL;
  r->job = fc_job_new(g, &opts, &error);
  g_assert_no_error(error);
  fc_job_start(r->job);
}

static void loop_run_start(loop_run *r, bool two_step, fc_checkpoint_mode mode, int64_t n,
                           int max_hops, int channel_batches, int batch_records)
{
  loop_run_start_with(r, two_step, mode, n, max_hops, channel_batches, batch_records, false);
}

/* Waits for the end, checks every record reached the sink once with
 * max_hops hops (record 0 possibly more), frees. */
static void loop_run_finish(loop_run *r)
{
  GError *error = NULL;
  g_assert_true(fc_job_wait(r->job, HANG_MS, &error));
  g_assert_no_error(error);
  fc_job_free(r->job);
  int64_t n = atomic_load(&r->w.emitted);
  GArray *row = r->sink->rows[0];
  g_assert_cmpuint(row->len, ==, (guint)n);
  g_autofree uint8_t *seen = g_new0(uint8_t, n ? n : 1);
  for (guint i = 0; i < row->len; i++) {
    int64_t id = g_array_index(row, int64_t, i);
    g_assert_cmpint(id, >=, 0);
    g_assert_cmpint(id, <, n);
    g_assert_cmpint(seen[id], ==, 0);
    seen[id] = 1;
  }
  g_assert_cmpint(r->w.bad_order, ==, 0);
  record_sink_free(r->sink);
  g_array_free(r->w.crossed, TRUE);
  g_array_free(r->w.completed, TRUE);
}

static void run_records_flow_and_end(bool two_step, fc_checkpoint_mode mode)
{
  loop_run r = {0};
  loop_run_start(&r, two_step, mode, 5000, 3, 0, 0);
  loop_run_finish(&r);
}

/* A record circulates while checkpoints complete; then it is let go, the
 * source is drained, and the job ends with every record delivered. */
static void run_checkpoints_complete_around_a_circulating_record(bool two_step,
                                                                 fc_checkpoint_mode mode)
{
  loop_run r = {0};
  atomic_store(&r.w.hold_zero, 1);
  loop_run_start(&r, two_step, mode, -1, 2, 0, 0);
  while (atomic_load(&r.w.emitted) == 0) /* record 0 goes ahead of barrier 1 */
    g_usleep(1000);
  for (int i = 0; i < 4; i++) {
    uint64_t id = 0;
    while (!(id = fc_job_trigger_checkpoint(r.job)))
      g_usleep(1000); /* the previous one is still being announced */
    GError *error = NULL;
    g_assert_true(fc_job_checkpoint_wait(r.job, id, HANG_MS, &error));
    g_assert_no_error(error);
  }
  atomic_store(&r.w.hold_zero, 0);
  fc_job_drain(r.job);
  GError *error = NULL;
  g_assert_true(fc_job_wait(r.job, HANG_MS, &error));
  g_assert_no_error(error);
  /* (every task is done: its thread no longer writes the world)
   * record 0 was inside the loop at each of the four checkpoints */
  for (guint i = 0; i < r.w.crossed->len; i++)
    g_test_message("crossed %" G_GUINT64_FORMAT, g_array_index(r.w.crossed, uint64_t, i));
  g_assert_cmpuint(r.w.crossed->len, >=, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint(g_array_index(r.w.crossed, uint64_t, i), ==, i + 1);
  loop_run_finish(&r);
}

static void test_self_loop_flows_and_ends_aligned(void)
{
  run_records_flow_and_end(false, FC_CHECKPOINT_ALIGNED);
}
static void test_two_step_loop_flows_and_ends_aligned(void)
{
  run_records_flow_and_end(true, FC_CHECKPOINT_ALIGNED);
}
static void test_self_loop_checkpoints_complete_aligned(void)
{
  run_checkpoints_complete_around_a_circulating_record(false, FC_CHECKPOINT_ALIGNED);
}
static void test_self_loop_checkpoints_complete_at_least_once(void)
{
  run_checkpoints_complete_around_a_circulating_record(false, FC_CHECKPOINT_AT_LEAST_ONCE);
}
static void test_two_step_loop_checkpoints_complete_aligned(void)
{
  run_checkpoints_complete_around_a_circulating_record(true, FC_CHECKPOINT_ALIGNED);
}
static void test_two_step_loop_checkpoints_complete_at_least_once(void)
{
  run_checkpoints_complete_around_a_circulating_record(true, FC_CHECKPOINT_AT_LEAST_ONCE);
}

/* Tiny channels, many hops: the loop's rings are full most of the time. */
static void test_a_full_loop_does_not_deadlock(void)
{
  loop_run r = {0};
  loop_run_start(&r, false, FC_CHECKPOINT_AT_LEAST_ONCE, 2000, 40, 1, 2);
  loop_run_finish(&r);
  loop_run r2 = {0};
  loop_run_start(&r2, true, FC_CHECKPOINT_AT_LEAST_ONCE, 2000, 40, 1, 2);
  loop_run_finish(&r2);
}

/* Record 0 goes round forever: dropping at end, the job still ends once
 * the source has, says what it dropped, and what reached the sink came
 * once each, record 0 never. */
static void run_an_endless_loop_is_dropped_at_end(bool two_step)
{
  loop_run r = {0};
  atomic_store(&r.w.hold_zero, 1);
  g_test_expect_message(NULL, G_LOG_LEVEL_MESSAGE,
                        two_step
                            ? "dropped * still circulating in the loop bounce -> echo -> bounce *"
                            : "dropped * still circulating in the loop bounce -> bounce *");
  loop_run_start_with(&r, two_step, FC_CHECKPOINT_ALIGNED, 1000, 2, 0, 0, true);
  GError *error = NULL;
  g_assert_true(fc_job_wait(r.job, HANG_MS, &error));
  g_assert_no_error(error);
  fc_job_free(r.job);
  g_test_assert_expected_messages();
  GArray *row = r.sink->rows[0];
  g_assert_cmpuint(row->len, <, 1000);
  g_autofree uint8_t *seen = g_new0(uint8_t, 1000);
  for (guint i = 0; i < row->len; i++) {
    int64_t id = g_array_index(row, int64_t, i);
    g_assert_cmpint(id, >, 0);
    g_assert_cmpint(id, <, 1000);
    g_assert_cmpint(seen[id]++, ==, 0);
  }
  record_sink_free(r.sink);
  g_array_free(r.w.crossed, TRUE);
  g_array_free(r.w.completed, TRUE);
}

static void test_an_endless_self_loop_is_dropped_at_end(void)
{
  run_an_endless_loop_is_dropped_at_end(false);
}
static void test_an_endless_two_step_loop_is_dropped_at_end(void)
{
  run_an_endless_loop_is_dropped_at_end(true);
}

static void test_a_loop_no_source_feeds_is_refused_by_name(void)
{
  loop_world w = {0};
  fc_graph *g = fc_graph_new();
  int src = fc_graph_add_vertex(g, "src", 1, &src_op, &w, NULL);
  int sink = fc_graph_add_vertex(g, "sink", 1, &pass_op, NULL, NULL);
  int a = fc_graph_add_vertex(g, "ping", 1, &pass_op, NULL, NULL);
  int b = fc_graph_add_vertex(g, "pong", 1, &pass_op, NULL, NULL);
  fc_edge_spec spec = {.partitioner = FC_PART_SHUFFLE, .stream = -1};
  fc_graph_add_edge(g, src, sink, &spec);
  fc_graph_add_edge(g, a, b, &spec);
  fc_graph_add_edge(g, b, a, &spec);
  GError *error = NULL;
  g_assert_null(fc_job_new(g, NULL, &error));
  g_assert_error(error, FC_ERROR, FC_ERROR_INVALID_GRAPH);
  g_assert_nonnull(strstr(error->message, "ping -> pong -> ping"));
  g_error_free(error);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/loops/self_loop_flows_and_ends_aligned", test_self_loop_flows_and_ends_aligned);
  g_test_add_func("/loops/two_step_loop_flows_and_ends_aligned",
                  test_two_step_loop_flows_and_ends_aligned);
  g_test_add_func("/loops/self_loop_checkpoints_complete_aligned",
                  test_self_loop_checkpoints_complete_aligned);
  g_test_add_func("/loops/self_loop_checkpoints_complete_at_least_once",
                  test_self_loop_checkpoints_complete_at_least_once);
  g_test_add_func("/loops/two_step_loop_checkpoints_complete_aligned",
                  test_two_step_loop_checkpoints_complete_aligned);
  g_test_add_func("/loops/two_step_loop_checkpoints_complete_at_least_once",
                  test_two_step_loop_checkpoints_complete_at_least_once);
  g_test_add_func("/loops/a_full_loop_does_not_deadlock", test_a_full_loop_does_not_deadlock);
  g_test_add_func("/loops/an_endless_self_loop_is_dropped_at_end",
                  test_an_endless_self_loop_is_dropped_at_end);
  g_test_add_func("/loops/an_endless_two_step_loop_is_dropped_at_end",
                  test_an_endless_two_step_loop_is_dropped_at_end);
  g_test_add_func("/loops/a_loop_no_source_feeds_is_refused_by_name",
                  test_a_loop_no_source_feeds_is_refused_by_name);
  return g_test_run();
}
