/* test_runtime.c — Storm semantics on the engine, end to end: every
 * grouping routes as Storm's does, tuple trees are acked (or failed)
 * exactly once, a bolt that never acks makes the spout fail by timeout,
 * max.spout.pending caps what is in flight, tick tuples arrive at their
 * configured frequency per component, and components see Storm's context.
 *
 * The components are C definitions in this file, found through the
 * runtime's native lookup hook; what they observe goes into `seen`, a
 * mutex-guarded record this test reads after each run.
 */
#include <gust/flinkcore.h>
#include <gust/runtime.h>
#include <gust/storm.h>
#include <gust/topology.h>

#include <pthread.h>
#include <string.h>

/* ---- what the components saw ---- */

typedef struct {
  pthread_mutex_t lock; /* not GMutex: ThreadSanitizer must see it */
  GHashTable *received; /* "component" -> GArray of (task id, value) pairs (int64 x2) */
  GHashTable *acked;    /* msg id -> times acked */
  GHashTable *failed;   /* msg id -> times failed */
  GHashTable *ticks;    /* "component" -> GArray of int64 ns */
  int64_t max_in_flight;
  int64_t emitted;
  GHashTable *context; /* "component:index" -> task id */
} observations;

static observations seen;

/* The reliability mode the current test runs in ("acker" or "checkpoint"). */
static const char *reliability = "acker";

static void seen_reset(void)
{
  pthread_mutex_init(&seen.lock, NULL);
  seen.received =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref);
  seen.ticks =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref);
  seen.acked = g_hash_table_new(g_direct_hash, g_direct_equal);
  seen.failed = g_hash_table_new(g_direct_hash, g_direct_equal);
  seen.context = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  seen.max_in_flight = seen.emitted = 0;
}

static void seen_clear(void)
{
  g_hash_table_destroy(seen.received);
  g_hash_table_destroy(seen.ticks);
  g_hash_table_destroy(seen.acked);
  g_hash_table_destroy(seen.failed);
  g_hash_table_destroy(seen.context);
  pthread_mutex_destroy(&seen.lock);
}

static GArray *seen_array(GHashTable *table, const char *key, size_t element)
{
  GArray *a = g_hash_table_lookup(table, key);
  if (!a) {
    a = g_array_new(FALSE, FALSE, (guint)element);
    g_hash_table_insert(table, g_strdup(key), a);
  }
  return a;
}

static void count_msg(GHashTable *table, int64_t id)
{
  gpointer key = GSIZE_TO_POINTER((gsize)id + 1);
  g_hash_table_insert(table, key,
                      GSIZE_TO_POINTER(GPOINTER_TO_SIZE(g_hash_table_lookup(table, key)) + 1));
}

static int64_t conf_int(const gust_context *ctx, const char *key, int64_t fallback)
{
  json_t *v = json_object_get(gust_context_conf(ctx), key);
  return json_is_integer(v) ? json_integer_value(v) : fallback;
}

/* ---- a numbered spout: emits [n] for n < test.tuples, reliably ---- */

typedef struct {
  const gust_context *ctx;
  int64_t next, limit, settled;
  gboolean direct;
} number_spout;

static void number_declare(gust_declarer *d, const json_t *conf)
{
  const char *const fields[] = {"n", NULL};
  gust_declare_stream(d, NULL, fields, FALSE);
  gust_declare_stream(d, "direct", fields, TRUE);
}

static gboolean number_open(const gust_context *ctx, void **state, GError **error)
{
  number_spout *s = g_new0(number_spout, 1);
  s->ctx = ctx;
  s->limit = conf_int(ctx, "test.tuples", 100);
  s->direct = conf_int(ctx, "test.direct", 0);
  *state = s;
  return TRUE;
}

static gboolean number_next(void *state, gust_collector *out, GError **error)
{
  number_spout *s = state;
  if (s->next >= s->limit) return TRUE;
  fc_value v = fc_i64(s->next), id = fc_i64(s->next);
  if (s->direct) {
    size_t n = 0;
    const int *tasks = gust_context_component_tasks(s->ctx, "direct_sink", &n);
    g_assert_nonnull(tasks);
    g_assert_true(gust_spout_emit_direct(out, tasks[s->next % (int64_t)n], "direct", &v, 1, &id));
  } else {
    gust_spout_emit(out, NULL, &v, 1, &id, NULL, 0);
  }
  s->next++;
  pthread_mutex_lock(&seen.lock);
  seen.emitted++;
  seen.max_in_flight = MAX(seen.max_in_flight, s->next - s->settled);
  pthread_mutex_unlock(&seen.lock);
  return TRUE;
}

