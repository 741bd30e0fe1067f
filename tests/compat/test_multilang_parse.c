/* test_multilang_parse.c — what a multilang child writes becomes the
 * right ml_msg: every command and field, strings with escapes and UTF-8,
 * numbers of every size and shape, nested values, ids kept exactly (an
 * integer above 2^64 comes back digit for digit), JSON over several lines;
 * and malformed or foreign messages are refused with a sentence that says
 * what is wrong.  The common shapes are read by the direct reader
 * (ml_fast.c), the rest by the general parser: on every shape the direct
 * reader takes, both must give the same message, and what it declines it
 * must leave untouched.  Also the encoding of values sent to the child.
 */
#include "compat_test.h"
#include "ml_describe.h"

static ml_parser *parser;
static ml_batch *batch;

/* The parser ends strings in the text itself: give it a copy that lives
 * as long as the batch. */
static char *copy_of(const char *text)
{
  return fc_arena_strndup(&batch->arena, text, strlen(text));
}

static const ml_msg *parse_ok(const char *text)
{
  char *error = NULL;
  if (!ml_parse_message(parser, copy_of(text), strlen(text), batch, &error))
    g_error("refused %s: %s", text, error);
  return &batch->msgs[batch->n_msgs - 1];
}

static char *parse_error(const char *text)
{
  char *error = NULL;
  ml_parser *p = ml_parser_new(); /* a parser is unusable after an error */
  g_assert_false(ml_parse_message(p, copy_of(text), strlen(text), batch, &error));
  ml_parser_free(p);
  g_assert_nonnull(error);
  return error;
}

static char *text_of(const fc_value *values, uint32_t n)
{
  GString *s = g_string_new(NULL);
  fc_value list = fc_list(values, n);
  ml_encode_value(s, &list);
  return g_string_free(s, FALSE);
}

static void assert_raw(const ml_raw *raw, const char *json)
{
  GString *s = g_string_new(NULL);
  ml_raw_append_json(s, raw);
  g_assert_cmpstr(s->str, ==, json);
  g_string_free(s, TRUE);
}

static void test_emit_with_every_field(void)
{
  const ml_msg *m = parse_ok("{\"command\":\"emit\",\"id\":\"m1\",\"stream\":\"words\",\"task\":7,"
                             "\"anchors\":[\"12\",\"13\"],\"need_task_ids\":false,"
                             "\"tuple\":[\"a\",1,-2,1.5,true,false,null,[1,[2]],{\"k\":\"v\"}]}");
  g_assert_cmpint(m->kind, ==, ML_MSG_EMIT);
  g_assert_cmpstr(m->stream, ==, "words");
  g_assert_true(m->direct);
  g_assert_cmpint(m->task, ==, 7);
  g_assert_false(m->need_task_ids);
  assert_raw(&m->id, "\"m1\"");
  g_assert_cmpuint(m->n_anchors, ==, 2);
  assert_raw(&m->anchors[1], "\"13\"");
  g_autofree char *values = text_of(m->values, m->n_values);
  g_assert_cmpstr(values, ==, "[\"a\",1,-2,1.5,true,false,null,[1,[2]],{\"k\":\"v\"}]");
}

static void test_defaults_and_spaces(void)
{
  /* json.dumps' default separators, a single anchor given as a string, and
   * a message spread over several lines */
  const ml_msg *m = parse_ok("{\"command\": \"emit\",\n \"anchors\": \"5\",\n \"tuple\": [ ]\n}");
  g_assert_null(m->stream);
  g_assert_false(m->direct);
  g_assert_true(m->need_task_ids);
  g_assert_null(m->id.text);
  g_assert_cmpuint(m->n_anchors, ==, 1);
  assert_raw(&m->anchors[0], "\"5\"");
  g_assert_cmpuint(m->n_values, ==, 0);
}

