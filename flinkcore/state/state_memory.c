/* state_memory.c — the in-memory state backend: hash tables of byte keys
 * to byte values, snapshotted by serializing them.
 *
 * One GHashTable per key group (made on first use), from primary key to
 * an entry: the entry's own bytes (sk empty: value state, or a list's
 * concatenated elements) and, for map state, a second table from
 * secondary key to bytes.  Keys are length-prefixed blobs (mem_key);
 * lookups build one in a scratch buffer, so a read allocates nothing.
 *
 * A snapshot is the portable format (state_format.c): into the snapshot
 * bytes, or, when the state's estimated size exceeds spill_bytes and the
 * checkpoint has a directory, into the file
 * <chk-dir>/task-<n>-memory.state, named by a short reference in the
 * bytes (so the coordinator never holds a large state in memory twice).
 * Everything runs on the owning task's thread.
 */
#include "state_private.h"

#include <errno.h>
#include <string.h>

typedef struct {
  uint32_t len;
  uint8_t data[];
} mem_key;

typedef struct {
  uint8_t *data;
  size_t len, cap;
} mem_buf;

typedef struct {
  mem_buf value;
  gboolean has_value;
  GHashTable *subs; /* mem_key* -> mem_buf*; NULL until a map entry is put */
} mem_entry;

typedef struct {
  fc_state base;
  GHashTable *groups[FC_STATE_KEY_GROUPS]; /* mem_key* -> mem_entry* */
  GByteArray *lookup;                      /* a mem_key being looked up */
  uint64_t bytes;                          /* about what a snapshot writes */
} mem_state;

#define ENTRY_OVERHEAD 8 /* per entry in the estimate: its varints */

static guint key_hash(gconstpointer k)
{
  const mem_key *key = k;
  return (guint)st_hash_bytes(key->data, key->len);
}

static gboolean key_equal(gconstpointer a, gconstpointer b)
{
  const mem_key *x = a, *y = b;
  return x->len == y->len && memcmp(x->data, y->data, x->len) == 0;
}

static mem_key *key_new(const uint8_t *p, size_t n)
{
  mem_key *k = g_malloc(sizeof(mem_key) + n);
  k->len = (uint32_t)n;
  if (n) memcpy(k->data, p, n);
  return k;
}

/* A mem_key view of p in the scratch buffer (valid until the next call). */
static const mem_key *key_view(mem_state *m, const uint8_t *p, size_t n)
{
  uint32_t len = (uint32_t)n;
  g_byte_array_set_size(m->lookup, 0);
  g_byte_array_append(m->lookup, (const guint8 *)&len, sizeof len);
  if (n) g_byte_array_append(m->lookup, p, (guint)n);
  return (const mem_key *)m->lookup->data;
}

static void buf_set(mem_buf *b, const uint8_t *p, size_t n, gboolean append)
{
  size_t need = append ? b->len + n : n;
  if (need > b->cap) {
    b->cap = MAX(need, b->cap * 2);
    b->data = g_realloc(b->data, b->cap ? b->cap : 1);
  }
  if (n) memcpy(b->data + (append ? b->len : 0), p, n);
  b->len = need;
}

static void buf_free(gpointer p)
{
  mem_buf *b = p;
  g_free(b->data);
  g_free(b);
}

static void entry_free(gpointer p)
{
  mem_entry *e = p;
  g_free(e->value.data);
  if (e->subs) g_hash_table_unref(e->subs);
  g_free(e);
}

static GHashTable *group(mem_state *m, uint32_t kg, gboolean create)
{
  if (!m->groups[kg] && create)
    m->groups[kg] = g_hash_table_new_full(key_hash, key_equal, g_free, entry_free);
  return m->groups[kg];
}

static mem_entry *find_entry(mem_state *m, const st_addr *a)
{
  GHashTable *t = group(m, a->kg, FALSE);
  return t ? g_hash_table_lookup(t, key_view(m, a->pk, a->pk_len)) : NULL;
}

