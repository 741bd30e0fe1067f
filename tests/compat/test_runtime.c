/* test_runtime.c — Storm semantics on the engine, end to end: every
 * grouping routes as Storm's does, tuple trees are acked (or failed)
 * exactly once, a bolt that never acks makes the spout fail by timeout,
 * max.spout.pending caps what is in flight, a loop that echoes forever
 * fails its messages by timeout and still stops, tick tuples arrive at their
 * configured frequency per component, and components see Storm's context.
 *
 * The components are C definitions (test_components.c, and the pairing
 * and sleeping bolts here), found through the runtime's native lookup
 * hook; what they observe goes into `seen`, a mutex-guarded record this
 * test reads after each run.  Runs end on a condition (everything
 * settled, enough ticks), never after a fixed time.
 */
#include "test_components.h"

#include <string.h>

/* The reliability mode the current test runs in ("acker" or "checkpoint"). */
static const char *reliability = "acker";

/* ---- a pairing bolt: holds one tuple, emits [a+b] anchored to both ---- */

typedef struct {
  gust_tuple *held;
} pair_bolt;

static void pair_declare(gust_declarer *d, const json_t *conf)
{
  const char *const fields[] = {"n", NULL};
  gust_declare_stream(d, NULL, fields, FALSE);
}

static gboolean pair_open(const gust_context *ctx, void **state, GError **error)
{
  *state = g_new0(pair_bolt, 1);
  return TRUE;
}

static gboolean pair_execute(void *state, const gust_tuple *input, gust_collector *out,
                             GError **error)
{
  pair_bolt *p = state;
  if (!p->held) {
    p->held = gust_tuple_copy(input);
    return TRUE;
  }
  const gust_tuple *anchors[2] = {p->held, input};
  fc_value v = fc_i64(gust_tuple_get(p->held, 0)->u.i * 1000000 + gust_tuple_get(input, 0)->u.i);
  gust_emit(out, NULL, anchors, 2, &v, 1, NULL, 0);
  gust_ack(out, p->held);
  gust_ack(out, input);
  gust_tuple_free(p->held);
  p->held = NULL;
  return TRUE;
}

static void pair_close(void *state)
{
  pair_bolt *p = state;
  gust_tuple_free(p->held);
  g_free(p);
}

static const gust_component_def pair_bolt_def = {.abi = GUST_NATIVE_ABI,
                                                 .kind = GUST_DEF_BOLT,
                                                 .declare_outputs = pair_declare,
                                                 .open = pair_open,
                                                 .execute = pair_execute,
                                                 .close = pair_close};

/* ---- an echo bolt: emits its input again, anchored, and acks it ---- */

static gboolean echo_execute(void *state, const gust_tuple *input, gust_collector *out,
                             GError **error)
{
  fc_value v = *gust_tuple_get(input, 0);
  gust_emit(out, NULL, &input, 1, &v, 1, NULL, 0);
  gust_ack(out, input);
  return TRUE;
}

static const gust_component_def echo_bolt_def = {.abi = GUST_NATIVE_ABI,
                                                 .kind = GUST_DEF_BOLT,
                                                 .declare_outputs = pair_declare,
                                                 .execute = echo_execute};

/* ---- an ids bolt: emits [n] unanchored and records the task ids gust_emit
 * says it went to, as (task id, n) pairs in ids_sent (under seen.lock) ---- */

static GArray *ids_sent;

static gboolean ids_execute(void *state, const gust_tuple *input, gust_collector *out,
                            GError **error)
{
  fc_value v = *gust_tuple_get(input, 0);
  int task_ids[8];
  size_t n = gust_emit(out, NULL, NULL, 0, &v, 1, task_ids, G_N_ELEMENTS(task_ids));
  g_assert_cmpuint(n, <=, G_N_ELEMENTS(task_ids));
  pthread_mutex_lock(&seen.lock);
  for (size_t i = 0; i < n; i++) {
    int64_t pair[2] = {task_ids[i], v.u.i};
    g_array_append_vals(ids_sent, pair, 1);
  }
  pthread_mutex_unlock(&seen.lock);
  gust_ack(out, input);
  return TRUE;
}

