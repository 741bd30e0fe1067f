/* fuzz_multilang.c — the multilang readers against each other.
 *
 * A child's message is read by the direct reader (ml_fast_parse), by the
 * shape reader over a stream (ml_shapes_parse) or by the general parser
 * (ml_parse_general); the direct and shape readers are fast paths and must
 * read every message they take exactly as the general parser does.  For
 * each input:
 *   1. the input as one message: if the direct reader takes it, the
 *      general parser must take it too and give the same message; if the
 *      direct reader declines it, the text must be untouched;
 *   2. the input as a child's stream ("<json>\nend\n..."): a fresh shape
 *      reader reads messages from its start while it takes them, and each
 *      must equal the general parser's reading of that message alone.
 * The general parser alone must not crash on any input either.
 *
 * The readers are called through the functions of ml_private.h only, so
 * this file follows them when they change.
 */
#include "fuzz_support.h"

#include "ml_describe.h"

/* The general parser's reading of text[0..len) alone, described; NULL if
 * it refuses it. */
static char *general_reading(const char *text, size_t len)
{
  ml_parser *parser = ml_parser_new();
  ml_batch *batch = ml_batch_new();
  char *copy = fuzz_text_copy(text, len), *error = NULL, *described = NULL;
  if (ml_parse_general(parser, copy, len, batch, &error)) {
    g_assert_cmpuint(batch->n_msgs, ==, 1);
    described = ml_describe(&batch->msgs[0]);
  } else {
    g_assert_nonnull(error);
    g_free(error);
  }
  g_free(copy);
  ml_batch_free(batch);
  ml_parser_free(parser);
  return described;
}

static void fail_differ(const char *reader, const char *text, size_t len, const char *a,
                        const char *b)
{
  g_error("the %s reader and the general parser differ on %.*s\n  %s: %s\n  general: %s", reader,
          (int)len, text, reader, a, b ? b : "(refused)");
}

static void check_direct(const uint8_t *data, size_t size)
{
  char *text = fuzz_text_copy(data, size);
  fc_arena arena;
  fc_arena_init(&arena, 0);
  ml_msg msg;
  size_t used = 0;
  if (ml_fast_parse(text, size, false, &arena, &msg, &used)) {
    char *fast = ml_describe(&msg), *general = general_reading((const char *)data, size);
    if (!general || strcmp(fast, general))
      fail_differ("direct", (const char *)data, size, fast, general);
    g_free(fast);
    g_free(general);
  } else {
    g_assert_true(memcmp(text, data, size) == 0);      /* a decline leaves the text as it was */
    g_free(general_reading((const char *)data, size)); /* must not crash */
  }
  fc_arena_clear(&arena);
  g_free(text);
}

static void check_stream(const uint8_t *data, size_t size)
{
  char *text = fuzz_text_copy(data, size);
  fc_arena arena;
  fc_arena_init(&arena, 0);
  ml_shapes *shapes = ml_shapes_new();
  size_t pos = 0;
  ml_msg msg;
  size_t used = 0;
  while (pos < size && ml_shapes_parse(shapes, text + pos, size - pos, &arena, &msg, &used)) {
    g_assert_cmpuint(used, >=, 5);
    g_assert_cmpuint(used, <=, size - pos);
    const char *alone = (const char *)data + pos;
    g_assert_true(memcmp(alone + used - 5, "\nend\n", 5) == 0);
    char *shaped = ml_describe(&msg), *general = general_reading(alone, used - 5);
    if (!general || strcmp(shaped, general)) fail_differ("shape", alone, used - 5, shaped, general);
    g_free(shaped);
    g_free(general);
    pos += used;
  }
  ml_shapes_free(shapes);
  fc_arena_clear(&arena);
  g_free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  check_direct(data, size);
  check_stream(data, size);
  return 0;
}
