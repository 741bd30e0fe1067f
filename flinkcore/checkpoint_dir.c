/* checkpoint_dir.c — complete checkpoints on disk: writing one durably,
 * keeping the newest few, and reading them back verified.
 *
 * Layout (see fc_checkpoint.h): dir/chk-<id>/task-<n>.state and
 * dir/chk-<id>/_metadata, beside what operators put there themselves while
 * snapshotting (task-<n>-*: files or directories, e.g. a RocksDB
 * checkpoint; they are deleted with the checkpoint).  The metadata's text
 * (checkpoint_metadata.c) ends with its own SHA-256, so a torn or edited
 * file is detected; each task entry carries the SHA-256 of its state file.
 *
 * Names are untrusted: only chk-<id> with <id> in canonical decimal within
 * 1 .. FC_CHECKPOINT_ID_MAX is a checkpoint; anything else in dir is left
 * alone (a warning at start-up names it), and one above half of that is
 * refused at start-up, so that numbering never runs out.  A state file's size is checked
 * against the metadata before it is read.
 *
 * Writing order is what makes completion atomic: the state files are
 * written and fsync'ed, then _metadata.tmp is written and fsync'ed, renamed
 * to _metadata, and the checkpoint's directory and then dir are fsync'ed.
 * A crash at any point leaves either a directory without _metadata (not a
 * checkpoint; readers skip it with a warning and retention deletes it) or a
 * complete one.
 *
 * Retention keeps the newest `retention` complete checkpoints and the one
 * the job resumed from (keep_id), whatever its age: a run deletes older
 * checkpoints only after one of its own completed, which shows every task
 * opened from the restored state; and the checkpoint it resumed from stays
 * for as long as the run lasts.
 *
 * A directory is checked writable when a job starts (a probe file is
 * written, fsync'ed and deleted), so a wrong path fails at once.
 *
 * Threads: writing and retention run on the coordinator's thread only (one
 * writer per directory); the readers (fc_checkpoint_latest, _load,
 * _read_task_state) may run on any thread and share nothing.
 */
#define G_LOG_DOMAIN "gust-flinkcore"
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#define METADATA_NAME "_metadata"
#define CHECKPOINT_PREFIX "chk-"

static gboolean set_io_error(GError **error, const char *what, const char *path, int err)
{
  g_set_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_IO, "%s %s: %s", what, path, g_strerror(err));
  return FALSE;
}

/* ---- small durable-file helpers ---- */

static gboolean write_file_synced(const char *path, const void *data, size_t len, GError **error)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return set_io_error(error, "cannot create", path, errno);
  const char *p = data;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      return set_io_error(error, "cannot write", path, err);
    }
    p += n;
    len -= (size_t)n;
  }
  if (fsync(fd) != 0) {
    int err = errno;
    close(fd);
    return set_io_error(error, "cannot fsync", path, err);
  }
  if (close(fd) != 0) return set_io_error(error, "cannot close", path, errno);
  return TRUE;
}

static gboolean fsync_dir(const char *path, GError **error)
{
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return set_io_error(error, "cannot open directory", path, errno);
  int rc = fsync(fd);
  int err = errno;
  close(fd);
  return rc == 0 ? TRUE : set_io_error(error, "cannot fsync directory", path, err);
}

gboolean fc_remove_tree(const char *path, GError **error)
{
  struct stat st;
  if (lstat(path, &st) != 0)
    return errno == ENOENT ? TRUE : set_io_error(error, "cannot stat", path, errno);
  if (!S_ISDIR(st.st_mode)) {
    if (unlink(path) != 0 && errno != ENOENT)
      return set_io_error(error, "cannot delete", path, errno);
    return TRUE;
  }
  GDir *d = g_dir_open(path, 0, NULL);
  if (d) {
    const char *name;
    while ((name = g_dir_read_name(d))) {
      g_autofree char *child = g_build_filename(path, name, NULL);
      if (!fc_remove_tree(child, error)) {
        g_dir_close(d);
        return FALSE;
      }
    }
    g_dir_close(d);
  }
  if (rmdir(path) != 0 && errno != ENOENT)
    return set_io_error(error, "cannot delete directory", path, errno);
  return TRUE;
}

/* Deletes a checkpoint directory: _metadata first, so that a deletion cut
 * short never leaves something that looks complete.  Subdirectories (an
 * operator's files, e.g. a RocksDB checkpoint) go with it. */
