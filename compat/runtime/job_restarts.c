/* job_restarts.c — running a topology and keeping it running.
 *
 * gust_runtime_start() starts the engine job and a job watcher thread that
 * waits on it.  When a task fails, the watcher restarts the job
 * (topology.gust.restart.attempts times, default 3, after
 * topology.gust.restart.delay.ms, default 1000): in checkpoint mode from
 * the latest complete checkpoint — state restored, spouts back at their
 * saved positions, replay follows — otherwise from scratch, as Storm
 * restarts a worker.  A job that completed no checkpoint of its own is
 * restarted from the checkpoint it resumed from itself, never from
 * scratch: a restore that fails (a task's open() rejects the restored
 * bytes) is retried from the same checkpoint, and when the attempts run
 * out the runtime fails with GUST_RUNTIME_ERROR_RESTORE naming the
 * checkpoint, the task and why; nothing was deleted meanwhile (the engine
 * deletes old checkpoints only after a new one completes).  When the job
 * ends, or fails for good, the outcome is published and
 * gust_runtime_wait() returns it.
 *
 * The job watcher thread also samples the statistics' windows, waking
 * about every second while it waits on the job (stats.c).
 *
 * Threads: the job watcher thread replaces rt->job under rt->lock; any
 * thread that touches rt->job (stop, metrics dumps) takes the lock; waiting
 * callers sleep on rt->cond.  A stop asks for no more restarts first.
 */
#include "runtime_private.h"

#include <time.h>

enum { STATS_SAMPLE_MS = 1000 };

static void publish(gust_runtime *rt, int outcome, GError *failure)
{
  pthread_mutex_lock(&rt->lock);
  rt->outcome = outcome;
  rt->failure = failure;
  pthread_cond_broadcast(&rt->cond);
  pthread_mutex_unlock(&rt->lock);
}

/* Under rt->lock: a new job from where the failed one can resume. */
static gboolean restart(gust_runtime *rt, const GError *cause, GError **error)
{
  if (rt->stopping || rt->restarts_left <= 0) return FALSE;
  rt->restarts_left--;
  g_warning("topology %s failed: %s; restarting (%d attempt%s left after this one)",
            gust_topology_name(rt->topology), cause->message, rt->restarts_left,
            rt->restarts_left == 1 ? "" : "s");
  rt_restore_stage *stage = NULL;
  if (rt->reliability == RELIABILITY_CHECKPOINT &&
      !(stage = rt_restore_stage_from_job(rt->job, error)))
    return FALSE;
  fc_job_free(rt->job); /* its tasks are gone before their restore data changes */
  rt->job = NULL;
  if (!stage)
    rt_restore_clear(rt);
  else if (rt_restore_stage_has_checkpoint(stage))
    rt_restore_install(rt, stage);
  /* else it completed none: the tables still hold what it resumed from */
  rt_restore_stage_free(stage);
  if (rt->restart_delay_ms > 0) g_usleep((gulong)rt->restart_delay_ms * 1000);
  if (!rt_make_job(rt, error)) return FALSE;
  if (rt->restored_from)
    g_message("topology %s resumes from checkpoint %" G_GUINT64_FORMAT,
              gust_topology_name(rt->topology), rt->restored_from);
  fc_job_start(rt->job);
  atomic_store(&rt->job_started_us, g_get_monotonic_time());
  return TRUE;
}

/* The failed job resumed from a checkpoint, completed none of its own,
 * and failed in a task's open(): the restore itself failed. */
static bool restore_failed(gust_runtime *rt, fc_job *job)
{
  if (rt->reliability != RELIABILITY_CHECKPOINT || !rt->restored_from) return false;
  fc_checkpoint_metrics m;
  fc_job_checkpoint_metrics(job, &m);
  return m.n_completed == 0 && fc_job_failed_opening(job);
}

/* The error a restore that failed for good ends the runtime with. */
static GError *restore_error(gust_runtime *rt, const GError *cause)
{
  const char *path = rt->restored_path;
  return g_error_new(GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_RESTORE,
                     "cannot resume from checkpoint %" G_GUINT64_FORMAT " (%s): %s; nothing was "
                     "deleted%s%s%s",
                     rt->restored_from, path ? path : "kept in memory", cause->message,
                     path ? " (move " : "", path ? path : "",
                     path ? " aside to resume from the checkpoint before it)" : "");
}

