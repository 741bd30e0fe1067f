/* ml_encode.c — messages to the child, appended to a write buffer as
 * "<json>\nend\n" (Storm's framing; the JSON is always one line).
 *
 * Values map onto JSON as multilang libraries expect: null, booleans,
 * integers, reals (non-finite ones, which JSON lacks, become null), UTF-8
 * strings (invalid sequences replaced), bytes as a base64 string, lists,
 * and maps as objects.  A map key that is not a string is written as
 * Storm's serializer writes it, the text of the key's Java toString()
 * (2, [1, 2], {a=1, b=[x]}), built once and escaped once, so that the
 * size stays linear in how deep keys nest (reals and bytes inside it read
 * as in the JSON).  Plain appends to a GString: no allocation per message once the
 * buffer has grown.  Runs on the task's thread; can't fail.
 */
#include "ml_private.h"

#include <math.h>
#include <string.h>

#define FRAME_END "\nend\n"

/* g_string_append_len without the call when there is room (this GLib
 * has no inline one): messages are built from many short pieces. */
static inline void put(GString *out, const char *s, size_t n)
{
  if (G_LIKELY(out->allocated_len - out->len > n)) {
    fc_copy_bytes(out->str + out->len, s, n);
    out->len += n;
    out->str[out->len] = '\0';
  } else {
    g_string_append_len(out, s, (gssize)n);
  }
}
#define PUT(out, literal) put(out, literal, sizeof literal - 1)

/* Decimal digits of v (no printf: this runs for every tuple). */
static void append_int(GString *out, int64_t v)
{
  char buf[24], *end = buf + sizeof buf, *p = end;
  uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
  do
    *--p = (char)('0' + u % 10);
  while (u /= 10);
  if (v < 0) *--p = '-';
  put(out, p, (size_t)(end - p));
}

static void append_uint(GString *out, uint64_t u)
{
  char buf[24], *end = buf + sizeof buf, *p = end;
  do
    *--p = (char)('0' + u % 10);
  while (u /= 10);
  put(out, p, (size_t)(end - p));
}

void ml_encode_string(GString *out, const char *s, size_t len)
{
  gsize mark = out->len;
  const char *end = s + len, *p = s;
  bool checked = false; /* the whole string is valid UTF-8 */
  g_string_append_c(out, '"');
  for (;;) {
    const char *stop = ml_plain_run(p, end);
    put(out, p, (size_t)(stop - p));
    if (stop == end) break;
    unsigned char c = (unsigned char)*stop;
    p = stop + 1;
    if (c >= 0x80) {
      if (!checked && !g_utf8_validate_len(s, len, NULL)) {
        g_autofree char *valid = g_utf8_make_valid(s, (gssize)len);
        g_string_truncate(out, mark);
        ml_encode_string(out, valid, strlen(valid));
        return;
      }
      checked = true;
      g_string_append_c(out, (char)c);
      continue;
    }
    switch (c) {
    case '"':
      PUT(out, "\\\"");
      break;
    case '\\':
      PUT(out, "\\\\");
      break;
    case '\n':
      PUT(out, "\\n");
      break;
    case '\r':
      PUT(out, "\\r");
      break;
    case '\t':
      PUT(out, "\\t");
      break;
    default:
      g_string_append_printf(out, "\\u%04x", c);
      break;
    }
  }
  g_string_append_c(out, '"');
}

static void encode_real(GString *out, double f)
{
  if (!isfinite(f)) {
    PUT(out, "null");
    return;
  }
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  static const char *const formats[] = {"%.15g", "%.16g", "%.17g"};
  for (size_t i = 0; i < G_N_ELEMENTS(formats); i++) /* the shortest that reads back as f */
    if (g_ascii_strtod(g_ascii_formatd(buf, sizeof buf, formats[i], f), NULL) == f) break;
  g_string_append(out, buf);
  if (!strpbrk(buf, ".eE")) PUT(out, ".0"); /* stays a real on the other side */
}

static void encode_bytes(GString *out, const fc_value *v)
{
  g_autofree char *b64 = g_base64_encode(v->u.bytes, v->len);
  g_string_append(out, b64);
}

/* A map key's text, as Java's toString() writes the value: no quotes and
 * no escapes at any depth (the caller escapes the whole once). */
