/* jvm_wire.c — the JVM host's binary wire format (see jvm_private.h):
 * writing records and values into a frame, reading them back with every
 * size checked against the frame (what the JVM sends is untrusted). */
#include "jvm_private.h"

enum { MAX_DEPTH = 64 };

void jw_begin(GString *out)
{
  g_string_set_size(out, 4);
}

void jw_end(GString *out)
{
  uint32_t le = GUINT32_TO_LE((uint32_t)(out->len - 4));
  memcpy(out->str, &le, 4);
}

void jw_str(GString *out, const char *s, size_t len)
{
  jw_i32(out, (int32_t)len);
  jw_bytes(out, s, len);
}

void jw_value(GString *out, const fc_value *v)
{
  switch ((fc_type)v->type) {
  case FC_NULL:
    jw_u8(out, JW_V_NULL);
    return;
  case FC_BOOL:
    jw_u8(out, v->u.b ? JW_V_TRUE : JW_V_FALSE);
    return;
  case FC_I64:
    jw_u8(out, JW_V_I64);
    jw_i64(out, v->u.i);
    return;
  case FC_F64: {
    int64_t bits;
    memcpy(&bits, &v->u.f, 8);
    jw_u8(out, JW_V_F64);
    jw_i64(out, bits);
    return;
  }
  case FC_STR: { /* the common case: one copy */
    uint8_t *p = jw_room(out, 5 + (size_t)v->len);
    uint32_t le = GUINT32_TO_LE(v->len);
    p[0] = JW_V_STR;
    memcpy(p + 1, &le, 4);
    memcpy(p + 5, v->u.str, v->len);
    jw_advance(out, 5 + (size_t)v->len);
    return;
  }
  case FC_BYTES:
    jw_u8(out, JW_V_BYTES);
    jw_str(out, (const char *)v->u.bytes, v->len);
    return;
  case FC_LIST:
    jw_u8(out, JW_V_LIST);
    jw_i32(out, (int32_t)v->len);
    for (uint32_t i = 0; i < v->len; i++)
      jw_value(out, &v->u.items[i]);
    return;
  case FC_MAP:
    jw_u8(out, JW_V_MAP);
    jw_i32(out, (int32_t)v->len);
    for (uint32_t i = 0; i < 2 * v->len; i++)
      jw_value(out, &v->u.items[i]);
    return;
  }
  jw_u8(out, JW_V_NULL);
}

void jw_json(GString *out, const json_t *v)
{
  switch (json_typeof(v)) {
  case JSON_OBJECT: {
    jw_u8(out, JW_V_MAP);
    jw_i32(out, (int32_t)json_object_size(v));
    const char *key;
    json_t *item;
    json_object_foreach((json_t *)v, key, item)
    {
      jw_u8(out, JW_V_STR);
      jw_str(out, key, strlen(key));
      jw_json(out, item);
    }
    return;
  }
  case JSON_ARRAY: {
    jw_u8(out, JW_V_LIST);
    jw_i32(out, (int32_t)json_array_size(v));
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) jw_json(out, item);
    return;
  }
  case JSON_STRING:
    jw_u8(out, JW_V_STR);
    jw_str(out, json_string_value(v), json_string_length(v));
    return;
  case JSON_INTEGER:
    jw_u8(out, JW_V_I64);
    jw_i64(out, json_integer_value(v));
    return;
  case JSON_REAL: {
    double f = json_real_value(v);
    int64_t bits;
    memcpy(&bits, &f, 8);
    jw_u8(out, JW_V_F64);
    jw_i64(out, bits);
    return;
  }
  case JSON_TRUE:
    jw_u8(out, JW_V_TRUE);
    return;
  case JSON_FALSE:
    jw_u8(out, JW_V_FALSE);
    return;
  case JSON_NULL:
    jw_u8(out, JW_V_NULL);
    return;
  }
}

static gboolean short_frame(jr *r)
{
  if (!r->error) r->error = "the frame ends inside a record";
  return FALSE;
}

gboolean jr_u8(jr *r, uint8_t *v)
{
  if (r->end - r->p < 1) return short_frame(r);
  *v = *r->p++;
  return TRUE;
}

gboolean jr_i32(jr *r, int32_t *v)
{
  uint32_t le;
  if (r->end - r->p < 4) return short_frame(r);
  memcpy(&le, r->p, 4);
  r->p += 4;
  *v = (int32_t)GUINT32_FROM_LE(le);
  return TRUE;
}

