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
#include "ml_private.h"

#include <string.h>

enum { MAX_VALUES = 256, MAX_ANCHORS = 16 };

typedef struct {
  char *p, *end;
} cursor;

static inline void skip_ws(cursor *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\n' || *c->p == '\r' || *c->p == '\t'))
    c->p++;
}

/* Takes word (quotes included) if the text goes on with it. */
static inline bool take(cursor *c, const char *word, size_t n)
{
  if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n)) return false;
  c->p += n;
  return true;
}
#define TAKE(c, word) take(c, word, sizeof word - 1)

static inline bool digit(char ch)
{
  return ch >= '0' && ch <= '9';
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

typedef enum { NUM_INT, NUM_BIG, NUM_REAL } number_kind;

/* A number by JSON's grammar, -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?,
 * and its value: an int64, an integer too big for one, or a real. */
static bool read_number(cursor *c, char **start, uint32_t *len, number_kind *kind, int64_t *i,
                        double *f)
{
  char *s = c->p, *e = c->end;
  bool negative = s < e && *s == '-';
  if (negative) s++;
  uint64_t magnitude = 0;
  bool overflow = false;
  if (s < e && *s == '0') {
    s++;
  } else if (s < e && digit(*s)) {
    for (; s < e && digit(*s); s++) {
      unsigned d = (unsigned)(*s - '0');
      if (magnitude > (G_MAXUINT64 - d) / 10) overflow = true;
      magnitude = magnitude * 10 + d;
    }
  } else {
    return false;
  }
  bool real = false;
  if (s < e && *s == '.') {
    s++;
    if (s == e || !digit(*s)) return false;
    while (s < e && digit(*s))
      s++;
    real = true;
  }
  if (s < e && (*s == 'e' || *s == 'E')) {
    s++;
    if (s < e && (*s == '+' || *s == '-')) s++;
    if (s == e || !digit(*s)) return false;
    while (s < e && digit(*s))
      s++;
    real = true;
  }
  /* the number must end where JSON lets a value end (and must not run to
   * the end of the text: the NUL that ends it goes on the next byte) */
  if (s == e ||
      (*s != ',' && *s != ']' && *s != '}' && *s != ' ' && *s != '\n' && *s != '\r' && *s != '\t'))
    return false;
  *start = c->p;
  *len = (uint32_t)(s - c->p);
  c->p = s;
  if (real) {
    *kind = NUM_REAL;
    *f = g_ascii_strtod(*start, NULL);
  } else if (overflow || magnitude > (uint64_t)G_MAXINT64 + negative) {
    *kind = NUM_BIG;
  } else {
    *kind = NUM_INT;
    *i = negative ? (int64_t)(0 - magnitude) : (int64_t)magnitude;
  }
  return true;
}

/* What was read, before anything is written. */
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

static inline bool end_at(reading *r, char *at)
{
  if (r->n_ends == G_N_ELEMENTS(r->ends)) return false;
  r->ends[r->n_ends++] = at;
  return true;
}

/* A scalar: a tuple value. */
static inline bool read_value(cursor *c, reading *r, fc_value *v)
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

/* An id (a string or a number, kept as written). */
static inline bool read_id(cursor *c, reading *r, ml_raw *id)
{
  char *s;
  uint32_t len;
  number_kind kind;
  int64_t i;
  double f;
  if (c->p < c->end && *c->p == '"') {
    if (!read_string(c, &s, &len)) return false;
    *id = (ml_raw){s, len, true};
  } else {
    if (!read_number(c, &s, &len, &kind, &i, &f)) return false;
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
    return read_id(c, r, &msg->id);
  case KEY_STREAM:
    if (TAKE(c, "null")) return true;
    if (*c->p != '"' || !read_string(c, &s, &len) || !end_at(r, s + len)) return false;
    msg->stream = s;
    return true;
  case KEY_TASK:
    if (TAKE(c, "null")) return true;
    if (!read_number(c, &s, &len, &kind, &i, &f) || kind == NUM_REAL) return false;
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

gboolean ml_fast_parse(char *text, size_t len, bool framed, fc_arena *arena, ml_msg *msg,
                       size_t *used)
{
  reading r;
  r.n_values = r.n_anchors = r.n_ends = 0;
  r.has_tuple = false;
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
    if (c.p == c.end || !read_member(&c, &r, which, msg)) return FALSE;
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
  if (!complete(&r, seen, msg)) return FALSE;
  *used = (size_t)(c.p - text);

  /* done: write what the message points to */
  if (r.n_values) {
    fc_value *values = fc_arena_alloc(arena, r.n_values * sizeof *values);
    memcpy(values, r.values, r.n_values * sizeof *values);
    msg->values = values;
  } else {
    msg->values = fc_arena_alloc(arena, sizeof(fc_value));
  }
  msg->n_values = r.n_values;
  if (r.n_anchors) {
    ml_raw *anchors = fc_arena_alloc(arena, r.n_anchors * sizeof *anchors);
    memcpy(anchors, r.anchors, r.n_anchors * sizeof *anchors);
    msg->anchors = anchors;
    msg->n_anchors = r.n_anchors;
  }
  for (uint32_t i = 0, n = r.n_ends; i < n; i++)
    *r.ends[i] = '\0';
  return TRUE;
}
