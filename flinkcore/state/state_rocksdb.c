/* state_rocksdb.c — the RocksDB state backend: one RocksDB instance per
 * task, snapshotted with RocksDB's checkpoint API.
 *
 * Keys: 2 bytes of key group (big-endian, so each key group is one
 * contiguous key range and a range can be exported, or deleted, with one
 * seek), varint length and primary key, then the secondary key (map key;
 * empty otherwise).  A map's entries share the prefix up to the secondary
 * key.  List state is one key whose value grows by merge operands that a
 * concatenating merge operator ("gust.concat") folds together.  Writes
 * skip the write-ahead log: the working directory is not durable anyway;
 * checkpoints are.
 *
 * Snapshot: rocksdb_checkpoint_create() into
 * <chk-dir>/task-<n>-rocksdb: RocksDB flushes the memtable and hard-links
 * every live SST file there (copying only the small MANIFEST, CURRENT and
 * OPTIONS files), so an SST file unchanged since the previous checkpoint is
 * the same inode in both: checkpoints are incremental on disk and cost
 * about the new data.  The snapshot bytes name that directory and its files
 * with their sizes (st_ref).  Without a checkpoint directory the content is
 * written into the bytes in the portable format instead.
 *
 * The instance lives in a fresh directory under work_dir
 * (<work_dir>/<name>-XXXXXX/db), deleted when the state is freed.
 * Restoring links and copies a checkpoint's files into such a directory
 * (state_files.c) and opens that: a checkpoint's own files are never
 * opened by a writable database.
 *
 * Threads: the owning task calls everything; RocksDB's own background
 * threads flush and compact, and run the merge operator, which touches
 * nothing but its arguments.
 */
#include "state_private.h"

#include <errno.h>
#include <rocksdb/c.h>
#include <stdlib.h>
#include <string.h>

enum { INFO_LOG_WARN = 2 }; /* rocksdb::InfoLogLevel::WARN_LEVEL */

typedef struct {
  fc_state base;
  rocksdb_t *db;
  rocksdb_options_t *options;
  rocksdb_writeoptions_t *wo;
  rocksdb_readoptions_t *ro;
  rocksdb_pinnableslice_t *pinned; /* the last get's value */
  char *instance_dir, *db_dir;
  GByteArray *key;
} rocks_state;

/* ---- the concatenating merge operator (any RocksDB thread) ---- */

static char *concat(const char *first, size_t first_len, const char *const *ops,
                    const size_t *op_lens, int n, unsigned char *success, size_t *new_len)
{
  size_t total = first_len;
  for (int i = 0; i < n; i++)
    total += op_lens[i];
  char *r = malloc(total ? total : 1);
  if (!r) {
    *success = 0;
    return NULL;
  }
  size_t off = 0;
  if (first_len) memcpy(r, first, first_len);
  off = first_len;
  for (int i = 0; i < n; i++) {
    if (op_lens[i]) memcpy(r + off, ops[i], op_lens[i]);
    off += op_lens[i];
  }
  *success = 1;
  *new_len = total;
  return r;
}

static char *concat_full_merge(void *state, const char *key, size_t key_len, const char *existing,
                               size_t existing_len, const char *const *ops, const size_t *op_lens,
                               int n, unsigned char *success, size_t *new_len)
{
  return concat(existing, existing ? existing_len : 0, ops, op_lens, n, success, new_len);
}

static char *concat_partial_merge(void *state, const char *key, size_t key_len,
                                  const char *const *ops, const size_t *op_lens, int n,
                                  unsigned char *success, size_t *new_len)
{
  return concat(NULL, 0, ops, op_lens, n, success, new_len);
}

static void concat_delete_value(void *state, const char *value, size_t len)
{
  free((void *)value);
}

static const char *concat_name(void *state)
{
  return "gust.concat";
}

static void nothing(void *state) {}

/* ---- helpers ---- */

/* Takes err (a RocksDB error string) and sets *error. */
static gboolean rocks_error(GError **error, rocks_state *r, const char *what, char *err)
{
  st_set_error(error, &r->base, FC_STATE_ERROR_IO, "RocksDB %s in %s: %s", what,
               r->db_dir ? r->db_dir : "?", err);
  rocksdb_free(err);
  return FALSE;
}

static void put_kg(GByteArray *b, uint32_t kg)
{
  uint8_t be[2] = {(uint8_t)(kg >> 8), (uint8_t)kg};
  g_byte_array_append(b, be, 2);
}

