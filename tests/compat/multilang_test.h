/* multilang_test.h — what the multilang tests share (header-only): native
 * components around the multilang one under test, a record of what they
 * saw, a capture of log messages, and a run loop.
 *
 *   numbers (native spout)  emits [n] for n < test.tuples, message id n,
 *                           and records acks and fails per n
 *   ml      (multilang)     the subprocess under test (tests/compat/multilang/)
 *   sink    (native bolt)   records every tuple (task, stream, values as
 *                           JSON text) and acks it, or fails it when
 *                           test.sink_fail_mod > 0 and n % that == 1
 *   dsink   (native bolt)   the same, two tasks, on ml's direct stream
 *
 * Observations are guarded by a pthread mutex (ThreadSanitizer must see
 * it); the tests read them after gust_runtime_stop().
 */
#ifndef GUST_MULTILANG_TEST_H
#define GUST_MULTILANG_TEST_H

#include "compat_test.h"

#include <gust/flinkcore.h>
#include <gust/runtime.h>
#include <gust/storm.h>
#include <gust/topology.h>
#include <pthread.h>
#include <stdio.h>

typedef struct {
  pthread_mutex_t lock;
  GHashTable *acked, *failed; /* n -> times */
  GPtrArray *tuples;          /* "<component> <task> <stream> <values JSON>" */
  GPtrArray *logs;            /* "<LEVEL> <message>" */
  int64_t emitted;
} observations;

static observations seen;

static void seen_reset(void)
{
  pthread_mutex_init(&seen.lock, NULL);
  seen.acked = g_hash_table_new(g_direct_hash, g_direct_equal);
  seen.failed = g_hash_table_new(g_direct_hash, g_direct_equal);
  seen.tuples = g_ptr_array_new_with_free_func(g_free);
  seen.logs = g_ptr_array_new_with_free_func(g_free);
  seen.emitted = 0;
}

static void seen_clear(void)
{
  g_hash_table_destroy(seen.acked);
  g_hash_table_destroy(seen.failed);
  g_ptr_array_free(seen.tuples, TRUE);
  g_ptr_array_free(seen.logs, TRUE);
  pthread_mutex_destroy(&seen.lock);
}

static guint times(GHashTable *table, int64_t n)
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

static guint settled_count(void)
{
  pthread_mutex_lock(&seen.lock);
  guint n = g_hash_table_size(seen.acked) + g_hash_table_size(seen.failed);
  pthread_mutex_unlock(&seen.lock);
  return n;
}

/* How many recorded tuples or logs contain needle. */
static guint count_matching(GPtrArray *lines, const char *needle)
{
  guint n = 0;
  pthread_mutex_lock(&seen.lock);
  for (guint i = 0; i < lines->len; i++)
    if (strstr(g_ptr_array_index(lines, i), needle)) n++;
  pthread_mutex_unlock(&seen.lock);
  return n;
}

/* The first recorded line containing needle (a copy), or NULL. */
G_GNUC_UNUSED static char *find_line(GPtrArray *lines, const char *needle)
{
  char *found = NULL;
  pthread_mutex_lock(&seen.lock);
  for (guint i = 0; i < lines->len && !found; i++)
    if (strstr(g_ptr_array_index(lines, i), needle)) found = g_strdup(g_ptr_array_index(lines, i));
  pthread_mutex_unlock(&seen.lock);
  return found;
}

static void dump_logs(void)
{
  pthread_mutex_lock(&seen.lock);
  for (guint i = 0; i < seen.logs->len; i++)
    g_test_message("log: %s", (char *)g_ptr_array_index(seen.logs, i));
  pthread_mutex_unlock(&seen.lock);
}

static void capture_log(const gchar *domain, GLogLevelFlags level, const gchar *message,
                        gpointer data)
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

static int64_t conf_int(const gust_context *ctx, const char *key, int64_t fallback)
{
  json_t *v = json_object_get(gust_context_conf(ctx), key);
  return json_is_integer(v) ? json_integer_value(v) : fallback;
}

/* ---- numbers: a reliable native spout ---- */

