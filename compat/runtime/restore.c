/* restore.c — where a runtime resumes from: the snapshot bytes of every
 * task of a complete checkpoint, sorted by component and subtask.
 *
 * A checkpoint names its tasks "component[subtask]" (the engine's task
 * names), so a restore matches by name, not by task id: it survives a
 * change of parallelism (the hosts then redistribute, see bolt_host.c and
 * gust_context_restored_task_state()) and the ackers coming or going.
 * The engine's metadata reader has already checked every name and index
 * against the parallelism the checkpoint records (fc_checkpoint.h), so the
 * tables here are never sized by an unchecked number.
 *
 * The bytes come from the running job's own checkpoints (a restart after a
 * failure) or from a checkpoint directory (a new process resuming).  A
 * checkpoint records the topology's name and its components; resuming
 * another topology's checkpoint — another name, or state for components
 * this topology does not have — is refused with GUST_RUNTIME_ERROR_RESTORE
 * unless allow_non_restored_state is set (Flink's flag), and then the
 * state nothing can take is dropped with a warning naming it.  A directory
 * whose complete checkpoints are all damaged is an error too, never a
 * fresh start; only a directory where nothing ever completed starts fresh.
 *
 * Runs on the thread that builds or restarts the runtime; hosts read the
 * result from their open(); a restart reads the failed job's checkpoint
 * into a staging table first and installs it only after that job's
 * threads are gone (rt_restore_stage_from_job / rt_restore_install), so no
 * task of the old job can read a component's bytes while they are
 * replaced.
 */
#include "runtime_private.h"

#include <stdio.h>
#include <string.h>

void rt_restore_clear(gust_runtime *rt)
{
  for (guint i = 0; i < rt->n_comps; i++) {
    rt_component *c = &rt->comps[i];
    if (c->restored) g_ptr_array_unref(c->restored);
    c->restored = NULL;
  }
  rt->restored_from = 0;
  g_clear_pointer(&rt->restored_path, g_free);
}

/* Files the bytes of one old task under its component. Takes bytes. */
static void keep(gust_runtime *rt, const fc_checkpoint_task_info *ti, GBytes *bytes)
{
  rt_component *c = g_hash_table_lookup(rt->comp_by_id, ti->vertex);
  if (!c) {
    g_bytes_unref(bytes); /* an acker, or a component that is gone */
    return;
  }
  if (!c->restored) c->restored = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  /* the reader checked: subtask < this component's task count in the checkpoint */
  if ((guint)ti->subtask >= c->restored->len) g_ptr_array_set_size(c->restored, ti->subtask + 1);
  if (g_ptr_array_index(c->restored, ti->subtask))
    g_bytes_unref(g_ptr_array_index(c->restored, ti->subtask));
  g_ptr_array_index(c->restored, ti->subtask) = bytes;
}

/* The components of info that this topology does not have ("a, b"), or
 * NULL.  Engine-internal vertices (__acker) do not count. */
static char *unknown_components(gust_runtime *rt, const fc_checkpoint_info *info)
{
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  g_autoptr(GString) names = g_string_new(NULL);
  for (int t = 0; t < info->n_tasks; t++) {
    const char *v = info->tasks[t].vertex;
    if (g_str_has_prefix(v, "__") || g_hash_table_contains(rt->comp_by_id, v) ||
        !g_hash_table_add(seen, (gpointer)v))
      continue;
    g_string_append_printf(names, "%s%s", names->len ? ", " : "", v);
  }
  return names->len ? g_string_free(g_steal_pointer(&names), FALSE) : NULL;
}

/* Refuses (or, allowed, warns about) a checkpoint of another topology. */
static gboolean check_topology(gust_runtime *rt, const fc_checkpoint_info *info, GError **error)
{
  const char *name = gust_topology_name(rt->topology);
  bool other_name = info->job_name && g_strcmp0(info->job_name, name) != 0;
  g_autofree char *unknown = unknown_components(rt, info);
  if (!other_name && !unknown) return TRUE;
  g_autoptr(GString) what = g_string_new(NULL);
  g_string_printf(what, "checkpoint %" G_GUINT64_FORMAT " (%s)", info->id, info->path);
  if (other_name) g_string_append_printf(what, " was written by topology '%s'", info->job_name);
  if (unknown)
    g_string_append_printf(what, "%s components this topology lacks: %s",
                           other_name ? ", with" : " has", unknown);
  if (!rt->allow_non_restored_state) {
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_RESTORE,
                "%s; refusing to resume topology '%s' from it (pass "
                "--allow-non-restored-state to resume anyway, dropping the state nothing here "
                "can take, or use another checkpoint directory)",
                what->str, name);
    return FALSE;
  }
  g_warning("%s; resuming topology '%s' from it anyway (allow-non-restored-state)%s%s", what->str,
            name, unknown ? ": dropping the state of " : "", unknown ? unknown : "");
  return TRUE;
}

