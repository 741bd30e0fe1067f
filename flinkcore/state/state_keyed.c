/* state_keyed.c — value, map and list state over the backend interface.
 *
 * An entry's primary key is: kind byte ('v', 'm', 'l'), varint name length,
 * the name, the key encoded canonically (state_codec.c).  Its key group is
 * fc_state_key_group(key).  Map entries add the canonical map key as the
 * secondary key.  Values are stored encoded; a list's bytes are its
 * elements, each a varint length and an encoded value, so appending is a
 * backend append (in RocksDB a merge: no read).
 *
 * Every call encodes its address into the state's scratch buffers, which
 * is why an fc_state belongs to one thread.  Decoded values go into the
 * caller's arena (reads) or the state's scratch arena, rewound per entry
 * (iteration callbacks).
 */
#include "state_private.h"

#include <string.h>

enum { MAX_NAME = 65535 };

/* Encodes the address of (kind, name, key[, map_key]) into st's buffers. */
static gboolean make_addr(fc_state *st, char kind, const char *name, const fc_value *key,
                          const fc_value *map_key, st_addr *a, GError **error)
{
  size_t n = strlen(name);
  if (n > MAX_NAME) {
    st_set_error(error, st, FC_STATE_ERROR_INVALID, "state name of %zu bytes (at most %d)", n,
                 MAX_NAME);
    return FALSE;
  }
  uint8_t k = (uint8_t)kind;
  g_byte_array_set_size(st->pk, 0);
  g_byte_array_append(st->pk, &k, 1);
  st_put_varint(st->pk, n);
  g_byte_array_append(st->pk, (const guint8 *)name, (guint)n);
  st_encode_value(st->pk, key, TRUE);
  g_byte_array_set_size(st->sk, 0);
  if (map_key) st_encode_value(st->sk, map_key, TRUE);
  *a = (st_addr){.kg = fc_state_key_group(key),
                 .pk = st->pk->data,
                 .pk_len = st->pk->len,
                 .sk = st->sk->data,
                 .sk_len = st->sk->len};
  return TRUE;
}

static gboolean damaged(GError **error, const fc_state *st, const char *name)
{
  st_set_error(error, st, FC_STATE_ERROR_CORRUPT, "state '%s' holds a damaged value", name);
  return FALSE;
}

/* One encoded value, all of v..v+n, into arena; NULL with *error if not. */
static const fc_value *decode_one(fc_state *st, const char *name, const uint8_t *v, size_t n,
                                  fc_arena *arena, GError **error)
{
  fc_value *out = fc_arena_alloc(arena, sizeof *out);
  const uint8_t *p = v, *end = v + n;
  if (!st_decode_value(&p, end, arena, out) || p != end) {
    damaged(error, st, name);
    return NULL;
  }
  return out;
}

/* A list's bytes as values in arena; FALSE if damaged. */
static gboolean decode_list(const uint8_t *v, size_t n, fc_arena *arena, fc_value **items,
                            size_t *count)
{
  const uint8_t *p = v, *end = v + n;
  size_t c = 0;
  while (p < end) { /* count first: one allocation */
    uint64_t len;
    if (!st_get_varint(&p, end, &len) || len > (uint64_t)(end - p)) return FALSE;
    p += len;
    c++;
  }
  fc_value *out = fc_arena_alloc(arena, sizeof(fc_value) * (c ? c : 1));
  p = v;
  for (size_t i = 0; i < c; i++) {
    uint64_t len;
    st_get_varint(&p, end, &len);
    const uint8_t *item_end = p + len;
    if (!st_decode_value(&p, item_end, arena, &out[i]) || p != item_end) return FALSE;
  }
  *items = out;
  *count = c;
  return TRUE;
}

static gboolean store(fc_state *st, const st_addr *a, const fc_value *value, GError **error)
{
  g_byte_array_set_size(st->val, 0);
  st_encode_value(st->val, value, FALSE);
  return st->ops->put(st, a, st->val->data, st->val->len, error);
}

