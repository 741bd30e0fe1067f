/* ml_fast.c — the messages multilang children write almost always, read
 * straight into an ml_msg.
 *
 * Profiling a Python split bolt showed the general parser (YAJL's events,
 * then a state machine over them) taking over half of the reader thread.
 * Nearly every message a busy child writes is an emit, ack, fail or sync
 * of one shape: a flat object whose keys are among command, tuple,
 * anchors, id, stream, task and need_task_ids, whose tuple is a list of
 * scalars, and whose strings hold no escapes.  This reader takes exactly
 * those, in one pass, with memchr-speed string scans and no allocation
 * until it has succeeded.  Anything else — another key, a nested value,
 * an escape or control character, a repeated key, a message the protocol
 * would refuse — it leaves alone and the caller parses the text with the
 * general parser, which decides and words the errors.  What it accepts it
 * reads exactly as the general parser would.
 *
 * Framed, it reads a message straight from the stream: the object must be
 * followed at once by the "\nend\n" line, and it says how many bytes it
 * took, so the reader frames and parses in one pass.
 *
 * Strings and number texts stay in the message text: after a successful
 * read the byte that ends each (its closing quote, or the comma or
 * bracket after a number) is overwritten with a NUL.  Until then the text
 * is untouched, so a give-up leaves it as it was.
 *
 * Reentrant; no state outside the call.
 */
#include "ml_fast.h"

typedef ml_reading reading;
#define end_at ml_end_at

/* A hole, if the read records them. */
static inline void hole(reading *r, ml_hole_kind kind, uint32_t index, char *start, uint32_t len)
{
  if (!r->record) return;
  if (r->n_holes < ML_MAX_HOLES)
    r->holes[r->n_holes] = (ml_hole){start, len, (uint16_t)kind, (uint16_t)index};
  r->n_holes++;
}

/* A scalar: tuple item i. */
static inline bool read_value(cursor *c, reading *r, uint32_t i_item, fc_value *v)
{
  char *s;
  uint32_t len;
  number_kind kind;
  int64_t i = 0;
  double f = 0;
  switch (*c->p) {
  case '"':
    if (!read_string(c, &s, &len) || !end_at(r, s + len)) return false;
    *v = fc_str_len(s, len);
    hole(r, HOLE_VALUE_STR, i_item, s, len);
    return true;
  case 't':
    *v = fc_bool(true);
    return TAKE(c, "true");
  case 'f':
    *v = fc_bool(false);
    return TAKE(c, "false");
  case 'n':
    *v = fc_null();
    return TAKE(c, "null");
  default:
    if (!read_number(c, &s, &len, &kind, &i, &f)) return false;
    hole(r, HOLE_VALUE_NUM, i_item, s, len);
    if (kind == NUM_INT)
      *v = fc_i64(i);
    else if (kind == NUM_REAL)
      *v = fc_f64(f);
    else if (!end_at(r, s + len)) /* the exact digits, as a string */
      return false;
    else
      *v = fc_str_len(s, len);
    return true;
  }
}

/* An id (a string or a number, kept as written); str_kind: its hole's
 * kind if a string (the number kind follows it). */
static inline bool read_id(cursor *c, reading *r, ml_hole_kind str_kind, uint32_t index, ml_raw *id)
{
  char *s;
  uint32_t len;
  number_kind kind;
  int64_t i;
  double f;
  if (c->p < c->end && *c->p == '"') {
    if (!read_string(c, &s, &len)) return false;
    *id = (ml_raw){s, len, true};
    hole(r, str_kind, index, s, len);
  } else {
    if (!read_number(c, &s, &len, &kind, &i, &f)) return false;
    *id = (ml_raw){s, len, false};
    hole(r, str_kind + 1, index, s, len);
  }
  return end_at(r, s + len);
}

/* At '[': a list of up to max items, each read by READ_ITEM(c, r, i)
 * (a macro, so that the item readers are inlined). */