/* key = kg | varint pk_len | pk [| sk]; returns the prefix length (before sk). */
static size_t make_key(rocks_state *r, const st_addr *a, gboolean with_sk)
{
  g_byte_array_set_size(r->key, 0);
  put_kg(r->key, a->kg);
  st_put_varint(r->key, a->pk_len);
  g_byte_array_append(r->key, a->pk, (guint)a->pk_len);
  size_t prefix = r->key->len;
  if (with_sk && a->sk_len) g_byte_array_append(r->key, a->sk, (guint)a->sk_len);
  return prefix;
}

/* The smallest key above every key starting with p (p[0] < 0xff). */
static GByteArray *successor(const uint8_t *p, size_t n)
{
  GByteArray *s = g_byte_array_new();
  g_byte_array_append(s, p, (guint)n);
  while (s->len > 0 && s->data[s->len - 1] == 0xff)
    g_byte_array_set_size(s, s->len - 1);
  g_assert(s->len > 0);
  s->data[s->len - 1]++;
  return s;
}

/* Splits an instance key into its address; FALSE if it is not one. */
static gboolean parse_key(const uint8_t *k, size_t n, st_addr *a)
{
  if (n < 3) return FALSE;
  const uint8_t *p = k + 2, *end = k + n;
  uint64_t pk_len;
  if (!st_get_varint(&p, end, &pk_len) || pk_len == 0 || pk_len > (uint64_t)(end - p)) return FALSE;
  a->kg = (uint32_t)k[0] << 8 | k[1];
  a->pk = p;
  a->pk_len = pk_len;
  a->sk = p + pk_len;
  a->sk_len = (size_t)(end - a->sk);
  return a->kg < FC_STATE_KEY_GROUPS;
}

/* Calls fn for every key in [lower, upper). */
static gboolean walk(rocks_state *r, const GByteArray *lower, const GByteArray *upper,
                     st_entry_fn fn, void *data, GError **error)
{
  rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
  rocksdb_readoptions_set_iterate_upper_bound(ro, (const char *)upper->data, upper->len);
  rocksdb_iterator_t *it = rocksdb_create_iterator(r->db, ro);
  gboolean ok = TRUE;
  for (rocksdb_iter_seek(it, (const char *)lower->data, lower->len); rocksdb_iter_valid(it);
       rocksdb_iter_next(it)) {
    size_t kn, vn;
    const uint8_t *k = (const uint8_t *)rocksdb_iter_key(it, &kn);
    const uint8_t *v = (const uint8_t *)rocksdb_iter_value(it, &vn);
    st_addr a;
    if (!parse_key(k, kn, &a)) {
      st_set_error(error, &r->base, FC_STATE_ERROR_CORRUPT, "RocksDB in %s holds a foreign key",
                   r->db_dir);
      ok = FALSE;
      break;
    }
    if (!fn(&a, v, vn, data)) break;
  }
  char *err = NULL;
  if (ok) rocksdb_iter_get_error(it, &err);
  rocksdb_iter_destroy(it);
  rocksdb_readoptions_destroy(ro);
  return err ? rocks_error(error, r, "iteration", err) : ok;
}

static gboolean write_batch(rocks_state *r, rocksdb_writebatch_t *b, GError **error)
{
  char *err = NULL;
  rocksdb_write(r->db, r->wo, b, &err);
  rocksdb_writebatch_destroy(b);
  return err ? rocks_error(error, r, "write", err) : TRUE;
}

/* ---- the backend interface ---- */

static gboolean rocks_get(fc_state *st, const st_addr *a, const uint8_t **v, size_t *v_len,
                          GError **error)
{
  rocks_state *r = (rocks_state *)st;
  g_clear_pointer(&r->pinned, rocksdb_pinnableslice_destroy);
  make_key(r, a, TRUE);
  char *err = NULL;
  r->pinned = rocksdb_get_pinned(r->db, r->ro, (const char *)r->key->data, r->key->len, &err);
  if (err) return rocks_error(error, r, "get", err);
  *v = r->pinned ? (const uint8_t *)rocksdb_pinnableslice_value(r->pinned, v_len) : NULL;
  if (!*v) *v_len = 0;
  return TRUE;
}

static gboolean rocks_put(fc_state *st, const st_addr *a, const uint8_t *v, size_t v_len,
                          GError **error)
{
  rocks_state *r = (rocks_state *)st;
  make_key(r, a, TRUE);
  char *err = NULL;
  rocksdb_put(r->db, r->wo, (const char *)r->key->data, r->key->len, (const char *)v, v_len, &err);
  return err ? rocks_error(error, r, "put", err) : TRUE;
}