static void test_escapes_and_unicode_take_the_general_path(void)
{
  const ml_msg *m =
      parse_ok("{\"command\":\"emit\",\"tuple\":[\"q\\\"b\\\\s\\n\\u00e9\\ud83d\\ude00\","
               "\"caf\xc3\xa9\"],\"id\":\"x\\ty\"}");
  g_assert_cmpuint(m->n_values, ==, 2);
  g_assert_cmpstr(m->values[0].u.str, ==, "q\"b\\s\n\xc3\xa9\xf0\x9f\x98\x80");
  g_assert_cmpstr(m->values[1].u.str, ==, "caf\xc3\xa9");
  assert_raw(&m->id, "\"x\\ty\"");
  g_autofree char *values = text_of(m->values, m->n_values);
  g_assert_cmpstr(values, ==, "[\"q\\\"b\\\\s\\n\xc3\xa9\xf0\x9f\x98\x80\",\"caf\xc3\xa9\"]");
}

static void test_integers_of_any_size_and_exact_ids(void)
{
  const ml_msg *m = parse_ok("{\"command\":\"emit\",\"id\":123456789012345678901234567890,"
                             "\"tuple\":[9223372036854775807,-9223372036854775808,"
                             "18446744073709551616,1e3,-0.25]}");
  assert_raw(&m->id, "123456789012345678901234567890");
  g_assert_cmpint(m->values[0].type, ==, FC_I64);
  g_assert_cmpint(m->values[0].u.i, ==, G_MAXINT64);
  g_assert_cmpint(m->values[1].u.i, ==, G_MININT64);
  g_assert_cmpint(m->values[2].type, ==, FC_STR); /* past int64: its exact digits */
  g_assert_cmpstr(m->values[2].u.str, ==, "18446744073709551616");
  g_assert_cmpint(m->values[3].type, ==, FC_F64);
  g_assert_cmpfloat(m->values[3].u.f, ==, 1000.0);
  g_assert_cmpfloat(m->values[4].u.f, ==, -0.25);
  /* a direct emit to a task number nobody has is kept as not-a-task */
  m = parse_ok("{\"command\":\"emit\",\"task\":99999999999999999999,\"tuple\":[]}");
  g_assert_true(m->direct);
  g_assert_cmpint(m->task, ==, -1);
  /* an id that is an object comes back as the same JSON */
  m = parse_ok("{\"command\":\"emit\",\"id\":{\"topic\":\"t\",\"offset\":[1,2]},\"tuple\":[]}");
  assert_raw(&m->id, "{\"topic\":\"t\",\"offset\":[1,2]}");
}

static void test_every_other_command(void)
{
  const ml_msg *m = parse_ok("{\"command\":\"ack\",\"id\":\"17\"}");
  g_assert_cmpint(m->kind, ==, ML_MSG_ACK);
  assert_raw(&m->id, "\"17\"");
  m = parse_ok("{\"command\":\"fail\",\"id\":17}");
  g_assert_cmpint(m->kind, ==, ML_MSG_FAIL);
  assert_raw(&m->id, "17");
  m = parse_ok("{\"command\":\"log\",\"msg\":\"hello\",\"level\":4}");
  g_assert_cmpint(m->kind, ==, ML_MSG_LOG);
  g_assert_cmpstr(m->text, ==, "hello");
  g_assert_cmpint(m->level, ==, 4);
  m = parse_ok("{\"command\":\"log\",\"msg\":\"no level\"}");
  g_assert_cmpint(m->level, ==, 2);
  m = parse_ok("{\"command\":\"error\",\"msg\":\"boom\"}");
  g_assert_cmpint(m->kind, ==, ML_MSG_ERROR);
  m = parse_ok("{\"command\":\"sync\"}");
  g_assert_cmpint(m->kind, ==, ML_MSG_SYNC);
  m = parse_ok("{\"command\":\"metrics\",\"name\":\"m\",\"params\":{\"a\":[1,{\"b\":null}]}}");
  g_assert_cmpint(m->kind, ==, ML_MSG_METRICS);
  g_assert_cmpstr(m->text, ==, "m");
  m = parse_ok("{\"pid\":4242}");
  g_assert_cmpint(m->kind, ==, ML_MSG_PID);
  g_assert_cmpint(m->pid, ==, 4242);
  m = parse_ok("{\"command\":\"sync\",\"extra\":{\"ignored\":[1,\"x\\n\"]}}");
  g_assert_cmpint(m->kind, ==, ML_MSG_SYNC);
}