static void number_ack(void *state, gust_collector *out, const fc_value *msg_id)
{
  ((number_spout *)state)->settled++;
  pthread_mutex_lock(&seen.lock);
  count_msg(seen.acked, msg_id->u.i);
  pthread_mutex_unlock(&seen.lock);
}

static void number_fail(void *state, gust_collector *out, const fc_value *msg_id)
{
  ((number_spout *)state)->settled++;
  pthread_mutex_lock(&seen.lock);
  count_msg(seen.failed, msg_id->u.i);
  pthread_mutex_unlock(&seen.lock);
}

static const gust_component_def number_spout_def = {.abi = GUST_NATIVE_ABI,
                                                    .kind = GUST_DEF_SPOUT,
                                                    .declare_outputs = number_declare,
                                                    .open = number_open,
                                                    .next_tuple = number_next,
                                                    .ack = number_ack,
                                                    .fail = number_fail,
                                                    .close = g_free};

/* ---- a recording bolt: records (task, n); acks, fails or ignores ----
 * test.fail_every: fail n % k == 0 (0: never); test.never_ack: ack nothing;
 * test.emit: re-emit [n] anchored on "default". Ticks are recorded apart. */

typedef struct {
  const gust_context *ctx;
  int64_t fail_every;
  gboolean never_ack, emit;
} record_bolt;

static gboolean record_open(const gust_context *ctx, void **state, GError **error)
{
  record_bolt *b = g_new0(record_bolt, 1);
  b->ctx = ctx;
  b->fail_every = conf_int(ctx, "test.fail_every", 0);
  b->never_ack = conf_int(ctx, "test.never_ack", 0);
  b->emit = conf_int(ctx, "test.emit", 0);
  pthread_mutex_lock(&seen.lock);
  g_hash_table_insert(
      seen.context,
      g_strdup_printf("%s:%d", gust_context_component_id(ctx), gust_context_task_index(ctx)),
      GINT_TO_POINTER(gust_context_task_id(ctx)));
  pthread_mutex_unlock(&seen.lock);
  *state = b;
  return TRUE;
}

static void record_declare(gust_declarer *d, const json_t *conf)
{
  const char *const fields[] = {"n", NULL};
  gust_declare_stream(d, NULL, fields, FALSE);
}

static gboolean record_execute(void *state, const gust_tuple *input, gust_collector *out,
                               GError **error)
{
  record_bolt *b = state;
  const char *comp = gust_context_component_id(b->ctx);
  if (gust_tuple_is_tick(input)) {
    g_assert_cmpstr(gust_tuple_source_component(input), ==, "__system");
    g_assert_cmpint(gust_tuple_source_task(input), ==, -1);
    g_assert_cmpstr(gust_tuple_stream(input), ==, "__tick");
    g_assert_cmpint(gust_tuple_get(input, 0)->u.i, ==,
                    conf_int(b->ctx, "topology.tick.tuple.freq.secs", -1));
    int64_t now = fc_now_ns();
    pthread_mutex_lock(&seen.lock);
    g_array_append_val(seen_array(seen.ticks, comp, sizeof(int64_t)), now);
    pthread_mutex_unlock(&seen.lock);
    return TRUE;
  }
  int64_t n = gust_tuple_get_by_field(input, "n")->u.i;
  int64_t pair[2] = {gust_context_task_id(b->ctx), n};
  pthread_mutex_lock(&seen.lock);
  g_array_append_vals(seen_array(seen.received, comp, 2 * sizeof(int64_t)), pair, 1);
  pthread_mutex_unlock(&seen.lock);
  if (b->emit) {
    fc_value v = fc_i64(n);
    gust_emit(out, NULL, &input, 1, &v, 1, NULL, 0);
  }
  if (b->never_ack) return TRUE;
  if (b->fail_every && n % b->fail_every == 0)
    gust_fail(out, input);
  else
    gust_ack(out, input);
  return TRUE;
}

static const gust_component_def record_bolt_def = {.abi = GUST_NATIVE_ABI,
                                                   .kind = GUST_DEF_BOLT,
                                                   .declare_outputs = record_declare,
                                                   .open = record_open,
                                                   .execute = record_execute,
                                                   .close = g_free};

/* ---- a pairing bolt: holds one tuple, emits [a+b] anchored to both ---- */

typedef struct {
  gust_tuple *held;
} pair_bolt;

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
                                                 .declare_outputs = record_declare,
                                                 .open = pair_open,
                                                 .execute = pair_execute,
                                                 .close = pair_close};

