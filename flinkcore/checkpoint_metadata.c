/* checkpoint_metadata.c — a checkpoint's _metadata text: writing it from an
 * fc_checkpoint_info and reading it back, with every value checked.
 *
 * The text is a GKeyFile body followed by an [integrity] group holding the
 * SHA-256 of the body, so a torn or edited file is detected:
 *
 *   [checkpoint]  id, mode, times, total_size, tasks (the count),
 *                 job (the job's name, when it has one),
 *                 vertices (every vertex name, task order) and
 *                 parallelism (each vertex's task count, same order)
 *   [task <n>]    name "vertex[subtask]", finished, size, and for a task
 *                 that wrote bytes: file "task-<n>.state" and sha256
 *
 * Reading trusts nothing in the text: the id is within 1 ..
 * FC_CHECKPOINT_ID_MAX, the task count is bounded, every task name is a
 * vertex and a subtask written in canonical decimal, a vertex's subtasks are
 * exactly 0 .. parallelism-1 (so an index at or beyond the recorded
 * parallelism, or a repeated one, is refused before anyone sizes an array
 * by it), a file name can only be the one the writer gives (no path
 * escapes), and the sizes add up.  Checkpoints written before vertices and
 * parallelism were recorded are read with the parallelism their task names
 * give.
 *
 * Pure functions on memory: any thread; fc_checkpoint_metadata_parse() is
 * what a fuzzer calls.
 */
#define G_LOG_DOMAIN "gust-flinkcore"
#include "internal.h"

#include <string.h>

#define INTEGRITY_MARK "\n[integrity]\nsha256="
#define MAX_TASKS 1000000

/* ---- info ---- */

void fc_checkpoint_info_free(fc_checkpoint_info *info)
{
  if (!info) return;
  for (int i = 0; i < info->n_tasks; i++) {
    g_free(info->tasks[i].name);
    g_free(info->tasks[i].vertex);
    g_free(info->tasks[i].file);
    g_free(info->tasks[i].sha256);
  }
  g_free(info->tasks);
  g_free(info->job_name);
  g_free(info->path);
  g_free(info);
}

fc_checkpoint_info *fc_checkpoint_info_copy(const fc_checkpoint_info *info)
{
  fc_checkpoint_info *copy = g_memdup2(info, sizeof *info);
  copy->path = g_strdup(info->path);
  copy->job_name = g_strdup(info->job_name);
  copy->tasks = g_memdup2(info->tasks, sizeof *info->tasks * (size_t)info->n_tasks);
  for (int i = 0; i < info->n_tasks; i++) {
    copy->tasks[i].name = g_strdup(info->tasks[i].name);
    copy->tasks[i].vertex = g_strdup(info->tasks[i].vertex);
    copy->tasks[i].file = g_strdup(info->tasks[i].file);
    copy->tasks[i].sha256 = g_strdup(info->tasks[i].sha256);
  }
  return copy;
}

/* ---- writing ---- */

static const char *mode_name(fc_checkpoint_mode mode)
{
  return mode == FC_CHECKPOINT_AT_LEAST_ONCE ? "at-least-once" : "aligned";
}

/* The vertices of info's tasks in task order, with their task counts. */
static void vertices_of(const fc_checkpoint_info *info, GPtrArray *names, GArray *parallelism)
{
  for (int i = 0; i < info->n_tasks; i++) {
    const char *v = info->tasks[i].vertex;
    guint last = names->len;
    if (last && !strcmp(g_ptr_array_index(names, last - 1), v)) {
      g_array_index(parallelism, int, last - 1)++;
    } else {
      int one = 1;
      g_ptr_array_add(names, (gpointer)v);
      g_array_append_val(parallelism, one);
    }
  }
}

