/* restore.c — where a runtime resumes from: the snapshot bytes of every
 * task of a complete checkpoint, sorted by component and subtask.
 *
 * A checkpoint names its tasks "component[subtask]" (the engine's task
 * names), so a restore matches by name, not by task id: it survives a
 * change of parallelism (the hosts then redistribute, see bolt_host.c and
 * gust_context_restored_task_state()) and the ackers coming or going.
 * The bytes come from the running job's own checkpoints (a restart after a
 * failure) or from a checkpoint directory (a new process resuming).  Runs
 * on the thread that builds or restarts the runtime; hosts read the result
 * from their open(); a restart reads the failed job's checkpoint into a
 * staging table first and installs it only after that job's threads are
 * gone (rt_restore_stage_from_job / rt_restore_install), so no task of
 * the old job can read a component's bytes while they are replaced.
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
}

/* "count[3]" -> component and subtask; FALSE for anything else. */
static gboolean parse_task_name(const char *name, char **component, int *subtask)
{
  const char *open = strrchr(name, '[');
  if (!open || open == name || name[strlen(name) - 1] != ']') return FALSE;
  *component = g_strndup(name, (gsize)(open - name));
  *subtask = atoi(open + 1);
  return *subtask >= 0;
}

/* Files the bytes of one old task under its component. Takes bytes. */
static void keep(gust_runtime *rt, const char *task_name, GBytes *bytes)
{
  g_autofree char *component = NULL;
  int subtask = 0;
  rt_component *c;
  if (!parse_task_name(task_name, &component, &subtask) ||
      !(c = g_hash_table_lookup(rt->comp_by_id, component))) {
    g_bytes_unref(bytes); /* an acker, or a component that is gone */
    return;
  }
  if (!c->restored) c->restored = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  if ((guint)subtask >= c->restored->len) g_ptr_array_set_size(c->restored, subtask + 1);
  if (g_ptr_array_index(c->restored, subtask))
    g_bytes_unref(g_ptr_array_index(c->restored, subtask));
  g_ptr_array_index(c->restored, subtask) = bytes;
}

gboolean rt_restore_from_directory(gust_runtime *rt, const char *dir, GError **error)
{
  rt_restore_clear(rt);
  if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) return TRUE; /* a new directory: a fresh start */
  GError *local = NULL;
  g_autoptr(fc_checkpoint_info) info = fc_checkpoint_latest(dir, &local);
  if (!info) {
    if (g_error_matches(local, FC_ERROR, FC_ERROR_CHECKPOINT_NOT_FOUND)) {
      g_error_free(local); /* nothing to resume from: a fresh start */
      return TRUE;
    }
    g_propagate_prefixed_error(error, local, "cannot resume from %s: ", dir);
    return FALSE;
  }
  for (int t = 0; t < info->n_tasks; t++) {
    GBytes *bytes = fc_checkpoint_read_task_state(info, t, error);
    if (!bytes) {
      g_prefix_error(error, "cannot resume from checkpoint %" G_GUINT64_FORMAT " in %s: ", info->id,
                     dir);
      rt_restore_clear(rt);
      return FALSE;
    }
    keep(rt, info->tasks[t].name, bytes);
  }
  rt->restored_from = info->id;
  return TRUE;
}

struct rt_restore_stage {
  uint64_t id;       /* 0: nothing completed, start over */
  GPtrArray *names;  /* task names (owned strings) */
  GPtrArray *states; /* GBytes, same order */
};

rt_restore_stage *rt_restore_stage_from_job(fc_job *job, GError **error)
{
  rt_restore_stage *stage = g_new0(rt_restore_stage, 1);
  stage->names = g_ptr_array_new_with_free_func(g_free);
  stage->states = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  g_autoptr(fc_checkpoint_info) info = fc_job_checkpoint_latest(job);
  if (!info) return stage;
  for (int t = 0; t < info->n_tasks; t++) {
    GBytes *bytes = fc_job_checkpoint_task_state(job, info->id, t, error);
    if (!bytes) {
      rt_restore_stage_free(stage);
      return NULL;
    }
    g_ptr_array_add(stage->names, g_strdup(info->tasks[t].name));
    g_ptr_array_add(stage->states, bytes);
  }
  stage->id = info->id;
  return stage;
}

void rt_restore_install(gust_runtime *rt, rt_restore_stage *stage)
{
  rt_restore_clear(rt);
  for (guint i = 0; i < stage->names->len; i++)
    keep(rt, g_ptr_array_index(stage->names, i), g_bytes_ref(g_ptr_array_index(stage->states, i)));
  rt->restored_from = stage->id;
}

void rt_restore_stage_free(rt_restore_stage *stage)
{
  if (!stage) return;
  g_ptr_array_unref(stage->names);
  g_ptr_array_unref(stage->states);
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
