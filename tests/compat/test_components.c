/* test_components.c — the shared test spout and bolt, their record of what
 * they saw, and the condition-driven run loop (see test_components.h).
 *
 * The components run on the runtime's task threads; every write to `seen`
 * takes seen.lock, and so does every read a test makes while a topology
 * runs.
 */
#include "test_components.h"

#include <string.h>

test_observations seen;

void seen_reset(void)
{
  pthread_mutex_init(&seen.lock, NULL);
  seen.acked = g_hash_table_new(g_direct_hash, g_direct_equal);
  seen.failed = g_hash_table_new(g_direct_hash, g_direct_equal);
  seen.tuples = g_ptr_array_new_with_free_func(g_free);
  seen.logs = g_ptr_array_new_with_free_func(g_free);
  seen.received =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref);
  seen.ticks =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref);
  seen.context = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  seen.emitted = seen.max_in_flight = 0;
}

void seen_clear(void)
{
  pthread_mutex_lock(&seen.lock);
  g_hash_table_destroy(seen.acked);
  g_hash_table_destroy(seen.failed);
  g_ptr_array_free(seen.tuples, TRUE);
  g_ptr_array_free(seen.logs, TRUE);
  g_hash_table_destroy(seen.received);
  g_hash_table_destroy(seen.ticks);
  g_hash_table_destroy(seen.context);
  seen.logs = NULL; /* capture_log may still be called */
  pthread_mutex_unlock(&seen.lock);
  pthread_mutex_destroy(&seen.lock);
}

/* ---- reading what was seen ---- */

guint times(GHashTable *table, int64_t n)
{
  pthread_mutex_lock(&seen.lock);
  guint v = GPOINTER_TO_UINT(g_hash_table_lookup(table, GSIZE_TO_POINTER((gsize)n + 1)));
  pthread_mutex_unlock(&seen.lock);
  return v;
}

static void count_in(GHashTable *table, int64_t n)
{
  gpointer key = GSIZE_TO_POINTER((gsize)n + 1);
  g_hash_table_insert(table, key,
                      GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(table, key)) + 1));
}

static int64_t sum_of(GHashTable *table)
{
  int64_t sum = 0;
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, table);
  while (g_hash_table_iter_next(&it, &k, &v))
    sum += GPOINTER_TO_UINT(v);
  return sum;
}

int64_t settled_total(void)
{
  pthread_mutex_lock(&seen.lock);
  int64_t n = sum_of(seen.acked) + sum_of(seen.failed);
  pthread_mutex_unlock(&seen.lock);
  return n;
}

guint settled_count(void)
{
  pthread_mutex_lock(&seen.lock);
  guint n = g_hash_table_size(seen.acked);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, seen.failed);
  while (g_hash_table_iter_next(&it, &k, &v))
    if (!g_hash_table_contains(seen.acked, k)) n++;
  pthread_mutex_unlock(&seen.lock);
  return n;
}

int64_t emitted_count(void)
{
  pthread_mutex_lock(&seen.lock);
  int64_t n = seen.emitted;
  pthread_mutex_unlock(&seen.lock);
  return n;
}

guint count_matching(GPtrArray *lines, const char *needle)
{
  guint n = 0;
  pthread_mutex_lock(&seen.lock);
  for (guint i = 0; i < lines->len; i++)
    if (strstr(g_ptr_array_index(lines, i), needle)) n++;
  pthread_mutex_unlock(&seen.lock);
  return n;
}

char *find_line(GPtrArray *lines, const char *needle)
{
  char *found = NULL;
  pthread_mutex_lock(&seen.lock);
  for (guint i = 0; i < lines->len && !found; i++)
    if (strstr(g_ptr_array_index(lines, i), needle)) found = g_strdup(g_ptr_array_index(lines, i));
  pthread_mutex_unlock(&seen.lock);
  return found;
}

guint tick_count(const char *task)
{
  pthread_mutex_lock(&seen.lock);
  GArray *a = g_hash_table_lookup(seen.ticks, task);
  guint n = a ? a->len : 0;
  pthread_mutex_unlock(&seen.lock);
  return n;
}

void dump_logs(void)
{
  pthread_mutex_lock(&seen.lock);
  for (guint i = 0; i < seen.logs->len; i++)
    g_test_message("log: %s", (char *)g_ptr_array_index(seen.logs, i));
  pthread_mutex_unlock(&seen.lock);
}

void capture_log(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
  const char *name = level & G_LOG_LEVEL_ERROR      ? "ERROR"
                     : level & G_LOG_LEVEL_CRITICAL ? "CRITICAL"
                     : level & G_LOG_LEVEL_WARNING  ? "WARNING"
                     : level & G_LOG_LEVEL_MESSAGE  ? "MESSAGE"
                     : level & G_LOG_LEVEL_INFO     ? "INFO"
                                                    : "DEBUG";
  pthread_mutex_lock(&seen.lock);
  if (seen.logs) g_ptr_array_add(seen.logs, g_strdup_printf("%s %s", name, message));
  pthread_mutex_unlock(&seen.lock);
  if (level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL))
    g_printerr("%s\n", message); /* visible in the test log */
}