static const gust_component_def ids_bolt_def = {.abi = GUST_NATIVE_ABI,
                                                .kind = GUST_DEF_BOLT,
                                                .declare_outputs = pair_declare,
                                                .execute = ids_execute};

static const gust_component_def *lookup(const char *library, const char *symbol, void *data)
{
  if (!strcmp(symbol, "pair")) return &pair_bolt_def;
  if (!strcmp(symbol, "ids")) return &ids_bolt_def;
  if (!strcmp(symbol, "echo")) return &echo_bolt_def;
  return test_lookup(library, symbol, data);
}

/* ---- building and running ---- */

static gust_component *add(gust_topology *t, const char *id, const char *symbol, int parallelism)
{
  return test_add_component(t, id, symbol, parallelism, !strcmp(symbol, "numbers"));
}

static void conf_set(gust_topology *t, const char *key, json_t *value)
{
  gust_topology_set_conf_value(t, key, value);
}

/* Runs t in the current reliability mode until done(data) holds (within
 * the hang bound), then stops it cleanly. */
static void run_until_done(gust_topology *t, gboolean (*done)(gpointer), gpointer data)
{
  if (!json_object_get(gust_topology_conf(t), "topology.gust.reliability"))
    conf_set(t, "topology.gust.reliability", json_string(reliability));
  run_until(t, lookup, done, data, NULL);
}

/* Runs t until `expect_settled` acks and fails reached the spouts. */
static void run(gust_topology *t, int64_t expect_settled)
{
  run_until_done(t, settled_at_least, GSIZE_TO_POINTER((gsize)expect_settled));
}

static GArray *received(const char *comp)
{
  GArray *a = g_hash_table_lookup(seen.received, comp);
  g_assert_nonnull(a);
  return a;
}

/* task id -> count */
static GHashTable *per_task(const char *comp)
{
  GHashTable *h = g_hash_table_new(g_direct_hash, g_direct_equal);
  GArray *a = received(comp);
  for (guint i = 0; i < a->len; i++) {
    int64_t task = g_array_index(a, int64_t, 2 * i);
    g_hash_table_insert(
        h, GSIZE_TO_POINTER(task),
        GSIZE_TO_POINTER(GPOINTER_TO_SIZE(g_hash_table_lookup(h, GSIZE_TO_POINTER(task))) + 1));
  }
  return h;
}

/* ---- tests ---- */

