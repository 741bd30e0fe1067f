/* checkpoint_dir.c — complete checkpoints on disk: writing one durably,
 * keeping the newest few, and reading them back verified.
 *
 * Layout (see fc_checkpoint.h): dir/chk-<id>/task-<n>.state and
 * dir/chk-<id>/_metadata, beside what operators put there themselves while
 * snapshotting (task-<n>-*: files or directories, e.g. a RocksDB
 * checkpoint; they are deleted with the checkpoint).  The metadata is a GKeyFile body followed by
 * an [integrity] group holding the SHA-256 of the body, so a torn or edited file is detected; each
 * task entry carries the SHA-256 of its state file.
 *
 * Writing order is what makes completion atomic: the state files are
 * written and fsync'ed, then _metadata.tmp is written and fsync'ed, renamed
 * to _metadata, and the checkpoint's directory and then dir are fsync'ed.
 * A crash at any point leaves either a directory without _metadata (not a
 * checkpoint; readers skip it with a warning and retention deletes it) or a
 * complete one.
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
#define INTEGRITY_MARK "\n[integrity]\nsha256="

static const char *mode_name(fc_checkpoint_mode mode)
{
  return mode == FC_CHECKPOINT_AT_LEAST_ONCE ? "at-least-once" : "aligned";
}

static gboolean set_io_error(GError **error, const char *what, const char *path, int err)
{
  g_set_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_IO, "%s %s: %s", what, path, g_strerror(err));
  return FALSE;
}

/* ---- info ---- */

void fc_checkpoint_info_free(fc_checkpoint_info *info)
{
  if (!info) return;
  for (int i = 0; i < info->n_tasks; i++) {
    g_free(info->tasks[i].name);
    g_free(info->tasks[i].file);
    g_free(info->tasks[i].sha256);
  }
  g_free(info->tasks);
  g_free(info->path);
  g_free(info);
}

fc_checkpoint_info *fc_checkpoint_info_copy(const fc_checkpoint_info *info)
{
  fc_checkpoint_info *copy = g_memdup2(info, sizeof *info);
  copy->path = g_strdup(info->path);
  copy->tasks = g_memdup2(info->tasks, sizeof *info->tasks * (size_t)info->n_tasks);
  for (int i = 0; i < info->n_tasks; i++) {
    copy->tasks[i].name = g_strdup(info->tasks[i].name);
    copy->tasks[i].file = g_strdup(info->tasks[i].file);
    copy->tasks[i].sha256 = g_strdup(info->tasks[i].sha256);
  }
  return copy;
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

/* The ids of every chk-<id> entry in dir, ascending.  NULL with an I/O
 * error if dir cannot be read. */
static GArray *list_ids(const char *dir, GError **error)
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
    guint64 id;
    if (g_str_has_prefix(name, "chk-") &&
        g_ascii_string_to_unsigned(name + 4, 10, 1, G_MAXUINT64, &id, NULL))
      g_array_append_val(ids, id);
  }
  g_dir_close(d);
  g_array_sort(ids, compare_ids);
  return ids;
}

/* ---- writing (coordinator thread) ---- */

gboolean fc_checkpoint_dir_prepare(const char *dir, uint64_t *max_id, GError **error)
{
  if (g_mkdir_with_parents(dir, 0755) != 0)
    return set_io_error(error, "cannot create checkpoint directory", dir, errno);
  GArray *ids = list_ids(dir, error);
  if (!ids) return FALSE;
  *max_id = ids->len ? g_array_index(ids, uint64_t, ids->len - 1) : 0;
  g_array_free(ids, TRUE);
  return TRUE;
}

static char *metadata_text(const fc_checkpoint_info *info)
{
  g_autoptr(GKeyFile) kf = g_key_file_new();
  g_key_file_set_uint64(kf, "checkpoint", "id", info->id);
  g_key_file_set_string(kf, "checkpoint", "mode", mode_name(info->mode));
  g_key_file_set_int64(kf, "checkpoint", "trigger_time_us", info->trigger_time_us);
  g_key_file_set_int64(kf, "checkpoint", "duration_us", info->duration_us);
  g_key_file_set_uint64(kf, "checkpoint", "total_size", info->total_size);
  g_key_file_set_integer(kf, "checkpoint", "tasks", info->n_tasks);
  for (int i = 0; i < info->n_tasks; i++) {
    const fc_checkpoint_task_info *ti = &info->tasks[i];
    g_autofree char *group = g_strdup_printf("task %d", i);
    g_key_file_set_string(kf, group, "name", ti->name);
    g_key_file_set_boolean(kf, group, "finished", ti->finished);
    g_key_file_set_uint64(kf, group, "size", ti->size);
    if (ti->file) {
      g_key_file_set_string(kf, group, "file", ti->file);
      g_key_file_set_string(kf, group, "sha256", ti->sha256);
    }
  }
  g_autofree char *body = g_key_file_to_data(kf, NULL, NULL);
  g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, body, -1);
  return g_strdup_printf("%s" INTEGRITY_MARK "%s\n", body, sum);
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
  g_autofree char *text = metadata_text(info);
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

