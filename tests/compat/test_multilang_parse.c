/* test_multilang_parse.c — what a multilang child writes becomes the
 * right ml_msg: every command and field, strings with escapes and UTF-8,
 * numbers of every size and shape, nested values, ids kept exactly (an
 * integer above 2^64 comes back digit for digit), JSON over several lines;
 * and malformed or foreign messages are refused with a sentence that says
 * what is wrong, text after a message's object included.  The common
 * messages are read by the fast reader (ml_reader_fast.c), the rest by the
 * general reader: on every text the fast reader takes, both must give the
 * same message, and what it declines it must leave untouched — checked on
 * listed texts and on a seeded random stream of valid and broken ones
 * (long reals, partial trailing tokens, escapes, unicode, cut and spliced
 * messages).  Also the encoding of values sent to the child, whose size
 * stays linear in a map key's nesting.
 */
#include "compat_test.h"
#include "ml_private.h"

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

/* A real is read whatever its length, by both readers, to the same value. */
static void test_long_reals_are_read_whatever_their_length(void)
{
  const char *text = "{\"command\":\"emit\",\"tuple\":["
                     "0.10000000000000000000000000000000000000000000000000000000000000000001,"
                     "-1234567890123456789012345678901234567890123456789012345678901234567890.5,"
                     "25000000000000000000000000000000000000000000000000000000000000000000e-67]}";
  for (int general = 0; general < 2; general++) {
    char *error = NULL;
    guint before = batch->n_msgs;
    if (general)
      g_assert_true(ml_parse_general(parser, copy_of(text), strlen(text), batch, &error));
    else
      g_assert_true(ml_fast_parse(copy_of(text), strlen(text), false, &batch->arena,
                                  ml_batch_add(batch), &(size_t){0}));
    const ml_msg *m = &batch->msgs[before];
    g_assert_cmpuint(m->n_values, ==, 3);
    for (int i = 0; i < 3; i++)
      g_assert_cmpint(m->values[i].type, ==, FC_F64);
    g_assert_cmpfloat(m->values[0].u.f, ==, 0.1);
    g_assert_cmpfloat(m->values[1].u.f, ==,
                      -1234567890123456789012345678901234567890123456789012345678901234567890.5);
    g_assert_cmpfloat(m->values[2].u.f, ==, 2.5);
  }
  char *why = NULL;
  if (!ml_read_differential(text, strlen(text), &why)) g_error("%s", why);
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
  g_assert_cmpstr(m->id.text, ==, "{\"a\":[1,{\"b\":null}]}"); /* params, as JSON text */
  m = parse_ok("{\"command\":\"metrics\",\"params\":12.5e1,\"name\":\"n\",\"id\":\"x\"}");
  g_assert_cmpstr(m->id.text, ==, "12.5e1");
  g_assert_false(m->id.is_string);
  m = parse_ok("{\"command\":\"metrics\",\"name\":\"n\"}");
  g_assert_null(m->id.text);
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
      {"{\"command\":\"sync\"}{\"command\":\"sync\"}",
       "more text after the message's JSON object, from byte 18"},
      /* a partial token after the object is refused, not kept for the next message */
      {"{\"command\":\"ack\",\"id\":\"1\"} 12",
       "more text after the message's JSON object, from byte 26"},
      {"{\"command\":\"ack\",\"id\":\"1\"}\n-", "malformed message"},
      {"{\"command\":\"ack\",\"id\":\"1\"} tru", "malformed message"},
      {"{\"command\":\"ack\",\"id\":\"1\"} \"a", "malformed message"},
      {"{\"command\":\"ack\",\"id\":\"1\"} [", "more text after the message's JSON object"},
      {"12", "must be a JSON object"},
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

static void test_fast_reader_agrees_with_the_general_reader(void)
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
      g_error("the fast reader declined %s", taken[i]);
    char *why = NULL;
    if (!ml_read_differential(taken[i], strlen(taken[i]), &why)) g_error("%s", why);
  }
  for (size_t i = 0; i < G_N_ELEMENTS(declined); i++) {
    ml_msg fast;
    char *text = copy_of(declined[i]);
    size_t used;
    g_assert_false(ml_fast_parse(text, strlen(declined[i]), false, &batch->arena, &fast, &used));
    g_assert_cmpstr(text, ==, declined[i]); /* untouched */
    char *why = NULL;
    if (!ml_read_differential(declined[i], strlen(declined[i]), &why)) g_error("%s", why);
  }
}

/* ---- a seeded random stream of valid and broken texts ---- */

static int pick(GRand *r, int n)
{
  return g_rand_int_range(r, 0, n);
}

#define ANY(r, array) (array)[pick(r, G_N_ELEMENTS(array))]