static gpointer watch_job(gpointer data)
{
  gust_runtime *rt = data;
  for (;;) {
    pthread_mutex_lock(&rt->lock);
    fc_job *job = rt->job;
    pthread_mutex_unlock(&rt->lock);
    GError *error = NULL;
    if (fc_job_wait(job, STATS_SAMPLE_MS, &error)) {
      publish(rt, RT_DONE, NULL);
      return NULL;
    }
    if (g_error_matches(error, FC_ERROR, FC_ERROR_TIMEOUT)) {
      g_error_free(error);
      rt_stats_sample(rt);
      continue;
    }
    if (!g_error_matches(error, FC_ERROR, FC_ERROR_TASK_FAILED)) {
      publish(rt, RT_FAILED, error); /* cancelled: the runtime is being freed */
      return NULL;
    }
    GError *restart_error = NULL;
    pthread_mutex_lock(&rt->lock);
    bool failed_restore = restore_failed(rt, job);
    GError *final = failed_restore ? restore_error(rt, error) : NULL;
    gboolean restarted = restart(rt, error, &restart_error);
    pthread_mutex_unlock(&rt->lock);
    if (!restarted) {
      if (restart_error)
        g_warning("restarting topology %s failed: %s", gust_topology_name(rt->topology),
                  restart_error->message);
      g_clear_error(&restart_error);
      if (final) g_error_free(g_steal_pointer(&error));
      publish(rt, RT_FAILED, final ? final : error);
      return NULL;
    }
    if (final) g_error_free(final);
    g_error_free(error);
  }
}

void gust_runtime_start(gust_runtime *rt)
{
  g_return_if_fail(!rt->started);
  rt->started = TRUE;
  rt->outcome = RT_RUNNING;
  fc_job_start(rt->job);
  atomic_store(&rt->job_started_us, g_get_monotonic_time());
  rt->job_watcher = g_thread_new("gust-job-watch", watch_job, rt);
}

gboolean gust_runtime_wait(gust_runtime *rt, int64_t timeout_ms, GError **error)
{
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  if (timeout_ms >= 0) {
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (timeout_ms % 1000) * 1000000;
    if (deadline.tv_nsec >= 1000000000) {
      deadline.tv_sec++;
      deadline.tv_nsec -= 1000000000;
    }
  }
  pthread_mutex_lock(&rt->lock);
  while (rt->outcome == RT_RUNNING) {
    if (timeout_ms < 0) {
      pthread_cond_wait(&rt->cond, &rt->lock);
    } else if (pthread_cond_timedwait(&rt->cond, &rt->lock, &deadline) != 0 &&
               rt->outcome == RT_RUNNING) {
      pthread_mutex_unlock(&rt->lock);
      g_set_error(error, FC_ERROR, FC_ERROR_TIMEOUT,
                  "the topology did not finish within %" G_GINT64_FORMAT " ms", timeout_ms);
      return FALSE;
    }
  }
  gboolean ok = rt->outcome == RT_DONE;
  if (!ok && rt->failure) g_propagate_error(error, g_error_copy(rt->failure));
  pthread_mutex_unlock(&rt->lock);
  return ok;
}

gboolean gust_runtime_stop(gust_runtime *rt, int64_t timeout_ms, GError **error)
{
  fc_message deactivate = {.kind = MSG_SPOUT_DEACTIVATE};
  pthread_mutex_lock(&rt->lock);
  rt->stopping = true;
  for (guint i = 0; rt->job && i < rt->n_comps; i++)
    if (rt->comps[i].is_spout)
      for (int t = 0; t < rt->comps[i].n_tasks; t++)
        fc_job_post(rt->job, rt->comps[i].first_task + t, &deactivate);
  pthread_mutex_unlock(&rt->lock);
  return gust_runtime_wait(rt, timeout_ms, error);
}

void gust_runtime_set_active(gust_runtime *rt, gboolean active)
{
  fc_message msg = {.kind = MSG_SPOUT_SET_ACTIVE, .a = active ? 1 : 0};
  pthread_mutex_lock(&rt->lock);
  atomic_store(&rt->inactive, !active); /* spouts of a job opened later read it */
  for (guint i = 0; rt->job && i < rt->n_comps; i++)
    if (rt->comps[i].is_spout)
      for (int t = 0; t < rt->comps[i].n_tasks; t++)
        fc_job_post(rt->job, rt->comps[i].first_task + t, &msg);
  pthread_mutex_unlock(&rt->lock);
}

gboolean gust_runtime_is_active(gust_runtime *rt)
{
  return !atomic_load(&rt->inactive);
}

void rt_job_watcher_stop(gust_runtime *rt)
{
  if (!rt->job_watcher) return;
  pthread_mutex_lock(&rt->lock);
  rt->stopping = true;
  if (rt->job) fc_job_cancel(rt->job);
  pthread_mutex_unlock(&rt->lock);
  g_thread_join(rt->job_watcher);
  rt->job_watcher = NULL;
}
