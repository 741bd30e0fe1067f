/* builtin_components.c — the runtime side of Storm's sample components,
 * behaving as Storm's:
 *
 *  org.apache.storm.testing.TestWordSpout: every 100 ms emits one of five
 *    names on "default" (field "word"), unreliably.
 *  org.apache.storm.testing.TestWordCounter: counts words (field 0) per
 *    task and emits [word, count] anchored to the input, then acks it
 *    (a BasicBolt).
 *  org.apache.storm.flux.wrappers.bolts.LogInfoBolt: logs every tuple at
 *    INFO level and acks it; declares no output.
 *
 * Each definition is the runtime hook of its class's row in the registry of
 * built-in classes (<gust/builtin_class.h>); the row, in
 * compat/model/storm_sample_classes.c, names it by symbol, declares its
 * output streams and checks its constructor arguments.  The runtime finds
 * it through the row, so no class name is spelled here.
 * State per instance; no globals.
 */
#include "builtin_components.h"
#include "task_log.h"

/* ---- TestWordSpout ---- */

static const char *const test_words[] = {"nathan", "mike", "jackson", "golda", "bertels"};

typedef struct {
  GRand *rand;
  int64_t next_ns;
} word_spout;

static gboolean word_spout_open(const gust_context *ctx, void **state, GError **error)
{
  word_spout *s = g_new0(word_spout, 1);
  s->rand = g_rand_new();
  *state = s;
  return TRUE;
}

static gboolean word_spout_next(void *state, gust_collector *out, GError **error)
{
  word_spout *s = state;
  int64_t now = g_get_monotonic_time();
  if (now < s->next_ns) return TRUE; /* nothing yet: the host backs off */
  s->next_ns = now + 100000;
  fc_value word = fc_str(test_words[g_rand_int_range(s->rand, 0, G_N_ELEMENTS(test_words))]);
  gust_spout_emit(out, NULL, &word, 1, NULL, NULL, 0);
  return TRUE;
}

static void word_spout_close(void *state)
{
  word_spout *s = state;
  g_rand_free(s->rand);
  g_free(s);
}

const gust_component_def gust_test_word_spout_def = {
    .abi = GUST_NATIVE_ABI,
    .kind = GUST_DEF_SPOUT,
    .open = word_spout_open,
    .next_tuple = word_spout_next,
    .close = word_spout_close,
};

/* ---- TestWordCounter ---- */

static gboolean counter_open(const gust_context *ctx, void **state, GError **error)
{
  *state = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  return TRUE;
}

static gboolean counter_execute(void *state, const gust_tuple *input, gust_collector *out,
                                GError **error)
{
  if (gust_tuple_is_tick(input)) return TRUE;
  const fc_value *word = gust_tuple_get(input, 0);
  if (!word || word->type != FC_STR) {
    gust_report_error(out, "TestWordCounter expects a string in field 0");
    gust_fail(out, input);
    return TRUE;
  }
  GHashTable *counts = state;
  int64_t *n = g_hash_table_lookup(counts, word->u.str);
  if (!n) {
    n = g_new0(int64_t, 1);
    g_hash_table_insert(counts, g_strndup(word->u.str, word->len), n);
  }
  (*n)++;
  fc_value values[2] = {*word, fc_i64(*n)};
  gust_emit(out, NULL, &input, 1, values, 2, NULL, 0);
  gust_ack(out, input);
  return TRUE;
}

static void counter_close(void *state)
{
  g_hash_table_destroy(state);
}

const gust_component_def gust_test_word_counter_def = {
    .abi = GUST_NATIVE_ABI,
    .kind = GUST_DEF_BOLT,
    .open = counter_open,
    .execute = counter_execute,
    .close = counter_close,
};

/* ---- LogInfoBolt ---- */

typedef struct {
  char *component;
  int task_id;
} log_info_task; /* whose lines these are: the log writer's component:task */

static gboolean log_open(const gust_context *ctx, void **state, GError **error)
{
  log_info_task *t = g_new(log_info_task, 1);
  t->component = g_strdup(gust_context_component_id(ctx));
  t->task_id = gust_context_task_id(ctx);
  *state = t;
  return TRUE;
}

static gboolean log_execute(void *state, const gust_tuple *input, gust_collector *out,
                            GError **error)
{
  log_info_task *t = state;
  g_autoptr(GString) text = g_string_new(NULL);
  g_string_append_printf(text, "source: %s:%d, stream: %s, values: [",
                         gust_tuple_source_component(input), gust_tuple_source_task(input),
                         gust_tuple_stream(input));
  for (size_t i = 0; i < gust_tuple_size(input); i++) {
    if (i) g_string_append(text, ", ");
    fc_value_append_text(gust_tuple_get(input, i), text);
  }
  g_string_append_c(text, ']');
  rt_task_log_here(G_LOG_LEVEL_INFO, t->component, t->task_id, "%s", text->str);
  gust_ack(out, input);
  return TRUE;
}

static void log_close(void *state)
{
  log_info_task *t = state;
  g_free(t->component);
  g_free(t);
}

const gust_component_def gust_log_info_bolt_def = {
    .abi = GUST_NATIVE_ABI,
    .kind = GUST_DEF_BOLT,
    .open = log_open,
    .execute = log_execute,
    .close = log_close,
};