gboolean jr_i64(jr *r, int64_t *v)
{
  uint64_t le;
  if (r->end - r->p < 8) return short_frame(r);
  memcpy(&le, r->p, 8);
  r->p += 8;
  *v = (int64_t)GUINT64_FROM_LE(le);
  return TRUE;
}

/* A count of items or bytes that the rest of the frame can hold. */
static gboolean jr_count(jr *r, uint32_t *n)
{
  int32_t v;
  if (!jr_i32(r, &v)) return FALSE;
  if (v < 0 || v > r->end - r->p) {
    r->error = "a count is larger than the rest of the frame";
    return FALSE;
  }
  *n = (uint32_t)v;
  return TRUE;
}

gboolean jr_str(jr *r, const char **s, uint32_t *len)
{
  if (!jr_count(r, len)) return FALSE;
  *s = (const char *)r->p;
  r->p += *len;
  return TRUE;
}

static gboolean read_value(jr *r, fc_arena *arena, fc_value *v, int depth)
{
  uint8_t tag;
  if (!jr_u8(r, &tag)) return FALSE;
  switch (tag) {
  case JW_V_NULL:
    *v = fc_null();
    return TRUE;
  case JW_V_FALSE:
  case JW_V_TRUE:
    *v = fc_bool(tag == JW_V_TRUE);
    return TRUE;
  case JW_V_I64: {
    int64_t i;
    if (!jr_i64(r, &i)) return FALSE;
    *v = fc_i64(i);
    return TRUE;
  }
  case JW_V_F64: {
    int64_t bits;
    double f;
    if (!jr_i64(r, &bits)) return FALSE;
    memcpy(&f, &bits, 8);
    *v = fc_f64(f);
    return TRUE;
  }
  case JW_V_STR:
  case JW_V_BYTES: {
    const char *s;
    uint32_t len;
    if (!jr_str(r, &s, &len)) return FALSE;
    *v = tag == JW_V_STR ? fc_str_len(s, len) : fc_bytes((const uint8_t *)s, len);
    return TRUE;
  }
  case JW_V_LIST:
  case JW_V_MAP: {
    uint32_t n;
    if (depth >= MAX_DEPTH) {
      r->error = "values nest too deeply";
      return FALSE;
    }
    if (!jr_count(r, &n)) return FALSE;
    uint32_t items = tag == JW_V_MAP ? 2 * n : n;
    fc_value *a = fc_arena_alloc(arena, (size_t)MAX(items, 1) * sizeof(fc_value));
    for (uint32_t i = 0; i < items; i++)
      if (!read_value(r, arena, &a[i], depth + 1)) return FALSE;
    *v = tag == JW_V_MAP ? fc_map(a, n) : fc_list(a, n);
    return TRUE;
  }
  default:
    r->error = "unknown value tag";
    return FALSE;
  }
}

gboolean jr_value(jr *r, fc_arena *arena, fc_value *v)
{
  return read_value(r, arena, v, 0);
}

static json_t *json_of(const fc_value *v)
{
  switch ((fc_type)v->type) {
  case FC_BOOL:
    return json_boolean(v->u.b);
  case FC_I64:
    return json_integer(v->u.i);
  case FC_F64:
    return json_real(v->u.f);
  case FC_STR:
    return json_stringn(v->u.str, v->len);
  case FC_LIST: {
    json_t *a = json_array();
    for (uint32_t i = 0; i < v->len; i++)
      json_array_append_new(a, json_of(&v->u.items[i]));
    return a;
  }
  case FC_MAP: {
    json_t *o = json_object();
    for (uint32_t i = 0; i < v->len; i++) {
      const fc_value *k = &v->u.items[2 * i];
      if (k->type != FC_STR) continue; /* configuration keys are strings */
      g_autofree char *key = g_strndup(k->u.str, k->len);
      json_object_set_new(o, key, json_of(&v->u.items[2 * i + 1]));
    }
    return o;
  }
  case FC_NULL:
  case FC_BYTES: /* a Java object: only the JVM can read it */
  default:
    return json_null();
  }
}

json_t *jr_json(jr *r)
{
  fc_arena arena;
  fc_arena_init(&arena, 4096);
  fc_value v;
  json_t *j = jr_value(r, &arena, &v) ? json_of(&v) : NULL;
  fc_arena_clear(&arena);
  return j;
}
