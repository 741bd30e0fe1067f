/* state_files.c — the file work state backends need: listing a directory,
 * making an instance directory, and materialising a checkpoint's files in
 * a fresh directory.
 *
 * Materialising links what RocksDB never changes after writing it (SST and
 * blob files) and copies the rest (CURRENT, MANIFEST, OPTIONS, WAL): a
 * database opened on the result can never write into a checkpoint's files,
 * and unchanged SST files keep sharing one inode between the working
 * directory and every checkpoint that holds them.  When linking is not
 * possible (another file system, a link limit), the file is copied.
 * Any thread; nothing shared.
 */
#include "state_private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static gboolean io_error(GError **error, const char *what, const char *path, int err)
{
  g_set_error(error, FC_STATE_ERROR, FC_STATE_ERROR_IO, "%s %s: %s", what, path, g_strerror(err));
  return FALSE;
}

static gboolean is_immutable(const char *name)
{
  return g_str_has_suffix(name, ".sst") || g_str_has_suffix(name, ".blob");
}

/* Copies src to dst (created, must not exist) and fsyncs it. */
static gboolean copy_file(const char *src, const char *dst, GError **error)
{
  int in = open(src, O_RDONLY | O_CLOEXEC);
  if (in < 0) return io_error(error, "cannot open", src, errno);
  int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (out < 0) {
    int err = errno;
    close(in);
    return io_error(error, "cannot create", dst, err);
  }
  gboolean ok = TRUE;
  char buf[64 * 1024];
  for (;;) {
    ssize_t n = read(in, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ok = io_error(error, "cannot read", src, errno);
      break;
    }
    if (n == 0) break;
    for (ssize_t off = 0; off < n;) {
      ssize_t k = write(out, buf + off, (size_t)(n - off));
      if (k < 0 && errno == EINTR) continue;
      if (k < 0) {
        ok = io_error(error, "cannot write", dst, errno);
        break;
      }
      off += k;
    }
    if (!ok) break;
  }
  if (ok && fsync(out) != 0) ok = io_error(error, "cannot fsync", dst, errno);
  close(in);
  if (close(out) != 0 && ok) ok = io_error(error, "cannot close", dst, errno);
  return ok;
}

gboolean st_files_link_or_copy(const char *src_dir, const char *dst, const st_file *files,
                               size_t n_files, GError **error)
{
  if (mkdir(dst, 0755) != 0) return io_error(error, "cannot create", dst, errno);
  for (size_t i = 0; i < n_files; i++) {
    const char *name = files[i].name;
    g_autofree char *from = g_build_filename(src_dir, name, NULL);
    g_autofree char *to = g_build_filename(dst, name, NULL);
    struct stat st;
    if (stat(from, &st) != 0) {
      int err = errno;
      g_set_error(error, FC_STATE_ERROR, err == ENOENT ? FC_STATE_ERROR_CORRUPT : FC_STATE_ERROR_IO,
                  "state checkpoint file %s: %s", from, g_strerror(err));
      return FALSE;
    }
    if ((uint64_t)st.st_size != files[i].size) {
      g_set_error(error, FC_STATE_ERROR, FC_STATE_ERROR_CORRUPT,
                  "state checkpoint file %s has %" G_GUINT64_FORMAT
                  " bytes, the snapshot recorded %" G_GUINT64_FORMAT,
                  from, (uint64_t)st.st_size, files[i].size);
      return FALSE;
    }
    if (is_immutable(name) && link(from, to) == 0) continue;
    if (!copy_file(from, to, error)) return FALSE;
  }
  return TRUE;
}

static int compare_files(gconstpointer a, gconstpointer b)
{
  return strcmp(((const st_file *)a)->name, ((const st_file *)b)->name);
}

GArray *st_files_list(const char *dir, GError **error)
{
  GError *err = NULL;
  GDir *d = g_dir_open(dir, 0, &err);
  if (!d) {
    g_set_error(error, FC_STATE_ERROR, FC_STATE_ERROR_IO, "%s", err->message);
    g_error_free(err);
    return NULL;
  }
  GArray *files = g_array_new(FALSE, FALSE, sizeof(st_file));
  const char *name;
  while ((name = g_dir_read_name(d))) {
    g_autofree char *path = g_build_filename(dir, name, NULL);
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
    st_file f = {.name = g_strdup(name), .size = (uint64_t)st.st_size};
    g_array_append_val(files, f);
  }
  g_dir_close(d);
  g_array_sort(files, compare_files);
  return files;
}

void st_files_free(GArray *files)
{
  if (!files) return;
  for (guint i = 0; i < files->len; i++)
    g_free(g_array_index(files, st_file, i).name);
  g_array_free(files, TRUE);
}

char *st_files_make_instance_dir(const char *parent, const char *name, GError **error)
{
  if (g_mkdir_with_parents(parent, 0755) != 0) {
    io_error(error, "cannot create state directory", parent, errno);
    return NULL;
  }
  /* the name may be a task name like "count[1]": keep it readable but safe */
  g_autofree char *safe = g_strdup(name);
  for (char *c = safe; *c; c++)
    if (!g_ascii_isalnum(*c) && *c != '-' && *c != '_' && *c != '.') *c = '_';
  char *path = g_strdup_printf("%s/%s-XXXXXX", parent, safe);
  if (!g_mkdtemp_full(path, 0755)) {
    io_error(error, "cannot create state directory", path, errno);
    g_free(path);
    return NULL;
  }
  return path;
}
