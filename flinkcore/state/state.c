/* state.c — the fc_state object: making a backend, snapshotting it, and
 * restoring one from snapshot bytes, with the same or another parallelism.
 *
 * Snapshot bytes start with an 8-byte magic that says what they hold:
 *   GUSTSTM1  every entry, in the portable format (state_format.c)
 *   GUSTSTF1  the same, in a file of the checkpoint's directory (st_ref)
 *   GUSTSTR1  a RocksDB checkpoint directory and its files (st_ref)
 * Restoring a RocksDB checkpoint into a RocksDB backend with the same key
 * groups links it into the new working directory and opens it; every other
 * combination imports entries one by one (a RocksDB checkpoint is opened
 * as a temporary instance to read it).  Rescaling to a RocksDB backend
 * starts from the old RocksDB checkpoint that overlaps the new key groups
 * most (linked, then trimmed to the owned key groups with range deletes)
 * and imports the owned key groups of every other old snapshot.
 *
 * Threads: restore and free run on whichever thread calls them; the rest
 * on the state's owner.
 */
#include "state_private.h"

#include <stdarg.h>
#include <string.h>

/* clang-format off */
G_DEFINE_QUARK(fc-state-error-quark, fc_state_error)
/* clang-format on */

void st_set_error(GError **error, const fc_state *st, int code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error(error, FC_STATE_ERROR, code, "%s: %s", st->name, msg);
}

const char *fc_state_backend_name(fc_state_backend backend)
{
  switch (backend) {
  case FC_STATE_MEMORY:
    return "memory";
  case FC_STATE_ROCKSDB:
    return "rocksdb";
  }
  return "?";
}

gboolean st_head_init(fc_state *st, const fc_state_options *o, GError **error)
{
  const char *name = o->name ? o->name : "state";
  int p = o->parallelism ? o->parallelism : 1;
  if (p < 0 || o->subtask < 0 || o->subtask >= p) {
    g_set_error(error, FC_STATE_ERROR, FC_STATE_ERROR_INVALID,
                "%s: subtask %d does not exist with parallelism %d", name, o->subtask, p);
    return FALSE;
  }
  if (o->backend != FC_STATE_MEMORY && o->backend != FC_STATE_ROCKSDB) {
    g_set_error(error, FC_STATE_ERROR, FC_STATE_ERROR_INVALID, "%s: unknown state backend %d", name,
                (int)o->backend);
    return FALSE;
  }
  st->backend = o->backend;
  st->name = g_strdup(name);
  fc_state_key_group_range(o->subtask, p, &st->first_kg, &st->last_kg);
  st->work_dir =
      o->work_dir ? g_strdup(o->work_dir) : g_build_filename(g_get_tmp_dir(), "gust-state", NULL);
  st->spill_bytes = o->memory_spill_bytes ? o->memory_spill_bytes : ST_DEFAULT_SPILL_BYTES;
  st->pk = g_byte_array_new();
  st->sk = g_byte_array_new();
  st->val = g_byte_array_new();
  fc_arena_init(&st->scratch, 0);
  return TRUE;
}

void st_head_clear(fc_state *st)
{
  g_free(st->name);
  g_free(st->work_dir);
  if (st->pk) g_byte_array_unref(st->pk);
  if (st->sk) g_byte_array_unref(st->sk);
  if (st->val) g_byte_array_unref(st->val);
  fc_arena_clear(&st->scratch);
}

fc_state *fc_state_new(const fc_state_options *opts, GError **error)
{
  return opts->backend == FC_STATE_ROCKSDB ? st_rocksdb_new(opts, error)
                                           : st_memory_new(opts, error);
}

void fc_state_free(fc_state *st)
{
  if (!st) return;
  st->ops->free(st);
  st_head_clear(st);
  g_free(st);
}

gboolean fc_state_snapshot(fc_state *st, fc_snapshot *snap, GError **error)
{
  return st->ops->snapshot(st, snap, error);
}

fc_state_backend fc_state_get_backend(const fc_state *st)
{
  return st->backend;
}
const char *fc_state_name(const fc_state *st)
{
  return st->name;
}

void fc_state_owned_key_groups(const fc_state *st, uint32_t *first, uint32_t *last)
{
  *first = st->first_kg;
  *last = st->last_kg;
}

/* ---- importing one snapshot's entries ---- */

typedef struct {
  fc_state *dst;
  GError *error;
} import_ctx;