static const fc_value *fetch(fc_state *st, const char *name, const st_addr *a, fc_arena *arena,
                             GError **error)
{
  const uint8_t *v;
  size_t n;
  if (!st->ops->get(st, a, &v, &n, error) || !v) return NULL;
  return decode_one(st, name, v, n, arena, error);
}

/* ---- value state ---- */

const fc_value *fc_state_value_get(fc_state *st, const char *name, const fc_value *key,
                                   fc_arena *arena, GError **error)
{
  st_addr a;
  if (!make_addr(st, FC_STATE_VALUE, name, key, NULL, &a, error)) return NULL;
  return fetch(st, name, &a, arena, error);
}

gboolean fc_state_value_put(fc_state *st, const char *name, const fc_value *key,
                            const fc_value *value, GError **error)
{
  st_addr a;
  return make_addr(st, FC_STATE_VALUE, name, key, NULL, &a, error) && store(st, &a, value, error);
}

gboolean fc_state_value_delete(fc_state *st, const char *name, const fc_value *key, GError **error)
{
  st_addr a;
  return make_addr(st, FC_STATE_VALUE, name, key, NULL, &a, error) &&
         st->ops->remove(st, &a, error);
}

/* ---- map state ---- */

const fc_value *fc_state_map_get(fc_state *st, const char *name, const fc_value *key,
                                 const fc_value *map_key, fc_arena *arena, GError **error)
{
  st_addr a;
  if (!make_addr(st, FC_STATE_MAP, name, key, map_key, &a, error)) return NULL;
  return fetch(st, name, &a, arena, error);
}

gboolean fc_state_map_put(fc_state *st, const char *name, const fc_value *key,
                          const fc_value *map_key, const fc_value *value, GError **error)
{
  st_addr a;
  return make_addr(st, FC_STATE_MAP, name, key, map_key, &a, error) && store(st, &a, value, error);
}

gboolean fc_state_map_remove(fc_state *st, const char *name, const fc_value *key,
                             const fc_value *map_key, GError **error)
{
  st_addr a;
  return make_addr(st, FC_STATE_MAP, name, key, map_key, &a, error) &&
         st->ops->remove(st, &a, error);
}

typedef struct {
  fc_state *st;
  const char *name;
  fc_state_map_fn fn;
  void *data;
  gboolean damaged;
} map_walk;

static gboolean map_entry(const st_addr *a, const uint8_t *v, size_t v_len, void *data)
{
  map_walk *w = data;
  fc_arena *arena = &w->st->scratch;
  fc_arena_reset(arena);
  fc_value mk, val;
  const uint8_t *p = a->sk, *end = a->sk + a->sk_len;
  if (a->sk_len == 0) return TRUE;
  if (!st_decode_value(&p, end, arena, &mk) || p != end) goto bad;
  p = v;
  end = v + v_len;
  if (!st_decode_value(&p, end, arena, &val) || p != end) goto bad;
  return w->fn(&mk, &val, w->data);
bad:
  w->damaged = TRUE;
  return FALSE;
}

gboolean fc_state_map_iterate(fc_state *st, const char *name, const fc_value *key,
                              fc_state_map_fn fn, void *data, GError **error)
{
  st_addr a;
  if (!make_addr(st, FC_STATE_MAP, name, key, NULL, &a, error)) return FALSE;
  map_walk w = {.st = st, .name = name, .fn = fn, .data = data};
  if (!st->ops->scan(st, &a, map_entry, &w, error)) return FALSE;
  return w.damaged ? damaged(error, st, name) : TRUE;
}

gboolean fc_state_map_clear(fc_state *st, const char *name, const fc_value *key, GError **error)
{
  st_addr a;
  return make_addr(st, FC_STATE_MAP, name, key, NULL, &a, error) &&
         st->ops->remove_all(st, &a, error);
}

/* ---- list state ---- */

