/* test_backpressure.c — a slow consumer stalls a fast producer: the number
 * of queued records stays under the channels' bound however long it runs,
 * nothing is lost, and the producer's back-pressured time is accounted. */
#include "fc_test_ops.h"

static void test_slow_consumer_bounds_queued_records(void)
{
  enum { BATCH = 32, CHANNEL_BATCHES = 4, N = 20000 };
  seq_source_conf conf = {.n = N};
  fc_graph *g = fc_graph_new();
  int src = fc_graph_add_vertex(g, "fast", 1, &seq_source_op, &conf, NULL);
  record_sink *sink = record_sink_new(1);
  sink->delay_us = 20; /* ~50k records/s at most: far slower than the source */
  int dst = fc_graph_add_vertex(g, "slow", 1, &record_sink_op, sink, NULL);
  fc_graph_add_edge(g, src, dst, &(fc_edge_spec){.partitioner = FC_PART_SHUFFLE, .stream = -1});
  fc_job_options opts = {.threads = 2, .batch_records = BATCH, .channel_batches = CHANNEL_BATCHES};
  fc_job *job = fc_job_new(g, &opts, NULL);
  fc_job_start(job);

  /* Watch the queue while it runs, too. */
  uint64_t worst_seen = 0;
  GError *error = NULL;
  while (!fc_job_wait(job, 20, &error)) {
    g_assert_error(error, FC_ERROR, FC_ERROR_TIMEOUT);
    g_clear_error(&error);
    fc_task_metrics m;
    fc_job_task_metrics(job, 1, &m);
    worst_seen = MAX(worst_seen, m.queued_records);
    g_assert_cmpuint(m.queued_batches, <=, m.queue_capacity);
  }
  /* The full ring holds CHANNEL_BATCHES batches, and the count includes the
   * one the consumer just took; a source may overrun the batch it is
   * filling by the one record it emits per produce(). */
  uint64_t bound = (CHANNEL_BATCHES + 1) * (BATCH + 1);
  uint64_t peak = fc_job_task_peak_queued_records(job, 1);
  g_test_message("peak queued records %" G_GUINT64_FORMAT " (bound %" G_GUINT64_FORMAT ")", peak,
                 bound);
  g_assert_cmpuint(peak, <=, bound);
  g_assert_cmpuint(worst_seen, <=, bound);
  g_assert_cmpuint(peak, >=, BATCH); /* it did queue: the test exercised the stall */

  fc_task_metrics src_m;
  fc_job_task_metrics(job, 0, &src_m);
  g_assert_cmpuint(src_m.backpressure_ns, >, 0);
  g_assert_cmpuint(src_m.records_out, ==, N);
  fc_job_free(job);

  g_assert_cmpuint(record_sink_total(sink), ==, N);
  for (int64_t i = 0; i < N; i++) /* in order, none lost */
    g_assert_cmpint(g_array_index(sink->rows[0], int64_t, i), ==, i);
  record_sink_free(sink);
}

/* A map that emits 10 records per input, into a slow sink: the overrun
 * stays bounded by one callback's output. */
static gboolean fan_out_process(fc_task *t, void *state, const fc_record *rec, GError **error)
{
  for (int i = 0; i < 10; i++) {
    fc_value v = fc_i64(rec->values[0].u.i * 10 + i);
    fc_record out = {.n_values = 1, .values = &v};
    fc_task_emit(t, &out, NULL, 0);
  }
  return TRUE;
}

static void test_fan_out_under_backpressure_stays_bounded(void)
{
  static const fc_operator fan_out = {.process = fan_out_process};
  enum { BATCH = 16, CHANNEL_BATCHES = 2, N = 2000 };
  seq_source_conf conf = {.n = N};
  fc_graph *g = fc_graph_new();
  int src = fc_graph_add_vertex(g, "src", 1, &seq_source_op, &conf, NULL);
  int mid = fc_graph_add_vertex(g, "fan", 1, &fan_out, NULL, NULL);
  record_sink *sink = record_sink_new(1);
  sink->delay_us = 5;
  int dst = fc_graph_add_vertex(g, "slow", 1, &record_sink_op, sink, NULL);
  fc_graph_add_edge(g, src, mid, &(fc_edge_spec){.partitioner = FC_PART_SHUFFLE, .stream = -1});
  fc_graph_add_edge(g, mid, dst, &(fc_edge_spec){.partitioner = FC_PART_SHUFFLE, .stream = -1});
  fc_job *job = fc_job_new(
      g,
      &(fc_job_options){.threads = 2, .batch_records = BATCH, .channel_batches = CHANNEL_BATCHES},
      NULL);
  fc_job_start(job);
  g_assert_true(fc_job_wait(job, 120000, NULL));
  uint64_t peak = fc_job_task_peak_queued_records(job, 2);
  g_assert_cmpuint(peak, <=, (CHANNEL_BATCHES + 1) * (BATCH + 10));
  fc_job_free(job);
  g_assert_cmpuint(record_sink_total(sink), ==, N * 10);
  record_sink_free(sink);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/backpressure/slow_consumer_bounds_queued_records",
                  test_slow_consumer_bounds_queued_records);
  g_test_add_func("/backpressure/fan_out_under_backpressure_stays_bounded",
                  test_fan_out_under_backpressure_stays_bounded);
  return g_test_run();
}