static gboolean import_entry(const st_addr *a, const uint8_t *v, size_t v_len, void *data)
{
  import_ctx *c = data;
  return c->dst->ops->put(c->dst, a, v, v_len, &c->error);
}

static gboolean import_result(gboolean ok, import_ctx *c, GError **error)
{
  if (c->error) {
    g_propagate_error(error, c->error);
    return FALSE;
  }
  return ok;
}

static gboolean import_file(fc_state *dst, const st_ref *ref, uint32_t first, uint32_t last,
                            const char *what, GError **error)
{
  if (ref->files->len != 1) {
    g_set_error(error, FC_STATE_ERROR, FC_STATE_ERROR_CORRUPT, "%s: names %u files, not 1", what,
                ref->files->len);
    return FALSE;
  }
  const st_file *f = &g_array_index(ref->files, st_file, 0);
  g_autofree char *path = g_build_filename(ref->dir, f->name, NULL);
  GError *err = NULL;
  GMappedFile *map = g_mapped_file_new(path, FALSE, &err);
  if (!map) {
    g_set_error(error, FC_STATE_ERROR,
                g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? FC_STATE_ERROR_CORRUPT
                                                                       : FC_STATE_ERROR_IO,
                "%s: %s", what, err->message);
    g_error_free(err);
    return FALSE;
  }
  const uint8_t *data = (const uint8_t *)g_mapped_file_get_contents(map);
  size_t len = g_mapped_file_get_length(map);
  gboolean ok;
  import_ctx c = {.dst = dst};
  if (len != f->size) {
    g_set_error(error, FC_STATE_ERROR, FC_STATE_ERROR_CORRUPT,
                "%s: %s has %zu bytes, the snapshot recorded %" G_GUINT64_FORMAT, what, path, len,
                f->size);
    ok = FALSE;
  } else {
    g_autofree char *file_what = g_strdup_printf("%s (%s)", what, path);
    ok = import_result(st_format_read(data, len, first, last, import_entry, &c, file_what, error),
                       &c, error);
  }
  g_mapped_file_unref(map);
  return ok;
}

static gboolean import_rocksdb(fc_state *dst, const st_ref *ref, uint32_t first, uint32_t last,
                               const char *what, GError **error)
{
  g_autofree char *tmp_name = g_strdup_printf("%s-restore", dst->name);
  fc_state_options o = {.backend = FC_STATE_ROCKSDB, .name = tmp_name, .work_dir = dst->work_dir};
  fc_state *src = st_rocksdb_open_checkpoint(&o, ref->dir, (const st_file *)ref->files->data,
                                             ref->files->len, error);
  if (!src) {
    g_prefix_error(error, "%s: ", what);
    return FALSE;
  }
  import_ctx c = {.dst = dst};
  gboolean ok =
      import_result(src->ops->export_groups(src, first, last, import_entry, &c, error), &c, error);
  fc_state_free(src);
  return ok;
}

/* Puts into dst the entries of key groups first..last that bytes hold. */
static gboolean import_snapshot(fc_state *dst, GBytes *bytes, uint32_t first, uint32_t last,
                                const char *what, GError **error)
{
  gsize len = 0;
  const uint8_t *data = bytes ? g_bytes_get_data(bytes, &len) : NULL;
  if (len == 0) return TRUE;
  if (len < ST_MAGIC_LEN) {
    g_set_error(error, FC_STATE_ERROR, FC_STATE_ERROR_CORRUPT,
                "%s: %zu bytes are too short to be a state snapshot", what, (size_t)len);
    return FALSE;
  }
  if (memcmp(data, ST_MAGIC_INLINE, ST_MAGIC_LEN) == 0) {
    import_ctx c = {.dst = dst};
    return import_result(st_format_read(data, len, first, last, import_entry, &c, what, error), &c,
                         error);
  }
  if (memcmp(data, ST_MAGIC_FILE, ST_MAGIC_LEN) != 0 &&
      memcmp(data, ST_MAGIC_ROCKSDB, ST_MAGIC_LEN) != 0) {
    g_set_error(error, FC_STATE_ERROR, FC_STATE_ERROR_CORRUPT,
                "%s: not a state snapshot (unknown magic)", what);
    return FALSE;
  }
  st_ref ref;
  if (!st_ref_read(data, len, &ref, what, error)) return FALSE;
  gboolean ok = memcmp(data, ST_MAGIC_FILE, ST_MAGIC_LEN) == 0
                    ? import_file(dst, &ref, first, last, what, error)
                    : import_rocksdb(dst, &ref, first, last, what, error);
  st_ref_clear(&ref);
  return ok;
}

