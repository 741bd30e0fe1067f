/* state_host.c — a task's keyed state as a component host sees it:
 * configured from the topology conf, opened on first use, snapshotted and
 * restored inside the task's own snapshot (see state_host.h).
 *
 * A gust_state wraps one fc_state (flinkcore's keyed state backend) that is
 * made lazily: rt_state_backend() opens it the first time a gust_state_*
 * call needs it, or a restore makes it from snapshot bytes.  An opening
 * failure is kept and returned by every later call, so a bolt sees it
 * through the GError of the call it made.  The arena holds what reads
 * return (state_api.c rewinds it at each read).
 *
 * Threads: everything on the task's thread; rt_state_new/_free wherever
 * the host creates and frees the task.
 */
#include "state_host.h"

#include <gust/conf.h>
#include <string.h>

#define TASK_FRAME_MAGIC "GUSTBLT1"
#define TASK_FRAME_MAGIC_LEN 8
#define TASK_FRAME_HEADER (TASK_FRAME_MAGIC_LEN + 8)

struct gust_state {
  fc_state_options opts; /* name and work_dir point at the copies below */
  char *name, *work_dir;
  fc_state *backend;  /* NULL until first use or a restore */
  GError *open_error; /* opening failed: every call fails with this */
  fc_arena arena;
};

/* ---- configuration ---- */

static gboolean invalid(GError **error, const char *task, const char *key, const char *why)
{
  g_set_error(error, FC_STATE_ERROR, FC_STATE_ERROR_INVALID, "%s: %s: %s", task, key, why);
  return FALSE;
}

/* topology.state.provider -> backend. */
static gboolean parse_provider(const json_t *conf, const char *task, fc_state_backend *out,
                               GError **error)
{
  const char *key = "topology.state.provider";
  const char *s = gust_conf_string(conf, key);
  *out = FC_STATE_MEMORY;
  if (!s) return TRUE;
  if (!g_ascii_strcasecmp(s, "memory") || !g_ascii_strcasecmp(s, "in-memory") ||
      !strcmp(s, "org.apache.storm.state.InMemoryKeyValueStateProvider"))
    return TRUE;
  if (!g_ascii_strcasecmp(s, "rocksdb") || g_str_has_suffix(s, "StateProvider")) {
    *out = FC_STATE_ROCKSDB;
    return TRUE;
  }
  g_autofree char *why =
      g_strdup_printf("unknown state provider \"%s\" (use \"memory\" or \"rocksdb\")", s);
  return invalid(error, task, key, why);
}

gust_state *rt_state_new(const json_t *conf, const char *task_name, int subtask, int parallelism,
                         GError **error)
{
  fc_state_backend backend;
  GError *conf_error = NULL;
  if (!gust_conf_check(conf, &conf_error)) {
    g_set_error(error, FC_STATE_ERROR, FC_STATE_ERROR_INVALID, "%s: %s", task_name,
                conf_error->message);
    g_error_free(conf_error);
    return NULL;
  }
  if (!parse_provider(conf, task_name, &backend, error)) return NULL;
  const char *dir = gust_conf_string(conf, "topology.gust.state.dir");
  if (parallelism < 1 || subtask < 0 || subtask >= parallelism) {
    g_set_error(error, FC_STATE_ERROR, FC_STATE_ERROR_INVALID, "%s: task %d of %d does not exist",
                task_name, subtask, parallelism);
    return NULL;
  }
  gust_state *st = g_new0(gust_state, 1);
  st->name = g_strdup(task_name);
  st->work_dir = g_strdup(dir);
  st->opts = (fc_state_options){.backend = backend,
                                .name = st->name,
                                .subtask = subtask,
                                .parallelism = parallelism,
                                .work_dir = st->work_dir};
  fc_arena_init(&st->arena, 0);
  return st;
}

void rt_state_free(gust_state *st)
{
  if (!st) return;
  fc_state_free(st->backend);
  g_clear_error(&st->open_error);
  fc_arena_clear(&st->arena);
  g_free(st->name);
  g_free(st->work_dir);
  g_free(st);
}

