/* state_codec.c — the bytes state is stored as: varints, fc_value
 * encoding, and the checksum that guards snapshot bytes.
 *
 * A value is a type byte (fc_type) and then:
 *   null: nothing; bool: 1 byte; i64: 8 bytes big-endian; f64: its 8 bytes
 *   (IEEE-754 bits, big-endian); str, bytes: varint length, the bytes;
 *   list: varint count, the items; map: varint count, key, value, ...
 * Keys are encoded canonically, so that values equal by fc_value_equal
 * address the same entry: map entries sorted by their encoding and -0.0
 * written as 0.0.  Decoding checks every length against the end of the
 * buffer and limits nesting, so damaged bytes give FALSE, never a crash.
 *
 * The checksum chains SplitMix64's finaliser over 8-byte words; the
 * streaming form (st_hash) gives the same result however the stream is cut.
 * Pure functions; any thread.
 */
#include "state_private.h"

#include <string.h>

enum { MAX_DEPTH = 64 };

uint64_t st_hash_mix(uint64_t x)
{
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

/* ---- varints (LEB128) ---- */

size_t st_encode_varint(uint8_t buf[ST_VARINT_MAX], uint64_t v)
{
  size_t n = 0;
  do {
    buf[n] = (uint8_t)(v & 0x7f);
    v >>= 7;
    if (v) buf[n] |= 0x80;
    n++;
  } while (v);
  return n;
}

void st_put_varint(GByteArray *out, uint64_t v)
{
  uint8_t buf[ST_VARINT_MAX];
  g_byte_array_append(out, buf, (guint)st_encode_varint(buf, v));
}

gboolean st_get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
  uint64_t r = 0;
  for (unsigned shift = 0; shift < 64 && *p < end; shift += 7) {
    uint8_t b = *(*p)++;
    r |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *v = r;
      return TRUE;
    }
  }
  return FALSE;
}

/* ---- values ---- */

static void put_be64(GByteArray *out, uint64_t v)
{
  uint8_t b[8];
  for (int i = 7; i >= 0; i--, v >>= 8)
    b[i] = (uint8_t)v;
  g_byte_array_append(out, b, 8);
}

static uint64_t get_be64(const uint8_t *b)
{
  uint64_t v = 0;
  for (int i = 0; i < 8; i++)
    v = v << 8 | b[i];
  return v;
}

static int compare_arrays(gconstpointer a, gconstpointer b)
{
  const GByteArray *x = *(GByteArray *const *)a, *y = *(GByteArray *const *)b;
  int c = memcmp(x->data, y->data, MIN(x->len, y->len));
  return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Map entries in a canonical order: each entry encoded on its own, sorted. */
static void encode_map_canonical(GByteArray *out, const fc_value *v)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
  for (uint32_t i = 0; i < v->len; i++) {
    GByteArray *e = g_byte_array_new();
    st_encode_value(e, &v->u.items[2 * i], TRUE);
    st_encode_value(e, &v->u.items[2 * i + 1], TRUE);
    g_ptr_array_add(entries, e);
  }
  g_ptr_array_sort(entries, compare_arrays);
  for (guint i = 0; i < entries->len; i++) {
    GByteArray *e = entries->pdata[i];
    g_byte_array_append(out, e->data, e->len);
  }
  g_ptr_array_unref(entries);
}

void st_encode_value(GByteArray *out, const fc_value *v, gboolean canonical)
{
  uint8_t type = v->type;
  g_byte_array_append(out, &type, 1);
  switch ((fc_type)v->type) {
  case FC_NULL:
    return;
  case FC_BOOL: {
    uint8_t b = v->u.b ? 1 : 0;
    g_byte_array_append(out, &b, 1);
    return;
  }
  case FC_I64:
    put_be64(out, (uint64_t)v->u.i);
    return;
  case FC_F64: {
    double f = canonical && v->u.f == 0.0 ? 0.0 : v->u.f;
    uint64_t bits;
    memcpy(&bits, &f, 8);
    put_be64(out, bits);
    return;
  }
  case FC_STR:
  case FC_BYTES:
    st_put_varint(out, v->len);
    if (v->len) g_byte_array_append(out, (const guint8 *)v->u.bytes, v->len);
    return;
  case FC_LIST:
    st_put_varint(out, v->len);
    for (uint32_t i = 0; i < v->len; i++)
      st_encode_value(out, &v->u.items[i], canonical);
    return;
  case FC_MAP:
    st_put_varint(out, v->len);
    if (canonical && v->len > 1) {
      encode_map_canonical(out, v);
      return;
    }
    for (uint32_t i = 0; i < 2 * v->len; i++)
      st_encode_value(out, &v->u.items[i], canonical);
    return;
  }
  g_assert_not_reached();
}