static void test_every_grouping_routes_as_storm_does(void)
{
  enum { N = 600 };
  seen_reset();
  gust_topology *t = gust_topology_new("groupings");
  gust_component *spout = add(t, "numbers", "numbers", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(N));
  const char *const n_field[] = {"n", NULL};
  test_subscribe(add(t, "shuffled", "sink", 3), "numbers", "default",
                 gust_grouping_new(GUST_GROUPING_SHUFFLE));
  test_subscribe(add(t, "by_field", "sink", 3), "numbers", "default",
                 gust_grouping_new_fields(GUST_GROUPING_FIELDS, n_field));
  test_subscribe(add(t, "to_all", "sink", 3), "numbers", "default",
                 gust_grouping_new(GUST_GROUPING_ALL));
  test_subscribe(add(t, "to_one", "sink", 3), "numbers", "default",
                 gust_grouping_new(GUST_GROUPING_GLOBAL));
  test_subscribe(add(t, "anywhere", "sink", 3), "numbers", "default",
                 gust_grouping_new(GUST_GROUPING_NONE));
  test_subscribe(add(t, "nearby", "sink", 3), "numbers", "default",
                 gust_grouping_new(GUST_GROUPING_LOCAL_OR_SHUFFLE));
  /* the all-grouped bolt re-emits; a fields-grouped bolt downstream must see
   * each number 3 times, all at one task */
  gust_component_set_conf_value(gust_topology_lookup(t, "to_all"), "test.emit", json_integer(1));
  test_subscribe(add(t, "after_all", "sink", 2), "to_all", "default",
                 gust_grouping_new_fields(GUST_GROUPING_FIELDS, n_field));
  /* the tuple tree of every number spans 3 + 3 + 3 + 3 + 3 + 3 + 3 = many tuples */
  run(t, N);

  g_autoptr(GHashTable) shuffled = per_task("shuffled");
  g_assert_cmpuint(g_hash_table_size(shuffled), ==, 3);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, shuffled);
  while (g_hash_table_iter_next(&it, &k, &v))
    g_assert_cmpuint(GPOINTER_TO_SIZE(v), ==, N / 3);

  /* fields: one task per value, every task used */
  GArray *by_field = received("by_field");
  g_assert_cmpuint(by_field->len, ==, N);
  g_autoptr(GHashTable) by_field_tasks = per_task("by_field");
  g_assert_cmpuint(g_hash_table_size(by_field_tasks), ==, 3);

  g_assert_cmpuint(received("to_all")->len, ==, 3 * N);
  g_autoptr(GHashTable) all_tasks = per_task("to_all");
  g_assert_cmpuint(g_hash_table_size(all_tasks), ==, 3);

  /* global: everything to the lowest task id of the component */
  g_autoptr(GHashTable) one = per_task("to_one");
  g_assert_cmpuint(g_hash_table_size(one), ==, 1);
  size_t n_tasks = 0;
  pthread_mutex_lock(&seen.lock);
  int lowest = GPOINTER_TO_INT(g_hash_table_lookup(seen.context, "to_one:0"));
  pthread_mutex_unlock(&seen.lock);
  (void)n_tasks;
  g_assert_cmpuint(GPOINTER_TO_SIZE(g_hash_table_lookup(one, GSIZE_TO_POINTER(lowest))), ==, N);

  g_assert_cmpuint(received("anywhere")->len, ==, N);
  g_assert_cmpuint(received("nearby")->len, ==, N);

  GArray *after = received("after_all");
  g_assert_cmpuint(after->len, ==, 3 * N);
  GHashTable *owner = g_hash_table_new(g_direct_hash, g_direct_equal);
  for (guint i = 0; i < after->len; i++) {
    gpointer value = GSIZE_TO_POINTER(g_array_index(after, int64_t, 2 * i + 1) + 1);
    gpointer task = GSIZE_TO_POINTER(g_array_index(after, int64_t, 2 * i));
    gpointer prev = g_hash_table_lookup(owner, value);
    if (prev) g_assert_true(prev == task);
    g_hash_table_insert(owner, value, task);
  }
  g_hash_table_destroy(owner);

  /* every tree acked once */
  g_assert_cmpuint(g_hash_table_size(seen.acked), ==, N);
  g_assert_cmpuint(g_hash_table_size(seen.failed), ==, 0);
  gust_topology_free(t);
  seen_clear();
}

static guint received_count(const char *comp)
{
  pthread_mutex_lock(&seen.lock);
  GArray *a = g_hash_table_lookup(seen.received, comp);
  guint n = a ? a->len : 0;
  pthread_mutex_unlock(&seen.lock);
  return n;
}

enum { IDS_N = 300 };

static gboolean ids_all_received(gpointer data)
{
  return received_count("by_field") == IDS_N && received_count("to_all") == 2 * IDS_N &&
         received_count("shuffled") == IDS_N;
}

static gint pair_order(gconstpointer a, gconstpointer b)
{
  const int64_t *x = a, *y = b;
  return x[0] != y[0] ? (x[0] < y[0] ? -1 : 1) : x[1] < y[1] ? -1 : x[1] > y[1];
}

/* (task, n) pairs the named components got, sorted */
static GArray *sorted_pairs(const char *const *comps)
{
  GArray *all = g_array_new(FALSE, FALSE, 2 * sizeof(int64_t));
  for (; *comps; comps++) {
    GArray *a = received(*comps);
    g_array_append_vals(all, a->data, a->len);
  }
  g_array_sort(all, pair_order);
  return all;
}

/* An unanchored bolt emit (the engine's fast path) still tells the task
 * ids it went to: exactly the tasks that got the tuple. */