static void append_key_text(GString *out, const fc_value *v)
{
  switch ((fc_type)v->type) {
  case FC_STR:
    put(out, v->u.str, v->len);
    break;
  case FC_BYTES:
    encode_bytes(out, v);
    break;
  case FC_LIST:
    g_string_append_c(out, '[');
    for (uint32_t i = 0; i < v->len; i++) {
      if (i) PUT(out, ", ");
      append_key_text(out, &v->u.items[i]);
    }
    g_string_append_c(out, ']');
    break;
  case FC_MAP:
    g_string_append_c(out, '{');
    for (uint32_t i = 0; i < v->len; i++) {
      if (i) PUT(out, ", ");
      append_key_text(out, &v->u.items[2 * i]);
      g_string_append_c(out, '=');
      append_key_text(out, &v->u.items[2 * i + 1]);
    }
    g_string_append_c(out, '}');
    break;
  default: /* null, booleans, numbers: as in the JSON */
    ml_encode_value(out, v);
    break;
  }
}

void ml_encode_value(GString *out, const fc_value *v)
{
  switch ((fc_type)v->type) {
  case FC_NULL:
    PUT(out, "null");
    break;
  case FC_BOOL:
    g_string_append(out, v->u.b ? "true" : "false");
    break;
  case FC_I64:
    append_int(out, v->u.i);
    break;
  case FC_F64:
    encode_real(out, v->u.f);
    break;
  case FC_STR:
    ml_encode_string(out, v->u.str, v->len);
    break;
  case FC_BYTES:
    g_string_append_c(out, '"');
    encode_bytes(out, v);
    g_string_append_c(out, '"');
    break;
  case FC_LIST:
    g_string_append_c(out, '[');
    for (uint32_t i = 0; i < v->len; i++) {
      if (i) g_string_append_c(out, ',');
      ml_encode_value(out, &v->u.items[i]);
    }
    g_string_append_c(out, ']');
    break;
  case FC_MAP:
    g_string_append_c(out, '{');
    for (uint32_t i = 0; i < v->len; i++) {
      const fc_value *key = &v->u.items[2 * i];
      if (i) g_string_append_c(out, ',');
      if (key->type == FC_STR) {
        ml_encode_value(out, key);
      } else {
        GString *text = g_string_new(NULL);
        append_key_text(text, key);
        ml_encode_string(out, text->str, text->len);
        g_string_free(text, TRUE);
      }
      g_string_append_c(out, ':');
      ml_encode_value(out, &v->u.items[2 * i + 1]);
    }
    g_string_append_c(out, '}');
    break;
  }
}

void ml_encode_tuple_source(GString *out, const char *comp, int task, const char *stream)
{
  PUT(out, "\",\"comp\":");
  if (comp)
    ml_encode_string(out, comp, strlen(comp));
  else
    PUT(out, "null");
  PUT(out, ",\"stream\":");
  ml_encode_string(out, stream, strlen(stream));
  PUT(out, ",\"task\":");
  append_int(out, task);
  PUT(out, ",\"tuple\":[");
}

void ml_encode_tuple_from(GString *out, uint64_t id, const GString *source, const fc_value *values,
                          uint32_t n_values)
{
  PUT(out, "{\"id\":\"");
  append_uint(out, id);
  put(out, source->str, source->len);
  for (uint32_t i = 0; i < n_values; i++) {
    if (i) g_string_append_c(out, ',');
    ml_encode_value(out, &values[i]);
  }
  PUT(out, "]}" FRAME_END);
}

void ml_encode_tuple(GString *out, uint64_t id, const char *comp, int task, const char *stream,
                     const fc_value *values, uint32_t n_values)
{
  GString *source = g_string_new(NULL);
  ml_encode_tuple_source(source, comp, task, stream);
  ml_encode_tuple_from(out, id, source, values, n_values);
  g_string_free(source, TRUE);
}

void ml_encode_heartbeat(GString *out, uint64_t id)
{
  ml_encode_tuple(out, id, NULL, -1, "__heartbeat", NULL, 0);
}

void ml_encode_command(GString *out, const char *command, const char *id_json)
{
  PUT(out, "{\"command\":\"");
  g_string_append(out, command);
  PUT(out, "\",\"id\":");
  g_string_append(out, id_json ? id_json : "\"\"");
  g_string_append_c(out, '}');
  PUT(out, FRAME_END);
}

void ml_encode_task_ids(GString *out, const int *task_ids, size_t n)
{
  g_string_append_c(out, '[');
  for (size_t i = 0; i < n; i++) {
    if (i) g_string_append_c(out, ',');
    append_int(out, task_ids[i]);
  }
  g_string_append_c(out, ']');
  PUT(out, FRAME_END);
}
