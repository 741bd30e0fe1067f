/* ml_reader.c — the multilang protocol's definition, child -> parent: one
 * message's JSON text -> ml_msg.
 *
 * This general reader decides what every message means and words every
 * error; the fast reader (ml_reader_fast.c) takes the common messages
 * first and must read them exactly as this one does.  YAJL's event parser
 * walks the text once; no tree is built.  The text before the "end" line
 * must be one JSON object and nothing else (white space aside): a second
 * value or a partial token after it is an error, never carried into the
 * next message.  Its top-level keys are read as the protocol defines them
 * (command, id, stream, task, anchors, tuple, need_task_ids, msg, level,
 * name, pid, params), other keys are skipped.  The tuple's values become
 * fc_values in the batch's arena.  Ids (a spout's message id, the
 * anchors, the id of an ack or fail) are kept as JSON text: numbers with
 * every digit they were written with, so that any JSON integer
 * round-trips whatever its size (jansson and Java's Long stop at 2^63);
 * so is a metrics message's "params" (in msg.id: the message has no id).
 * In a tuple, an integer that does not fit int64 becomes a string of its
 * exact digits, and a real is read whatever its length
 * (ml_number_value(), the one number classifier of both readers).
 *
 * A parser belongs to one reader thread; it keeps YAJL handles and
 * scratch buffers across messages.
 */
#include "ml_private.h"

#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

enum { MAX_DEPTH = 64 };

typedef enum {
  KEY_SKIP,
  KEY_COMMAND,
  KEY_ID,
  KEY_STREAM,
  KEY_TASK,
  KEY_ANCHORS,
  KEY_NEED_TASK_IDS,
  KEY_TUPLE,
  KEY_MSG,
  KEY_LEVEL,
  KEY_NAME,
  KEY_PID,
  KEY_PARAMS,
} top_key;

struct ml_parser {
  yajl_handle yajl;
  ml_batch *batch;
  ml_msg msg;
  const char *command;
  bool has_pid, has_tuple, has_id;
  ml_raw params;     /* metrics: "params" as JSON text (it goes to msg.id at the end) */
  int depth;         /* open containers; 1 = inside the message object */
  top_key key;       /* the top-level key whose value is being read */
  int messages;      /* top-level values in this text */
  size_t object_end; /* where the message's object ended (bytes into the text) */
  /* the tuple: one frame of values per open container */
  GArray *frames[MAX_DEPTH]; /* fc_value; maps hold key, value, key, value */
  bool frame_is_map[MAX_DEPTH];
  int n_frames;
  /* ids kept as JSON text: events are replayed into a generator */
  yajl_gen gen;
  GString *raw;
  int raw_depth;   /* depth at which the captured value started; -1: none */
  GArray *anchors; /* ml_raw */
  char *error;     /* set by a callback that stops the parse */
};

/* ---- batches ---- */

ml_batch *ml_batch_new(void)
{
  ml_batch *b = g_new0(ml_batch, 1);
  b->text = g_string_new(NULL);
  fc_arena_init(&b->arena, 0);
  return b;
}

void ml_batch_free(ml_batch *b)
{
  if (!b) return;
  g_free(b->msgs);
  g_string_free(b->text, TRUE);
  fc_arena_clear(&b->arena);
  g_free(b->error);
  g_free(b);
}

ml_msg *ml_batch_add(ml_batch *b)
{
  if (b->n_msgs == b->msgs_cap) {
    b->msgs_cap = MAX(64, 2 * b->msgs_cap);
    b->msgs = g_renew(ml_msg, b->msgs, b->msgs_cap);
  }
  return &b->msgs[b->n_msgs++];
}

/* ---- helpers ---- */