static void random_string(GRand *r, GString *out)
{
  static const char *const plain[] = {
      "cow", "", "a b", "moon", "end", "caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
  static const char *const odd[] = {"\\\"",
                                    "\\\\",
                                    "\\n",
                                    "\\/",
                                    "\\u00e9",
                                    "\\ud83d\\ude00",
                                    "\\u0000",
                                    "\\ud800",
                                    "\t",
                                    "\xff",
                                    "\xc3",
                                    "\\x",
                                    "\xed\xa0\x80" /* a surrogate in UTF-8 */,
                                    "\\u12",
                                    "\x7f"};
  g_string_append_c(out, '"');
  for (int i = pick(r, 4); i > 0; i--)
    g_string_append(out, pick(r, 5) ? ANY(r, plain) : ANY(r, odd));
  g_string_append_c(out, '"');
}

static void random_number(GRand *r, GString *out)
{
  static const char *const numbers[] = {"0",
                                        "-0",
                                        "7",
                                        "-7",
                                        "123456789012",
                                        "9223372036854775807",
                                        "-9223372036854775808",
                                        "9223372036854775808",
                                        "-9223372036854775809",
                                        "18446744073709551616",
                                        "1.5",
                                        "-2e-3",
                                        "1E+2",
                                        "0.1",
                                        "1.5e999",
                                        "-1e-999",
                                        "01",
                                        "1.",
                                        "-",
                                        ".5",
                                        "1e",
                                        "--1",
                                        "0x1",
                                        "1e+"};
  int what = pick(r, 8);
  if (what == 0) { /* a real of 64 characters or more */
    g_string_append(out, pick(r, 2) ? "-0." : "3.");
    for (int i = 60 + pick(r, 40); i > 0; i--)
      g_string_append_c(out, (char)('0' + pick(r, 10)));
    if (pick(r, 2)) g_string_append_printf(out, "e%d", pick(r, 40) - 20);
  } else if (what == 1) { /* an integer of 64 digits or more */
    g_string_append_c(out, (char)('1' + pick(r, 9)));
    for (int i = 63 + pick(r, 20); i > 0; i--)
      g_string_append_c(out, (char)('0' + pick(r, 10)));
  } else {
    g_string_append(out, ANY(r, numbers));
  }
}

static void random_value(GRand *r, GString *out, int depth)
{
  static const char *const words[] = {"true", "false", "null", "tru", "nul"};
  int what = pick(r, depth > 2 ? 10 : 12);
  if (what < 4) {
    random_string(r, out);
  } else if (what < 7) {
    random_number(r, out);
  } else if (what < 10) {
    g_string_append(out, words[pick(r, 20) ? pick(r, 3) : 3 + pick(r, 2)]);
  } else { /* a list or a map */
    bool map = what == 11;
    g_string_append_c(out, map ? '{' : '[');
    for (int i = pick(r, 3); i > 0; i--) {
      if (map) {
        random_string(r, out);
        g_string_append_c(out, ':');
      }
      random_value(r, out, depth + 1);
      if (i > 1) g_string_append_c(out, ',');
    }
    g_string_append_c(out, map ? '}' : ']');
  }
}

static void random_id(GRand *r, GString *out)
{
  int what = pick(r, 10);
  if (what < 5)
    g_string_append_printf(out, "\"%u\"", g_rand_int(r));
  else if (what < 8)
    random_number(r, out);
  else if (what == 8)
    g_string_append(out, "null");
  else
    random_value(r, out, 1);
}

/* The members of one message, "\"key\"<colon>value" each. */
static void random_members(GRand *r, GPtrArray *members, const char *colon)
{
  static const char *const commands[] = {"emit", "ack",   "fail",    "sync", "emit", "emit",
                                         "log",  "error", "metrics", "jump", "emit", "ack"};
  const char *command = ANY(r, commands);
  GString *m = g_string_new(NULL);
#define MEMBER(key) (g_string_assign(m, "\"" key "\""), g_string_append(m, colon))
#define ADD() g_ptr_array_add(members, g_strdup(m->str))
  if (pick(r, 30)) {
    MEMBER("command");
    g_string_append_printf(m, "\"%s\"", command);
    ADD();
  } else {
    MEMBER("pid");
    random_number(r, m);
    ADD();
  }
  if (!strcmp(command, "emit")) {
    if (pick(r, 20)) {
      MEMBER("tuple");
      g_string_append_c(m, '[');
      for (int i = pick(r, 5); i > 0; i--) {
        if (pick(r, 6))
          pick(r, 2) ? random_string(r, m) : random_number(r, m);
        else
          random_value(r, m, 1);
        if (i > 1) g_string_append(m, pick(r, 4) ? "," : " , ");
      }
      g_string_append_c(m, ']');
      ADD();
    }
    if (pick(r, 2)) {
      MEMBER("anchors");
      if (pick(r, 10)) {
        g_string_append_c(m, '[');
        for (int i = pick(r, 3); i > 0; i--) {
          random_id(r, m);
          if (i > 1) g_string_append_c(m, ',');
        }
        g_string_append_c(m, ']');
      } else {
        random_id(r, m); /* a bare anchor */
      }
      ADD();
    }
    if (!pick(r, 5)) {
      MEMBER("stream");
      pick(r, 6) ? random_string(r, m) : (void)g_string_append(m, "null");
      ADD();
    }
    if (!pick(r, 6)) {
      MEMBER("task");
      pick(r, 6) ? random_number(r, m) : (void)g_string_append(m, "null");
      ADD();
    }
    if (!pick(r, 3)) {
      static const char *const need[] = {"false", "true", "null", "0"};
      MEMBER("need_task_ids");
      g_string_append(m, need[pick(r, 10) ? pick(r, 2) : pick(r, 4)]);
      ADD();
    }
  }
  if (!strcmp(command, "ack") || !strcmp(command, "fail") ||
      (!strcmp(command, "emit") && !pick(r, 6))) {
    if (pick(r, 15)) {
      MEMBER("id");
      random_id(r, m);
      ADD();
    }
  }
  if (!strcmp(command, "log") || !strcmp(command, "error")) {
    MEMBER("msg");
    random_value(r, m, 1);
    ADD();
    if (pick(r, 2)) {
      MEMBER("level");
      random_number(r, m);
      ADD();
    }
  }
  if (!strcmp(command, "metrics")) {
    MEMBER("name");
    random_string(r, m);
    ADD();
    MEMBER("params");
    random_value(r, m, 0);
    ADD();
  }
  if (!pick(r, 15)) { /* a key the protocol does not have */
    MEMBER("extra");
    random_value(r, m, 0);
    ADD();
  }
  if (members->len && !pick(r, 20)) /* a repeated key */
    g_ptr_array_add(members, g_strdup(members->pdata[pick(r, (int)members->len)]));
#undef MEMBER
#undef ADD
  g_string_free(m, TRUE);
}

/* One message text: the members in a random order and spacing, then, for
 * some, a break: a partial token or another value after the object, a
 * cut, a byte changed, inserted or removed, an end line inside. */
static void random_text(GRand *r, GString *out)
{
  static const char *const colons[] = {":", ": ", " : "};
  static const char *const commas[] = {",", ", ", ",\n "};
  static const char *const after[] = {" 12", " tru", " {",    " [",    "x",  " \"a",
                                      " {}", "1",    " null", " \"\"", " -", " 1.5e"};
  static const char bytes[] = {',', ']', '}', '"', '\\', '0', '\n', ':', '[', '{', 'e', '\xff'};
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func(g_free);
  random_members(r, members, ANY(r, colons));
  for (guint i = members->len; i > 1; i--) { /* shuffled */
    guint j = (guint)pick(r, (int)i);
    gpointer t = members->pdata[i - 1];
    members->pdata[i - 1] = members->pdata[j];
    members->pdata[j] = t;
  }
  const char *comma = ANY(r, commas);
  g_string_truncate(out, 0);
  if (!pick(r, 8)) g_string_append(out, " \n");
  g_string_append_c(out, '{');
  for (guint i = 0; i < members->len; i++) {
    if (i) g_string_append(out, comma);
    g_string_append(out, members->pdata[i]);
  }
  g_string_append_c(out, '}');
  if (pick(r, 3)) return;
  size_t at = out->len ? (size_t)pick(r, (int)out->len) : 0;
  switch (pick(r, 7)) {
  case 0:
  case 1:
    g_string_append(out, ANY(r, after));
    break;
  case 2:
    g_string_append(out, pick(r, 2) ? " \n\t" : "\r");
    break;
  case 3:
    g_string_truncate(out, at);
    break;
  case 4:
    if (out->len) out->str[at] = ANY(r, bytes);
    break;
  case 5:
    g_string_insert_c(out, (gssize)at, ANY(r, bytes));
    break;
  default:
    g_string_insert(out, (gssize)at, pick(r, 2) ? "\nend\n" : "\n");
    break;
  }
}

/* A real written with 60 digits or more after its point. */
static bool has_long_real(const char *text)
{
  for (const char *dot = strchr(text, '.'); dot; dot = strchr(dot + 1, '.'))
    if (strspn(dot + 1, "0123456789") >= 60) return true;
  return false;
}

static void test_fast_reader_agrees_on_random_valid_and_broken_texts(void)
{
  GRand *r = g_rand_new_with_seed(20240611);
  GString *text = g_string_new(NULL);
  int fast_took = 0, general_only = 0, refused = 0, long_reals = 0;
  for (int i = 0; i < 30000; i++) {
    random_text(r, text);
    char *why = NULL;
    if (!ml_read_differential(text->str, text->len, &why)) g_error("text %d: %s", i, why);
    /* tally, so that the test shows what it covered */
    ml_msg m;
    size_t used;
    char *copy = copy_of(text->str);
    char *error = NULL;
    ml_parser *p = ml_parser_new();
    if (ml_fast_parse(copy, text->len, false, &batch->arena, &m, &used)) {
      fast_took++;
      if (has_long_real(text->str)) long_reals++;
    } else if (ml_parse_general(p, copy_of(text->str), text->len, batch, &error)) {
      general_only++;
    } else {
      refused++;
      g_free(error);
    }
    ml_parser_free(p);
    fc_arena_reset(&batch->arena);
    batch->n_msgs = 0;
  }
  g_test_message("%d taken by the fast reader (%d with a real of 60+ digits), %d by the general "
                 "reader only, %d refused by both",
                 fast_took, long_reals, general_only, refused);
  g_assert_cmpint(fast_took, >, 3000);
  g_assert_cmpint(long_reals, >, 100);
  g_assert_cmpint(general_only, >, 3000);
  g_assert_cmpint(refused, >, 3000);
  g_string_free(text, TRUE);
  g_rand_free(r);
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

/* Keys that are not strings are written as Storm writes them (Java's
 * toString), escaped once: the size grows by the same bytes per level of
 * nesting, never doubling (each level was escaped again: 33 MB at 24). */
static void test_map_keys_are_written_once_whatever_their_depth(void)
{
  fc_value inner[2] = {fc_str("x\"y"), fc_i64(1)};
  fc_value list[2] = {fc_str("a"), fc_f64(1.5)};
  fc_value kv[6] = {fc_map(inner, 1), fc_str("v"),   fc_list(list, 2),
                    fc_null(),        fc_bool(true), fc_i64(2)};
  fc_value map = fc_map(kv, 3);
  GString *s = g_string_new(NULL);
  ml_encode_value(s, &map);
  g_assert_cmpstr(s->str, ==, "{\"{x\\\"y=1}\":\"v\",\"[a, 1.5]\":null,\"true\":2}");
  size_t size[4];
  for (int k = 0; k < 4; k++) {
    int depth = 8 * k; /* key_d+1 = {key_d: 1} with key_0 "a\"b\\c" */
    fc_value *pairs = g_new(fc_value, 2 * (depth + 1));
    fc_value key = fc_str("a\"b\\c");
    for (int d = 0; d < depth; d++) {
      pairs[2 * d] = key;
      pairs[2 * d + 1] = fc_i64(1);
      key = fc_map(&pairs[2 * d], 1);
    }
    pairs[2 * depth] = key;
    pairs[2 * depth + 1] = fc_str("v");
    fc_value top = fc_map(&pairs[2 * depth], 1);
    g_string_truncate(s, 0);
    ml_encode_value(s, &top);
    size[k] = s->len;
    g_test_message("depth %d: %zu bytes", depth, s->len);
    g_free(pairs);
  }
  g_assert_cmpuint(size[1] - size[0], ==, 8 * 4); /* "{" "=1}" a level */
  g_assert_cmpuint(size[2] - size[1], ==, size[1] - size[0]);
  g_assert_cmpuint(size[3] - size[2], ==, size[1] - size[0]);
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
  g_test_add_func("/multilang/parse/long_reals_are_read_whatever_their_length",
                  test_long_reals_are_read_whatever_their_length);
  g_test_add_func("/multilang/parse/every_other_command", test_every_other_command);
  g_test_add_func("/multilang/parse/malformed_messages_are_refused_with_a_reason",
                  test_malformed_messages_are_refused_with_a_reason);
  g_test_add_func("/multilang/parse/fast_reader_agrees_with_the_general_reader",
                  test_fast_reader_agrees_with_the_general_reader);
  g_test_add_func("/multilang/parse/fast_reader_agrees_on_random_valid_and_broken_texts",
                  test_fast_reader_agrees_on_random_valid_and_broken_texts);
  g_test_add_func("/multilang/parse/values_are_encoded_as_json", test_values_are_encoded_as_json);
  g_test_add_func("/multilang/parse/map_keys_are_written_once_whatever_their_depth",
                  test_map_keys_are_written_once_whatever_their_depth);
  int status = g_test_run();
  ml_parser_free(parser);
  ml_batch_free(batch);
  return status;
}
