/* test_restore.c — a job resumes from a checkpoint: the bytes each task's
 * snapshot() wrote reach the same task of a new job through
 * fc_job_set_restored_state(), and a source resumes where it stopped. */
#include "fc_test_ops.h"

#include <string.h>

/* A source that counts; its snapshot is its position (next value). */
typedef struct {
  int64_t next, limit;
} counter_state;

static gboolean counter_open(fc_task *t, void *data, void **state, GError **error)
{
  counter_state *s = g_new0(counter_state, 1);
  s->limit = *(int64_t *)data;
  GBytes *restored = fc_task_restored_state(t);
  if (restored) {
    gsize n = 0;
    const void *p = g_bytes_get_data(restored, &n);
    if (n != sizeof s->next) {
      g_set_error(error, g_quark_from_static_string("test"), 1, "bad restored size %zu", n);
      g_free(s);
      return FALSE;
    }
    memcpy(&s->next, p, sizeof s->next);
  }
  *state = s;
  return TRUE;
}

static fc_produce_result counter_produce(fc_task *t, void *state, GError **error)
{
  counter_state *s = state;
  if (s->next >= s->limit) return FC_PRODUCE_IDLE; /* stays alive so that checkpoints can run */
  fc_value v = fc_i64(s->next++);
  fc_record rec = {.n_values = 1, .values = &v};
  fc_task_emit(t, &rec, NULL, 0);
  return FC_PRODUCE_MORE;
}

static gboolean counter_snapshot(fc_task *t, void *state, uint64_t id, fc_snapshot *out,
                                 GError **error)
{
  counter_state *s = state;
  fc_snapshot_write(out, &s->next, sizeof s->next);
  return TRUE;
}

static void counter_close(fc_task *t, void *state)
{
  g_free(state);
}

static const fc_operator counter_op = {.open = counter_open,
                                       .produce = counter_produce,
                                       .snapshot = counter_snapshot,
                                       .close = counter_close};

static fc_job *counting_job(int64_t *limit, record_sink *sink)
{
  fc_graph *g = fc_graph_new();
  int src = fc_graph_add_vertex(g, "counter", 1, &counter_op, limit, NULL);
  int dst = fc_graph_add_vertex(g, "sink", 1, &record_sink_op, sink, NULL);
  fc_graph_add_edge(g, src, dst, &(fc_edge_spec){.partitioner = FC_PART_SHUFFLE, .stream = -1});
  GError *error = NULL;
  fc_job *job = fc_job_new(g, &(fc_job_options){.threads = 2}, &error);
  g_assert_no_error(error);
  return job;
}

/* Records the sink task (task 1) has taken in, read through the job's
 * metrics (the sink's own rows belong to its thread while it runs). */
static uint64_t sink_records(fc_job *job)
{
  fc_task_metrics m;
  fc_job_task_metrics(job, 1, &m);
  return m.records_in;
}

static void test_new_job_resumes_from_a_checkpoint(void)
{
  int64_t first_limit = 1000, second_limit = 1500;
  record_sink *sink1 = record_sink_new(1), *sink2 = record_sink_new(1);
  fc_job *job = counting_job(&first_limit, sink1);
  fc_job_start(job);
  while (sink_records(job) < 1000)
    g_usleep(1000);
  uint64_t id = fc_job_trigger_checkpoint(job);
  g_assert_cmpuint(id, >, 0);
  GError *error = NULL;
  g_assert_true(fc_job_checkpoint_wait(job, id, 120000, &error));
  GBytes *state = fc_job_checkpoint_task_state(job, id, 0, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(g_bytes_get_size(state), ==, sizeof(int64_t));
  fc_job_cancel(job);
  fc_job_free(job);

  fc_job *again = counting_job(&second_limit, sink2);
  fc_job_set_restored_state(again, 0, state);
  g_bytes_unref(state);
  fc_job_start(again);
  while (sink_records(again) < 500)
    g_usleep(1000);
  g_usleep(20000);
  fc_job_cancel(again);
  fc_job_free(again);
  /* the second job emitted exactly 1000..1499 */
  g_assert_cmpuint(record_sink_total(sink2), ==, 500);
  for (guint i = 0; i < 500; i++)
    g_assert_cmpint(g_array_index(sink2->rows[0], int64_t, i), ==, 1000 + (int64_t)i);
  record_sink_free(sink1);
  record_sink_free(sink2);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/restore/new_job_resumes_from_a_checkpoint",
                  test_new_job_resumes_from_a_checkpoint);
  return g_test_run();
}