static const gust_component_def *lookup(const char *library, const char *symbol, void *data)
{
  if (!strcmp(symbol, "number_spout")) return &number_spout_def;
  if (!strcmp(symbol, "record_bolt")) return &record_bolt_def;
  if (!strcmp(symbol, "pair_bolt")) return &pair_bolt_def;
  return NULL;
}

/* ---- building and running ---- */

static gust_component *add(gust_topology *t, const char *id, const char *symbol, int parallelism)
{
  bool spout = !strcmp(symbol, "number_spout");
  gust_component *c =
      gust_topology_add_component(t, id, spout ? GUST_COMPONENT_SPOUT : GUST_COMPONENT_BOLT);
  gust_component_set_parallelism(c, parallelism);
  gust_component_set_impl(c, gust_impl_new_native("in-process", symbol));
  return c;
}

static void subscribe(gust_component *c, const char *source, const char *stream, gust_grouping *g)
{
  GError *error = NULL;
  g_assert_nonnull(gust_component_add_input(c, source, stream, g, &error));
  g_assert_no_error(error);
}

static void conf_set(gust_topology *t, const char *key, json_t *value)
{
  gust_topology_set_conf_value(t, key, value);
}

/* Runs until the spouts have nothing pending and every emit settled, or
 * for `seconds` at most, then stops cleanly. */
static void run(gust_topology *t, double seconds, int64_t expect_settled)
{
  GError *error = NULL;
  if (!json_object_get(gust_topology_conf(t), "topology.gust.reliability"))
    conf_set(t, "topology.gust.reliability", json_string(reliability));
  gust_runtime_options opts = {.threads = 2, .native_lookup = lookup};
  gust_runtime *rt = gust_runtime_new(t, &opts, &error);
  g_assert_no_error(error);
  gust_runtime_start(rt);
  int64_t end = g_get_monotonic_time() + (int64_t)(seconds * 1e6);
  while (g_get_monotonic_time() < end) {
    g_usleep(20000);
    pthread_mutex_lock(&seen.lock);
    int64_t settled = 0;
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, seen.acked);
    while (g_hash_table_iter_next(&it, &k, &v))
      settled += GPOINTER_TO_SIZE(v);
    g_hash_table_iter_init(&it, seen.failed);
    while (g_hash_table_iter_next(&it, &k, &v))
      settled += GPOINTER_TO_SIZE(v);
    pthread_mutex_unlock(&seen.lock);
    if (expect_settled >= 0 && settled >= expect_settled) break;
  }
  g_assert_true(gust_runtime_stop(rt, 30000, &error));
  g_assert_no_error(error);
  gust_runtime_free(rt);
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
  gust_component *spout = add(t, "numbers", "number_spout", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(N));
  const char *const n_field[] = {"n", NULL};
  subscribe(add(t, "shuffled", "record_bolt", 3), "numbers", "default",
            gust_grouping_new(GUST_GROUPING_SHUFFLE));
  subscribe(add(t, "by_field", "record_bolt", 3), "numbers", "default",
            gust_grouping_new_fields(GUST_GROUPING_FIELDS, n_field));
  subscribe(add(t, "to_all", "record_bolt", 3), "numbers", "default",
            gust_grouping_new(GUST_GROUPING_ALL));
  subscribe(add(t, "to_one", "record_bolt", 3), "numbers", "default",
            gust_grouping_new(GUST_GROUPING_GLOBAL));
  subscribe(add(t, "anywhere", "record_bolt", 3), "numbers", "default",
            gust_grouping_new(GUST_GROUPING_NONE));
  subscribe(add(t, "nearby", "record_bolt", 3), "numbers", "default",
            gust_grouping_new(GUST_GROUPING_LOCAL_OR_SHUFFLE));
  /* the all-grouped bolt re-emits; a fields-grouped bolt downstream must see
   * each number 3 times, all at one task */
  gust_component_set_conf_value(gust_topology_lookup(t, "to_all"), "test.emit", json_integer(1));
  subscribe(add(t, "after_all", "record_bolt", 2), "to_all", "default",
            gust_grouping_new_fields(GUST_GROUPING_FIELDS, n_field));
  /* the tuple tree of every number spans 3 + 3 + 3 + 3 + 3 + 3 + 3 = many tuples */
  run(t, 30, N);

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

