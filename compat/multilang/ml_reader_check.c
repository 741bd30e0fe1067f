/* ml_reader_check.c — the fast reader held to the general one.
 *
 * The protocol has one definition, the general reader (ml_reader.c); the
 * fast reader (ml_reader_fast.c) may decline any text, but what it takes
 * it must read as the general reader does.  ml_read_differential() checks
 * that on one text, as the reader thread would meet it: unframed (the
 * text between two end lines) and framed (the text followed by its end
 * line, read straight from the stream; a text holding an end line of its
 * own is compared up to it, as line framing would cut it).  The seeded
 * randomized test (tests/compat/test_multilang_parse.c) and the fuzzing
 * target call it.  Each call uses fresh copies and a fresh parser; not
 * for the data path.
 */
#include "ml_private.h"

char *ml_msg_describe(const ml_msg *m)
{
  GString *s = g_string_new(NULL);
  g_string_append_printf(s,
                         "kind=%d stream=%s direct=%d task=%" G_GINT64_FORMAT
                         " need=%d level=%d pid=%" G_GINT64_FORMAT " text=%s id=",
                         m->kind, m->stream ? m->stream : "(null)", m->direct, m->task,
                         m->need_task_ids, m->level, m->pid, m->text ? m->text : "(null)");
  ml_raw_append_json(s, &m->id);
  g_string_append(s, " anchors=");
  for (uint32_t i = 0; i < m->n_anchors; i++) {
    ml_raw_append_json(s, &m->anchors[i]);
    g_string_append_c(s, ' ');
  }
  g_string_append(s, "values=");
  if (m->kind == ML_MSG_EMIT) {
    fc_value list = fc_list(m->values, m->n_values);
    ml_encode_value(s, &list);
    for (uint32_t i = 0; i < m->n_values; i++) /* types too: 1 and "1" differ */
      g_string_append_printf(s, " %d", m->values[i].type);
  }
  return g_string_free(s, FALSE);
}

/* The general reader's reading of text (a copy), or NULL + *error. */
static char *general_reading(const char *text, size_t len, ml_batch *batch, char **error)
{
  ml_parser *p = ml_parser_new(); /* unusable after an error: one per reading */
  char *copy = fc_arena_strndup(&batch->arena, text, len);
  char *described = NULL;
  if (ml_parse_general(p, copy, len, batch, error))
    described = ml_msg_describe(&batch->msgs[batch->n_msgs - 1]);
  ml_parser_free(p);
  return described;
}

/* Compares a message the fast reader took from text[0, len) with the
 * general reader's reading of the same text.  FALSE + *why if they differ. */
static gboolean same_as_general(const char *how, const ml_msg *fast, const char *text, size_t len,
                                ml_batch *batch, char **why)
{
  g_autofree char *error = NULL;
  g_autofree char *fast_text = ml_msg_describe(fast);
  g_autofree char *general = general_reading(text, len, batch, &error);
  g_autofree char *valid = g_utf8_make_valid(text, (gssize)MIN(len, 300));
  g_autofree char *shown = g_strescape(valid, NULL);
  if (!general) {
    *why = g_strdup_printf("the fast reader (%s) took \"%s\" as %s; the general reader refused "
                           "it: %s",
                           how, shown, fast_text, error);
    return FALSE;
  }
  if (strcmp(general, fast_text)) {
    *why = g_strdup_printf("\"%s\": the fast reader (%s) read %s; the general reader %s", shown,
                           how, fast_text, general);
    return FALSE;
  }
  return TRUE;
}

gboolean ml_read_differential(const char *buf, size_t len, char **why)
{
  ml_batch *batch = ml_batch_new();
  gboolean agree = TRUE;
  size_t used = 0;
  ml_msg fast;
  /* unframed: the text between two end lines */
  char *text = fc_arena_strndup(&batch->arena, buf, len);
  if (ml_fast_parse(text, len, false, &batch->arena, &fast, &used))
    agree = same_as_general("unframed", &fast, buf, len, batch, why);
  else if (memcmp(text, buf, len))
    agree = FALSE, *why = g_strdup("the fast reader (unframed) declined a text but changed it");
  /* framed: the text and its end line, read from the stream */
  if (agree) {
    GString *stream = g_string_new_len(buf, (gssize)len);
    g_string_append(stream, "\nend\n");
    char *framed = fc_arena_strndup(&batch->arena, stream->str, stream->len);
    if (ml_fast_parse(framed, stream->len, true, &batch->arena, &fast, &used)) {
      if (used < 5 || used > stream->len || memcmp(stream->str + used - 5, "\nend\n", 5))
        agree = FALSE, *why = g_strdup("the fast reader (framed) did not end at an end line");
      else
        agree = same_as_general("framed", &fast, stream->str, used - 5, batch, why);
    } else if (memcmp(framed, stream->str, stream->len)) {
      agree = FALSE, *why = g_strdup("the fast reader (framed) declined a text but changed it");
    }
    g_string_free(stream, TRUE);
  }
  ml_batch_free(batch);
  return agree;
}