static GLogWriterOutput capture_log_writer(GLogLevelFlags level, const GLogField *fields,
                                           gsize n_fields, gpointer data)
{
  const char *domain = NULL, *message = "";
  for (gsize i = 0; i < n_fields; i++) {
    if (fields[i].length >= 0) continue; /* not text */
    if (!strcmp(fields[i].key, "MESSAGE")) message = fields[i].value;
    if (!strcmp(fields[i].key, "GLIB_DOMAIN")) domain = fields[i].value;
  }
  capture_log(domain, level, message, data);
  return G_LOG_WRITER_HANDLED;
}

void capture_logs(void)
{
  static gsize installed;
  if (g_once_init_enter(&installed)) {
    g_log_set_writer_func(capture_log_writer, NULL, NULL);
    g_once_init_leave(&installed, 1);
  }
}

int64_t test_conf_int(const gust_context *ctx, const char *key, int64_t fallback)
{
  json_t *v = json_object_get(gust_context_conf(ctx), key);
  return json_is_integer(v) ? json_integer_value(v) : fallback;
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

/* ---- numbers: a reliable spout ---- */

typedef struct {
  const gust_context *ctx;
  int64_t next, limit, settled;
  gboolean direct;
} number_spout;

static void number_declare(gust_declarer *d, const json_t *conf)
{
  const char *const fields[] = {"n", NULL};
  gust_declare_stream(d, NULL, fields, FALSE);
  if (json_is_true(json_object_get(conf, "test.direct")) ||
      json_integer_value(json_object_get(conf, "test.direct")))
    gust_declare_stream(d, "direct", fields, TRUE);
}

static gboolean number_open(const gust_context *ctx, void **state, GError **error)
{
  number_spout *s = g_new0(number_spout, 1);
  s->ctx = ctx;
  s->limit = test_conf_int(ctx, "test.tuples", 100);
  s->direct = test_conf_int(ctx, "test.direct", 0);
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

static void number_settled(number_spout *s, GHashTable *table, const fc_value *msg_id)
{
  s->settled++;
  pthread_mutex_lock(&seen.lock);
  count_in(table, msg_id->u.i);
  pthread_mutex_unlock(&seen.lock);
}

static void number_ack(void *state, gust_collector *out, const fc_value *msg_id)
{
  number_settled(state, seen.acked, msg_id);
}

static void number_fail(void *state, gust_collector *out, const fc_value *msg_id)
{
  number_settled(state, seen.failed, msg_id);
}

static const gust_component_def number_spout_def = {.abi = GUST_NATIVE_ABI,
                                                    .kind = GUST_DEF_SPOUT,
                                                    .declare_outputs = number_declare,
                                                    .open = number_open,
                                                    .next_tuple = number_next,
                                                    .ack = number_ack,
                                                    .fail = number_fail,
                                                    .close = g_free};

/* ---- sink: records; acks, fails or ignores; may re-emit ---- */

typedef struct {
  const gust_context *ctx;
  int64_t fail_every, fail_remainder;
  gboolean never_ack, emit;
} sink_bolt;

static void sink_declare(gust_declarer *d, const json_t *conf)
{
  const char *const fields[] = {"n", NULL};
  gust_declare_stream(d, NULL, fields, FALSE);
}

static gboolean sink_open(const gust_context *ctx, void **state, GError **error)
{
  sink_bolt *b = g_new0(sink_bolt, 1);
  b->ctx = ctx;
  b->fail_every = test_conf_int(ctx, "test.fail_every", 0);
  b->fail_remainder = test_conf_int(ctx, "test.fail_remainder", 0);
  b->never_ack = test_conf_int(ctx, "test.never_ack", 0);
  b->emit = test_conf_int(ctx, "test.emit", 0);
  pthread_mutex_lock(&seen.lock);
  g_hash_table_insert(
      seen.context,
      g_strdup_printf("%s:%d", gust_context_component_id(ctx), gust_context_task_index(ctx)),
      GINT_TO_POINTER(gust_context_task_id(ctx)));
  pthread_mutex_unlock(&seen.lock);
  *state = b;
  return TRUE;
}

static void record_tick(sink_bolt *b, const gust_tuple *input)
{
  g_assert_cmpstr(gust_tuple_source_component(input), ==, "__system");
  g_assert_cmpint(gust_tuple_source_task(input), ==, -1);
  g_assert_cmpstr(gust_tuple_stream(input), ==, "__tick");
  g_assert_cmpint(gust_tuple_get(input, 0)->u.i, ==,
                  test_conf_int(b->ctx, "topology.tick.tuple.freq.secs", -1));
  int64_t now = fc_now_ns();
  g_autofree char *task =
      g_strdup_printf("%s:%d", gust_context_component_id(b->ctx), gust_context_task_index(b->ctx));
  pthread_mutex_lock(&seen.lock);
  g_array_append_val(seen_array(seen.ticks, task, sizeof(int64_t)), now);
  pthread_mutex_unlock(&seen.lock);
}

static gboolean sink_execute(void *state, const gust_tuple *input, gust_collector *out,
                             GError **error)
{
  sink_bolt *b = state;
  if (gust_tuple_is_tick(input)) {
    record_tick(b, input);
    return TRUE;
  }
  const char *comp = gust_context_component_id(b->ctx);
  GString *line = g_string_new(NULL);
  g_string_printf(line, "%s %d %s ", comp, gust_context_task_id(b->ctx), gust_tuple_stream(input));
  fc_value values = fc_list(gust_tuple_get(input, 0), (uint32_t)gust_tuple_size(input));
  fc_value_append_text(&values, line);
  const fc_value *first = gust_tuple_get(input, 0);
  gboolean numbered = first && first->type == FC_I64;
  int64_t n = numbered ? first->u.i : 0;
  int64_t pair[2] = {gust_context_task_id(b->ctx), n};
  pthread_mutex_lock(&seen.lock);
  g_ptr_array_add(seen.tuples, g_string_free(line, FALSE));
  if (numbered) g_array_append_vals(seen_array(seen.received, comp, sizeof pair), pair, 1);
  pthread_mutex_unlock(&seen.lock);
  if (b->emit && numbered) {
    fc_value v = fc_i64(n);
    gust_emit(out, NULL, &input, 1, &v, 1, NULL, 0);
  }
  if (b->never_ack) return TRUE;
  if (numbered && b->fail_every && n % b->fail_every == b->fail_remainder)
    gust_fail(out, input);
  else
    gust_ack(out, input);
  return TRUE;
}

static const gust_component_def sink_bolt_def = {.abi = GUST_NATIVE_ABI,
                                                 .kind = GUST_DEF_BOLT,
                                                 .declare_outputs = sink_declare,
                                                 .open = sink_open,
                                                 .execute = sink_execute,
                                                 .close = g_free};

const gust_component_def *test_lookup(const char *library, const char *symbol, void *data)
{
  if (!strcmp(symbol, "numbers")) return &number_spout_def;
  if (!strcmp(symbol, "sink")) return &sink_bolt_def;
  return NULL;
}

/* ---- building ---- */

gust_component *test_add_component(gust_topology *t, const char *id, const char *symbol,
                                   int parallelism, gboolean spout)
{
  gust_component *c =
      gust_topology_add_component(t, id, spout ? GUST_COMPONENT_SPOUT : GUST_COMPONENT_BOLT);
  gust_component_set_parallelism(c, parallelism);
  gust_component_set_impl(c, gust_impl_new_native("in-process", symbol));
  return c;
}

void test_subscribe(gust_component *c, const char *source, const char *stream, gust_grouping *g)
{
  GError *error = NULL;
  g_assert_nonnull(gust_component_add_input(c, source, stream, g, &error));
  g_assert_no_error(error);
}

/* ---- running ---- */

gboolean wait_until(gboolean (*done)(gpointer data), gpointer data)
{
  int64_t end = g_get_monotonic_time() + (int64_t)(TEST_HANG_BOUND_S * G_USEC_PER_SEC);
  while (g_get_monotonic_time() < end) {
    if (done(data)) return TRUE;
    g_usleep(10000);
  }
  return done(data);
}

gboolean settled_at_least(gpointer data)
{
  return settled_total() >= (int64_t)GPOINTER_TO_SIZE(data);
}

gust_component_summary run_until(gust_topology *t, gust_native_lookup lookup,
                                 gboolean (*done)(gpointer data), gpointer data,
                                 const char *component)
{
  GError *error = NULL;
  gust_runtime_options opts = {.native_lookup = lookup, .threads = 2};
  gust_runtime *rt = gust_runtime_new(t, &opts, &error);
  g_assert_no_error(error);
  gust_runtime_start(rt);
  if (!wait_until(done, data)) {
    dump_logs();
    g_error("the topology did not reach its condition in %.0f s", TEST_HANG_BOUND_S);
  }
  g_assert_true(gust_runtime_stop(rt, 120000, &error));
  g_assert_no_error(error);
  gust_component_summary *all = NULL, found = {0};
  guint n = gust_runtime_summary(rt, &all);
  for (guint i = 0; component && i < n; i++)
    if (!strcmp(all[i].component, component)) found = all[i];
  g_free(all);
  found.component = NULL; /* points into the runtime */
  gust_runtime_free(rt);
  return found;
}
