/* fc_bench.c — the engine's benchmark: what one ring can carry, what a
 * pipeline reaches, and its latency at half that rate.  All figures come
 * from one run on this machine, so the ratios compare like with like.
 *
 *   (i)   hand-off: records/s through one channel between two threads
 *         (producer appends into batches, consumer reads every record),
 *         and raw pointer pushes/s through the bare ring;
 *   (ii)  records/s of source -> map -> hash-partitioned count on the
 *         default scheduler pool;
 *   (iii) (ii) / (i);
 *   (iv)  p50 / p99 latency source -> count at half of (ii).
 * Then where the time goes: busy and back-pressured share per vertex.
 *
 * Usage: fc-bench [--seconds S] [--parallelism P] [--batch N]
 */
#include <gust/flinkcore.h>

#include "channel.h"
#include "latency_histogram.h"

#include <stdio.h>
#include <string.h>

/* ---------------- (i) ring and channel hand-off ---------------- */

enum { HANDOFF_RECORDS = 50 * 1000 * 1000, RING_ITEMS = 50 * 1000 * 1000 };

static gpointer ring_pop_all(gpointer data)
{
  fc_ring *r = data;
  for (uintptr_t got = 0; got < RING_ITEMS;)
    if (fc_ring_pop(r)) got++;
  return NULL;
}

static double bench_ring(void)
{
  fc_ring r;
  fc_ring_init(&r, 1024);
  int64_t t0 = fc_now_ns();
  GThread *th = g_thread_new("pop", ring_pop_all, &r);
  for (uintptr_t i = 1; i <= RING_ITEMS;)
    if (fc_ring_push(&r, (void *)i)) i++;
  g_thread_join(th);
  double s = (fc_now_ns() - t0) / 1e9;
  fc_ring_clear(&r);
  return RING_ITEMS / s;
}

static gpointer channel_consume(gpointer data)
{
  fc_channel *ch = data;
  uint64_t got = 0, sum = 0;
  while (got < HANDOFF_RECORDS) {
    fc_batch *b = fc_ring_pop(&ch->full);
    if (!b) continue;
    for (uint32_t i = 0; i < b->n; i++)
      sum += (uint64_t)b->records[i].values[0].u.i;
    got += b->n;
    fc_batch_reset(b);
    fc_ring_push(&ch->empty, b);
  }
  return GSIZE_TO_POINTER(sum != 0);
}

static double bench_channel(uint32_t batch)
{
  fc_channel *ch = fc_channel_new(8, batch);
  int64_t t0 = fc_now_ns();
  GThread *th = g_thread_new("consume", channel_consume, ch);
  for (int64_t i = 0; i < HANDOFF_RECORDS; i++) {
    fc_value v = fc_i64(i);
    fc_record rec = {.n_values = 1, .values = &v};
    fc_batch_append(ch->filling, &rec, 0);
    if (fc_channel_filling_is_full(ch))
      while (!fc_channel_send(ch))
        ;
  }
  while (!fc_channel_send(ch))
    ;
  g_thread_join(th);
  double s = (fc_now_ns() - t0) / 1e9;
  fc_channel_free(ch);
  return HANDOFF_RECORDS / s;
}

/* ---------------- (ii) and (iv): the pipeline ---------------- */

typedef struct {
  double rate; /* records/s per source subtask; 0 = as fast as possible */
  uint32_t keys;
} source_conf;

typedef struct {
  const source_conf *conf;
  int64_t start, emitted;
  uint64_t x;
} source_state;

static gboolean source_open(fc_task *t, void *data, void **state, GError **error)
{
  source_state *s = g_new0(source_state, 1);
  s->conf = data;
  s->start = fc_now_ns();
  s->x = 88172645463325252ULL + (uint64_t)fc_task_subtask(t);
  *state = s;
  return TRUE;
}

