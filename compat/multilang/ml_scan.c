/* ml_scan.c — a strict, fast reader for the JSON that multilang children
 * write almost always, feeding the same callbacks as YAJL.
 *
 * Profiling the Python split bolt showed YAJL taking close to half of
 * gust's CPU: its lexer is general (streaming, byte by byte).  Child
 * messages are short, complete, and their strings rarely hold escapes, so
 * this scanner walks a whole message with memchr-speed string scans and
 * calls the parser's yajl_callbacks directly.  It accepts a subset of JSON
 * and never more: at a string with a backslash (an escape) or a control
 * character, or anything else it does not know, it gives up; the caller
 * then drops what the callbacks gathered and parses the text again with
 * YAJL, which decides (and reports errors in its own words).  Numbers are checked against
 * JSON's grammar and handed over as text, like YAJL's number callback.
 *
 * Reentrant; no state outside the call.
 */
#include "ml_private.h"
#include "ml_scan.h"

enum { MAX_NESTING = 64 };

typedef struct {
  const char *p, *end;
  const yajl_callbacks *cb;
  void *ctx;
  int depth;
} scanner;

static inline void skip_ws(scanner *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
    s->p++;
}

/* Bytes that end a plain string: the quote, a backslash, control characters. */
static const bool stops_string[256] = {
    [0 ... 0x1f] = true,
    ['"'] = true,
    ['\\'] = true,
};

/* A string without escapes or control characters: [start, *len) after the
 * opening quote.  FALSE: not one this scanner takes. */
static bool scan_string(scanner *s, const char **start, size_t *len)
{
  const char *q = s->p + 1, *c = q; /* past the opening quote */
  while (c < s->end && !stops_string[(unsigned char)*c])
    c++;
  if (c == s->end || *c != '"') return false;
  *start = q;
  *len = (size_t)(c - q);
  s->p = c + 1;
  return true;
}

static inline bool digit(char c)
{
  return c >= '0' && c <= '9';
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool scan_number(scanner *s, const char **start, size_t *len)
{
  const char *c = s->p, *e = s->end;
  *start = c;
  if (c < e && *c == '-') c++;
  if (c < e && *c == '0')
    c++;
  else if (c < e && digit(*c))
    while (c < e && digit(*c))
      c++;
  else
    return false;
  if (c < e && *c == '.') {
    c++;
    if (c == e || !digit(*c)) return false;
    while (c < e && digit(*c))
      c++;
  }
  if (c < e && (*c == 'e' || *c == 'E')) {
    c++;
    if (c < e && (*c == '+' || *c == '-')) c++;
    if (c == e || !digit(*c)) return false;
    while (c < e && digit(*c))
      c++;
  }
  *len = (size_t)(c - *start);
  s->p = c;
  return true;
}

static bool literal(scanner *s, const char *word, size_t n)
{
  if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n)) return false;
  s->p += n;
  return true;
}

typedef enum { OK, GIVE_UP, STOPPED } outcome;

static outcome value(scanner *s);

static outcome container(scanner *s, bool map)
{
  if (++s->depth > MAX_NESTING) return GIVE_UP;
  if (!(map ? s->cb->yajl_start_map(s->ctx) : s->cb->yajl_start_array(s->ctx))) return STOPPED;
  s->p++; /* { or [ */
  skip_ws(s);
  char close = map ? '}' : ']';
  bool first = true;
  while (s->p < s->end && *s->p != close) {
    if (!first) {
      if (*s->p != ',') return GIVE_UP;
      s->p++;
      skip_ws(s);
    }
    first = false;
    if (map) {
      const char *key;
      size_t len;
      if (s->p == s->end || *s->p != '"' || !scan_string(s, &key, &len)) return GIVE_UP;
      if (!s->cb->yajl_map_key(s->ctx, (const unsigned char *)key, len)) return STOPPED;
      skip_ws(s);
      if (s->p == s->end || *s->p != ':') return GIVE_UP;
      s->p++;
      skip_ws(s);
    }
    outcome o = value(s);
    if (o != OK) return o;
    skip_ws(s);
  }
  if (s->p == s->end) return GIVE_UP;
  s->p++; /* } or ] */
  s->depth--;
  return (map ? s->cb->yajl_end_map(s->ctx) : s->cb->yajl_end_array(s->ctx)) ? OK : STOPPED;
}

static outcome value(scanner *s)
{
  if (s->p == s->end) return GIVE_UP;
  const char *text;
  size_t len;
  int r;
  switch (*s->p) {
  case '{':
    return container(s, true);
  case '[':
    return container(s, false);
  case '"':
    if (!scan_string(s, &text, &len)) return GIVE_UP;
    r = s->cb->yajl_string(s->ctx, (const unsigned char *)text, len);
    break;
  case 't':
    if (!literal(s, "true", 4)) return GIVE_UP;
    r = s->cb->yajl_boolean(s->ctx, 1);
    break;
  case 'f':
    if (!literal(s, "false", 5)) return GIVE_UP;
    r = s->cb->yajl_boolean(s->ctx, 0);
    break;
  case 'n':
    if (!literal(s, "null", 4)) return GIVE_UP;
    r = s->cb->yajl_null(s->ctx);
    break;
  default:
    if (!scan_number(s, &text, &len)) return GIVE_UP;
    r = s->cb->yajl_number(s->ctx, text, len);
    break;
  }
  return r ? OK : STOPPED;
}

ml_scan_result ml_scan(const char *text, size_t len, const yajl_callbacks *cb, void *ctx)
{
  scanner s = {.p = text, .end = text + len, .cb = cb, .ctx = ctx};
  skip_ws(&s);
  if (s.p == s.end || *s.p != '{')
    return ML_SCAN_GIVE_UP; /* not a message: let YAJL say what it is */
  outcome o = value(&s);
  if (o == STOPPED) return ML_SCAN_STOPPED;
  skip_ws(&s);
  return o == OK && s.p == s.end ? ML_SCAN_OK : ML_SCAN_GIVE_UP;
}