static void test_unanchored_emit_tells_its_task_ids(void)
{
  seen_reset();
  ids_sent = g_array_new(FALSE, FALSE, 2 * sizeof(int64_t));
  gust_topology *t = gust_topology_new("task-ids");
  gust_component *spout = add(t, "numbers", "numbers", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(IDS_N));
  test_subscribe(add(t, "ids", "ids", 1), "numbers", "default",
                 gust_grouping_new(GUST_GROUPING_SHUFFLE));
  const char *const n_field[] = {"n", NULL};
  test_subscribe(add(t, "by_field", "sink", 3), "ids", "default",
                 gust_grouping_new_fields(GUST_GROUPING_FIELDS, n_field));
  test_subscribe(add(t, "to_all", "sink", 2), "ids", "default",
                 gust_grouping_new(GUST_GROUPING_ALL));
  test_subscribe(add(t, "shuffled", "sink", 2), "ids", "default",
                 gust_grouping_new(GUST_GROUPING_SHUFFLE));
  run_until_done(t, ids_all_received, NULL);
  const char *const sinks[] = {"by_field", "to_all", "shuffled", NULL};
  g_autoptr(GArray) said = ids_sent;
  g_array_sort(said, pair_order);
  ids_sent = NULL;
  g_autoptr(GArray) got = sorted_pairs(sinks);
  g_assert_cmpuint(said->len, ==, 4 * IDS_N);
  g_assert_cmpuint(got->len, ==, said->len);
  g_assert_cmpmem(said->data, said->len * 16, got->data, got->len * 16);
  gust_topology_free(t);
  seen_clear();
}

static void test_direct_grouping_reaches_the_named_task(void)
{
  enum { N = 300 };
  seen_reset();
  gust_topology *t = gust_topology_new("direct");
  gust_component *spout = add(t, "numbers", "numbers", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(N));
  gust_component_set_conf_value(spout, "test.direct", json_integer(1));
  test_subscribe(add(t, "direct_sink", "sink", 3), "numbers", "direct",
                 gust_grouping_new(GUST_GROUPING_DIRECT));
  run(t, N);
  GArray *a = received("direct_sink");
  g_assert_cmpuint(a->len, ==, N);
  pthread_mutex_lock(&seen.lock);
  int first = GPOINTER_TO_INT(g_hash_table_lookup(seen.context, "direct_sink:0"));
  pthread_mutex_unlock(&seen.lock);
  for (guint i = 0; i < a->len; i++) {
    int64_t task = g_array_index(a, int64_t, 2 * i), n = g_array_index(a, int64_t, 2 * i + 1);
    g_assert_cmpint(task, ==, first + n % 3);
  }
  gust_topology_free(t);
  seen_clear();
}

static void test_anchored_tuple_trees_are_acked_exactly_once(void)
{
  enum { N = 2000 };
  seen_reset();
  gust_topology *t = gust_topology_new("trees");
  gust_component *spout = add(t, "numbers", "numbers", 2);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(N / 2));
  /* pairs: one output anchored to two inputs (of different trees) */
  test_subscribe(add(t, "pairs", "pair", 1), "numbers", "default",
                 gust_grouping_new(GUST_GROUPING_SHUFFLE));
  gust_component *fan = add(t, "fan", "sink", 2);
  gust_component_set_conf_value(fan, "test.emit", json_integer(1));
  test_subscribe(fan, "pairs", "default", gust_grouping_new(GUST_GROUPING_ALL));
  test_subscribe(add(t, "sink", "sink", 2), "fan", "default",
                 gust_grouping_new(GUST_GROUPING_SHUFFLE));
  run(t, N);
  /* ids 0..N/2-1 from each of two spout tasks: each id acked twice in all,
   * once per task; nothing failed */
  g_assert_cmpuint(g_hash_table_size(seen.acked), ==, N / 2);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, seen.acked);
  while (g_hash_table_iter_next(&it, &k, &v))
    g_assert_cmpuint(GPOINTER_TO_SIZE(v), ==, 2);
  g_assert_cmpuint(g_hash_table_size(seen.failed), ==, 0);
  g_assert_cmpuint(received("sink")->len, ==, N); /* N/2 pairs, each to 2 fan tasks */
  gust_topology_free(t);
  seen_clear();
}