gboolean rt_restore_from_directory(gust_runtime *rt, const char *dir, GError **error)
{
  rt_restore_clear(rt);
  if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) return TRUE; /* a new directory: a fresh start */
  GError *local = NULL;
  g_autoptr(fc_checkpoint_info) info = fc_checkpoint_latest(dir, &local);
  if (!info) {
    if (g_error_matches(local, FC_ERROR, FC_ERROR_CHECKPOINT_NOT_FOUND)) {
      g_error_free(local); /* nothing ever completed here: a fresh start */
      return TRUE;
    }
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_RESTORE,
                "cannot resume from %s: %s (nothing was deleted; move the damaged chk-* "
                "directories aside to start afresh)",
                dir, local->message);
    g_error_free(local);
    return FALSE;
  }
  if (!check_topology(rt, info, error)) return FALSE;
  for (int t = 0; t < info->n_tasks; t++) {
    GBytes *bytes = fc_checkpoint_read_task_state(info, t, &local);
    if (!bytes) {
      g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_RESTORE,
                  "cannot resume from checkpoint %" G_GUINT64_FORMAT " (%s), task %s: %s", info->id,
                  info->path, info->tasks[t].name, local->message);
      g_error_free(local);
      rt_restore_clear(rt);
      return FALSE;
    }
    keep(rt, &info->tasks[t], bytes);
  }
  rt->restored_from = info->id;
  rt->restored_path = g_strdup(info->path);
  return TRUE;
}

struct rt_restore_stage {
  fc_checkpoint_info *info; /* NULL: the failed job completed no checkpoint */
  GBytes **states;          /* info->n_tasks */
};

rt_restore_stage *rt_restore_stage_from_job(fc_job *job, GError **error)
{
  rt_restore_stage *stage = g_new0(rt_restore_stage, 1);
  fc_checkpoint_info *info = fc_job_checkpoint_latest(job);
  if (!info) return stage;
  stage->info = info;
  stage->states = g_new0(GBytes *, info->n_tasks);
  for (int t = 0; t < info->n_tasks; t++) {
    stage->states[t] = fc_job_checkpoint_task_state(job, info->id, t, error);
    if (!stage->states[t]) {
      g_prefix_error(error,
                     "cannot resume from checkpoint %" G_GUINT64_FORMAT ", task %s: ", info->id,
                     info->tasks[t].name);
      rt_restore_stage_free(stage);
      return NULL;
    }
  }
  return stage;
}

gboolean rt_restore_stage_has_checkpoint(const rt_restore_stage *stage)
{
  return stage->info != NULL;
}

void rt_restore_install(gust_runtime *rt, rt_restore_stage *stage)
{
  g_return_if_fail(stage->info);
  rt_restore_clear(rt);
  for (int t = 0; t < stage->info->n_tasks; t++)
    keep(rt, &stage->info->tasks[t], g_bytes_ref(stage->states[t]));
  rt->restored_from = stage->info->id;
  rt->restored_path = g_strdup(stage->info->path);
}

void rt_restore_stage_free(rt_restore_stage *stage)
{
  if (!stage) return;
  for (int t = 0; stage->info && t < stage->info->n_tasks; t++)
    if (stage->states[t]) g_bytes_unref(stage->states[t]);
  g_free(stage->states);
  fc_checkpoint_info_free(stage->info);
  g_free(stage);
}

GBytes *rt_restored_bytes(const rt_component *c, int subtask)
{
  if (!c->restored || (int)c->restored->len != c->n_tasks || subtask >= (int)c->restored->len)
    return NULL;
  return g_ptr_array_index(c->restored, subtask);
}

gboolean rt_restored_rescaled(const rt_component *c)
{
  return c->restored && (int)c->restored->len != c->n_tasks;
}