#define READ_LIST(c, r, max, n, READ_ITEM)                                                         \
  do {                                                                                             \
    (c)->p++;                                                                                      \
    skip_ws(c);                                                                                    \
    if ((c)->p < (c)->end && *(c)->p == ']') {                                                     \
      (c)->p++;                                                                                    \
      return true;                                                                                 \
    }                                                                                              \
    for (;;) {                                                                                     \
      if ((c)->p == (c)->end || *(n) == (max) || !READ_ITEM(c, r, *(n))) return false;             \
      (*(n))++;                                                                                    \
      skip_ws(c);                                                                                  \
      if ((c)->p == (c)->end) return false;                                                        \
      if (*(c)->p == ']') {                                                                        \
        (c)->p++;                                                                                  \
        return true;                                                                               \
      }                                                                                            \
      if (*(c)->p != ',') return false;                                                            \
      (c)->p++;                                                                                    \
      skip_ws(c);                                                                                  \
    }                                                                                              \
  } while (0)

#define TUPLE_ITEM(c, r, i) read_value(c, r, i, &(r)->values[i])
#define ANCHOR_ITEM(c, r, i) read_id(c, r, HOLE_ANCHOR_STR, i, &(r)->anchors[i])

static bool read_tuple(cursor *c, reading *r)
{
  READ_LIST(c, r, MAX_VALUES, &r->n_values, TUPLE_ITEM);
}

static bool read_anchors(cursor *c, reading *r)
{
  READ_LIST(c, r, MAX_ANCHORS, &r->n_anchors, ANCHOR_ITEM);
}

typedef enum {
  KEY_COMMAND = 1 << 0,
  KEY_TUPLE = 1 << 1,
  KEY_ANCHORS = 1 << 2,
  KEY_ID = 1 << 3,
  KEY_STREAM = 1 << 4,
  KEY_TASK = 1 << 5,
  KEY_NEED_TASK_IDS = 1 << 6,
} key;

/* At a key's opening quote: which of the keys it takes it is (0: none). */
static key read_key(cursor *c)
{
  if (c->end - c->p < 2) return 0;
  switch (c->p[1]) {
  case 'c':
    return TAKE(c, "\"command\"") ? KEY_COMMAND : 0;
  case 't':
    return TAKE(c, "\"tuple\"") ? KEY_TUPLE : TAKE(c, "\"task\"") ? KEY_TASK : 0;
  case 'a':
    return TAKE(c, "\"anchors\"") ? KEY_ANCHORS : 0;
  case 'i':
    return TAKE(c, "\"id\"") ? KEY_ID : 0;
  case 's':
    return TAKE(c, "\"stream\"") ? KEY_STREAM : 0;
  case 'n':
    return TAKE(c, "\"need_task_ids\"") ? KEY_NEED_TASK_IDS : 0;
  default:
    return 0;
  }
}

/* At the command's value: the commands this reader completes. */
static bool read_command(cursor *c, ml_msg *msg)
{
  if (TAKE(c, "\"emit\""))
    msg->kind = ML_MSG_EMIT;
  else if (TAKE(c, "\"ack\""))
    msg->kind = ML_MSG_ACK;
  else if (TAKE(c, "\"fail\""))
    msg->kind = ML_MSG_FAIL;
  else if (TAKE(c, "\"sync\""))
    msg->kind = ML_MSG_SYNC;
  else
    return false;
  return true;
}

/* One key's value into r / msg. */
static bool read_member(cursor *c, reading *r, key k, ml_msg *msg)
{
  char *s;
  uint32_t len;
  number_kind kind;
  int64_t i = 0;
  double f;
  switch (k) {
  case KEY_COMMAND:
    return read_command(c, msg);
  case KEY_TUPLE:
    r->has_tuple = true;
    return *c->p == '[' && read_tuple(c, r);
  case KEY_ANCHORS:
    return *c->p == '[' && read_anchors(c, r);
  case KEY_ID:
    if (TAKE(c, "null")) return true; /* no id */
    return read_id(c, r, HOLE_ID_STR, 0, &msg->id);
  case KEY_STREAM:
    if (TAKE(c, "null")) return true;
    if (*c->p != '"' || !read_string(c, &s, &len) || !end_at(r, s + len)) return false;
    msg->stream = s;
    hole(r, HOLE_STREAM, 0, s, len);
    return true;
  case KEY_TASK:
    if (TAKE(c, "null")) return true;
    if (!read_number(c, &s, &len, &kind, &i, &f) || kind == NUM_REAL) return false;
    hole(r, HOLE_TASK, 0, s, len);
    msg->direct = true;
    msg->task = kind == NUM_INT ? i : -1;
    return true;
  case KEY_NEED_TASK_IDS:
    if (TAKE(c, "false")) {
      msg->need_task_ids = false;
      return true;
    }
    return TAKE(c, "true") || TAKE(c, "null");
  }
  return false;
}