static void test_failed_tuples_fail_exactly_once(void)
{
  enum { N = 1000 };
  seen_reset();
  gust_topology *t = gust_topology_new("fails");
  gust_component *spout = add(t, "numbers", "numbers", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(N));
  gust_component *first = add(t, "first", "sink", 2);
  gust_component_set_conf_value(first, "test.emit", json_integer(1));
  test_subscribe(first, "numbers", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE));
  gust_component *picky = add(t, "picky", "sink", 2);
  gust_component_set_conf_value(picky, "test.fail_every", json_integer(10));
  test_subscribe(picky, "first", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE));
  run(t, N);
  g_assert_cmpuint(g_hash_table_size(seen.failed), ==, N / 10);
  g_assert_cmpuint(g_hash_table_size(seen.acked), ==, N - N / 10);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, seen.failed);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    g_assert_cmpuint(GPOINTER_TO_SIZE(v), ==, 1);
    g_assert_cmpuint((GPOINTER_TO_SIZE(k) - 1) % 10, ==, 0);
    g_assert_null(g_hash_table_lookup(seen.acked, k));
  }
  gust_topology_free(t);
  seen_clear();
}

static void test_bolt_that_never_acks_causes_timeout_fails(void)
{
  enum { N = 50 };
  seen_reset();
  gust_topology *t = gust_topology_new("timeouts");
  conf_set(t, "topology.gust.reliability", json_string("acker"));
  conf_set(t, "topology.message.timeout.secs", json_integer(1));
  gust_component *spout = add(t, "numbers", "numbers", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(N));
  gust_component *lazy = add(t, "lazy", "sink", 1);
  gust_component_set_conf_value(lazy, "test.never_ack", json_integer(1));
  test_subscribe(lazy, "numbers", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE));
  int64_t start = g_get_monotonic_time();
  run(t, N);
  double took = (g_get_monotonic_time() - start) / 1e6;
  g_assert_cmpuint(g_hash_table_size(seen.failed), ==, N);
  g_assert_cmpuint(g_hash_table_size(seen.acked), ==, 0);
  g_assert_cmpfloat(took, >=, 1.0); /* not before the timeout (however late) */
  gust_topology_free(t);
  seen_clear();
}

/* A bolt subscribed to its own stream that echoes every tuple: the trees
 * go round forever, so every message fails after the message timeout (in
 * checkpoint mode too, where each checkpoint defers it), and the stop ends
 * anyway, dropping what still circulates. */
static void test_an_endless_loop_fails_by_timeout_and_stops(void)
{
  enum { N = 20 };
  seen_reset();
  gust_topology *t = gust_topology_new("endless");
  conf_set(t, "topology.message.timeout.secs", json_integer(1));
  conf_set(t, "topology.gust.checkpoint.interval.ms", json_integer(100));
  gust_component *spout = add(t, "numbers", "numbers", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(N));
  gust_component *echo = add(t, "echo", "echo", 1);
  test_subscribe(echo, "numbers", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE));
  test_subscribe(echo, "echo", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE));
  run(t, N); /* the stop must end: run() asserts it does */
  g_assert_cmpuint(g_hash_table_size(seen.failed), ==, N);
  g_assert_cmpuint(g_hash_table_size(seen.acked), ==, 0);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, seen.failed);
  while (g_hash_table_iter_next(&it, &k, &v))
    g_assert_cmpuint(GPOINTER_TO_SIZE(v), ==, 1);
  gust_topology_free(t);
  seen_clear();
}

static void test_max_spout_pending_caps_in_flight_tuples(void)
{
  enum { N = 3000, CAP = 16 };
  seen_reset();
  gust_topology *t = gust_topology_new("pending");
  conf_set(t, "topology.max.spout.pending", json_integer(CAP));
  gust_component *spout = add(t, "numbers", "numbers", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(N));
  gust_component *mid = add(t, "mid", "sink", 2);
  gust_component_set_conf_value(mid, "test.emit", json_integer(1));
  test_subscribe(mid, "numbers", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE));
  test_subscribe(add(t, "sink", "sink", 2), "mid", "default",
                 gust_grouping_new(GUST_GROUPING_SHUFFLE));
  run(t, N);
  g_assert_cmpuint(g_hash_table_size(seen.acked), ==, N);
  g_test_message("max in flight %" G_GINT64_FORMAT, seen.max_in_flight);
  g_assert_cmpint(seen.max_in_flight, <=, CAP);
  g_assert_cmpint(seen.max_in_flight, >=, CAP / 2); /* the spout did run ahead up to the cap */
  gust_topology_free(t);
  seen_clear();
}