/* A RocksDB backend opened on the checkpoint bytes name, or NULL with
 * *error.  (*error unset and NULL: bytes are not a RocksDB checkpoint.) */
static fc_state *open_rocksdb_snapshot(const fc_state_options *opts, GBytes *bytes,
                                       const char *what, GError **error)
{
  gsize len = 0;
  const uint8_t *data = bytes ? g_bytes_get_data(bytes, &len) : NULL;
  if (len < ST_MAGIC_LEN || memcmp(data, ST_MAGIC_ROCKSDB, ST_MAGIC_LEN) != 0) return NULL;
  st_ref ref;
  if (!st_ref_read(data, len, &ref, what, error)) return NULL;
  fc_state *st = st_rocksdb_open_checkpoint(opts, ref.dir, (const st_file *)ref.files->data,
                                            ref.files->len, error);
  st_ref_clear(&ref);
  return st;
}

/* ---- restoring ---- */

fc_state *fc_state_restore(const fc_state_options *opts, GBytes *snapshot, GError **error)
{
  g_autofree char *what = g_strdup_printf("%s: state snapshot", opts->name ? opts->name : "state");
  if (opts->backend == FC_STATE_ROCKSDB) {
    GError *err = NULL;
    fc_state *st = open_rocksdb_snapshot(opts, snapshot, what, &err);
    if (st || err) {
      if (err) g_propagate_error(error, err);
      return st;
    }
  }
  fc_state *st = fc_state_new(opts, error);
  if (st && !import_snapshot(st, snapshot, 0, FC_STATE_KEY_GROUPS - 1, what, error)) {
    fc_state_free(st);
    return NULL;
  }
  return st;
}

static uint32_t overlap(uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1)
{
  uint32_t lo = MAX(a0, b0), hi = MIN(a1, b1);
  return lo <= hi ? hi - lo + 1 : 0;
}

/* The old RocksDB snapshot sharing the most key groups with first..last,
 * or -1. */
static int pick_base(GBytes *const *old, int n_old, uint32_t first, uint32_t last)
{
  int best = -1;
  uint32_t best_overlap = 0;
  for (int i = 0; i < n_old; i++) {
    gsize len = 0;
    const uint8_t *data = old[i] ? g_bytes_get_data(old[i], &len) : NULL;
    st_ref ref;
    if (len < ST_MAGIC_LEN || memcmp(data, ST_MAGIC_ROCKSDB, ST_MAGIC_LEN) != 0 ||
        !st_ref_read(data, len, &ref, "", NULL))
      continue;
    uint32_t o = overlap(ref.first_kg, ref.last_kg, first, last);
    st_ref_clear(&ref);
    if (o > best_overlap) {
      best = i;
      best_overlap = o;
    }
  }
  return best;
}

fc_state *fc_state_restore_rescaled(const fc_state_options *opts, GBytes *const *old, int n_old,
                                    GError **error)
{
  int p = opts->parallelism ? opts->parallelism : 1;
  if (n_old == p && opts->subtask >= 0 && opts->subtask < p)
    return fc_state_restore(opts, old[opts->subtask], error);
  const char *name = opts->name ? opts->name : "state";
  fc_state *st = NULL;
  uint32_t first, last;
  if (p > 0 && opts->subtask >= 0 && opts->subtask < p)
    fc_state_key_group_range(opts->subtask, p, &first, &last);
  else
    return fc_state_new(opts, error); /* reports the bad options */
  int base = opts->backend == FC_STATE_ROCKSDB ? pick_base(old, n_old, first, last) : -1;
  if (base >= 0) {
    g_autofree char *what = g_strdup_printf("%s: state snapshot of old subtask %d", name, base);
    st = open_rocksdb_snapshot(opts, old[base], what, error);
    if (st && !st_rocksdb_keep_only(st, first, last, error)) g_clear_pointer(&st, fc_state_free);
  } else {
    st = fc_state_new(opts, error);
  }
  for (int i = 0; st && i < n_old && first <= last; i++) {
    if (i == base) continue;
    g_autofree char *what = g_strdup_printf("%s: state snapshot of old subtask %d", name, i);
    if (!import_snapshot(st, old[i], first, last, what, error)) g_clear_pointer(&st, fc_state_free);
  }
  return st;
}
