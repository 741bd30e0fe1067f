/* state_format.c — the portable snapshot format: every entry of a state,
 * grouped by key group, readable by either backend.
 *
 *   "GUSTSTM1"                       magic and version
 *   varint first_kg, varint last_kg  the writer's owned key groups (a hint)
 *   sections, key groups ascending:
 *     varint kg+1                    (0 ends the sections)
 *     entries: varint pk_len (> 0), pk, varint sk_len, sk, varint v_len, v
 *     varint 0                       ends the section
 *   varint 0
 *   8 bytes, little-endian: st_hash of everything above
 *
 * The in-memory backend writes it as its snapshot (into the snapshot
 * bytes, or a file when large); the RocksDB backend writes it when there
 * is no checkpoint directory to put a RocksDB checkpoint in.  Reading
 * checks the magic and the checksum before anything else, then every
 * length against the end, so damaged bytes give a clear error.  Reading
 * can skip key groups (rescaling takes only the ones a task owns).
 *
 * A writer sends bytes to an fc_snapshot or to a file (buffered, fsync'ed
 * by st_writer_finish).  One thread: the state's owner.
 */
#include "state_private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

enum { FILE_BUFFER = 1 << 20 };

struct st_writer {
  fc_snapshot *snap; /* or a file: */
  int fd;
  char *path;
  GByteArray *buf;
  uint64_t size;
  int err; /* first write error (errno), 0 = none */
};

st_writer *st_writer_new_snapshot(fc_snapshot *snap)
{
  st_writer *w = g_new0(st_writer, 1);
  w->snap = snap;
  w->fd = -1;
  return w;
}

st_writer *st_writer_new_file(const char *path, GError **error)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    int err = errno;
    g_set_error(error, FC_STATE_ERROR, FC_STATE_ERROR_IO, "cannot create %s: %s", path,
                g_strerror(err));
    return NULL;
  }
  st_writer *w = g_new0(st_writer, 1);
  w->fd = fd;
  w->path = g_strdup(path);
  w->buf = g_byte_array_sized_new(FILE_BUFFER);
  return w;
}

static void write_all(st_writer *w, const uint8_t *p, size_t n)
{
  while (n > 0 && !w->err) {
    ssize_t k = write(w->fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) {
      w->err = errno;
      break;
    }
    p += k;
    n -= (size_t)k;
  }
}

static void flush_file(st_writer *w)
{
  write_all(w, w->buf->data, w->buf->len);
  g_byte_array_set_size(w->buf, 0);
}

void st_writer_write(st_writer *w, const void *p, size_t n)
{
  w->size += n;
  if (w->snap) {
    fc_snapshot_write(w->snap, p, n);
    return;
  }
  if (w->buf->len + n > FILE_BUFFER) flush_file(w);
  if (n >= FILE_BUFFER)
    write_all(w, p, n);
  else
    g_byte_array_append(w->buf, p, (guint)n);
}

gboolean st_writer_finish(st_writer *w, uint64_t *size, GError **error)
{
  gboolean ok = TRUE;
  if (size) *size = w->size;
  if (w->fd >= 0) {
    flush_file(w);
    if (!w->err && fsync(w->fd) != 0) w->err = errno;
    if (close(w->fd) != 0 && !w->err) w->err = errno;
    if (w->err) {
      g_set_error(error, FC_STATE_ERROR, FC_STATE_ERROR_IO, "cannot write %s: %s", w->path,
                  g_strerror(w->err));
      ok = FALSE;
    }
    g_byte_array_unref(w->buf);
  }
  g_free(w->path);
  g_free(w);
  return ok;
}

/* ---- writing ---- */

typedef struct {
  st_writer *w;
  st_hash hash;
  int64_t cur_kg; /* section being written; -1 = none */
} format_out;

static void out_bytes(format_out *o, const void *p, size_t n)
{
  if (!n) return;
  st_hash_update(&o->hash, p, n);
  st_writer_write(o->w, p, n);
}

static void out_varint(format_out *o, uint64_t v)
{
  uint8_t buf[ST_VARINT_MAX];
  out_bytes(o, buf, st_encode_varint(buf, v));
}