static void test_no_ackers_acks_at_emit(void)
{
  enum { N = 500 };
  seen_reset();
  gust_topology *t = gust_topology_new("untracked");
  conf_set(t, "topology.acker.executors", json_integer(0));
  gust_component *spout = add(t, "numbers", "numbers", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(N));
  gust_component *picky = add(t, "picky", "sink", 1);
  gust_component_set_conf_value(picky, "test.fail_every",
                                json_integer(2)); /* ignored: no tracking */
  test_subscribe(picky, "numbers", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE));
  run(t, N);
  g_assert_cmpuint(g_hash_table_size(seen.acked), ==, N);
  g_assert_cmpuint(g_hash_table_size(seen.failed), ==, 0);
  gust_topology_free(t);
  seen_clear();
}

static gboolean slow_ticked_three_times(gpointer data)
{
  return tick_count("every_two:0") >= 3;
}

/* Each tick of a task comes no earlier than its period after the previous
 * one could be due: the k-th at start + k * period at the earliest. */
static void assert_ticks_never_early(const char *task, int64_t start, double period_s)
{
  GArray *ticks = g_hash_table_lookup(seen.ticks, task);
  g_assert_nonnull(ticks);
  for (guint k = 0; k < ticks->len; k++)
    g_assert_cmpint(g_array_index(ticks, int64_t, k), >=,
                    start + (int64_t)((k + 1) * period_s * 1e9) - 1000000);
}

static void test_tick_tuples_arrive_at_each_components_frequency(void)
{
  seen_reset();
  gust_topology *t = gust_topology_new("ticks");
  conf_set(t, "topology.tick.tuple.freq.secs", json_integer(2));
  gust_component *spout = add(t, "numbers", "numbers", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(1));
  gust_component *fast = add(t, "every_second", "sink", 2);
  gust_component_set_conf_value(fast, "topology.tick.tuple.freq.secs", json_integer(1));
  test_subscribe(fast, "numbers", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE));
  test_subscribe(add(t, "every_two", "sink", 1), "numbers", "default",
                 gust_grouping_new(GUST_GROUPING_SHUFFLE));
  int64_t start = fc_now_ns();
  run_until_done(t, slow_ticked_three_times, NULL);
  /* never early, each at its component's period (a tick's value is the
   * period, checked by the sink as it arrives) */
  assert_ticks_never_early("every_second:0", start, 1);
  assert_ticks_never_early("every_second:1", start, 1);
  assert_ticks_never_early("every_two:0", start, 2);
  /* by the third 2 s tick (due at 6 s), each 1 s task has had those due at
   * 1..5 s: a busy machine delays both alike, so at least four arrived,
   * where a 2 s period would give at most three */
  g_assert_cmpuint(tick_count("every_second:0"), >=, 4);
  g_assert_cmpuint(tick_count("every_second:1"), >=, 4);
  /* ticks are not tracked: the one spout tuple is acked, nothing failed */
  g_assert_cmpuint(g_hash_table_size(seen.acked), ==, 1);
  g_assert_cmpuint(g_hash_table_size(seen.failed), ==, 0);
  gust_topology_free(t);
  seen_clear();
}

static void test_context_gives_storm_task_ids(void)
{
  seen_reset();
  gust_topology *t = gust_topology_new("context");
  gust_component *spout = add(t, "numbers", "numbers", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(1));
  gust_component *b = add(t, "b_bolt", "sink", 2);
  gust_component_set_tasks(b, 4); /* 4 tasks on 2 executors */
  test_subscribe(b, "numbers", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE));
  test_subscribe(add(t, "a_bolt", "sink", 1), "numbers", "default",
                 gust_grouping_new(GUST_GROUPING_SHUFFLE));
  run(t, 1);
  /* sorted ids: a_bolt (1), b_bolt (2..5), numbers (6) */
  g_assert_cmpint(GPOINTER_TO_INT(g_hash_table_lookup(seen.context, "a_bolt:0")), ==, 1);
  for (int i = 0; i < 4; i++) {
    g_autofree char *key = g_strdup_printf("b_bolt:%d", i);
    g_assert_cmpint(GPOINTER_TO_INT(g_hash_table_lookup(seen.context, key)), ==, 2 + i);
  }
  gust_topology_free(t);
  seen_clear();
}

