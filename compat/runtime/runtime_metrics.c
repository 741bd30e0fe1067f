/* runtime_metrics.c — what a running topology looks like from outside, for
 * monitoring (the UI server, Prometheus): per engine task its Storm
 * counters and the engine's queue and back-pressure figures, the
 * checkpoint coordinator's counters, and how often the job restarted.
 *
 * Any thread.  The per-task Storm counters (stats.c) are atomics (one
 * writer each);
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
    uint64_t v[RT_STAT_N] = {0};
    const rt_counter *counters = c->task_counters[i - c->first_task];
    for (int slot = 0; slot < c->n_slots; slot++)
      for (int x = 0; x < RT_STAT_N; x++)
        v[x] += atomic_load_explicit(&counters[slot * RT_STAT_N + x], memory_order_relaxed);
    /* spouts: complete latency; bolts: execute latency, else (multilang
     * bolts without samples) process latency, as gust_runtime_summary() */
    int lat = c->is_spout            ? RT_STAT_COMPLETE_NS
              : v[RT_STAT_EXECUTE_N] ? RT_STAT_EXECUTE_NS
                                     : RT_STAT_PROCESS_NS;
    m[i].emitted = v[RT_STAT_EMITTED];
    m[i].acked = v[RT_STAT_ACKED];
    m[i].failed = v[RT_STAT_FAILED];
    m[i].executed = v[RT_STAT_EXECUTED];
    m[i].latency_ns = v[lat];
    m[i].latency_count = v[lat + 1];
    const rt_counter *hist = &c->latency_hist[(size_t)(i - c->first_task) * RT_HIST_N];
    for (int k = 0; k < GUST_N_LATENCY_KINDS; k++, hist += RT_HIST_KIND) {
      gust_latency_histogram *h = &m[i].latencies[k];
      for (int b = 0; b <= GUST_LATENCY_BUCKETS; b++)
        h->counts[b] = atomic_load_explicit(&hist[b], memory_order_relaxed);
      h->sum_ns = atomic_load_explicit(&hist[RT_HIST_SUM], memory_order_relaxed);
    }
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