static gboolean remove_checkpoint_dir(const char *path, GError **error)
{
  g_autofree char *meta = g_build_filename(path, METADATA_NAME, NULL);
  if (unlink(meta) != 0 && errno != ENOENT)
    return set_io_error(error, "cannot delete", meta, errno);
  return fc_remove_tree(path, error);
}

static char *checkpoint_path(const char *dir, uint64_t id)
{
  g_autofree char *name = g_strdup_printf("chk-%" G_GUINT64_FORMAT, id);
  return g_build_filename(dir, name, NULL);
}

static int compare_ids(gconstpointer a, gconstpointer b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* The id a directory entry names: chk-<id>, <id> canonical decimal within
 * 1 .. FC_CHECKPOINT_ID_MAX.  0 for anything else. */
static uint64_t checkpoint_id_of(const char *name)
{
  guint64 id;
  if (!g_str_has_prefix(name, CHECKPOINT_PREFIX)) return 0;
  const char *digits = name + strlen(CHECKPOINT_PREFIX);
  if (!g_ascii_string_to_unsigned(digits, 10, 1, FC_CHECKPOINT_ID_MAX, &id, NULL)) return 0;
  g_autofree char *canonical = g_strdup_printf("%" G_GUINT64_FORMAT, id);
  return strcmp(canonical, digits) == 0 ? id : 0;
}

/* The ids of every checkpoint entry in dir, ascending.  warn: name the
 * chk-* entries that are not checkpoints.  NULL with an I/O error if dir
 * cannot be read. */
static GArray *list_ids(const char *dir, bool warn, GError **error)
{
  GError *err = NULL;
  GDir *d = g_dir_open(dir, 0, &err);
  if (!d) {
    g_set_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_IO, "cannot read checkpoint directory: %s",
                err->message);
    g_error_free(err);
    return NULL;
  }
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(uint64_t));
  const char *name;
  while ((name = g_dir_read_name(d))) {
    uint64_t id = checkpoint_id_of(name);
    if (id)
      g_array_append_val(ids, id);
    else if (warn && g_str_has_prefix(name, CHECKPOINT_PREFIX))
      g_warning("ignoring %s/%s: not a checkpoint (ids are 1 to %" G_GUINT64_FORMAT
                " in plain decimal); it is left alone",
                dir, name, FC_CHECKPOINT_ID_MAX);
  }
  g_dir_close(d);
  g_array_sort(ids, compare_ids);
  return ids;
}

/* ---- writing (coordinator thread) ---- */

/* Writes, fsyncs and deletes a probe file in dir. */
static gboolean check_writable(const char *dir, GError **error)
{
  g_autofree char *probe = g_build_filename(dir, ".gust-write-probe-XXXXXX", NULL);
  int fd = g_mkstemp_full(probe, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0) return set_io_error(error, "cannot write in checkpoint directory", dir, errno);
  static const char bytes[512];
  ssize_t n = write(fd, bytes, sizeof bytes);
  int err = n < 0 ? errno : n < (ssize_t)sizeof bytes ? ENOSPC : 0;
  if (!err && fsync(fd) != 0) err = errno;
  close(fd);
  unlink(probe);
  return err ? set_io_error(error, "cannot write in checkpoint directory", dir, err) : TRUE;
}

gboolean fc_checkpoint_dir_prepare(const char *dir, uint64_t *max_id, GError **error)
{
  if (g_mkdir_with_parents(dir, 0755) != 0)
    return set_io_error(error, "cannot create checkpoint directory", dir, errno);
  if (!check_writable(dir, error)) return FALSE;
  GArray *ids = list_ids(dir, true, error);
  if (!ids) return FALSE;
  *max_id = ids->len ? g_array_index(ids, uint64_t, ids->len - 1) : 0;
  g_array_free(ids, TRUE);
  /* Numbering continues after *max_id: leave it room to grow without
   * reaching FC_CHECKPOINT_ID_MAX in any real run. */
  if (*max_id > FC_CHECKPOINT_ID_MAX / 2) {
    g_set_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_IO,
                "%s/" CHECKPOINT_PREFIX "%" G_GUINT64_FORMAT
                ": checkpoint id implausibly high (above %" G_GUINT64_FORMAT
                "), so numbering cannot continue after it; move it aside",
                dir, *max_id, FC_CHECKPOINT_ID_MAX / 2);
    return FALSE;
  }
  return TRUE;
}

/* Writes each task's non-empty state to path/task-<n>.state, fsync'ed,
 * and records its file name and digest in info. */
