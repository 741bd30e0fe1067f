/* value.c — hashing, equality, copying and printing of fc_value trees.
 *
 * Pure functions over values; no state.  Copies go into an arena (see
 * arena.c) so that a batch can own every byte of the records it carries.
 */
#include <gust/fc_value.h>
#include <string.h>

fc_value fc_str(const char *s)
{
  return fc_str_len(s, (uint32_t)strlen(s));
}

/* 64-bit mixing (the finaliser of SplitMix64): cheap and well spread. */
static inline uint64_t mix64(uint64_t x)
{
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

/* The last n < 8 bytes as a little-endian number, without a byte loop:
 * two loads that may overlap (an overlapping byte lands where it belongs
 * in both, so OR-ing them is exact). */
static inline uint64_t tail_bytes(const unsigned char *b, size_t n)
{
  if (n >= 4) {
    uint32_t lo, hi;
    memcpy(&lo, b, 4);
    memcpy(&hi, b + n - 4, 4);
    return (uint64_t)GUINT32_FROM_LE(lo) | (uint64_t)GUINT32_FROM_LE(hi) << (8 * (n - 4));
  }
  if (n == 0) return 0;
  return (uint64_t)b[0] | (uint64_t)b[n / 2] << (8 * (n / 2)) | (uint64_t)b[n - 1] << (8 * (n - 1));
}

static uint64_t hash_bytes(const void *p, size_t n, uint64_t h)
{
  const unsigned char *b = p;
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, b, 8);
    h = mix64(h ^ w);
    b += 8;
    n -= 8;
  }
  return mix64(h ^ tail_bytes(b, n) ^ ((uint64_t)n << 56));
}

static uint64_t hash_into(const fc_value *v, uint64_t h)
{
  h = mix64(h + v->type + 1);
  switch ((fc_type)v->type) {
  case FC_NULL:
    return h;
  case FC_BOOL:
    return mix64(h ^ v->u.b);
  case FC_I64:
    return mix64(h ^ (uint64_t)v->u.i);
  case FC_F64: {
    uint64_t bits;
    double f = v->u.f == 0.0 ? 0.0 : v->u.f; /* -0.0 == 0.0 */
    memcpy(&bits, &f, 8);
    return mix64(h ^ bits);
  }
  case FC_STR:
  case FC_BYTES:
    return hash_bytes(v->u.str, v->len, h);
  case FC_LIST:
    for (uint32_t i = 0; i < v->len; i++)
      h = hash_into(&v->u.items[i], h);
    return mix64(h ^ v->len);
  case FC_MAP: {
    /* Order-insensitive over entries: sum of entry hashes. */
    uint64_t sum = 0;
    for (uint32_t i = 0; i < v->len; i++)
      sum += hash_into(&v->u.items[2 * i + 1], hash_into(&v->u.items[2 * i], 0x9e37));
    return mix64(h ^ sum ^ v->len);
  }
  }
  return h;
}

uint64_t fc_value_hash(const fc_value *v)
{
  return hash_into(v, 0);
}

uint64_t fc_values_hash(const fc_value *v, size_t n)
{
  uint64_t h = 0x51ed27;
  for (size_t i = 0; i < n; i++)
    h = hash_into(&v[i], h);
  return h;
}

static const fc_value *map_lookup(const fc_value *m, const fc_value *key)
{
  for (uint32_t i = 0; i < m->len; i++)
    if (fc_value_equal(&m->u.items[2 * i], key)) return &m->u.items[2 * i + 1];
  return NULL;
}