static mem_entry *get_entry(mem_state *m, const st_addr *a)
{
  mem_entry *e = find_entry(m, a);
  if (!e) {
    e = g_new0(mem_entry, 1);
    g_hash_table_insert(group(m, a->kg, TRUE), key_new(a->pk, a->pk_len), e);
  }
  return e;
}

static uint64_t entry_bytes(const st_addr *a, size_t v_len)
{
  return a->pk_len + a->sk_len + v_len + ENTRY_OVERHEAD;
}

/* Drops e when nothing is left in it. */
static void maybe_drop(mem_state *m, const st_addr *a, mem_entry *e)
{
  if (!e->has_value && (!e->subs || g_hash_table_size(e->subs) == 0))
    g_hash_table_remove(m->groups[a->kg], key_view(m, a->pk, a->pk_len));
}

/* ---- the backend interface ---- */

static gboolean mem_get(fc_state *st, const st_addr *a, const uint8_t **v, size_t *v_len,
                        GError **error)
{
  mem_state *m = (mem_state *)st;
  mem_entry *e = find_entry(m, a);
  const mem_buf *b = NULL;
  if (e && a->sk_len == 0)
    b = e->has_value ? &e->value : NULL;
  else if (e && e->subs)
    b = g_hash_table_lookup(e->subs, key_view(m, a->sk, a->sk_len));
  *v = b ? (b->data ? b->data : (const uint8_t *)"") : NULL;
  *v_len = b ? b->len : 0;
  return TRUE;
}

static gboolean mem_write(fc_state *st, const st_addr *a, const uint8_t *v, size_t v_len,
                          gboolean append)
{
  mem_state *m = (mem_state *)st;
  mem_entry *e = get_entry(m, a);
  mem_buf *b;
  if (a->sk_len == 0) {
    b = &e->value;
    if (!e->has_value) {
      e->has_value = TRUE;
      b->len = 0;
      m->bytes += entry_bytes(a, 0);
    }
  } else {
    if (!e->subs) e->subs = g_hash_table_new_full(key_hash, key_equal, g_free, buf_free);
    b = g_hash_table_lookup(e->subs, key_view(m, a->sk, a->sk_len));
    if (!b) {
      b = g_new0(mem_buf, 1);
      g_hash_table_insert(e->subs, key_new(a->sk, a->sk_len), b);
      m->bytes += entry_bytes(a, 0);
    }
  }
  m->bytes -= append ? 0 : b->len;
  m->bytes += v_len;
  buf_set(b, v, v_len, append);
  return TRUE;
}

static gboolean mem_put(fc_state *st, const st_addr *a, const uint8_t *v, size_t v_len,
                        GError **error)
{
  return mem_write(st, a, v, v_len, FALSE);
}

static gboolean mem_append(fc_state *st, const st_addr *a, const uint8_t *v, size_t v_len,
                           GError **error)
{
  return mem_write(st, a, v, v_len, TRUE);
}

static gboolean mem_remove(fc_state *st, const st_addr *a, GError **error)
{
  mem_state *m = (mem_state *)st;
  mem_entry *e = find_entry(m, a);
  if (!e) return TRUE;
  if (a->sk_len == 0) {
    if (e->has_value) m->bytes -= entry_bytes(a, e->value.len);
    e->has_value = FALSE;
    g_clear_pointer(&e->value.data, g_free);
    e->value.len = e->value.cap = 0;
  } else if (e->subs) {
    mem_buf *b = g_hash_table_lookup(e->subs, key_view(m, a->sk, a->sk_len));
    if (b) {
      m->bytes -= entry_bytes(a, b->len);
      g_hash_table_remove(e->subs, key_view(m, a->sk, a->sk_len));
    }
  }
  maybe_drop(m, a, e);
  return TRUE;
}

/* Calls fn for the entry's own bytes and each map entry; FALSE if fn stopped. */
static gboolean walk_entry(const uint8_t *pk, size_t pk_len, uint32_t kg, mem_entry *e,
                           st_entry_fn fn, void *data)
{
  st_addr a = {.kg = kg, .pk = pk, .pk_len = pk_len};
  if (e->has_value && !fn(&a, e->value.data, e->value.len, data)) return FALSE;
  if (!e->subs) return TRUE;
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, e->subs);
  while (g_hash_table_iter_next(&it, &k, &v)) {
    const mem_key *sk = k;
    const mem_buf *b = v;
    a.sk = sk->data;
    a.sk_len = sk->len;
    if (!fn(&a, b->data, b->len, data)) return FALSE;
  }
  return TRUE;
}

