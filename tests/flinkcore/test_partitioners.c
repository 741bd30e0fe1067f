/* test_partitioners.c — every partitioner sends records where it should:
 * distribution for shuffle/random, key affinity for hash, all for
 * broadcast, subtask 0 for global, the named task for direct, the same
 * index for forward, the producer's location first for local, and the
 * chosen subtasks (none, one or several) for chooser. */
#include "fc_test_ops.h"

#include <string.h>

typedef struct {
  record_sink *sink;
  int sink_vertex;
  fc_job *job;
} run_result;

/* source(p_src, n each) --spec--> sink(p_sink); runs to the end. */
static record_sink *run_pair(int p_src, int64_t n, int p_sink, fc_edge_spec spec,
                             const fc_operator *src_op, void *src_data)
{
  static seq_source_conf conf;
  conf = (seq_source_conf){.n = n};
  fc_graph *g = fc_graph_new();
  int src = fc_graph_add_vertex(g, "src", p_src, src_op ? src_op : &seq_source_op,
                                src_data ? src_data : &conf, NULL);
  record_sink *sink = record_sink_new(p_sink);
  int dst = fc_graph_add_vertex(g, "sink", p_sink, &record_sink_op, sink, NULL);
  fc_graph_add_edge(g, src, dst, &spec);
  GError *error = NULL;
  fc_job_options opts = {.threads = 2, .batch_records = 16};
  fc_job *job = fc_job_new(g, &opts, &error);
  g_assert_no_error(error);
  fc_job_start(job);
  g_assert_true(fc_job_wait(job, 120000, &error));
  g_assert_no_error(error);
  fc_job_free(job);
  return sink;
}

static void test_shuffle_spreads_evenly(void)
{
  record_sink *s = run_pair(
      2, 4000, 4, (fc_edge_spec){.partitioner = FC_PART_SHUFFLE, .stream = -1}, NULL, NULL);
  g_assert_cmpuint(record_sink_total(s), ==, 8000);
  for (int i = 0; i < 4; i++)
    g_assert_cmpuint(s->rows[i]->len, ==, 2000); /* round-robin: exact */
  record_sink_free(s);
}

static void test_random_spreads_roughly_evenly(void)
{
  record_sink *s = run_pair(
      1, 40000, 4, (fc_edge_spec){.partitioner = FC_PART_RANDOM, .stream = -1}, NULL, NULL);
  g_assert_cmpuint(record_sink_total(s), ==, 40000);
  for (int i = 0; i < 4; i++) {
    g_assert_cmpuint(s->rows[i]->len, >, 9000);
    g_assert_cmpuint(s->rows[i]->len, <, 11000);
  }
  record_sink_free(s);
}

static void test_hash_sends_equal_keys_to_one_task(void)
{
  record_sink *s = run_pair(
      3, 3000, 4, (fc_edge_spec){.partitioner = FC_PART_HASH, .stream = -1, .key = first_value_key},
      NULL, NULL);
  g_assert_cmpuint(record_sink_total(s), ==, 9000);
  GHashTable *owner = g_hash_table_new(g_int64_hash, g_int64_equal);
  for (int i = 0; i < 4; i++) {
    g_assert_cmpuint(s->rows[i]->len, >, 1500); /* keys spread over every task */
    for (guint k = 0; k < s->rows[i]->len; k++) {
      int64_t *key = &g_array_index(s->rows[i], int64_t, k);
      gpointer prev = g_hash_table_lookup(owner, key);
      if (prev)
        g_assert_cmpint(GPOINTER_TO_INT(prev), ==, i + 1);
      else
        g_hash_table_insert(owner, key, GINT_TO_POINTER(i + 1));
    }
  }
  g_assert_cmpuint(g_hash_table_size(owner), ==, 3000);
  g_hash_table_destroy(owner);
  record_sink_free(s);
}

static void test_broadcast_reaches_every_task(void)
{
  record_sink *s = run_pair(
      2, 500, 3, (fc_edge_spec){.partitioner = FC_PART_BROADCAST, .stream = -1}, NULL, NULL);
  for (int i = 0; i < 3; i++)
    g_assert_cmpuint(s->rows[i]->len, ==, 1000);
  record_sink_free(s);
}

static void test_global_sends_everything_to_subtask_zero(void)
{
  record_sink *s =
      run_pair(2, 500, 3, (fc_edge_spec){.partitioner = FC_PART_GLOBAL, .stream = -1}, NULL, NULL);
  g_assert_cmpuint(s->rows[0]->len, ==, 1000);
  g_assert_cmpuint(s->rows[1]->len, ==, 0);
  g_assert_cmpuint(s->rows[2]->len, ==, 0);
  record_sink_free(s);
}