static fc_produce_result source_produce(fc_task *t, void *state, GError **error)
{
  source_state *s = state;
  int64_t now = 0;
  if (s->conf->rate > 0) {
    now = fc_now_ns();
    if (s->emitted >= (int64_t)((now - s->start) / 1e9 * s->conf->rate)) return FC_PRODUCE_IDLE;
  }
  s->x ^= s->x << 13;
  s->x ^= s->x >> 7;
  s->x ^= s->x << 17;
  fc_value v = fc_i64((int64_t)(s->x % s->conf->keys));
  fc_record rec = {.n_values = 1, .values = &v, .created_ns = now};
  fc_task_emit(t, &rec, NULL, 0);
  s->emitted++;
  return FC_PRODUCE_MORE;
}

static void free_state(fc_task *t, void *state)
{
  g_free(state);
}

static gboolean map_process(fc_task *t, void *state, const fc_record *rec, GError **error)
{
  fc_value v = fc_i64(rec->values[0].u.i * 7 + 1); /* a small transformation */
  fc_record out = {.n_values = 1, .values = &v, .created_ns = rec->created_ns};
  fc_task_emit(t, &out, NULL, 0);
  return TRUE;
}

static uint64_t key_of(const fc_record *rec, void *unused)
{
  return fc_value_hash(&rec->values[0]);
}

typedef struct {
  bool measure_latency;
  GMutex lock; /* guards merged: the count subtasks add theirs at finish */
  latency_histogram merged;
} count_conf;

typedef struct {
  GHashTable *counts;
  latency_histogram latency;
  count_conf *conf;
} count_state;

static gboolean count_open(fc_task *t, void *data, void **state, GError **error)
{
  count_state *s = g_new0(count_state, 1);
  s->counts = g_hash_table_new(g_direct_hash, g_direct_equal);
  s->conf = data;
  *state = s;
  return TRUE;
}

static gboolean count_process(fc_task *t, void *state, const fc_record *rec, GError **error)
{
  count_state *s = state;
  gpointer key = GSIZE_TO_POINTER((gsize)rec->values[0].u.i + 1);
  gpointer prev = g_hash_table_lookup(s->counts, key);
  g_hash_table_insert(s->counts, key, GSIZE_TO_POINTER(GPOINTER_TO_SIZE(prev) + 1));
  if (s->conf->measure_latency)
    latency_histogram_record(&s->latency, fc_now_ns() - rec->created_ns);
  return TRUE;
}

static gboolean count_finish(fc_task *t, void *state, GError **error)
{
  count_state *s = state;
  count_conf *c = s->conf;
  g_mutex_lock(&c->lock);
  latency_histogram_merge(&c->merged, &s->latency);
  g_mutex_unlock(&c->lock);
  return TRUE;
}

static void count_close(fc_task *t, void *state)
{
  count_state *s = state;
  g_hash_table_destroy(s->counts);
  g_free(s);
}

typedef struct {
  double records_per_s;
  double busy_share[3], bp_share[3];
  int64_t p50_ns, p99_ns;
} pipeline_result;