static gboolean decode(const uint8_t **p, const uint8_t *end, fc_arena *arena, fc_value *out,
                       int depth)
{
  if (*p >= end || depth > MAX_DEPTH) return FALSE;
  uint8_t type = *(*p)++;
  uint64_t n;
  *out = (fc_value){.type = type};
  switch ((fc_type)type) {
  case FC_NULL:
    return TRUE;
  case FC_BOOL:
    if (*p >= end || **p > 1) return FALSE;
    out->u.b = *(*p)++ != 0;
    return TRUE;
  case FC_I64:
  case FC_F64: {
    if (end - *p < 8) return FALSE;
    uint64_t bits = get_be64(*p);
    *p += 8;
    if (type == FC_I64)
      out->u.i = (int64_t)bits;
    else
      memcpy(&out->u.f, &bits, 8);
    return TRUE;
  }
  case FC_STR:
  case FC_BYTES:
    if (!st_get_varint(p, end, &n) || n > (uint64_t)(end - *p) || n > UINT32_MAX) return FALSE;
    out->len = (uint32_t)n;
    if (type == FC_STR)
      out->u.str = fc_arena_strndup(arena, (const char *)*p, n);
    else {
      uint8_t *b = fc_arena_alloc(arena, n ? n : 1);
      memcpy(b, *p, n);
      out->u.bytes = b;
    }
    *p += n;
    return TRUE;
  case FC_LIST:
  case FC_MAP: {
    if (!st_get_varint(p, end, &n)) return FALSE;
    uint64_t items = type == FC_MAP ? 2 * n : n;
    /* every item takes at least one byte: a bound before allocating */
    if (n > UINT32_MAX || items > (uint64_t)(end - *p)) return FALSE;
    fc_value *v = fc_arena_alloc(arena, sizeof(fc_value) * (items ? items : 1));
    for (uint64_t i = 0; i < items; i++)
      if (!decode(p, end, arena, &v[i], depth + 1)) return FALSE;
    out->len = (uint32_t)n;
    out->u.items = v;
    return TRUE;
  }
  }
  return FALSE;
}

gboolean st_decode_value(const uint8_t **p, const uint8_t *end, fc_arena *arena, fc_value *out)
{
  return decode(p, end, arena, out, 0);
}

/* ---- checksum ---- */

void st_hash_init(st_hash *hs)
{
  *hs = (st_hash){.h = 0x6a09e667f3bcc908ULL};
}

static inline void hash_word(st_hash *hs, const uint8_t *w)
{
  uint64_t x;
  memcpy(&x, w, 8);
  hs->h = st_hash_mix(hs->h ^ x);
}

void st_hash_update(st_hash *hs, const void *data, size_t n)
{
  const uint8_t *p = data;
  hs->total += n;
  if (!n) return;
  if (hs->n_tail) {
    size_t take = MIN(n, 8 - (size_t)hs->n_tail);
    memcpy(hs->tail + hs->n_tail, p, take);
    hs->n_tail += (unsigned)take;
    p += take;
    n -= take;
    if (hs->n_tail < 8) return;
    hash_word(hs, hs->tail);
    hs->n_tail = 0;
  }
  for (; n >= 8; p += 8, n -= 8)
    hash_word(hs, p);
  if (n) memcpy(hs->tail, p, n);
  hs->n_tail = (unsigned)n;
}

uint64_t st_hash_final(const st_hash *hs)
{
  uint8_t last[8] = {0};
  memcpy(last, hs->tail, hs->n_tail);
  uint64_t x;
  memcpy(&x, last, 8);
  return st_hash_mix(hs->h ^ x ^ st_hash_mix(hs->total));
}

uint64_t st_hash_bytes(const void *p, size_t n)
{
  st_hash hs;
  st_hash_init(&hs);
  st_hash_update(&hs, p, n);
  return st_hash_final(&hs);
}