static void test_forward_keeps_the_subtask_index(void)
{
  record_sink *s =
      run_pair(3, 200, 3, (fc_edge_spec){.partitioner = FC_PART_FORWARD, .stream = -1}, NULL, NULL);
  for (int i = 0; i < 3; i++) {
    g_assert_cmpuint(s->rows[i]->len, ==, 200);
    for (guint k = 0; k < s->producers[i]->len; k++)
      g_assert_cmpint(g_array_index(s->producers[i], int32_t, k), ==, i); /* src[i] is task i */
  }
  record_sink_free(s);
}

/* A source that sends value v directly to sink task (first_sink + v % 3). */
typedef struct {
  int first_sink;
  int64_t next;
} direct_state;

static gboolean direct_open(fc_task *t, void *data, void **state, GError **error)
{
  direct_state *s = g_new0(direct_state, 1);
  s->first_sink = GPOINTER_TO_INT(data);
  *state = s;
  return TRUE;
}

static fc_produce_result direct_produce(fc_task *t, void *state, GError **error)
{
  direct_state *s = state;
  if (s->next == 300) return FC_PRODUCE_END;
  fc_value v = fc_i64(s->next);
  fc_record rec = {.n_values = 1, .values = &v};
  g_assert_true(fc_task_emit_direct(t, &rec, s->first_sink + (int)(s->next % 3)));
  g_assert_false(fc_task_emit_direct(t, &rec, 99));        /* not a consumer */
  g_assert_cmpuint(fc_task_emit(t, &rec, NULL, 0), ==, 0); /* direct edges only take direct emits */
  s->next++;
  return FC_PRODUCE_MORE;
}

static void direct_close(fc_task *t, void *state)
{
  g_free(state);
}

static void test_direct_sends_to_the_named_task(void)
{
  static const fc_operator direct_src = {
      .open = direct_open, .produce = direct_produce, .close = direct_close};
  /* src is task 0, sink tasks are 1..3 */
  record_sink *s = run_pair(1, 0, 3, (fc_edge_spec){.partitioner = FC_PART_DIRECT, .stream = -1},
                            &direct_src, GINT_TO_POINTER(1));
  for (int i = 0; i < 3; i++) {
    g_assert_cmpuint(s->rows[i]->len, ==, 100);
    for (guint k = 0; k < s->rows[i]->len; k++)
      g_assert_cmpint(g_array_index(s->rows[i], int64_t, k) % 3, ==, i);
  }
  record_sink_free(s);
}

/* Value v goes to subtask v % 3 only, v % 10 == 0 to every subtask as
 * well as an out-of-range one (dropped), v % 10 == 1 to none. */
static size_t choose_by_value(fc_task *producer, const fc_record *rec, void *data,
                              int32_t *subtasks, size_t max)
{
  g_assert_cmpuint(max, ==, 3);
  g_assert_cmpint(GPOINTER_TO_INT(data), ==, 42);
  int64_t v = rec->values[0].u.i;
  if (v % 10 == 1) return 0;
  if (v % 10 == 0) {
    subtasks[0] = 0, subtasks[1] = 7, subtasks[2] = 2;
    return 3;
  }
  subtasks[0] = (int32_t)(v % 3);
  return 1;
}

static void test_chooser_sends_to_each_chosen_subtask(void)
{
  record_sink *s = run_pair(2, 1000, 3,
                            (fc_edge_spec){.partitioner = FC_PART_CHOOSER,
                                           .stream = -1,
                                           .choose = choose_by_value,
                                           .key_data = GINT_TO_POINTER(42)},
                            NULL, NULL);
  guint expected[3] = {0};
  for (int64_t v = 0; v < 1000; v++) {
    if (v % 10 == 1) continue;
    if (v % 10 == 0) {
      expected[0]++, expected[2]++;
      continue;
    }
    expected[v % 3]++;
  }
  for (int i = 0; i < 3; i++) {
    g_assert_cmpuint(s->rows[i]->len, ==, 2 * expected[i]); /* two producers */
    for (guint k = 0; k < s->rows[i]->len; k++) {
      int64_t v = g_array_index(s->rows[i], int64_t, k);
      g_assert_cmpint(v % 10, !=, 1);
      if (v % 10) g_assert_cmpint(v % 3, ==, i);
    }
  }
  record_sink_free(s);
}

