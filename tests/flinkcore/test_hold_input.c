/* test_hold_input.c — an operator that holds its input (fc_task_hold_input)
 * gets no records until it releases it, resumes exactly where it stopped
 * (in the middle of a batch), loses nothing, and does not hold a scheduler
 * thread meanwhile: with one thread, another pipeline keeps running while
 * the gate waits. */
#include "fc_test_ops.h"

enum { EVERY = 100, HOLD_MS = 5 };

typedef struct {
  record_sink *other; /* the other pipeline's sink, watched during holds */
  int64_t next;       /* the value expected next */
  int held_calls;     /* process() calls while held: must stay 0 */
  int holds, releases;
  uint64_t other_at_hold;
  int holds_with_progress; /* the other pipeline advanced during the hold */
  GArray *seen;
} gate;

static gboolean gate_open(fc_task *t, void *data, void **state, GError **error)
{
  *state = data;
  return TRUE;
}

static gboolean gate_process(fc_task *t, void *state, const fc_record *rec, GError **error)
{
  gate *g = state;
  if (fc_task_input_held(t)) g->held_calls++;
  g_array_append_val(g->seen, rec->values[0].u.i);
  if (g->seen->len % EVERY == 0) {
    fc_task_hold_input(t, TRUE);
    g->holds++;
    g->other_at_hold = record_sink_total(g->other);
    fc_task_timer_add(t, HOLD_MS, FALSE);
  }
  return TRUE;
}

static gboolean gate_timer(fc_task *t, void *state, uint32_t id, GError **error)
{
  gate *g = state;
  if (record_sink_total(g->other) > g->other_at_hold) g->holds_with_progress++;
  fc_task_hold_input(t, FALSE);
  g->releases++;
  return TRUE;
}

static void test_held_input_waits_without_holding_a_thread(void)
{
  static const fc_operator gate_op = {
      .open = gate_open, .process = gate_process, .timer = gate_timer};
  enum { N = 3050, OTHER_N = 2000000 }; /* N: the last hold is followed by records */
  record_sink *other = record_sink_new(1);
  gate g = {.other = other, .seen = g_array_new(FALSE, FALSE, sizeof(int64_t))};
  seq_source_conf conf = {.n = N}, other_conf = {.n = OTHER_N};
  fc_graph *graph = fc_graph_new();
  int src = fc_graph_add_vertex(graph, "src", 1, &seq_source_op, &conf, NULL);
  int gv = fc_graph_add_vertex(graph, "gate", 1, &gate_op, &g, NULL);
  fc_graph_add_edge(graph, src, gv, &(fc_edge_spec){.partitioner = FC_PART_FORWARD, .stream = -1});
  int osrc = fc_graph_add_vertex(graph, "other-src", 1, &seq_source_op, &other_conf, NULL);
  int osink = fc_graph_add_vertex(graph, "other-sink", 1, &record_sink_op, other, NULL);
  fc_graph_add_edge(graph, osrc, osink,
                    &(fc_edge_spec){.partitioner = FC_PART_FORWARD, .stream = -1});
  /* one thread: a gate that blocked it would stop the other pipeline too;
   * batches larger than EVERY: holds fall in the middle of batches */
  fc_job *job = fc_job_new(graph, &(fc_job_options){.threads = 1, .batch_records = 256}, NULL);
  fc_job_start(job);
  GError *error = NULL;
  g_assert_true(fc_job_wait(job, 120000, &error));
  g_assert_no_error(error);
  fc_job_free(job);

  g_assert_cmpint(g.held_calls, ==, 0);
  g_assert_cmpuint(g.seen->len, ==, N);
  for (int64_t i = 0; i < N; i++) /* in order, none lost or repeated */
    g_assert_cmpint(g_array_index(g.seen, int64_t, i), ==, i);
  g_assert_cmpint(g.holds, ==, N / EVERY);
  g_assert_cmpint(g.releases, ==, g.holds);
  g_test_message("%d of %d holds saw the other pipeline advance", g.holds_with_progress, g.holds);
  g_assert_cmpint(g.holds_with_progress, >, 0);
  g_assert_cmpuint(record_sink_total(other), ==, OTHER_N);
  record_sink_free(other);
  g_array_free(g.seen, TRUE);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/flinkcore/hold_input/held_input_waits_without_holding_a_thread",
                  test_held_input_waits_without_holding_a_thread);
  return g_test_run();
}
