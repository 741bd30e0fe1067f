/* runtime_metrics.c — what a running topology looks like from outside, for
 * monitoring (the UI server, Prometheus): per engine task its Storm
 * counters and the engine's queue and back-pressure figures, the
 * checkpoint coordinator's counters, and how often the job restarted.
 *
 * Any thread.  The per-task Storm counters are atomics (one writer each);
 * the engine figures and the checkpoint counters belong to the current
 * job, which the supervisor replaces under rt->lock, so those reads take
 * the lock for as long as a copy takes.  Nothing here waits for a task.
 */
#include "runtime_private.h"

guint gust_runtime_task_metrics(gust_runtime *rt, gust_task_metrics **out)
{
  gust_task_metrics *m = g_new0(gust_task_metrics, rt->n_tasks ? rt->n_tasks : 1);
  for (int i = 0; i < rt->n_tasks; i++) {
    const rt_component *c = rt->comp_of_task[i];
    m[i].task_id = i + 1;
    m[i].component = c ? c->id : "__acker";
    m[i].is_spout = c && c->is_spout;
    if (!c) continue;
    const rt_task_stats *st = &c->stats[i - c->first_task];
    m[i].emitted = atomic_load_explicit(&st->emitted, memory_order_relaxed);
    m[i].acked = atomic_load_explicit(&st->acked, memory_order_relaxed);
    m[i].failed = atomic_load_explicit(&st->failed, memory_order_relaxed);
    m[i].executed = atomic_load_explicit(&st->executed, memory_order_relaxed);
    m[i].latency_ns = atomic_load_explicit(&st->latency_ns, memory_order_relaxed);
    m[i].latency_count = atomic_load_explicit(&st->latency_count, memory_order_relaxed);
  }
  pthread_mutex_lock(&rt->lock);
  for (int i = 0; rt->job && i < rt->n_tasks && i < fc_job_n_tasks(rt->job); i++)
    fc_job_task_metrics(rt->job, i, &m[i].engine);
  pthread_mutex_unlock(&rt->lock);
  *out = m;
  return (guint)rt->n_tasks;
}

gboolean gust_runtime_checkpoint_metrics(gust_runtime *rt, fc_checkpoint_metrics *out,
                                         char **last_failure)
{
  gboolean have = FALSE;
  *out = (fc_checkpoint_metrics){0};
  if (last_failure) *last_failure = NULL;
  pthread_mutex_lock(&rt->lock);
  if (rt->job && rt->reliability == RELIABILITY_CHECKPOINT) {
    fc_job_checkpoint_metrics(rt->job, out);
    if (last_failure) *last_failure = fc_job_checkpoint_last_failure(rt->job);
    have = TRUE;
  }
  pthread_mutex_unlock(&rt->lock);
  return have;
}

int gust_runtime_restarts(gust_runtime *rt)
{
  pthread_mutex_lock(&rt->lock);
  int restarts = gust_conf_int(rt->conf, "topology.gust.restart.attempts") - rt->restarts_left;
  pthread_mutex_unlock(&rt->lock);
  return restarts;
}

const json_t *gust_runtime_conf(gust_runtime *rt)
{
  return rt->conf;
}