static int fail(ml_parser *p, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static int fail(ml_parser *p, const char *fmt, ...)
{
  if (!p->error) {
    va_list ap;
    va_start(ap, fmt);
    p->error = g_strdup_vprintf(fmt, ap);
    va_end(ap);
  }
  return 0; /* stops yajl */
}

/* A value or a partial token after the message's object (it would
 * otherwise be read as the start of the next message). */
static int text_after(ml_parser *p)
{
  return fail(p, "more text after the message's JSON object, from byte %zu on", p->object_end);
}

static const char *keep(ml_parser *p, const char *s, size_t len)
{
  return fc_arena_strndup(&p->batch->arena, s, len);
}

/* YAJL's own check of every string is off (it costs a third of the
 * parse): the strings that are kept are checked here, ASCII first. */
static bool valid_utf8(ml_parser *p, const unsigned char *s, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (s[i] >= 0x80) {
      if (g_utf8_validate_len((const char *)s + i, len - i, NULL)) return true;
      fail(p, "a string that is not UTF-8");
      return false;
    }
  return true;
}

ml_number_kind ml_number_value(const char *s, size_t len, int64_t *i, double *f)
{
  bool negative = len && s[0] == '-';
  uint64_t magnitude = 0;
  bool overflow = false;
  size_t k = negative;
  for (; k < len && g_ascii_isdigit(s[k]); k++) {
    unsigned d = (unsigned)(s[k] - '0');
    if (magnitude > (G_MAXUINT64 - d) / 10) overflow = true;
    magnitude = magnitude * 10 + d;
  }
  if (k < len) { /* a fraction or an exponent: a real, of any length */
    char small[64];
    char *text = len < sizeof small ? small : g_malloc(len + 1);
    memcpy(text, s, len);
    text[len] = '\0';
    *f = g_ascii_strtod(text, NULL);
    if (text != small) g_free(text);
    return ML_NUM_REAL;
  }
  if (overflow || magnitude > (uint64_t)G_MAXINT64 + negative) return ML_NUM_BIG;
  *i = negative ? (int64_t)(0 - magnitude) : (int64_t)magnitude;
  return ML_NUM_INT;
}

static int64_t integer_or(const char *s, size_t len, int64_t fallback)
{
  int64_t i;
  double f;
  return ml_number_value(s, len, &i, &f) == ML_NUM_INT ? i : fallback;
}

/* ---- raw JSON capture (ids) ---- */

static void gen_print(void *ctx, const char *s, size_t len)
{
  g_string_append_len(ctx, s, len);
}

static void raw_begin(ml_parser *p)
{
  p->raw_depth = p->depth;
  g_string_truncate(p->raw, 0);
  yajl_gen_reset(p->gen, NULL);
}

/* The captured value is complete when depth is back where it started. */
static void raw_store(ml_parser *p, ml_raw r)
{
  if (p->key == KEY_ANCHORS)
    g_array_append_val(p->anchors, r);
  else if (p->key == KEY_PARAMS)
    p->params = r;
  else
    p->msg.id = r;
}

static void raw_maybe_end(ml_parser *p)
{
  if (p->raw_depth < 0 || p->depth != p->raw_depth) return;
  raw_store(p, (ml_raw){keep(p, p->raw->str, p->raw->len), (uint32_t)p->raw->len, false});
  p->raw_depth = -1;
}

void ml_raw_append_json(GString *out, const ml_raw *raw)
{
  if (!raw->text)
    g_string_append(out, "null");
  else if (raw->is_string)
    ml_encode_string(out, raw->text, raw->len);
  else
    g_string_append_len(out, raw->text, raw->len);
}

static bool capturing(const ml_parser *p)
{
  return p->raw_depth >= 0;
}

/* ---- tuple values ---- */

static void tuple_add(ml_parser *p, fc_value v)
{
  g_array_append_val(p->frames[p->n_frames - 1], v);
}

static int tuple_open(ml_parser *p, bool map)
{
  if (p->n_frames == MAX_DEPTH)
    return fail(p, "a tuple value is nested more than %d deep", MAX_DEPTH);
  if (!p->frames[p->n_frames]) p->frames[p->n_frames] = g_array_new(FALSE, FALSE, sizeof(fc_value));
  g_array_set_size(p->frames[p->n_frames], 0);
  p->frame_is_map[p->n_frames] = map;
  p->n_frames++;
  return 1;
}

static void tuple_close(ml_parser *p)
{
  GArray *f = p->frames[--p->n_frames];
  fc_value *items = fc_arena_alloc(&p->batch->arena, (f->len ? f->len : 1) * sizeof *items);
  if (f->len) memcpy(items, f->data, f->len * sizeof *items);
  if (p->n_frames == 0) { /* the tuple itself */
    p->msg.values = items;
    p->msg.n_values = f->len;
    return;
  }
  tuple_add(p, p->frame_is_map[p->n_frames] ? fc_map(items, f->len / 2) : fc_list(items, f->len));
}

/* ---- scalars ---- */

/* A scalar value directly under a top-level key. */
static int top_scalar(ml_parser *p, const fc_value *v, const char *num, size_t num_len)
{
  switch (p->key) {
  case KEY_COMMAND:
    if (v->type != FC_STR) return fail(p, "\"command\" must be a string");
    p->command = v->u.str;
    return 1;
  case KEY_STREAM:
    if (v->type != FC_STR && v->type != FC_NULL) return fail(p, "\"stream\" must be a string");
    p->msg.stream = v->type == FC_STR ? v->u.str : NULL;
    return 1;
  case KEY_TASK:
    if (v->type == FC_NULL) return 1;
    if (!num) return fail(p, "\"task\" must be an integer");
    p->msg.direct = true;
    p->msg.task = integer_or(num, num_len, -1);
    return 1;
  case KEY_NEED_TASK_IDS:
    p->msg.need_task_ids = !(v->type == FC_BOOL && !v->u.b);
    return 1;
  case KEY_MSG:
  case KEY_NAME:
    if (v->type == FC_STR)
      p->msg.text = v->u.str;
    else if (v->type != FC_NULL) {
      GString *s = g_string_new(NULL);
      ml_encode_value(s, v);
      p->msg.text = keep(p, s->str, s->len);
      g_string_free(s, TRUE);
    }
    return 1;
  case KEY_LEVEL:
    p->msg.level = num ? (uint8_t)CLAMP(integer_or(num, num_len, 2), 0, 4) : 2;
    return 1;
  case KEY_PID:
    p->has_pid = true;
    p->msg.pid = num ? integer_or(num, num_len, 0) : 0;
    return 1;
  case KEY_TUPLE:
    return v->type == FC_NULL ? 1 : fail(p, "\"tuple\" must be a list");
  case KEY_ID:
  case KEY_ANCHORS:
  case KEY_PARAMS:
  case KEY_SKIP:
    return 1; /* ids and params are captured by the caller */
  }
  return 1;
}

/* Every scalar: num is the number's text (NULL for other kinds); json is
 * how to replay it into the capture generator. */
static int on_scalar(ml_parser *p, fc_value v, const char *num, size_t num_len)
{
  if (p->depth == 0)
    return p->messages ? text_after(p) : fail(p, "a message must be a JSON object");
  if (p->depth == 1) return top_scalar(p, &v, num, num_len);
  if (p->key == KEY_TUPLE && p->n_frames > 0) tuple_add(p, v);
  return 1;
}

/* Starts capturing if this scalar is an id (a bare id, or one anchor). */
static bool scalar_is_id(ml_parser *p)
{
  if (capturing(p)) return false; /* inside a captured container: the generator has it */
  return (p->depth == 1 && (p->key == KEY_ID || p->key == KEY_ANCHORS || p->key == KEY_PARAMS)) ||
         (p->depth == 2 && p->key == KEY_ANCHORS);
}

static int on_null(void *ctx)
{
  ml_parser *p = ctx;
  if (capturing(p))
    yajl_gen_null(p->gen);
  else if (p->depth == 1 && p->key == KEY_ID)
    p->msg.id = (ml_raw){NULL, 0, false}; /* "id": null: no id */
  else if (p->depth == 1 && p->key == KEY_PARAMS)
    p->params = (ml_raw){NULL, 0, false};
  return on_scalar(p, fc_null(), NULL, 0);
}

static int on_boolean(void *ctx, int b)
{
  ml_parser *p = ctx;
  bool id = scalar_is_id(p);
  if (id) raw_begin(p);
  if (capturing(p)) yajl_gen_bool(p->gen, b);
  if (id) raw_maybe_end(p);
  return on_scalar(p, fc_bool(b), NULL, 0);
}

static int on_number(void *ctx, const char *s, size_t len)
{
  ml_parser *p = ctx;
  if (scalar_is_id(p)) {
    raw_store(p, (ml_raw){keep(p, s, len), (uint32_t)len, false});
    return 1;
  }
  if (capturing(p)) yajl_gen_number(p->gen, s, len);
  int64_t i = 0;
  double f = 0;
  fc_value v;
  switch (ml_number_value(s, len, &i, &f)) {
  case ML_NUM_INT:
    v = fc_i64(i);
    break;
  case ML_NUM_REAL:
    v = fc_f64(f);
    break;
  default: {
    const char *digits = keep(p, s, len);
    v = fc_str_len(digits, (uint32_t)len);
    break;
  }
  }
  return on_scalar(p, v, s, len);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
  ml_parser *p = ctx;
  if (!valid_utf8(p, s, len)) return 0;
  if (scalar_is_id(p)) { /* kept as is: no need to re-serialize a string */
    raw_store(p, (ml_raw){keep(p, (const char *)s, len), (uint32_t)len, true});
    return 1;
  }
  if (capturing(p)) yajl_gen_string(p->gen, s, len);
  bool needed = p->depth == 0 ||
                (p->depth == 1 && p->key != KEY_SKIP && p->key != KEY_ID && p->key != KEY_ANCHORS &&
                 p->key != KEY_PARAMS) ||
                (p->key == KEY_TUPLE && p->n_frames > 0);
  if (!needed) return 1;
  const char *copy = keep(p, (const char *)s, len);
  return on_scalar(p, fc_str_len(copy, (uint32_t)len), NULL, 0);
}

/* ---- containers ---- */

static int open_container(ml_parser *p, bool map)
{
  if (p->depth == 0) {
    if (p->messages) return text_after(p);
    if (!map) return fail(p, "a message must be a JSON object, not a list");
    p->messages++;
    p->depth = 1;
    return 1;
  }
  bool id = !capturing(p) && ((p->depth == 1 && (p->key == KEY_ID || p->key == KEY_PARAMS)) ||
                              (p->depth == 2 && p->key == KEY_ANCHORS));
  if (id) raw_begin(p);
  if (capturing(p)) {
    if (map ? yajl_gen_map_open(p->gen) : yajl_gen_array_open(p->gen))
      return fail(p, "an id is nested too deep");
  }
  if (p->key == KEY_TUPLE) {
    if (p->depth == 1 && map) return fail(p, "\"tuple\" must be a list");
    if (!tuple_open(p, map)) return 0;
    if (p->depth == 1) p->has_tuple = true;
  }
  if (p->depth == 1 && p->key == KEY_ANCHORS && map)
    return fail(p, "\"anchors\" must be a list of ids");
  p->depth++;
  return 1;
}

static int close_container(ml_parser *p, bool map)
{
  p->depth--;
  if (p->depth == 0) { /* the message object */
    p->object_end = yajl_get_bytes_consumed(p->yajl);
    return 1;
  }
  if (capturing(p)) {
    if (map)
      yajl_gen_map_close(p->gen);
    else
      yajl_gen_array_close(p->gen);
    raw_maybe_end(p);
  }
  if (p->key == KEY_TUPLE && p->n_frames > 0) tuple_close(p);
  return 1;
}

static int on_start_map(void *ctx)
{
  return open_container(ctx, true);
}

static int on_end_map(void *ctx)
{
  return close_container(ctx, true);
}

static int on_start_array(void *ctx)
{
  return open_container(ctx, false);
}

static int on_end_array(void *ctx)
{
  return close_container(ctx, false);
}

static top_key key_of(const unsigned char *s, size_t len)
{
#define IS(word) (len == sizeof word - 1 && !memcmp(s, word, sizeof word - 1))
  switch (s[0]) { /* this runs for every key of every message */
  case 'c':
    return IS("command") ? KEY_COMMAND : KEY_SKIP;
  case 'i':
    return IS("id") ? KEY_ID : KEY_SKIP;
  case 's':
    return IS("stream") ? KEY_STREAM : KEY_SKIP;
  case 't':
    return IS("tuple") ? KEY_TUPLE : IS("task") ? KEY_TASK : KEY_SKIP;
  case 'a':
    return IS("anchors") ? KEY_ANCHORS : KEY_SKIP;
  case 'n':
    return IS("need_task_ids") ? KEY_NEED_TASK_IDS : IS("name") ? KEY_NAME : KEY_SKIP;
  case 'm':
    return IS("msg") ? KEY_MSG : KEY_SKIP;
  case 'l':
    return IS("level") ? KEY_LEVEL : KEY_SKIP;
  case 'p':
    return IS("pid") ? KEY_PID : IS("params") ? KEY_PARAMS : KEY_SKIP;
  default:
    return KEY_SKIP;
  }
#undef IS
}

static int on_map_key(void *ctx, const unsigned char *s, size_t len)
{
  ml_parser *p = ctx;
  if (p->depth > 1 && !valid_utf8(p, s, len)) return 0;
  if (p->depth == 1) {
    p->key = len ? key_of(s, len) : KEY_SKIP;
    if (p->key == KEY_ID) p->has_id = true;
    return 1;
  }
  if (capturing(p)) yajl_gen_string(p->gen, s, len);
  if (p->key == KEY_TUPLE && p->n_frames > 0)
    tuple_add(p, fc_str_len(keep(p, (const char *)s, len), (uint32_t)len));
  return 1;
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_boolean,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_map_key,
    .yajl_end_map = on_end_map,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end_array,
};

/* ---- the parser ---- */

ml_parser *ml_parser_new(void)
{
  ml_parser *p = g_new0(ml_parser, 1);
  p->yajl = yajl_alloc(&callbacks, NULL, p);
  yajl_config(p->yajl, yajl_allow_multiple_values, 1); /* one handle for every message */
  yajl_config(p->yajl, yajl_dont_validate_strings, 1); /* see valid_utf8() */
  p->raw = g_string_new(NULL);
  p->gen = yajl_gen_alloc(NULL);
  yajl_gen_config(p->gen, yajl_gen_print_callback, gen_print, p->raw);
  p->anchors = g_array_new(FALSE, FALSE, sizeof(ml_raw));
  p->raw_depth = -1;
  return p;
}

void ml_parser_free(ml_parser *p)
{
  if (!p) return;
  yajl_free(p->yajl);
  yajl_gen_free(p->gen);
  g_string_free(p->raw, TRUE);
  g_array_free(p->anchors, TRUE);
  for (int i = 0; i < MAX_DEPTH; i++)
    if (p->frames[i]) g_array_free(p->frames[i], TRUE);
  g_free(p->error);
  g_free(p);
}

static void reset(ml_parser *p, ml_batch *batch)
{
  p->batch = batch;
  p->msg = (ml_msg){.need_task_ids = true, .level = 2, .task = -1};
  p->command = NULL;
  p->has_pid = p->has_tuple = p->has_id = false;
  p->params = (ml_raw){NULL, 0, false};
  p->depth = p->messages = p->n_frames = 0;
  p->key = KEY_SKIP;
  p->raw_depth = -1;
  g_array_set_size(p->anchors, 0);
}

/* The kind of a command; -1 if the protocol has no such command. */
static int command_kind(const char *c)
{
  switch (c[0]) {
  case 'e':
    return !strcmp(c, "emit") ? ML_MSG_EMIT : !strcmp(c, "error") ? ML_MSG_ERROR : -1;
  case 'a':
    return !strcmp(c, "ack") ? ML_MSG_ACK : -1;
  case 'f':
    return !strcmp(c, "fail") ? ML_MSG_FAIL : -1;
  case 'l':
    return !strcmp(c, "log") ? ML_MSG_LOG : -1;
  case 's':
    return !strcmp(c, "sync") ? ML_MSG_SYNC : -1;
  case 'm':
    return !strcmp(c, "metrics") ? ML_MSG_METRICS : -1;
  default:
    return -1;
  }
}

/* Sets msg.kind from the command; FALSE (p->error) if the message is not one. */
static gboolean classify(ml_parser *p)
{
  if (!p->command) {
    if (p->has_pid) {
      p->msg.kind = ML_MSG_PID;
      return TRUE;
    }
    fail(p, "a message without a \"command\"");
    return FALSE;
  }
  int kind = command_kind(p->command);
  if (kind < 0) {
    fail(p, "unknown command \"%s\"", p->command);
    return FALSE;
  }
  p->msg.kind = (ml_msg_kind)kind;
  if (p->msg.kind == ML_MSG_EMIT && !p->has_tuple) {
    fail(p, "an emit without a \"tuple\" list");
    return FALSE;
  }
  if ((p->msg.kind == ML_MSG_ACK || p->msg.kind == ML_MSG_FAIL) && !p->msg.id.text) {
    fail(p, "\"%s\" without an \"id\"", p->command);
    return FALSE;
  }
  if (p->msg.kind == ML_MSG_METRICS && (!p->msg.text || !p->msg.text[0])) {
    fail(p, "\"metrics\" without a \"name\"");
    return FALSE;
  }
  if (p->msg.kind == ML_MSG_METRICS) p->msg.id = p->params;
  return TRUE;
}

gboolean ml_parse_message(ml_parser *p, char *text, size_t len, ml_batch *batch, char **error)
{
  size_t used;
  if (ml_fast_parse(text, len, false, &batch->arena, ml_batch_add(batch), &used)) return TRUE;
  batch->n_msgs--;
  return ml_parse_general(p, text, len, batch, error);
}

static bool blank(const char *s, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (!g_ascii_isspace(s[i])) return false;
  return true;
}

gboolean ml_parse_general(ml_parser *p, char *text, size_t len, ml_batch *batch, char **error)
{
  reset(p, batch);
  yajl_status st = yajl_parse(p->yajl, (const unsigned char *)text, len);
  if (st == yajl_status_ok && !p->error && p->depth != 0)
    fail(p, "an unfinished JSON object before \"end\"");
  /* YAJL keeps a partial token (a number, a word, an open string) for the
   * next text: anything but white space after the object is refused */
  if (st == yajl_status_ok && !p->error && p->messages &&
      !blank(text + p->object_end, len - p->object_end))
    text_after(p);
  if (st == yajl_status_ok && !p->error) st = yajl_complete_parse(p->yajl);
  if (!p->error && !p->messages && (st == yajl_status_ok || blank(text, len)))
    fail(p, "no JSON object before \"end\"");
  if (st == yajl_status_error && !p->error) {
    unsigned char *why = yajl_get_error(p->yajl, 0, (const unsigned char *)text, len);
    p->error = g_strchomp(g_strdup((const char *)why));
    yajl_free_error(p->yajl, why);
  }
  if (!p->error && classify(p)) {
    p->msg.n_anchors = p->anchors->len;
    if (p->anchors->len) {
      ml_raw *a = fc_arena_alloc(&batch->arena, p->anchors->len * sizeof *a);
      memcpy(a, p->anchors->data, p->anchors->len * sizeof *a);
      p->msg.anchors = a;
    }
    *ml_batch_add(batch) = p->msg;
    return TRUE;
  }
  g_autofree char *snippet = g_utf8_make_valid(text, (gssize)MIN(len, 200));
  *error =
      g_strdup_printf("malformed message (%s): %s%s", p->error, snippet, len > 200 ? "..." : "");
  g_clear_pointer(&p->error, g_free);
  return FALSE;
}