/* What each command needs. */
static bool complete(const reading *r, unsigned seen, ml_msg *msg)
{
  if (!(seen & KEY_COMMAND)) return false;
  if (msg->kind == ML_MSG_EMIT && !r->has_tuple) return false;
  if ((msg->kind == ML_MSG_ACK || msg->kind == ML_MSG_FAIL) && !msg->id.text) return false;
  return true;
}

void ml_msg_defaults(ml_msg *msg)
{
  /* field by field: a whole-struct initializer compiles to a slow rep stos */
  msg->id = (ml_raw){NULL, 0, false};
  msg->stream = NULL;
  msg->direct = false;
  msg->task = -1;
  msg->need_task_ids = true;
  msg->n_anchors = 0;
  msg->anchors = NULL;
  msg->text = NULL;
  msg->level = 2;
  msg->pid = 0;
}

gboolean ml_fast_read(char *text, size_t len, bool framed, ml_reading *r, ml_msg *msg, size_t *used)
{
  r->n_values = r->n_anchors = r->n_ends = r->n_holes = 0;
  r->has_tuple = false;
  ml_msg_defaults(msg);
  cursor c = {text, text + len};
  skip_ws(&c);
  if (c.p == c.end || *c.p != '{') return FALSE;
  c.p++;
  skip_ws(&c);
  unsigned seen = 0;
  if (c.p < c.end && *c.p == '}') return FALSE; /* {}: the general parser says what is wrong */
  for (;;) {
    if (c.p == c.end || *c.p != '"') return FALSE;
    key which = read_key(&c);
    if (!which || (seen & which)) return FALSE;
    seen |= which;
    skip_ws(&c);
    if (c.p == c.end || *c.p != ':') return FALSE;
    c.p++;
    skip_ws(&c);
    if (c.p == c.end || !read_member(&c, r, which, msg)) return FALSE;
    skip_ws(&c);
    if (c.p == c.end) return FALSE;
    if (*c.p == '}') break;
    if (*c.p != ',') return FALSE;
    c.p++;
    skip_ws(&c);
  }
  c.p++;
  if (framed) { /* the end line must follow at once (anything else: the caller's line framing) */
    if (!TAKE(&c, "\nend\n")) return FALSE;
  } else {
    skip_ws(&c);
    if (c.p != c.end) return FALSE;
  }
  if (!complete(r, seen, msg)) return FALSE;
  *used = (size_t)(c.p - text);
  return TRUE;
}

void ml_reading_finish(ml_reading *r, fc_arena *arena, ml_msg *msg)
{
  /* (most messages have one value and one anchor or none: copied without
   * a call) */
  fc_value *values = fc_arena_alloc(arena, MAX(r->n_values, 1) * sizeof *values);
  if (r->n_values == 1)
    values[0] = r->values[0];
  else if (r->n_values)
    memcpy(values, r->values, r->n_values * sizeof *values);
  msg->values = values;
  msg->n_values = r->n_values;
  if (r->n_anchors) {
    ml_raw *anchors = fc_arena_alloc(arena, r->n_anchors * sizeof *anchors);
    if (r->n_anchors == 1)
      anchors[0] = r->anchors[0];
    else
      memcpy(anchors, r->anchors, r->n_anchors * sizeof *anchors);
    msg->anchors = anchors;
    msg->n_anchors = r->n_anchors;
  }
  for (uint32_t i = 0, n = r->n_ends; i < n; i++)
    *r->ends[i] = '\0';
}

gboolean ml_fast_parse(char *text, size_t len, bool framed, fc_arena *arena, ml_msg *msg,
                       size_t *used)
{
  ml_reading r;
  r.record = false;
  if (!ml_fast_read(text, len, framed, &r, msg, used)) return FALSE;
  ml_reading_finish(&r, arena, msg);
  return TRUE;
}