static void test_direct_grouping_reaches_the_named_task(void)
{
  enum { N = 300 };
  seen_reset();
  gust_topology *t = gust_topology_new("direct");
  gust_component *spout = add(t, "numbers", "number_spout", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(N));
  gust_component_set_conf_value(spout, "test.direct", json_integer(1));
  subscribe(add(t, "direct_sink", "record_bolt", 3), "numbers", "direct",
            gust_grouping_new(GUST_GROUPING_DIRECT));
  run(t, 30, N);
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
  gust_component *spout = add(t, "numbers", "number_spout", 2);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(N / 2));
  /* pairs: one output anchored to two inputs (of different trees) */
  subscribe(add(t, "pairs", "pair_bolt", 1), "numbers", "default",
            gust_grouping_new(GUST_GROUPING_SHUFFLE));
  gust_component *fan = add(t, "fan", "record_bolt", 2);
  gust_component_set_conf_value(fan, "test.emit", json_integer(1));
  subscribe(fan, "pairs", "default", gust_grouping_new(GUST_GROUPING_ALL));
  subscribe(add(t, "sink", "record_bolt", 2), "fan", "default",
            gust_grouping_new(GUST_GROUPING_SHUFFLE));
  run(t, 30, N);
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
  gust_component *spout = add(t, "numbers", "number_spout", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(N));
  gust_component *first = add(t, "first", "record_bolt", 2);
  gust_component_set_conf_value(first, "test.emit", json_integer(1));
  subscribe(first, "numbers", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE));
  gust_component *picky = add(t, "picky", "record_bolt", 2);
  gust_component_set_conf_value(picky, "test.fail_every", json_integer(10));
  subscribe(picky, "first", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE));
  run(t, 30, N);
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
  gust_component *spout = add(t, "numbers", "number_spout", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(N));
  gust_component *lazy = add(t, "lazy", "record_bolt", 1);
  gust_component_set_conf_value(lazy, "test.never_ack", json_integer(1));
  subscribe(lazy, "numbers", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE));
  int64_t start = g_get_monotonic_time();
  run(t, 10, N);
  double took = (g_get_monotonic_time() - start) / 1e6;
  g_assert_cmpuint(g_hash_table_size(seen.failed), ==, N);
  g_assert_cmpuint(g_hash_table_size(seen.acked), ==, 0);
  g_assert_cmpfloat(took, >=, 1.0); /* not before the timeout */
  g_assert_cmpfloat(took, <, 8.0);
  gust_topology_free(t);
  seen_clear();
}

static void test_max_spout_pending_caps_in_flight_tuples(void)
{
  enum { N = 3000, CAP = 16 };
  seen_reset();
  gust_topology *t = gust_topology_new("pending");
  conf_set(t, "topology.max.spout.pending", json_integer(CAP));
  gust_component *spout = add(t, "numbers", "number_spout", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(N));
  gust_component *mid = add(t, "mid", "record_bolt", 2);
  gust_component_set_conf_value(mid, "test.emit", json_integer(1));
  subscribe(mid, "numbers", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE));
  subscribe(add(t, "sink", "record_bolt", 2), "mid", "default",
            gust_grouping_new(GUST_GROUPING_SHUFFLE));
  run(t, 30, N);
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
  gust_component *spout = add(t, "numbers", "number_spout", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(N));
  gust_component *picky = add(t, "picky", "record_bolt", 1);
  gust_component_set_conf_value(picky, "test.fail_every",
                                json_integer(2)); /* ignored: no tracking */
  subscribe(picky, "numbers", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE));
  run(t, 30, N);
  g_assert_cmpuint(g_hash_table_size(seen.acked), ==, N);
  g_assert_cmpuint(g_hash_table_size(seen.failed), ==, 0);
  gust_topology_free(t);
  seen_clear();
}