static gboolean write_states(const char *path, fc_checkpoint_info *info, GBytes *const *states,
                             GError **error)
{
  for (int i = 0; i < info->n_tasks; i++) {
    fc_checkpoint_task_info *ti = &info->tasks[i];
    if (!states[i] || g_bytes_get_size(states[i]) == 0) continue;
    ti->file = g_strdup_printf("task-%d.state", i);
    ti->sha256 = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, states[i]);
    g_autofree char *file = g_build_filename(path, ti->file, NULL);
    gsize len;
    const void *data = g_bytes_get_data(states[i], &len);
    if (!write_file_synced(file, data, len, error)) return FALSE;
  }
  return TRUE;
}

/* The completing step: _metadata.tmp, fsync, rename, fsync the directory. */
static gboolean write_metadata(const char *path, const fc_checkpoint_info *info, GError **error)
{
  g_autofree char *text = fc_checkpoint_metadata_text(info);
  g_autofree char *tmp = g_build_filename(path, METADATA_NAME ".tmp", NULL);
  g_autofree char *meta = g_build_filename(path, METADATA_NAME, NULL);
  if (!write_file_synced(tmp, text, strlen(text), error)) return FALSE;
  if (rename(tmp, meta) != 0) return set_io_error(error, "cannot rename to", meta, errno);
  return fsync_dir(path, error);
}

gboolean fc_checkpoint_dir_write(const char *dir, fc_checkpoint_info *info, GBytes *const *states,
                                 GError **error)
{
  g_autofree char *path = checkpoint_path(dir, info->id);
  /* The directory may exist already: tasks put their own files in it while
   * snapshotting (fc_snapshot_directory).  Ids start above every chk-<id>
   * found at start-up, so nothing else can be in it; a stray _metadata
   * would make it look complete too early and goes first. */
  g_autofree char *meta = g_build_filename(path, METADATA_NAME, NULL);
  if (unlink(meta) != 0 && errno != ENOENT)
    return set_io_error(error, "cannot delete", meta, errno);
  if (mkdir(path, 0755) != 0 && errno != EEXIST)
    return set_io_error(error, "cannot create", path, errno);
  if (!write_states(path, info, states, error) || !write_metadata(path, info, error) ||
      !fsync_dir(dir, error)) {
    remove_checkpoint_dir(path, NULL);
    return FALSE;
  }
  info->path = g_steal_pointer(&path);
  return TRUE;
}

void fc_checkpoint_dir_retain(const char *dir, int retention, uint64_t newest_id, uint64_t keep_id)
{
  GError *error = NULL;
  GArray *ids = list_ids(dir, false, &error);
  if (!ids) {
    g_warning("checkpoint retention: %s", error->message);
    g_error_free(error);
    return;
  }
  /* Keep the newest `retention` complete ones and keep_id; delete
   * everything else older, complete or not (an incomplete one older than a
   * complete one is a crash's leftover).  Nothing newer than newest_id
   * exists (one writer). */
  uint64_t keep_from = 0;
  int complete = 0;
  for (guint k = ids->len; k-- > 0 && complete < retention;) {
    uint64_t id = g_array_index(ids, uint64_t, k);
    if (id > newest_id) continue;
    g_autofree char *path = checkpoint_path(dir, id);
    g_autofree char *meta = g_build_filename(path, METADATA_NAME, NULL);
    if (g_file_test(meta, G_FILE_TEST_IS_REGULAR)) {
      complete++;
      keep_from = id;
    }
  }
  for (guint k = 0; k < ids->len && complete == retention; k++) {
    uint64_t id = g_array_index(ids, uint64_t, k);
    if (id >= keep_from) break;
    if (id == keep_id) continue;
    g_autofree char *path = checkpoint_path(dir, id);
    if (!remove_checkpoint_dir(path, &error)) {
      g_warning("checkpoint retention: %s", error->message);
      g_clear_error(&error);
    }
  }
  g_array_free(ids, TRUE);
}

/* ---- reading (any thread) ---- */

static gboolean corrupt(GError **error, const char *path, const char *why)
{
  g_set_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_CORRUPT, "%s: %s", path, why);
  return FALSE;
}

/* Reads one task's file and checks its size and digest against info (the
 * size before reading: a file grown huge is not read into memory). */
