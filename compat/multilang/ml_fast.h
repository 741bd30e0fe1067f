/* ml_fast.h — the pieces of the direct reader (ml_fast.c) that the shape
 * reader (ml_shape.c) shares: a cursor over message text, strict scans of
 * JSON strings and numbers, and what a read gathers before anything is
 * written.  Internal to compat/multilang/.
 */
#ifndef GUST_ML_FAST_H
#define GUST_ML_FAST_H

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
static inline bool read_number(cursor *c, char **start, uint32_t *len, number_kind *kind,
                               int64_t *i, double *f)
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

/* A value whose text changes from message to message of one shape (see
 * ml_shape.c): where it lies (a string's content, a number's text) and
 * what it is. */
typedef enum {
  HOLE_VALUE_STR,  /* tuple item `index`, a string */
  HOLE_VALUE_NUM,  /* tuple item `index`, a number */
  HOLE_ANCHOR_STR, /* anchor `index` */
  HOLE_ANCHOR_NUM,
  HOLE_ID_STR,
  HOLE_ID_NUM,
  HOLE_STREAM, /* a string */
  HOLE_TASK,   /* an integer */
} ml_hole_kind;

enum { ML_MAX_HOLES = 32 };

typedef struct {
  char *start;
  uint32_t len;
  uint16_t kind; /* ml_hole_kind */
  uint16_t index;
} ml_hole;

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
  /* the holes, in text order, when recording (n_holes > ML_MAX_HOLES: too many) */
  bool record;
  ml_hole holes[ML_MAX_HOLES];
  uint32_t n_holes;
} ml_reading;

static inline bool ml_end_at(ml_reading *r, char *at)
{
  if (r->n_ends == G_N_ELEMENTS(r->ends)) return false;
  r->ends[r->n_ends++] = at;
  return true;
}

/* Sets msg's fields to what a message without them means. */
void ml_msg_defaults(ml_msg *msg);
/* Reads one message as ml_fast_parse() does, into r and msg, writing
 * nothing (r->record: also its holes). */
gboolean ml_fast_read(char *text, size_t len, bool framed, ml_reading *r, ml_msg *msg,
                      size_t *used);
/* Writes what a successful read found: msg's arrays into arena, the NULs
 * into the text. */
void ml_reading_finish(ml_reading *r, fc_arena *arena, ml_msg *msg);

#endif