static void test_tick_tuples_arrive_at_each_components_frequency(void)
{
  seen_reset();
  gust_topology *t = gust_topology_new("ticks");
  conf_set(t, "topology.tick.tuple.freq.secs", json_integer(2));
  gust_component *spout = add(t, "numbers", "number_spout", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(1));
  gust_component *fast = add(t, "every_second", "record_bolt", 2);
  gust_component_set_conf_value(fast, "topology.tick.tuple.freq.secs", json_integer(1));
  subscribe(fast, "numbers", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE));
  subscribe(add(t, "every_two", "record_bolt", 1), "numbers", "default",
            gust_grouping_new(GUST_GROUPING_SHUFFLE));
  int64_t start = fc_now_ns();
  run(t, 4.5, -1);
  GArray *fast_ticks = g_hash_table_lookup(seen.ticks, "every_second");
  GArray *slow_ticks = g_hash_table_lookup(seen.ticks, "every_two");
  g_assert_nonnull(fast_ticks);
  g_assert_nonnull(slow_ticks);
  /* 2 tasks x 4 ticks in 4.5 s; 1 task x 2 ticks (one more each may come
   * while the topology stops) */
  g_assert_cmpuint(fast_ticks->len, >=, 8);
  g_assert_cmpuint(fast_ticks->len, <=, 10);
  g_assert_cmpuint(slow_ticks->len, >=, 2);
  g_assert_cmpuint(slow_ticks->len, <=, 3);
  /* and they come a period apart: the 8 first fast ones span about 3 s */
  int64_t lo = G_MAXINT64, hi = 0;
  for (guint i = 0; i < fast_ticks->len; i++) {
    int64_t at = g_array_index(fast_ticks, int64_t, i);
    if (at - start < (int64_t)4.5e9) {
      lo = MIN(lo, at);
      hi = MAX(hi, at);
    }
  }
  g_assert_cmpfloat((hi - lo) / 1e9, >, 2.8);
  g_assert_cmpfloat((hi - lo) / 1e9, <, 3.4);
  double first_slow = (g_array_index(slow_ticks, int64_t, 0) - start) / 1e9;
  g_assert_cmpfloat(first_slow, >, 1.9);
  g_assert_cmpfloat(first_slow, <, 2.6);
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
  gust_component *spout = add(t, "numbers", "number_spout", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(1));
  gust_component *b = add(t, "b_bolt", "record_bolt", 2);
  gust_component_set_tasks(b, 4); /* 4 tasks on 2 executors */
  subscribe(b, "numbers", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE));
  subscribe(add(t, "a_bolt", "record_bolt", 1), "numbers", "default",
            gust_grouping_new(GUST_GROUPING_SHUFFLE));
  run(t, 10, 1);
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
  gust_component *spout = add(t, "numbers", "number_spout", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(N));
  gust_component *lazy = add(t, "lazy", "record_bolt", 2);
  gust_component_set_conf_value(lazy, "test.never_ack",
                                json_integer(1)); /* acks do not matter here */
  subscribe(lazy, "numbers", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE));
  run(t, 20, N);
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
  conf_set(t, "topology.gust.checkpoint.interval.ms", json_integer(60000)); /* never by interval */
  conf_set(t, "topology.max.spout.pending", json_integer(CAP));
  gust_component *spout = add(t, "numbers", "number_spout", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(N));
  subscribe(add(t, "sink", "record_bolt", 2), "numbers", "default",
            gust_grouping_new(GUST_GROUPING_SHUFFLE));
  int64_t start = g_get_monotonic_time();
  run(t, 30, N);
  double took = (g_get_monotonic_time() - start) / 1e6;
  g_assert_cmpuint(g_hash_table_size(seen.acked), ==, N);
  g_assert_cmpint(seen.max_in_flight, <=, CAP);
  g_assert_cmpfloat(took, <, 20.0); /* not one interval (60 s) per CAP tuples */
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

static void test_checkpoint_that_times_out_fails_its_messages(void)
{
  enum { N = 5 };
  seen_reset();
  gust_topology *t = gust_topology_new("aborted");
  conf_set(t, "topology.gust.reliability", json_string("checkpoint"));
  conf_set(t, "topology.message.timeout.secs", json_integer(1));
  conf_set(t, "topology.gust.checkpoint.interval.ms", json_integer(100));
  gust_component *spout = add(t, "numbers", "number_spout", 1);
  gust_component_set_conf_value(spout, "test.tuples", json_integer(N));
  gust_component *sleepy = gust_topology_add_component(t, "sleepy", GUST_COMPONENT_BOLT);
  gust_component_set_impl(sleepy, gust_impl_new_native("in-process", "sleepy_bolt"));
  subscribe(sleepy, "numbers", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE));
  GError *error = NULL;
  gust_runtime_options opts = {.threads = 2, .native_lookup = lookup_with_sleepy};
  gust_runtime *rt = gust_runtime_new(t, &opts, &error);
  g_assert_no_error(error);
  gust_runtime_start(rt);
  g_usleep(4000000);
  g_assert_true(gust_runtime_stop(rt, 30000, &error));
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
  add_both("anchored_tuple_trees_are_acked_exactly_once",
           test_anchored_tuple_trees_are_acked_exactly_once);
  add_both("failed_tuples_fail_exactly_once", test_failed_tuples_fail_exactly_once);
  add_both("max_spout_pending_caps_in_flight_tuples", test_max_spout_pending_caps_in_flight_tuples);
  add_both("no_ackers_acks_at_emit", test_no_ackers_acks_at_emit);
  add_both("tick_tuples_arrive_at_each_components_frequency",
           test_tick_tuples_arrive_at_each_components_frequency);
  add_both("context_gives_storm_task_ids", test_context_gives_storm_task_ids);
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