char *fc_checkpoint_metadata_text(const fc_checkpoint_info *info)
{
  g_autoptr(GKeyFile) kf = g_key_file_new();
  g_key_file_set_uint64(kf, "checkpoint", "id", info->id);
  g_key_file_set_string(kf, "checkpoint", "mode", mode_name(info->mode));
  if (info->job_name) g_key_file_set_string(kf, "checkpoint", "job", info->job_name);
  g_key_file_set_int64(kf, "checkpoint", "trigger_time_us", info->trigger_time_us);
  g_key_file_set_int64(kf, "checkpoint", "duration_us", info->duration_us);
  g_key_file_set_uint64(kf, "checkpoint", "total_size", info->total_size);
  g_key_file_set_integer(kf, "checkpoint", "tasks", info->n_tasks);
  g_autoptr(GPtrArray) names = g_ptr_array_new();
  g_autoptr(GArray) parallelism = g_array_new(FALSE, FALSE, sizeof(int));
  vertices_of(info, names, parallelism);
  g_key_file_set_string_list(kf, "checkpoint", "vertices", (const char *const *)names->pdata,
                             names->len);
  g_key_file_set_integer_list(kf, "checkpoint", "parallelism", (int *)parallelism->data,
                              parallelism->len);
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

/* ---- reading ---- */

/* "name[12]" -> vertex "name", subtask 12; FALSE for anything else (no
 * sign, no leading zero, no space, below 2^31). */
gboolean fc_checkpoint_parse_task_name(const char *name, char **vertex, int *subtask)
{
  const char *open = strrchr(name, '[');
  size_t len = strlen(name);
  if (!open || open == name || len < 3 || name[len - 1] != ']') return FALSE;
  g_autofree char *digits = g_strndup(open + 1, (gsize)(name + len - 1 - (open + 1)));
  guint64 n;
  if (!g_ascii_string_to_unsigned(digits, 10, 0, G_MAXINT32, &n, NULL)) return FALSE;
  g_autofree char *canonical = g_strdup_printf("%" G_GUINT64_FORMAT, n);
  if (strcmp(canonical, digits) != 0) return FALSE;
  *vertex = g_strndup(name, (gsize)(open - name));
  *subtask = (int)n;
  return TRUE;
}

static gboolean bad(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static gboolean bad(GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error_literal(error, FC_ERROR, FC_ERROR_CHECKPOINT_CORRUPT, msg);
  return FALSE;
}

/* Checks the integrity trailer; the body (a copy) in *body. */
static gboolean check_integrity(const char *text, size_t len, char **body, GError **error)
{
  if (memchr(text, '\0', len)) return bad(error, "contains a NUL byte");
  g_autofree char *copy = g_strndup(text, len);
  const char *mark = g_strrstr(copy, INTEGRITY_MARK);
  if (!mark) return bad(error, "has no integrity checksum (truncated?)");
  const char *sum = mark + strlen(INTEGRITY_MARK);
  if (strlen(sum) != 65 || sum[64] != '\n') return bad(error, "has a malformed integrity checksum");
  *body = g_strndup(copy, (gsize)(mark - copy));
  g_autofree char *want = g_compute_checksum_for_string(G_CHECKSUM_SHA256, *body, -1);
  if (strncmp(want, sum, 64) != 0) {
    g_clear_pointer(body, g_free);
    return bad(error, "checksum mismatch");
  }
  return TRUE;
}

static gboolean read_header(GKeyFile *kf, fc_checkpoint_info *info, int *n_tasks, GError **error)
{
  GError *err = NULL;
  info->id = g_key_file_get_uint64(kf, "checkpoint", "id", &err);
  if (!err && (info->id < 1 || info->id > FC_CHECKPOINT_ID_MAX))
    return bad(error, "implausible checkpoint id %" G_GUINT64_FORMAT, info->id);
  g_autofree char *mode = err ? NULL : g_key_file_get_string(kf, "checkpoint", "mode", &err);
  if (!err && strcmp(mode, "at-least-once") && strcmp(mode, "aligned"))
    return bad(error, "unknown mode \"%s\"", mode);
  if (!err)
    info->mode = !strcmp(mode, "aligned") ? FC_CHECKPOINT_ALIGNED : FC_CHECKPOINT_AT_LEAST_ONCE;
  if (!err && g_key_file_has_key(kf, "checkpoint", "job", NULL))
    info->job_name = g_key_file_get_string(kf, "checkpoint", "job", &err);
  if (!err) info->trigger_time_us = g_key_file_get_int64(kf, "checkpoint", "trigger_time_us", &err);
  if (!err) info->duration_us = g_key_file_get_int64(kf, "checkpoint", "duration_us", &err);
  if (!err) info->total_size = g_key_file_get_uint64(kf, "checkpoint", "total_size", &err);
  int n = err ? 0 : g_key_file_get_integer(kf, "checkpoint", "tasks", &err);
  if (err) {
    g_propagate_error(error, err);
    return FALSE;
  }
  if (n < 0 || n > MAX_TASKS) return bad(error, "implausible task count %d", n);
  *n_tasks = n;
  return TRUE;
}

static gboolean read_task(GKeyFile *kf, int i, fc_checkpoint_task_info *ti, GError **error)
{
  GError *err = NULL;
  g_autofree char *group = g_strdup_printf("task %d", i);
  ti->task = i;
  ti->name = g_key_file_get_string(kf, group, "name", &err);
  if (!err && !fc_checkpoint_parse_task_name(ti->name, &ti->vertex, &ti->subtask))
    return bad(error, "task %d has the malformed name \"%s\" (want vertex[subtask])", i, ti->name);
  if (!err) ti->finished = g_key_file_get_boolean(kf, group, "finished", &err);
  if (!err) ti->size = g_key_file_get_uint64(kf, group, "size", &err);
  if (!err && g_key_file_has_key(kf, group, "file", NULL)) {
    ti->file = g_key_file_get_string(kf, group, "file", &err);
    g_autofree char *expected = g_strdup_printf("task-%d.state", i);
    if (!err && g_strcmp0(ti->file, expected) != 0)
      return bad(error, "task %d names file %s", i, ti->file);
    if (!err) ti->sha256 = g_key_file_get_string(kf, group, "sha256", &err);
    if (!err && (strlen(ti->sha256) != 64 || strspn(ti->sha256, "0123456789abcdef") != 64))
      return bad(error, "task %d has a malformed sha256", i);
  }
  if (err) {
    g_propagate_error(error, err);
    return FALSE;
  }
  if (!ti->file && ti->size) return bad(error, "task %d has state but no file", i);
  return TRUE;
}

typedef struct {
  int parallelism; /* recorded, or counted from the task names */
  int counted;
  bool *seen; /* per subtask, once counted == parallelism is known */
} vertex_check;

static void vertex_check_free(gpointer p)
{
  vertex_check *v = p;
  g_free(v->seen);
  g_free(v);
}

/* Every vertex's subtasks are exactly 0 .. parallelism-1, each once; the
 * recorded vertices and parallelism (when present) agree with the tasks. */
static gboolean check_vertices(GKeyFile *kf, const fc_checkpoint_info *info, GError **error)
{
  g_autoptr(GHashTable) vertices =
      g_hash_table_new_full(g_str_hash, g_str_equal, NULL, vertex_check_free);
  for (int i = 0; i < info->n_tasks; i++) {
    vertex_check *v = g_hash_table_lookup(vertices, info->tasks[i].vertex);
    if (!v) {
      v = g_new0(vertex_check, 1);
      g_hash_table_insert(vertices, info->tasks[i].vertex, v);
    }
    v->parallelism = ++v->counted;
  }
  if (g_key_file_has_key(kf, "checkpoint", "vertices", NULL)) {
    gsize n_names = 0, n_par = 0;
    g_auto(GStrv) names = g_key_file_get_string_list(kf, "checkpoint", "vertices", &n_names, NULL);
    g_autofree int *par =
        g_key_file_get_integer_list(kf, "checkpoint", "parallelism", &n_par, NULL);
    if (!names || !par || n_names != n_par || n_names != g_hash_table_size(vertices))
      return bad(error, "its vertices and parallelism do not match its tasks");
    for (gsize k = 0; k < n_names; k++) {
      vertex_check *v = g_hash_table_lookup(vertices, names[k]);
      if (!v) return bad(error, "vertex %s has no tasks", names[k]);
      if (par[k] != v->counted)
        return bad(error, "vertex %s records parallelism %d but has %d tasks", names[k], par[k],
                   v->counted);
    }
  }
  for (int i = 0; i < info->n_tasks; i++) {
    const fc_checkpoint_task_info *ti = &info->tasks[i];
    vertex_check *v = g_hash_table_lookup(vertices, ti->vertex);
    if (ti->subtask >= v->parallelism)
      return bad(error, "task %s: index %d is at or beyond its vertex's parallelism %d", ti->name,
                 ti->subtask, v->parallelism);
    if (!v->seen) v->seen = g_new0(bool, v->parallelism);
    if (v->seen[ti->subtask]) return bad(error, "task %s appears twice", ti->name);
    v->seen[ti->subtask] = true;
  }
  return TRUE;
}

fc_checkpoint_info *fc_checkpoint_metadata_parse(const char *text, size_t len, const char *origin,
                                                 GError **error)
{
  GError *err = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GKeyFile) kf = g_key_file_new();
  fc_checkpoint_info *info = g_new0(fc_checkpoint_info, 1);
  int n = 0;
  gboolean ok = check_integrity(text, len, &body, &err) &&
                g_key_file_load_from_data(kf, body, (gsize)-1, G_KEY_FILE_NONE, &err) &&
                read_header(kf, info, &n, &err);
  if (ok) {
    info->tasks = g_new0(fc_checkpoint_task_info, n);
    info->n_tasks = n;
  }
  uint64_t total = 0;
  for (int i = 0; ok && i < n; i++) {
    ok = read_task(kf, i, &info->tasks[i], &err);
    total += info->tasks[i].size; /* each below 2^64; MAX_TASKS of them cannot wrap twice */
    if (ok && total < info->tasks[i].size) ok = bad(&err, "task sizes overflow");
  }
  if (ok && total != info->total_size)
    ok = bad(&err, "its task sizes add up to %" G_GUINT64_FORMAT ", not %" G_GUINT64_FORMAT, total,
             info->total_size);
  if (ok) ok = check_vertices(kf, info, &err);
  if (!ok) {
    g_set_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_CORRUPT, "%s: %s", origin, err->message);
    g_error_free(err);
    fc_checkpoint_info_free(info);
    return NULL;
  }
  return info;
}
