/* ml_reader_fast.c — the messages multilang children write almost always,
 * read straight into an ml_msg, as the general reader (ml_reader.c) would.
 *
 * The general reader (YAJL's events, then a state machine over them)
 * costs gust about twice the CPU per tuple of this one on a Python split
 * bolt (multilang-bench: 2.6 against 1.2 us per input tuple; README's
 * benchmarks).  Nearly every message a busy child writes is an emit, ack,
 * fail or sync of one shape: a flat object whose keys are among command,
 * tuple, anchors, id, stream, task and need_task_ids, whose tuple is a
 * list of scalars, and whose strings hold no escapes.  This reader takes
 * exactly those, in one pass, with word-at-a-time string scans and no
 * allocation until it has succeeded.  Anything else — another key, a
 * nested value, an escape or control character, a repeated key, text
 * after the object, a message the protocol would refuse — it declines,
 * and the general reader decides and words the error.
 *
 * The general reader defines the protocol; this one must agree with it on
 * every message it takes (same kind, fields, ids and values, number kinds
 * included).  ml_read_differential() (ml_reader_check.c) is that check,
 * run by a seeded randomized test over valid and broken messages and
 * callable from a fuzzing target.  Numbers are classified by the general
 * reader's own ml_number_value().
 *
 * Framed, it reads a message straight from the stream: the object must be
 * followed at once by the "\nend\n" line, and it says how many bytes it
 * took, so the reader thread frames and parses in one pass.
 *
 * Strings and number texts stay in the message text: after a successful
 * read the byte that ends each (its closing quote, or the comma or
 * bracket after a number) is overwritten with a NUL.  Until then the text
 * is untouched, so a decline leaves it as it was.
 *
 * Reentrant; no state outside the call.
 */
#include "ml_private.h"

enum { MAX_VALUES = 256, MAX_ANCHORS = 16 };

typedef struct {
  char *p, *end;
} cursor;

/* What a read gathered, before anything is written. */
typedef struct {
  fc_value values[MAX_VALUES];
  uint32_t n_values;
  bool has_tuple;
  ml_raw anchors[MAX_ANCHORS];
  uint32_t n_anchors;
  /* the bytes to overwrite with NUL on success */
  char *ends[MAX_VALUES + MAX_ANCHORS + 4];
  uint32_t n_ends;
} reading;

static inline void skip_ws(cursor *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\n' || *c->p == '\r' || *c->p == '\t'))
    c->p++;
}

/* Takes word (quotes included) if the text goes on with it. */
static inline bool take(cursor *c, const char *word, size_t n)
{
  if ((size_t)(c->end - c->p) < n || !ml_same_bytes(c->p, word, n)) return false;
  c->p += n;
  return true;
}
#define TAKE(c, word) take(c, word, sizeof word - 1)

static inline bool digit(char ch)
{
  return ch >= '0' && ch <= '9';
}

static inline bool end_at(reading *r, char *at)
{
  if (r->n_ends == G_N_ELEMENTS(r->ends)) return false;
  r->ends[r->n_ends++] = at;
  return true;
}

/* At an opening quote: a string without escapes or control characters,
 * valid UTF-8.  Sets [*start, *start + *len). */
static inline bool read_string(cursor *c, char **start, uint32_t *len)
{
  char *q = c->p + 1, *s = (char *)ml_plain_run(q, c->end);
  bool ascii = true;
  while (s < c->end && (unsigned char)*s >= 0x80) { /* UTF-8: checked below */
    ascii = false;
    s = (char *)ml_plain_run(s + 1, c->end);
  }
  if (s == c->end || *s != '"' || s - q > G_MAXUINT32) return false;
  if (!ascii && !g_utf8_validate_len(q, (gsize)(s - q), NULL)) return false;
  *start = q;
  *len = (uint32_t)(s - q);
  c->p = s + 1;
  return true;
}

/* A number by JSON's grammar, -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?,
 * ending where JSON lets a value end (and not at the end of the text: the
 * NUL that ends it goes on the next byte).  Sets its text. */