/* ---- for state_api.c ---- */

fc_state *rt_state_backend(gust_state *st, GError **error)
{
  if (st->backend) return st->backend;
  if (!st->open_error) st->backend = fc_state_new(&st->opts, &st->open_error);
  if (!st->backend) g_propagate_error(error, g_error_copy(st->open_error));
  return st->backend;
}

fc_arena *rt_state_arena(gust_state *st)
{
  return &st->arena;
}

/* ---- restore and snapshot ---- */

static gboolean replace_backend(gust_state *st, fc_state *backend)
{
  if (!backend) return FALSE;
  fc_state_free(st->backend);
  st->backend = backend;
  g_clear_error(&st->open_error);
  return TRUE;
}

gboolean rt_state_restore(gust_state *st, GBytes *state_bytes, GError **error)
{
  if (!state_bytes || g_bytes_get_size(state_bytes) == 0) return TRUE; /* opens on first use */
  return replace_backend(st, fc_state_restore(&st->opts, state_bytes, error));
}

gboolean rt_state_restore_rescaled(gust_state *st, GBytes *const *old_state_bytes, int n_old,
                                   GError **error)
{
  gboolean any = FALSE;
  for (int i = 0; i < n_old; i++)
    any |= old_state_bytes[i] && g_bytes_get_size(old_state_bytes[i]) > 0;
  if (!any) return TRUE;
  return replace_backend(st, fc_state_restore_rescaled(&st->opts, old_state_bytes, n_old, error));
}

gboolean rt_state_snapshot(gust_state *st, fc_snapshot *out, GError **error)
{
  if (!st || !st->backend) return TRUE; /* never used: nothing to keep */
  return fc_state_snapshot(st->backend, out, error);
}

gboolean rt_state_write_task_snapshot(gust_state *st, const void *component_bytes, size_t len,
                                      fc_snapshot *out, GError **error)
{
  uint8_t header[TASK_FRAME_HEADER];
  memcpy(header, TASK_FRAME_MAGIC, TASK_FRAME_MAGIC_LEN);
  uint64_t n = len;
  for (int i = 0; i < 8; i++, n >>= 8)
    header[TASK_FRAME_MAGIC_LEN + i] = (uint8_t)n;
  fc_snapshot_write(out, header, sizeof header);
  if (len) fc_snapshot_write(out, component_bytes, len);
  return rt_state_snapshot(st, out, error);
}

gboolean rt_state_split_task_snapshot(GBytes *task_bytes, GBytes **component_bytes,
                                      GBytes **state_bytes, GError **error)
{
  *component_bytes = *state_bytes = NULL;
  gsize len = 0;
  const uint8_t *p = task_bytes ? g_bytes_get_data(task_bytes, &len) : NULL;
  if (len == 0) return TRUE;
  if (len < TASK_FRAME_MAGIC_LEN || memcmp(p, TASK_FRAME_MAGIC, TASK_FRAME_MAGIC_LEN) != 0) {
    *component_bytes = g_bytes_ref(task_bytes);
    return TRUE;
  }
  uint64_t n = 0;
  for (int i = 7; len >= TASK_FRAME_HEADER && i >= 0; i--)
    n = n << 8 | p[TASK_FRAME_MAGIC_LEN + i];
  if (len < TASK_FRAME_HEADER || n > len - TASK_FRAME_HEADER) {
    g_set_error(error, FC_STATE_ERROR, FC_STATE_ERROR_CORRUPT,
                "task snapshot of %zu bytes is cut short (its frame says %" G_GUINT64_FORMAT
                " component bytes)",
                (size_t)len, n);
    return FALSE;
  }
  *component_bytes = g_bytes_new_from_bytes(task_bytes, TASK_FRAME_HEADER, n);
  gsize rest = len - TASK_FRAME_HEADER - n;
  *state_bytes = rest ? g_bytes_new_from_bytes(task_bytes, TASK_FRAME_HEADER + n, rest) : NULL;
  return TRUE;
}
