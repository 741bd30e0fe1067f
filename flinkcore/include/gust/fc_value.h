/* fc_value.h — the engine's typed value model and the arena that holds it.
 *
 * A value is a 16-byte tagged union able to hold any JSON value plus raw
 * bytes: null, bool, i64, f64, string, bytes, list, map.  Strings, bytes,
 * list items and map entries are not owned by the value: they live in
 * whatever memory the builder used (a stack array, a task's scratch arena,
 * or a batch's arena once a record has been emitted).  Copying a value into
 * an arena (fc_value_copy) makes it self-contained in that arena.
 *
 * A map of n entries points at 2*n values laid out key, value, key, value.
 * Strings in an arena copy are NUL-terminated, so .u.str can be printed.
 *
 * An arena is a bump allocator over a chain of chunks.  fc_arena_reset()
 * rewinds it without returning memory to the system, so a recycled batch
 * allocates nothing in steady state.  An arena belongs to one thread at a
 * time; it has no locks.
 */
#ifndef GUST_FC_VALUE_H
#define GUST_FC_VALUE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

G_BEGIN_DECLS

typedef enum {
  FC_NULL = 0,
  FC_BOOL,
  FC_I64,
  FC_F64,
  FC_STR,
  FC_BYTES,
  FC_LIST,
  FC_MAP,
} fc_type;

typedef struct fc_value fc_value;
struct fc_value {
  uint8_t type; /* fc_type */
  uint32_t len; /* bytes for STR/BYTES, items for LIST, entries for MAP */
  union {
    bool b;
    int64_t i;
    double f;
    const char *str;       /* STR: len bytes (NUL-terminated in arena copies) */
    const uint8_t *bytes;  /* BYTES: len bytes */
    const fc_value *items; /* LIST: len items; MAP: 2*len (key, value) */
  } u;
};

static inline fc_value fc_null(void)
{
  return (fc_value){.type = FC_NULL};
}
static inline fc_value fc_bool(bool b)
{
  return (fc_value){.type = FC_BOOL, .u.b = b};
}
static inline fc_value fc_i64(int64_t i)
{
  return (fc_value){.type = FC_I64, .u.i = i};
}
static inline fc_value fc_f64(double f)
{
  return (fc_value){.type = FC_F64, .u.f = f};
}
static inline fc_value fc_str_len(const char *s, uint32_t len)
{
  return (fc_value){.type = FC_STR, .len = len, .u.str = s};
}
fc_value fc_str(const char *s); /* strlen(s); s is borrowed */
static inline fc_value fc_bytes(const void *p, uint32_t len)
{
  return (fc_value){.type = FC_BYTES, .len = len, .u.bytes = p};
}
static inline fc_value fc_list(const fc_value *items, uint32_t n)
{
  return (fc_value){.type = FC_LIST, .len = n, .u.items = items};
}
/* kv holds 2*n values: key0, value0, key1, value1, ... */
static inline fc_value fc_map(const fc_value *kv, uint32_t n)
{
  return (fc_value){.type = FC_MAP, .len = n, .u.items = kv};
}

/* Hash of a value's content (type and bytes; lists and maps recursively).
 * Equal values hash equally; i64 1 and f64 1.0 are different values. */
uint64_t fc_value_hash(const fc_value *v);
/* Hash of several values, in order: what a fields grouping keys on. */
uint64_t fc_values_hash(const fc_value *v, size_t n);
bool fc_value_equal(const fc_value *a, const fc_value *b);
/* Appends a JSON-like rendering of v to out (bytes as base64 in quotes). */
void fc_value_append_text(const fc_value *v, GString *out);

/* ---- arena ---- */

typedef struct fc_arena_chunk fc_arena_chunk;
typedef struct {
  fc_arena_chunk *first; /* chain kept across resets */
  fc_arena_chunk *cur;
  size_t chunk_size;
  size_t bytes_reserved;     /* sum of chunk sizes: what the arena holds */
  unsigned char *next, *end; /* the free part of cur */
} fc_arena;

/* chunk_size 0 picks the default (16 KiB). Cannot fail (g_malloc aborts on OOM). */
void fc_arena_init(fc_arena *a, size_t chunk_size);
void fc_arena_clear(fc_arena *a); /* frees every chunk */
void fc_arena_reset(fc_arena *a); /* rewinds; keeps the chunks */
void *fc_arena_alloc_slow(fc_arena *a, size_t size);
/* 8-byte aligned.  Inline: values are copied into arenas for every record. */
static inline void *fc_arena_alloc(fc_arena *a, size_t size)
{
  size = size ? (size + 7) & ~(size_t)7 : 8;
  if (G_LIKELY((size_t)(a->end - a->next) >= size)) {
    void *p = a->next;
    a->next += size;
    return p;
  }
  return fc_arena_alloc_slow(a, size);
}
char *fc_arena_strndup(fc_arena *a, const char *s, size_t n);
/* memcpy for the short texts most values and ids are, without a call: up
 * to sixteen bytes in two loads that may overlap. */
static inline void fc_copy_bytes(char *dst, const char *src, size_t n)
{
  if (n >= 8 && n <= 16) {
    uint64_t x, y;
    memcpy(&x, src, 8);
    memcpy(&y, src + n - 8, 8);
    memcpy(dst, &x, 8);
    memcpy(dst + n - 8, &y, 8);
  } else if (n >= 4 && n < 8) {
    uint32_t x, y;
    memcpy(&x, src, 4);
    memcpy(&y, src + n - 4, 4);
    memcpy(dst, &x, 4);
    memcpy(dst + n - 4, &y, 4);
  } else if (n < 4) {
    for (size_t i = 0; i < n; i++)
      dst[i] = src[i];
  } else {
    memcpy(dst, src, n);
  }
}

/* Deep-copies src into the arena; returns the copy (which refers only to
 * arena memory and to nothing of src). */
fc_value fc_value_copy(fc_arena *a, const fc_value *src);
/* Copies n values (deeply) into a new array in the arena. */
fc_value *fc_values_copy(fc_arena *a, const fc_value *src, size_t n);

G_END_DECLS

#endif