static GBytes *read_verified(const fc_checkpoint_info *info, int task, GError **error)
{
  const fc_checkpoint_task_info *ti = &info->tasks[task];
  if (!ti->file) return g_bytes_new(NULL, 0);
  g_autofree char *file = g_build_filename(info->path, ti->file, NULL);
  struct stat st;
  if (stat(file, &st) != 0) {
    int err = errno;
    g_set_error(error, FC_ERROR,
                err == ENOENT ? FC_ERROR_CHECKPOINT_CORRUPT : FC_ERROR_CHECKPOINT_IO,
                "cannot read %s: %s", file, g_strerror(err));
    return NULL;
  }
  if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size != ti->size) {
    corrupt(error, file, "size differs from the metadata");
    return NULL;
  }
  char *data;
  gsize len;
  GError *err = NULL;
  if (!g_file_get_contents(file, &data, &len, &err)) {
    int code = g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? FC_ERROR_CHECKPOINT_CORRUPT
                                                                      : FC_ERROR_CHECKPOINT_IO;
    g_set_error(error, FC_ERROR, code, "%s", err->message);
    g_error_free(err);
    return NULL;
  }
  GBytes *bytes = g_bytes_new_take(data, len);
  g_autofree char *sum = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, bytes);
  if (len != ti->size || g_strcmp0(sum, ti->sha256) != 0) {
    g_bytes_unref(bytes);
    corrupt(error, file,
            len != ti->size ? "size differs from the metadata"
                            : "checksum differs from the metadata");
    return NULL;
  }
  return bytes;
}

fc_checkpoint_info *fc_checkpoint_load(const char *dir, uint64_t id, GError **error)
{
  g_autofree char *path = checkpoint_path(dir, id);
  g_autofree char *meta = g_build_filename(path, METADATA_NAME, NULL);
  g_autofree char *text = NULL;
  gsize len;
  GError *err = NULL;
  struct stat st;
  if (stat(meta, &st) == 0 && st.st_size > FC_CHECKPOINT_METADATA_MAX) {
    g_set_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_CORRUPT,
                "%s: implausibly large (%" G_GINT64_FORMAT " bytes)", meta, (gint64)st.st_size);
    return NULL;
  }
  if (!g_file_get_contents(meta, &text, &len, &err)) {
    if (g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT))
      g_set_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_NOT_FOUND,
                  "%s has no metadata: not a complete checkpoint", path);
    else
      g_set_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_IO, "%s", err->message);
    g_error_free(err);
    return NULL;
  }
  fc_checkpoint_info *info = fc_checkpoint_metadata_parse(text, len, meta, error);
  if (!info) return NULL;
  if (info->id != id) {
    corrupt(error, meta, "names another checkpoint id");
    fc_checkpoint_info_free(info);
    return NULL;
  }
  info->path = g_steal_pointer(&path);
  for (int i = 0; i < info->n_tasks; i++) {
    GBytes *state = read_verified(info, i, error);
    if (!state) {
      fc_checkpoint_info_free(info);
      return NULL;
    }
    g_bytes_unref(state);
  }
  return info;
}

fc_checkpoint_info *fc_checkpoint_latest(const char *dir, GError **error)
{
  GArray *ids = list_ids(dir, false, error);
  if (!ids) return NULL;
  fc_checkpoint_info *info = NULL;
  GError *newest_damage = NULL; /* why the newest complete one is unusable */
  for (guint k = ids->len; k-- > 0 && !info;) {
    uint64_t id = g_array_index(ids, uint64_t, k);
    GError *err = NULL;
    info = fc_checkpoint_load(dir, id, &err);
    if (!info) {
      g_warning("checkpoint %" G_GUINT64_FORMAT " is unusable (%s); trying the one before", id,
                err->message);
      if (!newest_damage && !g_error_matches(err, FC_ERROR, FC_ERROR_CHECKPOINT_NOT_FOUND))
        newest_damage = g_steal_pointer(&err);
      g_clear_error(&err);
    }
  }
  if (!info && newest_damage)
    g_set_error(error, FC_ERROR,
                newest_damage->code == FC_ERROR_CHECKPOINT_IO ? FC_ERROR_CHECKPOINT_IO
                                                              : FC_ERROR_CHECKPOINT_CORRUPT,
                "no intact checkpoint in %s: every complete one is unusable; the newest: %s", dir,
                newest_damage->message);
  else if (!info)
    g_set_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_NOT_FOUND,
                "no complete checkpoint in %s (%u candidates)", dir, ids->len);
  g_clear_error(&newest_damage);
  g_array_free(ids, TRUE);
  return info;
}

GBytes *fc_checkpoint_read_task_state(const fc_checkpoint_info *info, int task, GError **error)
{
  if (!info->path || task < 0 || task >= info->n_tasks) {
    g_set_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_NOT_FOUND,
                "checkpoint %" G_GUINT64_FORMAT " has no task %d on disk", info->id, task);
    return NULL;
  }
  return read_verified(info, task, error);
}