static gboolean mem_remove_all(fc_state *st, const st_addr *a, GError **error)
{
  mem_state *m = (mem_state *)st;
  mem_entry *e = find_entry(m, a);
  if (!e) return TRUE;
  if (e->has_value) m->bytes -= entry_bytes(a, e->value.len);
  if (e->subs) {
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, e->subs);
    while (g_hash_table_iter_next(&it, &k, &v))
      m->bytes -= a->pk_len + ((mem_key *)k)->len + ((mem_buf *)v)->len + ENTRY_OVERHEAD;
  }
  g_hash_table_remove(m->groups[a->kg], key_view(m, a->pk, a->pk_len));
  return TRUE;
}

static gboolean mem_scan(fc_state *st, const st_addr *a, st_entry_fn fn, void *data, GError **error)
{
  mem_state *m = (mem_state *)st;
  mem_entry *e = find_entry(m, a);
  if (e) walk_entry(a->pk, a->pk_len, a->kg, e, fn, data);
  return TRUE;
}

static gboolean mem_export(fc_state *st, uint32_t first, uint32_t last, st_entry_fn fn, void *data,
                           GError **error)
{
  mem_state *m = (mem_state *)st;
  for (uint32_t kg = first; kg <= last && kg < FC_STATE_KEY_GROUPS; kg++) {
    if (!m->groups[kg]) continue;
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, m->groups[kg]);
    while (g_hash_table_iter_next(&it, &k, &v)) {
      const mem_key *pk = k;
      if (!walk_entry(pk->data, pk->len, kg, v, fn, data)) return TRUE;
    }
  }
  return TRUE;
}

static gboolean mem_snapshot(fc_state *st, fc_snapshot *snap, GError **error)
{
  mem_state *m = (mem_state *)st;
  const char *dir = fc_snapshot_directory(snap);
  if (!dir || m->bytes <= st->spill_bytes) return st_format_write_inline(st, snap, error);
  if (!st_make_checkpoint_dir(st, dir, error)) return FALSE;
  g_autofree char *name = g_strdup_printf("task-%d-memory.state", fc_snapshot_task(snap));
  g_autofree char *path = g_build_filename(dir, name, NULL);
  st_writer *w = st_writer_new_file(path, error);
  if (!w) return FALSE;
  uint64_t size = 0;
  gboolean ok = st_format_write(st, w, error);
  if (!st_writer_finish(w, &size, ok ? error : NULL)) ok = FALSE;
  if (!ok) {
    g_prefix_error(error, "%s: ", st->name);
    return FALSE;
  }
  g_autofree char *abs_dir = g_canonicalize_filename(dir, NULL);
  st_file file = {.name = name, .size = size};
  st_ref_write(snap, ST_MAGIC_FILE, st, abs_dir, &file, 1);
  return TRUE;
}

static void mem_free(fc_state *st)
{
  mem_state *m = (mem_state *)st;
  for (int i = 0; i < FC_STATE_KEY_GROUPS; i++)
    if (m->groups[i]) g_hash_table_unref(m->groups[i]);
  g_byte_array_unref(m->lookup);
}

static const st_backend_ops memory_ops = {
    .get = mem_get,
    .put = mem_put,
    .append = mem_append,
    .remove = mem_remove,
    .remove_all = mem_remove_all,
    .scan = mem_scan,
    .export_groups = mem_export,
    .snapshot = mem_snapshot,
    .free = mem_free,
};

fc_state *st_memory_new(const fc_state_options *opts, GError **error)
{
  mem_state *m = g_new0(mem_state, 1);
  if (!st_head_init(&m->base, opts, error)) {
    g_free(m);
    return NULL;
  }
  m->base.ops = &memory_ops;
  m->lookup = g_byte_array_new();
  return &m->base;
}