static gboolean rocks_append(fc_state *st, const st_addr *a, const uint8_t *v, size_t v_len,
                             GError **error)
{
  rocks_state *r = (rocks_state *)st;
  make_key(r, a, TRUE);
  char *err = NULL;
  rocksdb_merge(r->db, r->wo, (const char *)r->key->data, r->key->len, (const char *)v, v_len,
                &err);
  return err ? rocks_error(error, r, "merge", err) : TRUE;
}

static gboolean rocks_remove(fc_state *st, const st_addr *a, GError **error)
{
  rocks_state *r = (rocks_state *)st;
  make_key(r, a, TRUE);
  char *err = NULL;
  rocksdb_delete(r->db, r->wo, (const char *)r->key->data, r->key->len, &err);
  return err ? rocks_error(error, r, "delete", err) : TRUE;
}

static gboolean rocks_remove_all(fc_state *st, const st_addr *a, GError **error)
{
  rocks_state *r = (rocks_state *)st;
  size_t n = make_key(r, a, FALSE);
  g_autoptr(GByteArray) upper = successor(r->key->data, n);
  rocksdb_writebatch_t *b = rocksdb_writebatch_create();
  rocksdb_writebatch_delete_range(b, (const char *)r->key->data, n, (const char *)upper->data,
                                  upper->len);
  return write_batch(r, b, error);
}

static gboolean rocks_scan(fc_state *st, const st_addr *a, st_entry_fn fn, void *data,
                           GError **error)
{
  rocks_state *r = (rocks_state *)st;
  size_t n = make_key(r, a, FALSE);
  g_autoptr(GByteArray) lower = g_byte_array_new();
  g_byte_array_append(lower, r->key->data, (guint)n);
  g_autoptr(GByteArray) upper = successor(lower->data, lower->len);
  return walk(r, lower, upper, fn, data, error);
}

static gboolean rocks_export(fc_state *st, uint32_t first, uint32_t last, st_entry_fn fn,
                             void *data, GError **error)
{
  rocks_state *r = (rocks_state *)st;
  if (first > last) return TRUE;
  g_autoptr(GByteArray) lower = g_byte_array_new();
  g_autoptr(GByteArray) upper = g_byte_array_new();
  put_kg(lower, first);
  put_kg(upper, last + 1);
  return walk(r, lower, upper, fn, data, error);
}

gboolean st_rocksdb_keep_only(fc_state *st, uint32_t first, uint32_t last, GError **error)
{
  rocks_state *r = (rocks_state *)st;
  g_autoptr(GByteArray) a = g_byte_array_new();
  g_autoptr(GByteArray) b = g_byte_array_new();
  g_autoptr(GByteArray) c = g_byte_array_new();
  g_autoptr(GByteArray) d = g_byte_array_new();
  put_kg(a, 0);
  put_kg(b, first);
  put_kg(c, last + 1);
  put_kg(d, FC_STATE_KEY_GROUPS);
  rocksdb_writebatch_t *wb = rocksdb_writebatch_create();
  if (first > 0)
    rocksdb_writebatch_delete_range(wb, (const char *)a->data, a->len, (const char *)b->data,
                                    b->len);
  if (last + 1 < FC_STATE_KEY_GROUPS)
    rocksdb_writebatch_delete_range(wb, (const char *)c->data, c->len, (const char *)d->data,
                                    d->len);
  return write_batch(r, wb, error);
}

static gboolean rocks_snapshot(fc_state *st, fc_snapshot *snap, GError **error)
{
  rocks_state *r = (rocks_state *)st;
  const char *dir = fc_snapshot_directory(snap);
  if (!dir) return st_format_write_inline(st, snap, error);
  if (!st_make_checkpoint_dir(st, dir, error)) return FALSE;
  g_autofree char *name = g_strdup_printf("task-%d-rocksdb", fc_snapshot_task(snap));
  g_autofree char *rel = g_build_filename(dir, name, NULL);
  g_autofree char *target = g_canonicalize_filename(rel, NULL);
  GError *err_rm = NULL;
  if (!fc_remove_tree(target, &err_rm)) { /* a leftover of a failed attempt */
    st_set_error(error, st, FC_STATE_ERROR_IO, "%s", err_rm->message);
    g_error_free(err_rm);
    return FALSE;
  }
  char *err = NULL;
  rocksdb_checkpoint_t *cp = rocksdb_checkpoint_object_create(r->db, &err);
  if (!err) {
    rocksdb_checkpoint_create(cp, target, 0 /* always flush first */, &err);
    rocksdb_checkpoint_object_destroy(cp);
  }
  if (err) {
    g_autofree char *what = g_strdup_printf("checkpoint into %s", target);
    return rocks_error(error, r, what, err);
  }
  GArray *files = st_files_list(target, error);
  if (!files) {
    g_prefix_error(error, "%s: ", st->name);
    return FALSE;
  }
  st_ref_write(snap, ST_MAGIC_ROCKSDB, st, target, (const st_file *)files->data, files->len);
  st_files_free(files);
  return TRUE;
}