static void test_java_class_is_refused_with_advice(void)
{
  gust_topology *t = gust_topology_new("java");
  gust_component *c = gust_topology_add_component(t, "legacy", GUST_COMPONENT_SPOUT);
  gust_component_set_impl(c, gust_impl_new_java("com.example.LegacySpout"));
  GError *error = NULL;
  gust_runtime_options opts = {.native_lookup = lookup};
  g_assert_null(gust_runtime_new(t, &opts, &error));
  g_assert_nonnull(error);
  g_test_message("%s", error->message);
  g_assert_nonnull(strstr(error->message, "legacy"));
  g_assert_nonnull(strstr(error->message, "com.example.LegacySpout"));
  g_error_free(error);
  gust_topology_free(t);
}

static void test_checkpoint_acks_what_a_completed_checkpoint_covers(void)
{
  enum { N = 200 };
  seen_reset();
  gust_topology *t = gust_topology_new("checkpoint_acks");
  conf_set(t, "topology.gust.checkpoint.interval.ms", json_integer(200));
  gust_component *spout = add(t, "numbers", "numbers", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(N));
  gust_component *lazy = add(t, "lazy", "sink", 2);
  gust_component_set_conf_value(lazy, "test.never_ack",
                                json_integer(1)); /* acks do not matter here */
  test_subscribe(lazy, "numbers", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE));
  run(t, N);
  g_assert_cmpuint(g_hash_table_size(seen.acked), ==, N);
  g_assert_cmpuint(g_hash_table_size(seen.failed), ==, 0);
  g_assert_cmpuint(received("lazy")->len, ==, N); /* processed before acked */
  gust_topology_free(t);
  seen_clear();
}

static void test_checkpoint_pending_cap_asks_for_early_checkpoints(void)
{
  enum { N = 2000, CAP = 50 };
  seen_reset();
  gust_topology *t = gust_topology_new("early_checkpoints");
  conf_set(t, "topology.gust.reliability", json_string("checkpoint"));
  conf_set(t, "topology.gust.checkpoint.interval.ms", json_integer(60000)); /* never by interval */
  conf_set(t, "topology.max.spout.pending", json_integer(CAP));
  gust_component *spout = add(t, "numbers", "numbers", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(N));
  test_subscribe(add(t, "sink", "sink", 2), "numbers", "default",
                 gust_grouping_new(GUST_GROUPING_SHUFFLE));
  /* without early checkpoints this takes one interval (60 s) per CAP
   * tuples, 40 minutes: the run's hang bound fails it */
  run(t, N);
  g_assert_cmpuint(g_hash_table_size(seen.acked), ==, N);
  g_assert_cmpint(seen.max_in_flight, <=, CAP);
  gust_topology_free(t);
  seen_clear();
}

/* A bolt that sleeps past the message timeout: the checkpoint cannot
 * complete in time, is aborted, and the spout fails what it covered. */
static gboolean sleepy_execute(void *state, const gust_tuple *input, gust_collector *out,
                               GError **error)
{
  if (gust_tuple_get(input, 0)->u.i == 0) g_usleep(2500000);
  return TRUE;
}

static const gust_component_def sleepy_bolt_def = {
    .abi = GUST_NATIVE_ABI, .kind = GUST_DEF_BOLT, .execute = sleepy_execute};

static const gust_component_def *lookup_with_sleepy(const char *library, const char *symbol,
                                                    void *data)
{
  return !strcmp(symbol, "sleepy_bolt") ? &sleepy_bolt_def : lookup(library, symbol, data);
}

static gboolean all_settled_once(gpointer data)
{
  return settled_count() >= GPOINTER_TO_SIZE(data);
}