static void test_local_prefers_the_producers_location(void)
{
  seq_source_conf conf = {.n = 600};
  fc_graph *g = fc_graph_new();
  int src = fc_graph_add_vertex(g, "src", 2, &seq_source_op, &conf, NULL);
  record_sink *sink = record_sink_new(4);
  int dst = fc_graph_add_vertex(g, "sink", 4, &record_sink_op, sink, NULL);
  /* src[0] at location 0 with sinks 0 and 1; src[1] at location 1 with sink 2; sink 3 elsewhere */
  fc_graph_set_location(g, src, 1, 1);
  fc_graph_set_location(g, dst, 2, 1);
  fc_graph_set_location(g, dst, 3, 7);
  fc_graph_add_edge(g, src, dst, &(fc_edge_spec){.partitioner = FC_PART_LOCAL, .stream = -1});
  fc_job *job = fc_job_new(g, &(fc_job_options){.threads = 2}, NULL);
  fc_job_start(job);
  g_assert_true(fc_job_wait(job, 120000, NULL));
  fc_job_free(job);
  g_assert_cmpuint(sink->rows[0]->len, ==, 300);
  g_assert_cmpuint(sink->rows[1]->len, ==, 300);
  g_assert_cmpuint(sink->rows[2]->len, ==, 600);
  g_assert_cmpuint(sink->rows[3]->len, ==, 0);
  record_sink_free(sink);
}

static void test_edges_filter_on_stream(void)
{
  seq_source_conf conf = {.n = 100, .stream = 7};
  fc_graph *g = fc_graph_new();
  int src = fc_graph_add_vertex(g, "src", 1, &seq_source_op, &conf, NULL);
  record_sink *seven = record_sink_new(1), *other = record_sink_new(1);
  int a = fc_graph_add_vertex(g, "seven", 1, &record_sink_op, seven, NULL);
  int b = fc_graph_add_vertex(g, "other", 1, &record_sink_op, other, NULL);
  fc_graph_add_edge(g, src, a, &(fc_edge_spec){.partitioner = FC_PART_SHUFFLE, .stream = 7});
  fc_graph_add_edge(g, src, b, &(fc_edge_spec){.partitioner = FC_PART_SHUFFLE, .stream = 8});
  fc_job *job = fc_job_new(g, NULL, NULL);
  fc_job_start(job);
  g_assert_true(fc_job_wait(job, 120000, NULL));
  fc_job_free(job);
  g_assert_cmpuint(record_sink_total(seven), ==, 100);
  g_assert_cmpuint(record_sink_total(other), ==, 0);
  record_sink_free(seven);
  record_sink_free(other);
}

static void test_forward_with_unequal_parallelism_is_refused(void)
{
  seq_source_conf conf = {.n = 1};
  fc_graph *g = fc_graph_new();
  int src = fc_graph_add_vertex(g, "src", 2, &seq_source_op, &conf, NULL);
  record_sink *sink = record_sink_new(3);
  int dst = fc_graph_add_vertex(g, "sink", 3, &record_sink_op, sink, NULL);
  fc_graph_add_edge(g, src, dst, &(fc_edge_spec){.partitioner = FC_PART_FORWARD, .stream = -1});
  GError *error = NULL;
  g_assert_null(fc_job_new(g, NULL, &error));
  g_assert_error(error, FC_ERROR, FC_ERROR_INVALID_GRAPH);
  g_assert_nonnull(strstr(error->message, "src -> sink"));
  g_error_free(error);
  record_sink_free(sink);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/partition/shuffle_spreads_evenly", test_shuffle_spreads_evenly);
  g_test_add_func("/partition/random_spreads_roughly_evenly", test_random_spreads_roughly_evenly);
  g_test_add_func("/partition/hash_sends_equal_keys_to_one_task",
                  test_hash_sends_equal_keys_to_one_task);
  g_test_add_func("/partition/broadcast_reaches_every_task", test_broadcast_reaches_every_task);
  g_test_add_func("/partition/global_sends_everything_to_subtask_zero",
                  test_global_sends_everything_to_subtask_zero);
  g_test_add_func("/partition/forward_keeps_the_subtask_index",
                  test_forward_keeps_the_subtask_index);
  g_test_add_func("/partition/direct_sends_to_the_named_task", test_direct_sends_to_the_named_task);
  g_test_add_func("/partition/chooser_sends_to_each_chosen_subtask",
                  test_chooser_sends_to_each_chosen_subtask);
  g_test_add_func("/partition/local_prefers_the_producers_location",
                  test_local_prefers_the_producers_location);
  g_test_add_func("/partition/edges_filter_on_stream", test_edges_filter_on_stream);
  g_test_add_func("/partition/forward_with_unequal_parallelism_is_refused",
                  test_forward_with_unequal_parallelism_is_refused);
  return g_test_run();
}