static gboolean write_entry(const st_addr *a, const uint8_t *v, size_t v_len, void *data)
{
  format_out *o = data;
  if ((int64_t)a->kg != o->cur_kg) {
    if (o->cur_kg >= 0) out_varint(o, 0);
    out_varint(o, (uint64_t)a->kg + 1);
    o->cur_kg = a->kg;
  }
  out_varint(o, a->pk_len);
  out_bytes(o, a->pk, a->pk_len);
  out_varint(o, a->sk_len);
  out_bytes(o, a->sk, a->sk_len);
  out_varint(o, v_len);
  out_bytes(o, v, v_len);
  return TRUE;
}

gboolean st_format_write(fc_state *st, st_writer *w, GError **error)
{
  format_out o = {.w = w, .cur_kg = -1};
  st_hash_init(&o.hash);
  out_bytes(&o, ST_MAGIC_INLINE, ST_MAGIC_LEN);
  out_varint(&o, st->first_kg);
  out_varint(&o, st->last_kg);
  if (!st->ops->export_groups(st, 0, FC_STATE_KEY_GROUPS - 1, write_entry, &o, error)) return FALSE;
  if (o.cur_kg >= 0) out_varint(&o, 0);
  out_varint(&o, 0);
  uint64_t sum = st_hash_final(&o.hash);
  uint8_t le[8];
  for (int i = 0; i < 8; i++, sum >>= 8)
    le[i] = (uint8_t)sum;
  st_writer_write(w, le, 8);
  return TRUE;
}

/* ---- reading ---- */

static gboolean corrupt(GError **error, const char *what, const char *why)
{
  g_set_error(error, FC_STATE_ERROR, FC_STATE_ERROR_CORRUPT, "%s: %s", what, why);
  return FALSE;
}

/* Reads a varint length and that many bytes. */
static gboolean get_span(const uint8_t **p, const uint8_t *end, const uint8_t **span, size_t *n)
{
  uint64_t len;
  if (!st_get_varint(p, end, &len) || len > (uint64_t)(end - *p)) return FALSE;
  *span = *p;
  *n = (size_t)len;
  *p += len;
  return TRUE;
}

gboolean st_format_read(const uint8_t *data, size_t len, uint32_t first, uint32_t last,
                        st_entry_fn fn, void *fn_data, const char *what, GError **error)
{
  if (len < ST_MAGIC_LEN || memcmp(data, ST_MAGIC_INLINE, ST_MAGIC_LEN) != 0)
    return corrupt(error, what, "not a state snapshot (bad magic)");
  if (len < ST_MAGIC_LEN + 3 + 8) return corrupt(error, what, "truncated");
  size_t body = len - 8;
  uint64_t want = 0;
  for (int i = 7; i >= 0; i--)
    want = want << 8 | data[body + (size_t)i];
  if (st_hash_bytes(data, body) != want)
    return corrupt(error, what, "checksum mismatch: the bytes are damaged or truncated");

  const uint8_t *p = data + ST_MAGIC_LEN, *end = data + body;
  uint64_t wfirst, wlast;
  if (!st_get_varint(&p, end, &wfirst) || !st_get_varint(&p, end, &wlast))
    return corrupt(error, what, "malformed header");
  int64_t prev = -1;
  for (;;) {
    uint64_t k;
    if (!st_get_varint(&p, end, &k)) return corrupt(error, what, "truncated section header");
    if (k == 0) break;
    if (k > FC_STATE_KEY_GROUPS || (int64_t)(k - 1) <= prev)
      return corrupt(error, what, "key groups out of range or out of order");
    uint32_t kg = (uint32_t)(k - 1);
    prev = kg;
    gboolean wanted = kg >= first && kg <= last;
    for (;;) {
      st_addr a = {.kg = kg};
      const uint8_t *v;
      size_t v_len;
      if (!get_span(&p, end, &a.pk, &a.pk_len)) return corrupt(error, what, "truncated entry");
      if (a.pk_len == 0) break;
      if (!get_span(&p, end, &a.sk, &a.sk_len) || !get_span(&p, end, &v, &v_len))
        return corrupt(error, what, "truncated entry");
      if (wanted && !fn(&a, v, v_len, fn_data)) return TRUE;
    }
  }
  if (p != end) return corrupt(error, what, "trailing bytes after the last section");
  return TRUE;
}

/* ---- references to files (memory spill files, RocksDB checkpoints) ---- */