void fc_checkpoint_dir_retain(const char *dir, int retention, uint64_t newest_id)
{
  GError *error = NULL;
  GArray *ids = list_ids(dir, &error);
  if (!ids) {
    g_warning("checkpoint retention: %s", error->message);
    g_error_free(error);
    return;
  }
  /* Keep the newest `retention` complete ones; delete everything older,
   * complete or not (an incomplete one older than a complete one is a
   * crash's leftover).  Nothing newer than newest_id exists (one writer). */
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

/* Checks the integrity trailer and parses the body into *out. */
static gboolean parse_metadata(const char *meta, const char *text, gsize len,
                               fc_checkpoint_info **out, GError **error)
{
  if (strlen(text) != len) return corrupt(error, meta, "contains a NUL byte");
  const char *mark = g_strrstr(text, INTEGRITY_MARK);
  if (!mark) return corrupt(error, meta, "has no integrity checksum (truncated?)");
  const char *sum = mark + strlen(INTEGRITY_MARK);
  if (strlen(sum) != 65 || sum[64] != '\n')
    return corrupt(error, meta, "has a malformed integrity checksum");
  g_autofree char *body = g_strndup(text, (gsize)(mark - text));
  g_autofree char *want = g_compute_checksum_for_string(G_CHECKSUM_SHA256, body, -1);
  if (strncmp(want, sum, 64) != 0) return corrupt(error, meta, "checksum mismatch");

  g_autoptr(GKeyFile) kf = g_key_file_new();
  GError *err = NULL;
  if (!g_key_file_load_from_data(kf, body, (gsize)-1, G_KEY_FILE_NONE, &err)) {
    corrupt(error, meta, err->message);
    g_error_free(err);
    return FALSE;
  }
  fc_checkpoint_info *info = g_new0(fc_checkpoint_info, 1);
  info->id = g_key_file_get_uint64(kf, "checkpoint", "id", &err);
  g_autofree char *mode = err ? NULL : g_key_file_get_string(kf, "checkpoint", "mode", &err);
  if (!err)
    info->mode =
        g_strcmp0(mode, "at-least-once") == 0 ? FC_CHECKPOINT_AT_LEAST_ONCE : FC_CHECKPOINT_ALIGNED;
  if (!err) info->trigger_time_us = g_key_file_get_int64(kf, "checkpoint", "trigger_time_us", &err);
  if (!err) info->duration_us = g_key_file_get_int64(kf, "checkpoint", "duration_us", &err);
  if (!err) info->total_size = g_key_file_get_uint64(kf, "checkpoint", "total_size", &err);
  int n = err ? 0 : g_key_file_get_integer(kf, "checkpoint", "tasks", &err);
  if (!err && (n < 0 || n > 1000000))
    g_set_error(&err, FC_ERROR, FC_ERROR_CHECKPOINT_CORRUPT, "implausible task count %d", n);
  if (!err) {
    info->n_tasks = n;
    info->tasks = g_new0(fc_checkpoint_task_info, n);
  }
  for (int i = 0; i < info->n_tasks && !err; i++) {
    fc_checkpoint_task_info *ti = &info->tasks[i];
    g_autofree char *group = g_strdup_printf("task %d", i);
    ti->task = i;
    ti->name = g_key_file_get_string(kf, group, "name", &err);
    if (!err) ti->finished = g_key_file_get_boolean(kf, group, "finished", &err);
    if (!err) ti->size = g_key_file_get_uint64(kf, group, "size", &err);
    if (!err && g_key_file_has_key(kf, group, "file", NULL)) {
      ti->file = g_key_file_get_string(kf, group, "file", &err);
      g_autofree char *expected = g_strdup_printf("task-%d.state", i);
      if (!err && g_strcmp0(ti->file, expected) != 0) /* no path escapes */
        g_set_error(&err, FC_ERROR, FC_ERROR_CHECKPOINT_CORRUPT, "task %d names file %s", i,
                    ti->file);
      if (!err) ti->sha256 = g_key_file_get_string(kf, group, "sha256", &err);
    }
    if (!err && !ti->file && ti->size)
      g_set_error(&err, FC_ERROR, FC_ERROR_CHECKPOINT_CORRUPT, "task %d has state but no file", i);
  }
  if (err) {
    corrupt(error, meta, err->message);
    g_error_free(err);
    fc_checkpoint_info_free(info);
    return FALSE;
  }
  *out = info;
  return TRUE;
}

/* Reads one task's file and checks its size and digest against info. */
static GBytes *read_verified(const fc_checkpoint_info *info, int task, GError **error)
{
  const fc_checkpoint_task_info *ti = &info->tasks[task];
  if (!ti->file) return g_bytes_new(NULL, 0);
  g_autofree char *file = g_build_filename(info->path, ti->file, NULL);
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
  if (!g_file_get_contents(meta, &text, &len, &err)) {
    if (g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT))
      g_set_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_NOT_FOUND,
                  "%s has no metadata: not a complete checkpoint", path);
    else
      g_set_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_IO, "%s", err->message);
    g_error_free(err);
    return NULL;
  }
  fc_checkpoint_info *info;
  if (!parse_metadata(meta, text, len, &info, error)) return NULL;
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
  GArray *ids = list_ids(dir, error);
  if (!ids) return NULL;
  fc_checkpoint_info *info = NULL;
  for (guint k = ids->len; k-- > 0 && !info;) {
    uint64_t id = g_array_index(ids, uint64_t, k);
    GError *err = NULL;
    info = fc_checkpoint_load(dir, id, &err);
    if (!info) {
      g_warning("checkpoint %" G_GUINT64_FORMAT " is unusable (%s); trying the one before", id,
                err->message);
      g_error_free(err);
    }
  }
  if (!info)
    g_set_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_NOT_FOUND,
                "no complete checkpoint in %s (%u candidates)", dir, ids->len);
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
