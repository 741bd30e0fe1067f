/* wordcount.c — a complete native WordCount: three components in one
 * shared object, loaded by gust with dlopen (see gust/storm.h).
 *
 *   sentence_spout  emits sentences reliably (message id = a sequence
 *                   number) and counts acks and fails;
 *   split_bolt      splits a sentence into words, each anchored to it;
 *   count_bolt      counts words (fields-grouped on "word"), emits
 *                   [word, count] anchored to its input, and acks.
 *
 * The Flux file beside it (wordcount.yaml) wires them up.  Each instance
 * keeps its state in the struct open() returns: no globals.
 */
#include <gust/storm.h>

#include <string.h>

static const char *const sentences[] = {
    "the cow jumped over the moon",   "an apple a day keeps the doctor away",
    "four score and seven years ago", "snow white and the seven dwarfs",
    "i am at two with nature",
};

/* ---- sentence spout ---- */

typedef struct {
  int64_t next;
  int64_t acked, failed;
} sentence_spout;

static void sentence_declare(gust_declarer *d, const json_t *conf)
{
  const char *const fields[] = {"sentence", NULL};
  gust_declare_stream(d, NULL, fields, FALSE);
}

static gboolean sentence_open(const gust_context *ctx, void **state, GError **error)
{
  *state = g_new0(sentence_spout, 1);
  return TRUE;
}

static gboolean sentence_next(void *state, gust_collector *out, GError **error)
{
  sentence_spout *s = state;
  fc_value sentence = fc_str(sentences[s->next % G_N_ELEMENTS(sentences)]);
  fc_value msg_id = fc_i64(s->next++);
  gust_spout_emit(out, NULL, &sentence, 1, &msg_id, NULL, 0);
  return TRUE;
}

static void sentence_ack(void *state, gust_collector *out, const fc_value *msg_id)
{
  ((sentence_spout *)state)->acked++;
}

static void sentence_fail(void *state, gust_collector *out, const fc_value *msg_id)
{
  ((sentence_spout *)state)->failed++;
}

static void sentence_close(void *state)
{
  g_free(state);
}

const gust_component_def sentence_spout_def = {
    .abi = GUST_NATIVE_ABI,
    .kind = GUST_DEF_SPOUT,
    .declare_outputs = sentence_declare,
    .open = sentence_open,
    .next_tuple = sentence_next,
    .ack = sentence_ack,
    .fail = sentence_fail,
    .close = sentence_close,
};

/* ---- split bolt ---- */

static void split_declare(gust_declarer *d, const json_t *conf)
{
  const char *const fields[] = {"word", NULL};
  gust_declare_stream(d, NULL, fields, FALSE);
}

static gboolean split_execute(void *state, const gust_tuple *input, gust_collector *out,
                              GError **error)
{
  const fc_value *sentence = gust_tuple_get(input, 0);
  if (!sentence || sentence->type != FC_STR) {
    gust_fail(out, input);
    return TRUE;
  }
  const char *s = sentence->u.str;
  uint32_t start = 0;
  for (uint32_t i = 0; i <= sentence->len; i++) {
    if (i == sentence->len || s[i] == ' ') {
      if (i > start) {
        fc_value word = fc_str_len(s + start, i - start);
        gust_emit(out, NULL, &input, 1, &word, 1, NULL, 0);
      }
      start = i + 1;
    }
  }
  gust_ack(out, input);
  return TRUE;
}

const gust_component_def split_bolt_def = {
    .abi = GUST_NATIVE_ABI,
    .kind = GUST_DEF_BOLT,
    .declare_outputs = split_declare,
    .execute = split_execute,
};

/* ---- count bolt ---- */

static void count_declare(gust_declarer *d, const json_t *conf)
{
  const char *const fields[] = {"word", "count", NULL};
  gust_declare_stream(d, NULL, fields, FALSE);
}

static gboolean count_open(const gust_context *ctx, void **state, GError **error)
{
  *state = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  return TRUE;
}

static gboolean count_execute(void *state, const gust_tuple *input, gust_collector *out,
                              GError **error)
{
  if (gust_tuple_is_tick(input)) return TRUE;
  const fc_value *word = gust_tuple_get_by_field(input, "word");
  if (!word || word->type != FC_STR) {
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

static void count_close(void *state)
{
  g_hash_table_destroy(state);
}

const gust_component_def count_bolt_def = {
    .abi = GUST_NATIVE_ABI,
    .kind = GUST_DEF_BOLT,
    .declare_outputs = count_declare,
    .open = count_open,
    .execute = count_execute,
    .close = count_close,
};