void st_ref_write(fc_snapshot *snap, const char *magic, const fc_state *st, const char *dir,
                  const st_file *files, size_t n_files)
{
  GByteArray *b = g_byte_array_new();
  g_byte_array_append(b, (const guint8 *)magic, ST_MAGIC_LEN);
  st_put_varint(b, st->first_kg);
  st_put_varint(b, st->last_kg);
  st_put_varint(b, strlen(dir));
  g_byte_array_append(b, (const guint8 *)dir, (guint)strlen(dir));
  st_put_varint(b, n_files);
  for (size_t i = 0; i < n_files; i++) {
    st_put_varint(b, strlen(files[i].name));
    g_byte_array_append(b, (const guint8 *)files[i].name, (guint)strlen(files[i].name));
    st_put_varint(b, files[i].size);
  }
  uint64_t sum = st_hash_bytes(b->data, b->len);
  for (int i = 0; i < 8; i++, sum >>= 8) {
    uint8_t byte = (uint8_t)sum;
    g_byte_array_append(b, &byte, 1);
  }
  fc_snapshot_write(snap, b->data, b->len);
  g_byte_array_unref(b);
}

/* A varint-length string with no NUL and no '/' when it is a file name. */
static char *get_string(const uint8_t **p, const uint8_t *end, gboolean file_name)
{
  const uint8_t *s;
  size_t n;
  if (!get_span(p, end, &s, &n) || n == 0 || memchr(s, 0, n)) return NULL;
  char *str = g_strndup((const char *)s, n);
  if (file_name && (strchr(str, '/') || !strcmp(str, ".") || !strcmp(str, ".."))) {
    g_free(str); /* no path escapes from the snapshot directory */
    return NULL;
  }
  return str;
}

gboolean st_ref_read(const uint8_t *data, size_t len, st_ref *out, const char *what, GError **error)
{
  *out = (st_ref){0};
  if (len < ST_MAGIC_LEN + 8) return corrupt(error, what, "truncated");
  size_t body = len - 8;
  uint64_t want = 0;
  for (int i = 7; i >= 0; i--)
    want = want << 8 | data[body + (size_t)i];
  if (st_hash_bytes(data, body) != want)
    return corrupt(error, what, "checksum mismatch: the bytes are damaged or truncated");
  memcpy(out->magic, data, ST_MAGIC_LEN);
  out->files = g_array_new(FALSE, FALSE, sizeof(st_file));
  const uint8_t *p = data + ST_MAGIC_LEN, *end = data + body;
  uint64_t first, last, n;
  if (!st_get_varint(&p, end, &first) || !st_get_varint(&p, end, &last) ||
      first >= FC_STATE_KEY_GROUPS || last >= FC_STATE_KEY_GROUPS)
    goto bad;
  out->first_kg = (uint32_t)first;
  out->last_kg = (uint32_t)last;
  if (!(out->dir = get_string(&p, end, FALSE)) || !g_path_is_absolute(out->dir)) goto bad;
  if (!st_get_varint(&p, end, &n) || n > (uint64_t)(end - p)) goto bad;
  for (uint64_t i = 0; i < n; i++) {
    st_file f = {0};
    if (!(f.name = get_string(&p, end, TRUE))) goto bad;
    g_array_append_val(out->files, f);
    if (!st_get_varint(&p, end, &g_array_index(out->files, st_file, out->files->len - 1).size))
      goto bad;
  }
  if (p != end) goto bad;
  return TRUE;
bad:
  st_ref_clear(out);
  return corrupt(error, what, "malformed state snapshot reference");
}

void st_ref_clear(st_ref *ref)
{
  g_clear_pointer(&ref->dir, g_free);
  if (ref->files) {
    for (guint i = 0; i < ref->files->len; i++)
      g_free(g_array_index(ref->files, st_file, i).name);
    g_array_free(ref->files, TRUE);
    ref->files = NULL;
  }
}

gboolean st_format_write_inline(fc_state *st, fc_snapshot *snap, GError **error)
{
  st_writer *w = st_writer_new_snapshot(snap);
  gboolean ok = st_format_write(st, w, error);
  return st_writer_finish(w, NULL, NULL) && ok;
}

gboolean st_make_checkpoint_dir(fc_state *st, const char *dir, GError **error)
{
  if (g_mkdir_with_parents(dir, 0755) == 0) return TRUE;
  int err = errno;
  st_set_error(error, st, FC_STATE_ERROR_IO, "cannot create %s: %s", dir, g_strerror(err));
  return FALSE;
}