static inline bool scan_number(cursor *c, char **start, uint32_t *len)
{
  char *s = c->p, *e = c->end;
  if (s < e && *s == '-') s++;
  if (s < e && *s == '0')
    s++;
  else if (s < e && digit(*s))
    while (s < e && digit(*s))
      s++;
  else
    return false;
  if (s < e && *s == '.') {
    s++;
    if (s == e || !digit(*s)) return false;
    while (s < e && digit(*s))
      s++;
  }
  if (s < e && (*s == 'e' || *s == 'E')) {
    s++;
    if (s < e && (*s == '+' || *s == '-')) s++;
    if (s == e || !digit(*s)) return false;
    while (s < e && digit(*s))
      s++;
  }
  if (s == e || s - c->p > G_MAXUINT32 ||
      (*s != ',' && *s != ']' && *s != '}' && *s != ' ' && *s != '\n' && *s != '\r' && *s != '\t'))
    return false;
  *start = c->p;
  *len = (uint32_t)(s - c->p);
  c->p = s;
  return true;
}

/* A scalar of the tuple. */
static inline bool read_value(cursor *c, reading *r, fc_value *v)
{
  char *s;
  uint32_t len;
  int64_t i = 0;
  double f = 0;
  switch (*c->p) {
  case '"':
    if (!read_string(c, &s, &len) || !end_at(r, s + len)) return false;
    *v = fc_str_len(s, len);
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
    if (!scan_number(c, &s, &len)) return false;
    switch (ml_number_value(s, len, &i, &f)) {
    case ML_NUM_INT:
      *v = fc_i64(i);
      return true;
    case ML_NUM_REAL:
      *v = fc_f64(f);
      return true;
    case ML_NUM_BIG: /* the exact digits, as a string */
      *v = fc_str_len(s, len);
      return end_at(r, s + len);
    }
    return false;
  }
}

/* An id (a string or a number, kept as written). */
static inline bool read_id(cursor *c, reading *r, ml_raw *id)
{
  char *s;
  uint32_t len;
  if (c->p < c->end && *c->p == '"') {
    if (!read_string(c, &s, &len)) return false;
    *id = (ml_raw){s, len, true};
  } else {
    if (!scan_number(c, &s, &len)) return false;
    *id = (ml_raw){s, len, false};
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

#define TUPLE_ITEM(c, r, i) read_value(c, r, &(r)->values[i])
#define ANCHOR_ITEM(c, r, i) read_id(c, r, &(r)->anchors[i])

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
    return read_id(c, r, &msg->id);
  case KEY_STREAM:
    if (TAKE(c, "null")) return true;
    if (*c->p != '"' || !read_string(c, &s, &len) || !end_at(r, s + len)) return false;
    msg->stream = s;
    return true;
  case KEY_TASK:
    if (TAKE(c, "null")) return true;
    if (!scan_number(c, &s, &len)) return false;
    switch (ml_number_value(s, len, &i, &f)) {
    case ML_NUM_REAL:
      return false; /* the general reader words the error */
    case ML_NUM_INT:
      msg->task = i;
      break;
    case ML_NUM_BIG:
      msg->task = -1;
      break;
    }
    msg->direct = true;
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

static void msg_defaults(ml_msg *msg)
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

/* Reads one message into r and msg, writing nothing into text. */
static bool read_message(char *text, size_t len, bool framed, reading *r, ml_msg *msg, size_t *used)
{
  r->n_values = r->n_anchors = r->n_ends = 0;
  r->has_tuple = false;
  msg_defaults(msg);
  cursor c = {text, text + len};
  skip_ws(&c);
  if (c.p == c.end || *c.p != '{') return false;
  c.p++;
  skip_ws(&c);
  unsigned seen = 0;
  for (;;) {
    if (c.p == c.end || *c.p != '"') return false; /* ({}: the general reader says why) */
    key which = read_key(&c);
    if (!which || (seen & which)) return false;
    seen |= which;
    skip_ws(&c);
    if (c.p == c.end || *c.p != ':') return false;
    c.p++;
    skip_ws(&c);
    if (c.p == c.end || !read_member(&c, r, which, msg)) return false;
    skip_ws(&c);
    if (c.p == c.end) return false;
    if (*c.p == '}') break;
    if (*c.p != ',') return false;
    c.p++;
    skip_ws(&c);
  }
  c.p++;
  if (framed) { /* the end line must follow at once (anything else: the caller's line framing) */
    if (!TAKE(&c, "\nend\n")) return false;
  } else {
    skip_ws(&c);
    if (c.p != c.end) return false;
  }
  if (!complete(r, seen, msg)) return false;
  *used = (size_t)(c.p - text);
  return true;
}

/* Writes what a successful read found: msg's arrays into arena, the NULs
 * into the text. */
static void finish(reading *r, fc_arena *arena, ml_msg *msg)
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
  reading r;
  if (!read_message(text, len, framed, &r, msg, used)) return FALSE;
  finish(&r, arena, msg);
  return TRUE;
}