static void test_checkpoint_that_times_out_fails_its_messages(void)
{
  enum { N = 5 };
  seen_reset();
  gust_topology *t = gust_topology_new("aborted");
  conf_set(t, "topology.gust.reliability", json_string("checkpoint"));
  conf_set(t, "topology.message.timeout.secs", json_integer(1));
  conf_set(t, "topology.gust.checkpoint.interval.ms", json_integer(100));
  gust_component *spout = add(t, "numbers", "numbers", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(N));
  gust_component *sleepy = gust_topology_add_component(t, "sleepy", GUST_COMPONENT_BOLT);
  gust_component_set_impl(sleepy, gust_impl_new_native("in-process", "sleepy_bolt"));
  test_subscribe(sleepy, "numbers", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE));
  GError *error = NULL;
  gust_runtime_options opts = {.threads = 2, .native_lookup = lookup_with_sleepy};
  gust_runtime *rt = gust_runtime_new(t, &opts, &error);
  g_assert_no_error(error);
  gust_runtime_start(rt);
  g_assert_true(wait_until(all_settled_once, GSIZE_TO_POINTER(N)));
  g_assert_true(gust_runtime_stop(rt, 120000, &error));
  gust_runtime_free(rt);
  /* every message settled exactly once; those the aborted checkpoint
   * covered were failed */
  g_assert_cmpuint(g_hash_table_size(seen.failed), >, 0);
  g_assert_cmpuint(g_hash_table_size(seen.acked) + g_hash_table_size(seen.failed), ==, N);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, seen.failed);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    g_assert_cmpuint(GPOINTER_TO_SIZE(v), ==, 1);
    g_assert_null(g_hash_table_lookup(seen.acked, k));
  }
  gust_topology_free(t);
  seen_clear();
}

typedef struct {
  const char *mode;
  void (*test)(void);
} variant;

static void run_variant(gconstpointer data)
{
  const variant *v = data;
  reliability = v->mode;
  v->test();
}

/* Registers a test in both reliability modes. */
static void add_both(const char *name, void (*test)(void))
{
  static variant variants[32]; /* the test data must outlive g_test_run() */
  static int n_variants;
  static const char *const modes[] = {"acker", "checkpoint"};
  for (int i = 0; i < 2; i++) {
    g_assert_cmpint(n_variants, <, (int)G_N_ELEMENTS(variants));
    variant *v = &variants[n_variants++];
    v->mode = modes[i];
    v->test = test;
    g_autofree char *path = g_strdup_printf("/runtime/%s/%s", modes[i], name);
    g_test_add_data_func(path, v, run_variant);
  }
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL);
  add_both("every_grouping_routes_as_storm_does", test_every_grouping_routes_as_storm_does);
  add_both("direct_grouping_reaches_the_named_task", test_direct_grouping_reaches_the_named_task);
  add_both("unanchored_emit_tells_its_task_ids", test_unanchored_emit_tells_its_task_ids);
  add_both("anchored_tuple_trees_are_acked_exactly_once",
           test_anchored_tuple_trees_are_acked_exactly_once);
  add_both("failed_tuples_fail_exactly_once", test_failed_tuples_fail_exactly_once);
  add_both("max_spout_pending_caps_in_flight_tuples", test_max_spout_pending_caps_in_flight_tuples);
  add_both("no_ackers_acks_at_emit", test_no_ackers_acks_at_emit);
  add_both("tick_tuples_arrive_at_each_components_frequency",
           test_tick_tuples_arrive_at_each_components_frequency);
  add_both("context_gives_storm_task_ids", test_context_gives_storm_task_ids);
  add_both("an_endless_loop_fails_by_timeout_and_stops",
           test_an_endless_loop_fails_by_timeout_and_stops);
  g_test_add_func("/runtime/acker/bolt_that_never_acks_causes_timeout_fails",
                  test_bolt_that_never_acks_causes_timeout_fails);
  g_test_add_func("/runtime/checkpoint/acks_what_a_completed_checkpoint_covers",
                  test_checkpoint_acks_what_a_completed_checkpoint_covers);
  g_test_add_func("/runtime/checkpoint/pending_cap_asks_for_early_checkpoints",
                  test_checkpoint_pending_cap_asks_for_early_checkpoints);
  g_test_add_func("/runtime/checkpoint/checkpoint_that_times_out_fails_its_messages",
                  test_checkpoint_that_times_out_fails_its_messages);
  g_test_add_func("/runtime/java_class_is_refused_with_advice",
                  test_java_class_is_refused_with_advice);
  return g_test_run();
}
