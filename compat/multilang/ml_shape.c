/* ml_shape.c — reading a child's next message like the ones before it.
 *
 * A busy child writes the same few messages over and over with different
 * values: a split bolt's emits differ only in the word and the anchor id.
 * After the direct reader (ml_fast.c) has read a message it records its
 * shape: the literal text between its holes (the string contents and
 * number texts that vary) and what each hole is (tuple item i, anchor i,
 * the id, the stream, the task).  The next message is first tried against
 * the recent shapes: compare a literal, scan the hole with the same strict
 * scanner, compare the next literal, and so on.  A message that matches a
 * shape has the same keys, the same structure and the same fixed values
 * (booleans, nulls, need_task_ids) as the message the shape came from,
 * which the direct reader accepted, so it reads exactly as the direct
 * reader would read it; one that does not match goes to the direct reader,
 * and its shape replaces the one with the fewest recent hits.  Shapes are learned
 * only from framed reads (the reader thread's stream) and only while
 * small; most of a long message is its values anyway.
 *
 * Belongs to one reader thread.
 */
#include "ml_fast.h"

enum { N_SHAPES = 4, MAX_LITERAL = 512, MAX_SHAPE_VALUES = 32 };

typedef struct {
  char literal[MAX_LITERAL];        /* the literal pieces, one after another */
  uint16_t piece[ML_MAX_HOLES + 1]; /* their lengths: before each hole, then the rest */
  uint8_t kind[ML_MAX_HOLES];       /* ml_hole_kind */
  uint8_t index[ML_MAX_HOLES];
  uint32_t n_holes;
  ml_msg base;                       /* the message's fields that are not holes */
  fc_value values[MAX_SHAPE_VALUES]; /* its tuple (the holes' items are overwritten) */
  uint32_t n_values, n_anchors;
} shape;

struct ml_shapes {
  shape shapes[N_SHAPES];
  int n;
  int order[N_SHAPES];     /* the order they are tried in: most hits first */
  uint32_t hits[N_SHAPES]; /* recent hits (halved now and then) */
};

ml_shapes *ml_shapes_new(void)
{
  ml_shapes *s = g_new0(ml_shapes, 1);
  for (int i = 0; i < N_SHAPES; i++)
    s->order[i] = i;
  return s;
}

void ml_shapes_free(ml_shapes *s)
{
  g_free(s);
}

/* Records the shape of a message the direct reader has just read (before
 * anything was written into its text).  FALSE if it is not one to keep. */
static bool learn(shape *sh, char *text, size_t used, const ml_reading *r, const ml_msg *msg)
{
  if (r->n_holes > ML_MAX_HOLES || r->n_values > MAX_SHAPE_VALUES) return false;
  size_t total = used; /* the literal: all but the holes */
  for (uint32_t h = 0; h < r->n_holes; h++) {
    total -= r->holes[h].len;
    if (r->holes[h].index > G_MAXUINT8) return false;
  }
  if (total > MAX_LITERAL) return false;
  char *at = text, *out = sh->literal;
  for (uint32_t h = 0; h <= r->n_holes; h++) {
    char *end = h < r->n_holes ? r->holes[h].start : text + used;
    size_t n = (size_t)(end - at);
    memcpy(out, at, n);
    out += n;
    sh->piece[h] = (uint16_t)n;
    if (h < r->n_holes) {
      sh->kind[h] = (uint8_t)r->holes[h].kind;
      sh->index[h] = (uint8_t)r->holes[h].index;
      at = r->holes[h].start + r->holes[h].len;
    }
  }
  sh->n_holes = r->n_holes;
  sh->base = *msg;
  memcpy(sh->values, r->values, r->n_values * sizeof *sh->values);
  sh->n_values = r->n_values;
  sh->n_anchors = r->n_anchors;
  return true;
}

/* A string hole: c is at its literal's last byte (the opening quote); c is
 * left at the closing quote, which starts the next literal. */
static inline bool string_hole(cursor *c, ml_reading *r, char **s, uint32_t *len)
{
  c->p--;
  if (!read_string(c, s, len) || !ml_end_at(r, *s + *len)) return false;
  c->p--;
  return true;
}

/* Reads text as a message of shape sh: TRUE with r and msg filled as the
 * direct reader would have, nothing written into text yet.  The fixed
 * fields are copied once the first literal matches; the holes then
 * overwrite theirs. */