gboolean fc_state_list_append(fc_state *st, const char *name, const fc_value *key,
                              const fc_value *value, GError **error)
{
  st_addr a;
  if (!make_addr(st, FC_STATE_LIST, name, key, NULL, &a, error)) return FALSE;
  g_autoptr(GByteArray) enc = g_byte_array_new();
  st_encode_value(enc, value, FALSE);
  g_byte_array_set_size(st->val, 0);
  st_put_varint(st->val, enc->len);
  g_byte_array_append(st->val, enc->data, enc->len);
  return st->ops->append(st, &a, st->val->data, st->val->len, error);
}

const fc_value *fc_state_list_get(fc_state *st, const char *name, const fc_value *key,
                                  fc_arena *arena, size_t *n, GError **error)
{
  *n = 0;
  st_addr a;
  if (!make_addr(st, FC_STATE_LIST, name, key, NULL, &a, error)) return NULL;
  const uint8_t *v;
  size_t len;
  if (!st->ops->get(st, &a, &v, &len, error) || !v || len == 0) return NULL;
  fc_value *items;
  if (!decode_list(v, len, arena, &items, n)) {
    *n = 0;
    damaged(error, st, name);
    return NULL;
  }
  return items;
}

gboolean fc_state_list_clear(fc_state *st, const char *name, const fc_value *key, GError **error)
{
  st_addr a;
  return make_addr(st, FC_STATE_LIST, name, key, NULL, &a, error) && st->ops->remove(st, &a, error);
}

/* ---- everything ---- */

typedef struct {
  fc_state *st;
  fc_state_entry_fn fn;
  void *data;
  gboolean damaged;
} all_walk;

/* Splits a primary key into kind, name and key (decoded into arena). */
static gboolean parse_pk(const st_addr *a, fc_arena *arena, fc_state_entry *e, fc_value *key)
{
  const uint8_t *p = a->pk, *end = a->pk + a->pk_len;
  uint64_t n;
  if (p >= end) return FALSE;
  e->kind = (fc_state_kind)*p++;
  if (e->kind != FC_STATE_VALUE && e->kind != FC_STATE_MAP && e->kind != FC_STATE_LIST)
    return FALSE;
  if (!st_get_varint(&p, end, &n) || n > (uint64_t)(end - p)) return FALSE;
  e->name = fc_arena_strndup(arena, (const char *)p, n);
  p += n;
  if (!st_decode_value(&p, end, arena, key) || p != end) return FALSE;
  e->key = key;
  return TRUE;
}

static gboolean any_entry(const st_addr *a, const uint8_t *v, size_t v_len, void *data)
{
  all_walk *w = data;
  fc_arena *arena = &w->st->scratch;
  fc_arena_reset(arena);
  fc_state_entry e = {.key_group = a->kg};
  fc_value key, map_key, value;
  if (!parse_pk(a, arena, &e, &key)) goto bad;
  const uint8_t *p = a->sk, *end = a->sk + a->sk_len;
  if (e.kind == FC_STATE_MAP) {
    if (!st_decode_value(&p, end, arena, &map_key) || p != end) goto bad;
    e.map_key = &map_key;
  } else if (a->sk_len) {
    goto bad;
  }
  if (e.kind == FC_STATE_LIST) {
    fc_value *items;
    size_t n;
    if (!decode_list(v, v_len, arena, &items, &n)) goto bad;
    value = fc_list(items, (uint32_t)n);
  } else {
    p = v;
    end = v + v_len;
    if (!st_decode_value(&p, end, arena, &value) || p != end) goto bad;
  }
  e.value = &value;
  return w->fn(&e, w->data);
bad:
  w->damaged = TRUE;
  return FALSE;
}

gboolean fc_state_foreach(fc_state *st, fc_state_entry_fn fn, void *data, GError **error)
{
  all_walk w = {.st = st, .fn = fn, .data = data};
  if (!st->ops->export_groups(st, 0, FC_STATE_KEY_GROUPS - 1, any_entry, &w, error)) return FALSE;
  if (w.damaged) {
    st_set_error(error, st, FC_STATE_ERROR_CORRUPT, "holds a damaged entry");
    return FALSE;
  }
  return TRUE;
}