bool fc_value_equal(const fc_value *a, const fc_value *b)
{
  if (a->type != b->type) return false;
  switch ((fc_type)a->type) {
  case FC_NULL:
    return true;
  case FC_BOOL:
    return a->u.b == b->u.b;
  case FC_I64:
    return a->u.i == b->u.i;
  case FC_F64:
    return a->u.f == b->u.f;
  case FC_STR:
  case FC_BYTES:
    return a->len == b->len && memcmp(a->u.str, b->u.str, a->len) == 0;
  case FC_LIST:
    if (a->len != b->len) return false;
    for (uint32_t i = 0; i < a->len; i++)
      if (!fc_value_equal(&a->u.items[i], &b->u.items[i])) return false;
    return true;
  case FC_MAP:
    if (a->len != b->len) return false;
    for (uint32_t i = 0; i < a->len; i++) {
      const fc_value *other = map_lookup(b, &a->u.items[2 * i]);
      if (!other || !fc_value_equal(&a->u.items[2 * i + 1], other)) return false;
    }
    return true;
  }
  return false;
}

static void copy_into(fc_arena *a, fc_value *dst, const fc_value *src)
{
  *dst = *src;
  switch ((fc_type)src->type) {
  case FC_STR:
  case FC_BYTES:
    dst->u.str = fc_arena_strndup(a, src->u.str, src->len);
    break;
  case FC_LIST:
    dst->u.items = fc_values_copy(a, src->u.items, src->len);
    break;
  case FC_MAP:
    dst->u.items = fc_values_copy(a, src->u.items, (size_t)src->len * 2);
    break;
  default:
    break;
  }
}

fc_value fc_value_copy(fc_arena *a, const fc_value *src)
{
  fc_value out;
  copy_into(a, &out, src);
  return out;
}

fc_value *fc_values_copy(fc_arena *a, const fc_value *src, size_t n)
{
  if (n == 1 && (src->type == FC_STR || src->type == FC_BYTES)) {
    /* the commonest record, one string: value and bytes in one piece */
    fc_value *out = fc_arena_alloc(a, sizeof *out + src->len + 1);
    char *bytes = (char *)(out + 1);
    fc_copy_bytes(bytes, src->u.str, src->len);
    bytes[src->len] = '\0';
    *out = *src;
    out->u.str = bytes;
    return out;
  }
  fc_value *out = fc_arena_alloc(a, n * sizeof *out);
  for (size_t i = 0; i < n; i++)
    copy_into(a, &out[i], &src[i]);
  return out;
}

static void append_json_string(GString *out, const char *s, size_t n)
{
  g_string_append_c(out, '"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\')
      g_string_append_printf(out, "\\%c", c);
    else if (c < 0x20)
      g_string_append_printf(out, "\\u%04x", c);
    else
      g_string_append_c(out, (char)c);
  }
  g_string_append_c(out, '"');
}

void fc_value_append_text(const fc_value *v, GString *out)
{
  switch ((fc_type)v->type) {
  case FC_NULL:
    g_string_append(out, "null");
    break;
  case FC_BOOL:
    g_string_append(out, v->u.b ? "true" : "false");
    break;
  case FC_I64:
    g_string_append_printf(out, "%" G_GINT64_FORMAT, v->u.i);
    break;
  case FC_F64:
    g_string_append_printf(out, "%.17g", v->u.f);
    break;
  case FC_STR:
    append_json_string(out, v->u.str, v->len);
    break;
  case FC_BYTES: {
    gchar *b64 = g_base64_encode(v->u.bytes, v->len);
    append_json_string(out, b64, strlen(b64));
    g_free(b64);
    break;
  }
  case FC_LIST:
    g_string_append_c(out, '[');
    for (uint32_t i = 0; i < v->len; i++) {
      if (i) g_string_append_c(out, ',');
      fc_value_append_text(&v->u.items[i], out);
    }
    g_string_append_c(out, ']');
    break;
  case FC_MAP:
    g_string_append_c(out, '{');
    for (uint32_t i = 0; i < v->len; i++) {
      if (i) g_string_append_c(out, ',');
      fc_value_append_text(&v->u.items[2 * i], out);
      g_string_append_c(out, ':');
      fc_value_append_text(&v->u.items[2 * i + 1], out);
    }
    g_string_append_c(out, '}');
    break;
  }
}