static void rocks_free(fc_state *st)
{
  rocks_state *r = (rocks_state *)st;
  g_clear_pointer(&r->pinned, rocksdb_pinnableslice_destroy);
  if (r->db) rocksdb_close(r->db);
  if (r->options) rocksdb_options_destroy(r->options);
  if (r->wo) rocksdb_writeoptions_destroy(r->wo);
  if (r->ro) rocksdb_readoptions_destroy(r->ro);
  if (r->instance_dir) {
    GError *error = NULL;
    if (!fc_remove_tree(r->instance_dir, &error)) {
      g_warning("%s: cannot delete the RocksDB working directory: %s", st->name, error->message);
      g_error_free(error);
    }
  }
  g_free(r->instance_dir);
  g_free(r->db_dir);
  if (r->key) g_byte_array_unref(r->key);
}

static const st_backend_ops rocksdb_ops = {
    .get = rocks_get,
    .put = rocks_put,
    .append = rocks_append,
    .remove = rocks_remove,
    .remove_all = rocks_remove_all,
    .scan = rocks_scan,
    .export_groups = rocks_export,
    .snapshot = rocks_snapshot,
    .free = rocks_free,
};

/* ---- opening ---- */

/* Makes the struct and its instance directory; the database is opened by
 * open_db once db_dir holds what it should. */
static rocks_state *rocks_alloc(const fc_state_options *opts, GError **error)
{
  rocks_state *r = g_new0(rocks_state, 1);
  if (!st_head_init(&r->base, opts, error)) {
    g_free(r);
    return NULL;
  }
  r->base.ops = &rocksdb_ops;
  r->key = g_byte_array_new();
  r->instance_dir = st_files_make_instance_dir(r->base.work_dir, r->base.name, error);
  if (!r->instance_dir) {
    g_prefix_error(error, "%s: ", r->base.name);
    fc_state_free(&r->base);
    return NULL;
  }
  r->db_dir = g_build_filename(r->instance_dir, "db", NULL);
  return r;
}

static gboolean open_db(rocks_state *r, GError **error)
{
  r->options = rocksdb_options_create();
  rocksdb_options_set_create_if_missing(r->options, 1);
  rocksdb_options_set_info_log_level(r->options, INFO_LOG_WARN);
  rocksdb_options_set_keep_log_file_num(r->options, 2);
  rocksdb_options_set_recycle_log_file_num(r->options, 0); /* never rewrite a file in place */
  rocksdb_options_set_merge_operator(
      r->options,
      rocksdb_mergeoperator_create(NULL, nothing, concat_full_merge, concat_partial_merge,
                                   concat_delete_value, concat_name));
  r->wo = rocksdb_writeoptions_create();
  rocksdb_writeoptions_disable_WAL(r->wo, 1);
  r->ro = rocksdb_readoptions_create();
  char *err = NULL;
  r->db = rocksdb_open(r->options, r->db_dir, &err);
  return err ? rocks_error(error, r, "open", err) : TRUE;
}

fc_state *st_rocksdb_new(const fc_state_options *opts, GError **error)
{
  rocks_state *r = rocks_alloc(opts, error);
  if (!r) return NULL;
  if (!open_db(r, error)) {
    fc_state_free(&r->base);
    return NULL;
  }
  return &r->base;
}

fc_state *st_rocksdb_open_checkpoint(const fc_state_options *opts, const char *dir,
                                     const st_file *files, size_t n_files, GError **error)
{
  rocks_state *r = rocks_alloc(opts, error);
  if (!r) return NULL;
  if (!st_files_link_or_copy(dir, r->db_dir, files, n_files, error)) {
    g_prefix_error(error, "%s: restoring from %s: ", r->base.name, dir);
    fc_state_free(&r->base);
    return NULL;
  }
  if (!open_db(r, error)) {
    fc_state_free(&r->base);
    return NULL;
  }
  return &r->base;
}