static void test_malformed_messages_are_refused_with_a_reason(void)
{
  static const struct {
    const char *text, *why;
  } cases[] = {
      {"this is not json", "malformed message"},
      {"", "no JSON object"},
      {"[1,2]", "must be a JSON object"},
      {"\"a string\"", "must be a JSON object"},
      {"{\"command\":\"sync\"}{\"command\":\"sync\"}", "more than one JSON value"},
      {"{\"command\":\"sync\"", "unfinished"},
      {"{\"command\":\"jump\"}", "unknown command \"jump\""},
      {"{\"id\":\"1\"}", "without a \"command\""},
      {"{\"command\":\"emit\"}", "an emit without a \"tuple\""},
      {"{\"command\":\"emit\",\"tuple\":{\"a\":1}}", "\"tuple\" must be a list"},
      {"{\"command\":\"ack\"}", "\"ack\" without an \"id\""},
      {"{\"command\":\"metrics\",\"params\":1}", "without a \"name\""},
      {"{\"command\":\"emit\",\"tuple\":[\"\xff\xfe\"]}", "not UTF-8"},
      {"{\"command\":\"emit\",\"tuple\":[\"a\tb\"]}", "malformed message"},
      {"{\"command\":\"emit\",\"tuple\":[01]}", "malformed message"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *error = parse_error(cases[i].text);
    g_test_message("%s -> %s", cases[i].text, error);
    assert_contains(error, cases[i].why);
  }
}

static void test_direct_reader_agrees_with_the_general_parser(void)
{
  static const char *const taken[] = {
      /* what the project's Python helper and storm.py write */
      "{\"command\":\"emit\",\"tuple\":[\"cow\"],\"anchors\":[\"42\"],\"need_task_ids\":false}",
      "{\"command\": \"emit\", \"anchors\": [\"7\", \"8\"], \"tuple\": [\"a\", 1]}",
      "{\"command\":\"ack\",\"id\":\"17\"}",
      "{\"command\":\"fail\",\"id\":17}",
      "{\"command\":\"sync\"}",
      " {\n \"command\" : \"sync\" \n} ",
      "{\"command\":\"emit\",\"id\":\"m1\",\"stream\":\"words\",\"task\":7,"
      "\"need_task_ids\":true,\"tuple\":[\"a\",1,-2,1.5,true,false,null,-0,2e-3]}",
      "{\"command\":\"emit\",\"id\":123456789012345678901234567890,"
      "\"tuple\":[9223372036854775807,-9223372036854775808,18446744073709551616,"
      "-9223372036854775809]}",
      "{\"command\":\"emit\",\"task\":99999999999999999999,\"tuple\":[]}",
      "{\"command\":\"emit\",\"stream\":null,\"task\":null,\"id\":null,"
      "\"need_task_ids\":null,\"tuple\":[\"caf\xc3\xa9\",\"\"]}",
      "{\"tuple\":[],\"anchors\":[],\"command\":\"emit\"}",
      /* a real written with 64 characters or more */
      "{\"command\":\"emit\",\"tuple\":[1."
      "000000000000000000000000000000000000000000000000000000000000001]}",
  };
  static const char *const declined[] = {
      "{\"command\":\"emit\",\"tuple\":[\"a\\\"b\"]}", /* an escape */
      "{\"command\":\"emit\",\"tuple\":[[1]]}",        /* a nested value */
      "{\"command\":\"emit\",\"tuple\":[{\"k\":1}]}",
      "{\"command\":\"sync\",\"extra\":1}",                 /* a key it does not know */
      "{\"command\":\"emit\",\"tuple\":[1],\"tuple\":[2]}", /* a repeated key */
      "{\"command\":\"log\",\"msg\":\"hi\"}",               /* another command */
      "{\"pid\":12}",
      "{\"command\":\"emit\",\"anchors\":\"5\",\"tuple\":[]}", /* a bare anchor */
      "{\"command\":\"emit\",\"task\":1.5,\"tuple\":[]}",
      "{\"command\":\"emit\",\"need_task_ids\":0,\"tuple\":[]}",
      "{\"command\":\"ack\",\"id\":{\"a\":1}}",
      "{\"command\":\"emit\",\"tuple\":[\"\xff\"]}", /* not UTF-8 */
      "{\"command\":\"emit\",\"tuple\":[01]}",       /* not JSON */
      "{\"command\":\"emit\",\"tuple\":[1,]}",
      "{\"command\":\"emit\",\"tuple\":[1]",
      "{\"command\":\"sync\"}{\"command\":\"sync\"}",
      "{\"command\":\"emit\"}", /* refused by the protocol */
      "{\"command\":\"ack\"}",
      "{\"command\":\"jump\"}",
      "{}",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(taken); i++) {
    ml_msg fast;
    char *text = copy_of(taken[i]);
    size_t used;
    if (!ml_fast_parse(text, strlen(taken[i]), false, &batch->arena, &fast, &used))
      g_error("the direct reader declined %s", taken[i]);
    char *error = NULL;
    guint before = batch->n_msgs;
    if (!ml_parse_general(parser, copy_of(taken[i]), strlen(taken[i]), batch, &error))
      g_error("the general parser refused %s: %s", taken[i], error);
    g_assert_cmpuint(batch->n_msgs, ==, before + 1);
    g_autofree char *a = ml_describe(&fast), *b = ml_describe(&batch->msgs[before]);
    g_test_message("%s -> %s", taken[i], a);
    g_assert_cmpstr(a, ==, b);
  }
  for (size_t i = 0; i < G_N_ELEMENTS(declined); i++) {
    ml_msg fast;
    char *text = copy_of(declined[i]);
    size_t used;
    g_assert_false(ml_fast_parse(text, strlen(declined[i]), false, &batch->arena, &fast, &used));
    g_assert_cmpstr(text, ==, declined[i]); /* untouched */
  }
}

/* One random message in the shapes children write (mostly the direct
 * reader's; a few with escapes, which it declines). */
static void random_message(GRand *rand, GString *out)
{
  static const char *const words[] = {"cow", "", "caf\xc3\xa9", "a b", "x\\\"y", "moon"};
  static const char *const numbers[] = {
      "0", "-7", "123456789012", "18446744073709551616", "-9223372036854775808", "1.5", "-2e-3"};
  const char *colon = g_rand_int_range(rand, 0, 4) ? ":" : ": ";
  const char *comma = *colon == ':' && colon[1] ? ", " : ",";
  int what = g_rand_int_range(rand, 0, 20);
  if (what == 0) {
    g_string_append_printf(out, "{\"command\"%s\"sync\"}", colon);
    return;
  }
  if (what <= 3) {
    g_string_append_printf(out, "{\"command\"%s\"%s\"%s\"id\"%s", colon, what == 1 ? "fail" : "ack",
                           comma, colon);
    if (g_rand_boolean(rand))
      g_string_append_printf(out, "\"%u\"}", g_rand_int_range(rand, 0, 100000));
    else
      g_string_append_printf(out, "%u}", g_rand_int_range(rand, 0, 100000));
    return;
  }
  GString *tuple = g_string_new("[");
  int n = g_rand_int_range(rand, 0, 4);
  for (int i = 0; i < n; i++) {
    if (i) g_string_append(tuple, comma);
    int v = g_rand_int_range(rand, 0, 10);
    if (v < 5)
      g_string_append_printf(tuple, "\"%s\"", words[g_rand_int_range(rand, 0, 6)]);
    else if (v < 8)
      g_string_append(tuple, numbers[g_rand_int_range(rand, 0, 7)]);
    else
      g_string_append(tuple, v == 8 ? "true" : "null");
  }
  g_string_append(tuple, "]");
  g_string_append_printf(out, "{\"command\"%s\"emit\"", colon);
  int order = g_rand_int_range(rand, 0, 3);
  if (order == 0) g_string_append_printf(out, "%s\"tuple\"%s%s", comma, colon, tuple->str);
  int anchors = g_rand_int_range(rand, 0, 3);
  if (anchors) {
    g_string_append_printf(out, "%s\"anchors\"%s[", comma, colon);
    for (int a = 0; a < anchors; a++)
      g_string_append_printf(out, a % 2 ? "%s%u" : "%s\"%u\"", a ? comma : "",
                             g_rand_int_range(rand, 0, 1000000));
    g_string_append(out, "]");
  }
  if (order == 1) g_string_append_printf(out, "%s\"tuple\"%s%s", comma, colon, tuple->str);
  if (g_rand_int_range(rand, 0, 5) == 0)
    g_string_append_printf(out, "%s\"stream\"%s\"s%d\"", comma, colon,
                           g_rand_int_range(rand, 0, 3));
  if (g_rand_int_range(rand, 0, 8) == 0)
    g_string_append_printf(out, "%s\"task\"%s%d", comma, colon, g_rand_int_range(rand, 1, 9));
  if (g_rand_int_range(rand, 0, 8) == 0)
    g_string_append_printf(out, "%s\"id\"%s\"m%d\"", comma, colon, g_rand_int_range(rand, 0, 99));
  int need = g_rand_int_range(rand, 0, 3);
  if (need)
    g_string_append_printf(out, "%s\"need_task_ids\"%s%s", comma, colon,
                           need == 1 ? "false" : "true");
  if (order == 2) g_string_append_printf(out, "%s\"tuple\"%s%s", comma, colon, tuple->str);
  g_string_append(out, "}");
  g_string_free(tuple, TRUE);
}

static void test_shapes_read_a_stream_as_the_general_parser_does(void)
{
  GRand *rand = g_rand_new_with_seed(4242);
  ml_shapes *shapes = ml_shapes_new();
  int by_shape_or_direct = 0, declined = 0;
  for (int round = 0; round < 50; round++) {
    /* a stream of messages; each also kept alone for the general parser */
    GString *stream = g_string_new(NULL);
    GPtrArray *texts = g_ptr_array_new_with_free_func(g_free);
    for (int i = 0; i < 400; i++) {
      GString *m = g_string_new(NULL);
      random_message(rand, m);
      g_string_append_len(stream, m->str, (gssize)m->len);
      g_string_append(stream, "\nend\n");
      g_ptr_array_add(texts, g_string_free(m, FALSE));
    }
    char *text = copy_of(stream->str);
    size_t pos = 0;
    for (guint i = 0; i < texts->len; i++) {
      const char *alone = texts->pdata[i];
      size_t len = strlen(alone), used = 0;
      ml_msg m;
      if (ml_shapes_parse(shapes, text + pos, stream->len - pos, &batch->arena, &m, &used)) {
        g_assert_cmpuint(used, ==, len + 5);
        char *error = NULL;
        guint before = batch->n_msgs;
        if (!ml_parse_general(parser, copy_of(alone), len, batch, &error))
          g_error("the general parser refused %s: %s", alone, error);
        g_autofree char *a = ml_describe(&m), *b = ml_describe(&batch->msgs[before]);
        if (strcmp(a, b)) g_error("%s\n  shapes:  %s\n  general: %s", alone, a, b);
        by_shape_or_direct++;
      } else {
        /* declined: only messages with an escape */
        g_assert_nonnull(strchr(alone, '\\'));
        declined++;
      }
      pos += len + 5;
    }
    g_string_free(stream, TRUE);
    g_ptr_array_free(texts, TRUE);
    fc_arena_reset(&batch->arena);
    batch->n_msgs = 0;
  }
  g_test_message("%d read by shape or directly, %d declined", by_shape_or_direct, declined);
  g_assert_cmpint(by_shape_or_direct, >, 15000);
  g_assert_cmpint(declined, >, 100);
  ml_shapes_free(shapes);
  g_rand_free(rand);
}

static void test_values_are_encoded_as_json(void)
{
  fc_value kv[4] = {fc_str("k"), fc_i64(1), fc_i64(2), fc_str("two")};
  uint8_t raw[3] = {0, 1, 2};
  fc_value values[] = {fc_str("tab\tquote\"\x01"), fc_f64(0.1),      fc_f64(2.0),
                       fc_f64(1.0 / 0.0),          fc_bytes(raw, 3), fc_map(kv, 2),
                       fc_str_len("bad\xff", 4)};
  g_autofree char *json = text_of(values, G_N_ELEMENTS(values));
  g_assert_cmpstr(json, ==,
                  "[\"tab\\tquote\\\"\\u0001\",0.1,2.0,null,\"AAEC\",{\"k\":1,\"2\":\"two\"},"
                  "\"bad\xef\xbf\xbd\"]");
  GString *s = g_string_new(NULL);
  fc_value v = fc_i64(-5);
  ml_encode_tuple(s, 42, "spout", 3, "default", &v, 1);
  ml_encode_heartbeat(s, 43);
  ml_encode_command(s, "ack", "\"m1\"");
  int ids[] = {4, 7};
  ml_encode_task_ids(s, ids, 2);
  g_assert_cmpstr(
      s->str, ==,
      "{\"id\":\"42\",\"comp\":\"spout\",\"stream\":\"default\",\"task\":3,\"tuple\":[-5]}\nend\n"
      "{\"id\":\"43\",\"comp\":null,\"stream\":\"__heartbeat\",\"task\":-1,\"tuple\":[]}\nend\n"
      "{\"command\":\"ack\",\"id\":\"m1\"}\nend\n"
      "[4,7]\nend\n");
  g_string_free(s, TRUE);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  parser = ml_parser_new();
  batch = ml_batch_new();
  g_test_add_func("/multilang/parse/emit_with_every_field", test_emit_with_every_field);
  g_test_add_func("/multilang/parse/defaults_and_spaces", test_defaults_and_spaces);
  g_test_add_func("/multilang/parse/escapes_and_unicode_take_the_general_path",
                  test_escapes_and_unicode_take_the_general_path);
  g_test_add_func("/multilang/parse/integers_of_any_size_and_exact_ids",
                  test_integers_of_any_size_and_exact_ids);
  g_test_add_func("/multilang/parse/every_other_command", test_every_other_command);
  g_test_add_func("/multilang/parse/malformed_messages_are_refused_with_a_reason",
                  test_malformed_messages_are_refused_with_a_reason);
  g_test_add_func("/multilang/parse/direct_reader_agrees_with_the_general_parser",
                  test_direct_reader_agrees_with_the_general_parser);
  g_test_add_func("/multilang/parse/shapes_read_a_stream_as_the_general_parser_does",
                  test_shapes_read_a_stream_as_the_general_parser_does);
  g_test_add_func("/multilang/parse/values_are_encoded_as_json", test_values_are_encoded_as_json);
  int status = g_test_run();
  ml_parser_free(parser);
  ml_batch_free(batch);
  return status;
}