typedef struct {
  int64_t next, limit;
} number_spout;

static void number_declare(gust_declarer *d, const json_t *conf)
{
  const char *const fields[] = {"n", NULL};
  gust_declare_stream(d, NULL, fields, FALSE);
}

static gboolean number_open(const gust_context *ctx, void **state, GError **error)
{
  number_spout *s = g_new0(number_spout, 1);
  s->limit = conf_int(ctx, "test.tuples", 50);
  *state = s;
  return TRUE;
}

static gboolean number_next(void *state, gust_collector *out, GError **error)
{
  number_spout *s = state;
  if (s->next >= s->limit) return TRUE;
  fc_value v = fc_i64(s->next), id = fc_i64(s->next);
  gust_spout_emit(out, NULL, &v, 1, &id, NULL, 0);
  s->next++;
  pthread_mutex_lock(&seen.lock);
  seen.emitted++;
  pthread_mutex_unlock(&seen.lock);
  return TRUE;
}

static void number_ack(void *state, gust_collector *out, const fc_value *msg_id)
{
  pthread_mutex_lock(&seen.lock);
  count_in(seen.acked, msg_id->u.i);
  pthread_mutex_unlock(&seen.lock);
}

static void number_fail(void *state, gust_collector *out, const fc_value *msg_id)
{
  pthread_mutex_lock(&seen.lock);
  count_in(seen.failed, msg_id->u.i);
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

/* ---- sink: records and acks (or fails) ---- */

typedef struct {
  const gust_context *ctx;
  int64_t fail_mod;
} sink_bolt;

static gboolean sink_open(const gust_context *ctx, void **state, GError **error)
{
  sink_bolt *b = g_new0(sink_bolt, 1);
  b->ctx = ctx;
  b->fail_mod = conf_int(ctx, "test.sink_fail_mod", 0);
  *state = b;
  return TRUE;
}

static gboolean sink_execute(void *state, const gust_tuple *input, gust_collector *out,
                             GError **error)
{
  sink_bolt *b = state;
  GString *line = g_string_new(NULL);
  g_string_printf(line, "%s %d %s ", gust_context_component_id(b->ctx),
                  gust_context_task_id(b->ctx), gust_tuple_stream(input));
  fc_value values = fc_list(gust_tuple_get(input, 0), (uint32_t)gust_tuple_size(input));
  fc_value_append_text(&values, line);
  pthread_mutex_lock(&seen.lock);
  g_ptr_array_add(seen.tuples, g_string_free(line, FALSE));
  pthread_mutex_unlock(&seen.lock);
  const fc_value *n = gust_tuple_get(input, 0);
  if (b->fail_mod && n && n->type == FC_I64 && n->u.i % b->fail_mod == 1)
    gust_fail(out, input);
  else
    gust_ack(out, input);
  return TRUE;
}

static const gust_component_def sink_bolt_def = {.abi = GUST_NATIVE_ABI,
                                                 .kind = GUST_DEF_BOLT,
                                                 .open = sink_open,
                                                 .execute = sink_execute,
                                                 .close = g_free};

static const gust_component_def *lookup(const char *library, const char *symbol, void *data)
{
  if (!strcmp(symbol, "numbers")) return &number_spout_def;
  if (!strcmp(symbol, "sink")) return &sink_bolt_def;
  return NULL;
}

/* ---- building and running ---- */

static char *child_dir(void)
{
  const char *root = g_getenv("GUST_SOURCE_DIR");
  g_assert_nonnull(root);
  return g_build_filename(root, "tests", "compat", "multilang", NULL);
}

static gust_component *add_native(gust_topology *t, const char *id, gust_component_kind kind,
                                  int parallelism)
{
  gust_component *c = gust_topology_add_component(t, id, kind);
  gust_component_set_impl(c, gust_impl_new_native("test", id[0] == 'd' ? "sink" : id));
  gust_component_set_parallelism(c, parallelism);
  return c;
}

static void subscribe(gust_component *c, const char *source, const char *stream,
                      gust_grouping_kind kind)
{
  GError *error = NULL;
  g_assert_nonnull(gust_component_add_input(c, source, stream, gust_grouping_new(kind), &error));
  g_assert_no_error(error);
}

static void declare(gust_component *c, const char *stream, const char *field, gboolean direct)
{
  const char *const fields[] = {field, NULL};
  GError *error = NULL;
  g_assert_true(gust_component_declare_stream(c, stream, fields, direct, &error));
}

/* numbers -> ml (argv, in tests/compat/multilang) -> sink (+ dsink for the
 * direct stream).  Acker mode unless the test changes it. */
static gust_topology *ml_topology(const char *name, const char *mode, const char *const *argv,
                                  int tuples)
{
  gust_topology *t = gust_topology_new(name);
  gust_topology_set_conf_value(t, "topology.gust.reliability", json_string("acker"));
  gust_topology_set_conf_value(t, "test.mode", json_string(mode));
  gust_topology_set_conf_value(t, "test.tuples", json_integer(tuples));
  add_native(t, "numbers", GUST_COMPONENT_SPOUT, 1);
  gust_component *ml = gust_topology_add_component(t, "ml", GUST_COMPONENT_BOLT);
  g_autofree char *dir = child_dir();
  gust_component_set_impl(ml, gust_impl_new_multilang(argv, dir, NULL));
  declare(ml, "default", "n", FALSE);
  declare(ml, "info", "text", FALSE);
  declare(ml, "direct", "n", TRUE);
  subscribe(ml, "numbers", "default", GUST_GROUPING_SHUFFLE);
  gust_component *sink = add_native(t, "sink", GUST_COMPONENT_BOLT, 1);
  subscribe(sink, "ml", "default", GUST_GROUPING_SHUFFLE);
  subscribe(sink, "ml", "info", GUST_GROUPING_SHUFFLE);
  gust_component *dsink = add_native(t, "dsink", GUST_COMPONENT_BOLT, 2);
  subscribe(dsink, "ml", "direct", GUST_GROUPING_DIRECT);
  return t;
}

static const char *const python_bolt[] = {"python3", "proto_bolt.py", NULL};

/* Runs t until every message of the numbers spout is settled (or
 * `settled` of them when >= 0, or the run lasted max_s), then stops it.
 * Returns the runtime's summary of component `component`. */
G_GNUC_UNUSED static gust_component_summary run_until_settled(gust_topology *t, int64_t settled,
                                                              double max_s, const char *component)
{
  GError *error = NULL;
  gust_runtime_options opts = {.native_lookup = lookup, .threads = 2};
  gust_runtime *rt = gust_runtime_new(t, &opts, &error);
  g_assert_no_error(error);
  gust_runtime_start(rt);
  int64_t start = g_get_monotonic_time();
  while (g_get_monotonic_time() - start < (int64_t)(max_s * 1e6)) {
    if (settled >= 0 && settled_count() >= (guint)settled) break;
    if (!gust_runtime_wait(rt, 20, &error)) {
      g_assert_error(error, FC_ERROR, FC_ERROR_TIMEOUT);
      g_clear_error(&error);
    }
  }
  g_assert_true(gust_runtime_stop(rt, 30000, &error));
  g_assert_no_error(error);
  gust_component_summary *all = NULL, found = {0};
  guint n = gust_runtime_summary(rt, &all);
  for (guint i = 0; i < n; i++)
    if (!strcmp(all[i].component, component)) found = all[i];
  g_free(all);
  found.component = NULL; /* points into the runtime */
  gust_runtime_free(rt);
  return found;
}

G_GNUC_UNUSED static void assert_all_acked(int64_t tuples)
{
  for (int64_t n = 0; n < tuples; n++) {
    if (times(seen.acked, n) != 1 || times(seen.failed, n) != 0) {
      dump_logs();
      g_error("message %" G_GINT64_FORMAT " acked %u times, failed %u times", n,
              times(seen.acked, n), times(seen.failed, n));
    }
  }
}

#endif /* GUST_MULTILANG_TEST_H */