static pipeline_result run_pipeline(int parallelism, double seconds, double total_rate, int batch)
{
  static const fc_operator src_op = {
      .open = source_open, .produce = source_produce, .close = free_state};
  static const fc_operator map_op = {.process = map_process};
  static const fc_operator count_op = {
      .open = count_open, .process = count_process, .finish = count_finish, .close = count_close};
  source_conf sconf = {.rate = total_rate / parallelism, .keys = 100000};
  count_conf cconf = {.measure_latency = total_rate > 0};
  g_mutex_init(&cconf.lock);

  fc_graph *g = fc_graph_new();
  int src = fc_graph_add_vertex(g, "source", parallelism, &src_op, &sconf, NULL);
  int map = fc_graph_add_vertex(g, "map", parallelism, &map_op, NULL, NULL);
  int count = fc_graph_add_vertex(g, "count", parallelism, &count_op, &cconf, NULL);
  fc_graph_add_edge(g, src, map, &(fc_edge_spec){.partitioner = FC_PART_FORWARD, .stream = -1});
  fc_graph_add_edge(g, map, count,
                    &(fc_edge_spec){.partitioner = FC_PART_HASH, .stream = -1, .key = key_of});
  fc_job *job = fc_job_new(g, &(fc_job_options){.batch_records = batch}, NULL);
  fc_job_start(job);

  /* Warm up for a fifth of the time, then measure a window. */
  g_usleep((gulong)(seconds * 0.2 * 1e6));
  uint64_t before = 0, after = 0;
  fc_task_metrics m;
  int n_tasks = fc_job_n_tasks(job);
  g_autofree uint64_t *busy0 = g_new0(uint64_t, n_tasks);
  g_autofree uint64_t *bp0 = g_new0(uint64_t, n_tasks);
  for (int i = 0; i < n_tasks; i++) {
    fc_job_task_metrics(job, i, &m);
    if (i / parallelism == 2) before += m.records_in;
    busy0[i] = m.busy_ns;
    bp0[i] = m.backpressure_ns;
  }
  int64_t t0 = fc_now_ns();
  g_usleep((gulong)(seconds * 0.8 * 1e6));
  double window = (fc_now_ns() - t0) / 1e9;
  pipeline_result r = {0};
  for (int i = 0; i < n_tasks; i++) {
    fc_job_task_metrics(job, i, &m);
    if (i / parallelism == 2) after += m.records_in;
    r.busy_share[i / parallelism] += (m.busy_ns - busy0[i]) / 1e9 / window;
    r.bp_share[i / parallelism] += (m.backpressure_ns - bp0[i]) / 1e9 / window;
  }
  r.records_per_s = (after - before) / window;
  fc_job_drain(job);
  GError *error = NULL;
  if (!fc_job_wait(job, 60000, &error)) {
    fprintf(stderr, "fc-bench: %s\n", error->message);
    g_clear_error(&error);
  }
  fc_job_free(job);
  if (cconf.measure_latency) {
    r.p50_ns = latency_histogram_quantile(&cconf.merged, 0.50);
    r.p99_ns = latency_histogram_quantile(&cconf.merged, 0.99);
  }
  g_mutex_clear(&cconf.lock);
  return r;
}

int main(int argc, char **argv)
{
  double seconds = 5;
  int parallelism = 2, batch = 256;
  GOptionEntry entries[] = {
      {"seconds", 's', 0, G_OPTION_ARG_DOUBLE, &seconds, "length of each pipeline run (default 5)",
       "S"},
      {"parallelism", 'p', 0, G_OPTION_ARG_INT, &parallelism, "subtasks per vertex (default 2)",
       "P"},
      {"batch", 'b', 0, G_OPTION_ARG_INT, &batch, "records per batch (default 256)", "N"},
      {NULL},
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("- flinkcore benchmark");
  g_option_context_add_main_entries(ctx, entries, NULL);
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "fc-bench: %s\n", error->message);
    return 2;
  }
  printf("fc-bench: %u cores, %d subtasks per vertex, batches of %d records\n",
         g_get_num_processors(), parallelism, batch);

  double ring = bench_ring();
  double handoff = bench_channel((uint32_t)batch);
  printf("(i)   ring hand-off:         %8.1f M pointers/s (bare SPSC ring, 2 threads)\n",
         ring / 1e6);
  printf("      channel hand-off:      %8.1f M records/s  (batched records, 2 threads)\n",
         handoff / 1e6);

  pipeline_result full = run_pipeline(parallelism, seconds, 0, batch);
  printf("(ii)  pipeline throughput:   %8.1f M records/s  (source -> map -> hash -> count)\n",
         full.records_per_s / 1e6);
  printf("(iii) pipeline / hand-off:   %8.2f\n", full.records_per_s / handoff);
  printf("      where the time goes (share of one core, back-pressured share):\n");
  const char *names[3] = {"source", "map", "count"};
  for (int i = 0; i < 3; i++)
    printf("        %-7s busy %5.2f cores  back-pressured %5.2f\n", names[i], full.busy_share[i],
           full.bp_share[i]);

  double half = full.records_per_s / 2;
  pipeline_result lat = run_pipeline(parallelism, seconds, half, batch);
  printf("(iv)  latency at %.1f M records/s (half of ii): p50 %.1f us, p99 %.1f us (achieved %.1f "
         "M/s)\n",
         half / 1e6, lat.p50_ns / 1e3, lat.p99_ns / 1e3, lat.records_per_s / 1e6);
  printf("goal (ii) 10 M records/s: %s (%.0f%%)\n", full.records_per_s >= 10e6 ? "met" : "not met",
         100 * full.records_per_s / 10e6);
  return 0;
}