static bool read_like(const shape *sh, char *text, size_t len, ml_reading *r, ml_msg *msg,
                      size_t *used)
{
  cursor c = {text, text + len};
  const char *literal = sh->literal;
  size_t first = sh->piece[0];
  if (len < first || !ml_same_bytes(text, literal, first)) return false;
  c.p += first;
  literal += first;
  *msg = sh->base;
  if (sh->n_values == 1)
    r->values[0] = sh->values[0];
  else
    memcpy(r->values, sh->values, sh->n_values * sizeof *r->values);
  r->n_values = sh->n_values;
  r->n_anchors = sh->n_anchors;
  r->n_ends = 0;
  for (uint32_t h = 0; h < sh->n_holes; h++) {
    char *s;
    uint32_t slen;
    number_kind kind;
    int64_t i = 0;
    double f = 0;
    uint32_t index = sh->index[h];
    switch ((ml_hole_kind)sh->kind[h]) {
    case HOLE_VALUE_STR:
    case HOLE_ANCHOR_STR:
    case HOLE_ID_STR:
    case HOLE_STREAM: /* (one call site: the string scan is inlined once) */
      if (!string_hole(&c, r, &s, &slen)) return false;
      if (sh->kind[h] == HOLE_VALUE_STR)
        r->values[index] = fc_str_len(s, slen);
      else if (sh->kind[h] == HOLE_ANCHOR_STR)
        r->anchors[index] = (ml_raw){s, slen, true};
      else if (sh->kind[h] == HOLE_ID_STR)
        msg->id = (ml_raw){s, slen, true};
      else
        msg->stream = s;
      break;
    case HOLE_VALUE_NUM:
      if (!read_number(&c, &s, &slen, &kind, &i, &f)) return false;
      if (kind == NUM_INT) {
        r->values[index] = fc_i64(i);
      } else if (kind == NUM_REAL) {
        r->values[index] = fc_f64(f);
      } else {
        if (!ml_end_at(r, s + slen)) return false;
        r->values[index] = fc_str_len(s, slen);
      }
      break;
    case HOLE_ANCHOR_NUM:
      if (!read_number(&c, &s, &slen, &kind, &i, &f) || !ml_end_at(r, s + slen)) return false;
      r->anchors[index] = (ml_raw){s, slen, false};
      break;
    case HOLE_ID_NUM:
      if (!read_number(&c, &s, &slen, &kind, &i, &f) || !ml_end_at(r, s + slen)) return false;
      msg->id = (ml_raw){s, slen, false};
      break;
    case HOLE_TASK:
      if (!read_number(&c, &s, &slen, &kind, &i, &f) || kind == NUM_REAL) return false;
      msg->task = kind == NUM_INT ? i : -1;
      break;
    }
    size_t n = sh->piece[h + 1];
    if ((size_t)(c.end - c.p) < n || !ml_same_bytes(c.p, literal, n)) return false;
    c.p += n;
    literal += n;
  }
  *used = (size_t)(c.p - text);
  return true;
}

/* The shape tried k-th has read a message: it moves up past the one
 * before it once it has more hits (a split bolt's six emits stay ahead of
 * its one ack, so neither is tried in vain more than needed). */
static void count_hit(ml_shapes *s, int k)
{
  int hit = s->order[k];
  if (++s->hits[hit] == 1u << 20)
    for (int i = 0; i < N_SHAPES; i++)
      s->hits[i] /= 2;
  if (k && s->hits[hit] > s->hits[s->order[k - 1]]) {
    s->order[k] = s->order[k - 1];
    s->order[k - 1] = hit;
  }
}

gboolean ml_shapes_parse(ml_shapes *s, char *text, size_t len, fc_arena *arena, ml_msg *msg,
                         size_t *used)
{
  ml_reading r;
  for (int k = 0; k < s->n; k++) {
    if (read_like(&s->shapes[s->order[k]], text, len, &r, msg, used)) {
      count_hit(s, k);
      ml_reading_finish(&r, arena, msg);
      return TRUE;
    }
  }
  r.record = true;
  if (!ml_fast_read(text, len, true, &r, msg, used)) return FALSE;
  /* a free slot, else the one with the fewest hits: tried last, it earns
   * its way up */
  int at = MIN(s->n, N_SHAPES - 1), slot = s->order[at];
  if (learn(&s->shapes[slot], text, *used, &r, msg)) {
    if (s->n < N_SHAPES) s->n++;
    s->hits[slot] = 0;
    count_hit(s, at);
  }
  ml_reading_finish(&r, arena, msg);
  return TRUE;
}
