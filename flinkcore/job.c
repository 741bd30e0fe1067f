/* job.c — turning a graph into tasks and channels, and the job's life:
 * start, wait, drain, cancel, free, failure and completion.
 *
 * fc_job_new checks the graph, gives every subtask a global id, and makes
 * one channel per (edge, producer subtask, consumer subtask).  Each task
 * gets its outgoing edges (with a channel per consumer subtask) and its
 * input channels.  The job mutex guards completion state only: the count
 * of finished tasks and the first error.  Any thread may call the public
 * functions here except a scheduler thread waiting on its own job.
 */
#include "internal.h"
#include "partition.h"

#include <string.h>

/* The domain name is stringified as written: keep the formatter away. */
/* clang-format off */
G_DEFINE_QUARK(fc-error-quark, fc_error)
/* clang-format on */

static gboolean check_graph(const fc_graph *g, GError **error)
{
  guint nv = g->vertices->len;
  if (nv == 0) {
    g_set_error(error, FC_ERROR, FC_ERROR_INVALID_GRAPH, "the graph has no vertices");
    return FALSE;
  }
  g_autofree int *n_inputs = g_new0(int, nv);
  for (guint i = 0; i < g->edges->len; i++) {
    const fc_edge *e = &g_array_index(g->edges, fc_edge, i);
    if (e->from < 0 || (guint)e->from >= nv || e->to < 0 || (guint)e->to >= nv) {
      g_set_error(error, FC_ERROR, FC_ERROR_INVALID_GRAPH,
                  "edge %u names a vertex that does not exist", i);
      return FALSE;
    }
    const fc_vertex *from = &g_array_index(g->vertices, fc_vertex, e->from);
    const fc_vertex *to = &g_array_index(g->vertices, fc_vertex, e->to);
    if ((e->spec.partitioner == FC_PART_HASH || e->spec.partitioner == FC_PART_KEY_GROUPS) &&
        !e->spec.key) {
      g_set_error(error, FC_ERROR, FC_ERROR_INVALID_GRAPH,
                  "edge %s -> %s: %s partitioning needs a key function", from->name, to->name,
                  fc_partitioner_name(e->spec.partitioner));
      return FALSE;
    }
    if (e->spec.partitioner == FC_PART_KEY_GROUPS && to->parallelism > FC_STATE_KEY_GROUPS) {
      g_set_error(error, FC_ERROR, FC_ERROR_INVALID_GRAPH,
                  "edge %s -> %s: key-group partitioning allows at most %d consumer subtasks, "
                  "not %d",
                  from->name, to->name, FC_STATE_KEY_GROUPS, to->parallelism);
      return FALSE;
    }
    if (e->spec.partitioner == FC_PART_FORWARD && from->parallelism != to->parallelism) {
      g_set_error(error, FC_ERROR, FC_ERROR_INVALID_GRAPH,
                  "edge %s -> %s: forward partitioning needs equal parallelism (%d vs %d)",
                  from->name, to->name, from->parallelism, to->parallelism);
      return FALSE;
    }
    n_inputs[e->to]++;
  }
  for (guint i = 0; i < nv; i++) {
    const fc_vertex *v = &g_array_index(g->vertices, fc_vertex, i);
    if (v->parallelism < 1) {
      g_set_error(error, FC_ERROR, FC_ERROR_INVALID_GRAPH,
                  "vertex %s: parallelism must be at least 1 (got %d)", v->name, v->parallelism);
      return FALSE;
    }
    if (n_inputs[i] == 0 && !v->op.produce) {
      g_set_error(error, FC_ERROR, FC_ERROR_INVALID_GRAPH,
                  "vertex %s has no inputs and no produce(): it could never do anything", v->name);
      return FALSE;
    }
    if (n_inputs[i] > 0 && !v->op.process) {
      g_set_error(error, FC_ERROR, FC_ERROR_INVALID_GRAPH, "vertex %s has inputs but no process()",
                  v->name);
      return FALSE;
    }
  }
  return TRUE;
}

static void wire_edge(fc_job *job, int edge_id)
{
  fc_graph *g = job->graph;
  const fc_edge *e = &g_array_index(g->edges, fc_edge, edge_id);
  const fc_vertex *from = &g_array_index(g->vertices, fc_vertex, e->from);
  const fc_vertex *to = &g_array_index(g->vertices, fc_vertex, e->to);
  for (int p = 0; p < from->parallelism; p++) {
    fc_task *prod = &job->tasks[from->first_task + p];
    fc_out_edge *o = &prod->outs[prod->n_outs++];
    o->edge = e;
    o->edge_id = edge_id;
    o->n_channels = to->parallelism;
    o->channels = g_new0(fc_channel *, to->parallelism);
    o->consumer_first_task = to->first_task;
    o->local = g_new0(int, to->parallelism);
    for (int c = 0; c < to->parallelism; c++) {
      fc_task *cons = &job->tasks[to->first_task + c];
      fc_channel *ch =
          fc_channel_new((uint32_t)job->opts.channel_batches, (uint32_t)job->opts.batch_records);
      ch->producer = prod;
      ch->consumer = cons;
      ch->edge = edge_id;
      ch->consumer_input = cons->n_ins;
      cons->ins[cons->n_ins++] = ch;
      o->channels[c] = ch;
      g_ptr_array_add(job->channels, ch);
      if (to->locations[c] == from->locations[p]) o->local[o->n_local++] = c;
    }
    fc_partition_seed(o, (uint64_t)prod->id + 1);
  }
}

static void apply_defaults(fc_job_options *o)
{
  if (o->threads <= 0) o->threads = (int)g_get_num_processors();
  if (o->channel_batches <= 0) o->channel_batches = 8;
  if (o->batch_records <= 0) o->batch_records = 256;
  if (o->source_budget <= 0) o->source_budget = o->batch_records;
  if (o->idle_backoff_ms <= 0) o->idle_backoff_ms = 1;
  if (o->checkpoint_interval_ms < 0) o->checkpoint_interval_ms = 0;
  if (o->checkpoint_timeout_ms <= 0) o->checkpoint_timeout_ms = 600000;
  if (o->checkpoint_max_concurrent <= 0) o->checkpoint_max_concurrent = 1;
  if (o->checkpoint_retention <= 0) o->checkpoint_retention = 2;
}

fc_job *fc_job_new(fc_graph *g, const fc_job_options *opts, GError **error)
{
  if (!check_graph(g, error)) {
    fc_graph_free(g);
    return NULL;
  }
  fc_job *job = g_new0(fc_job, 1);
  job->graph = g;
  if (opts) job->opts = *opts;
  apply_defaults(&job->opts);
  fc_mutex_init(&job->lock);
  fc_cond_init(&job->cond);
  job->channels = g_ptr_array_new_with_free_func((GDestroyNotify)fc_channel_free);

  int n = 0;
  for (guint i = 0; i < g->vertices->len; i++) {
    fc_vertex *v = &g_array_index(g->vertices, fc_vertex, i);
    v->first_task = n;
    n += v->parallelism;
  }
  job->n_tasks = n;
  job->tasks = g_new0(fc_task, n);
  g_autofree int *n_out = g_new0(int, g->vertices->len);
  g_autofree int *n_in = g_new0(int, g->vertices->len);
  for (guint i = 0; i < g->edges->len; i++) {
    const fc_edge *e = &g_array_index(g->edges, fc_edge, i);
    n_out[e->from]++;
    n_in[e->to] += g_array_index(g->vertices, fc_vertex, e->from).parallelism;
  }
  for (guint i = 0; i < g->vertices->len; i++) {
    const fc_vertex *v = &g_array_index(g->vertices, fc_vertex, i);
    for (int s = 0; s < v->parallelism; s++) {
      fc_task *t = &job->tasks[v->first_task + s];
      fc_task_init(t, job, v, (int)i, s);
      t->outs = g_new0(fc_out_edge, n_out[i] ? n_out[i] : 1);
      t->ins = g_new0(fc_channel *, n_in[i] ? n_in[i] : 1);
      t->in_barrier = g_new0(uint64_t, n_in[i] ? n_in[i] : 1);
      t->ckpt_aligned = job->opts.checkpoint_mode == FC_CHECKPOINT_ALIGNED;
    }
  }
  for (guint i = 0; i < g->edges->len; i++)
    wire_edge(job, (int)i);
  job->sched = fc_scheduler_new(job, job->opts.threads, n);
  job->coord = fc_coordinator_new(job, error);
  if (!job->coord) {
    fc_job_free(job);
    return NULL;
  }
  return job;
}

void fc_job_start(fc_job *job)
{
  g_return_if_fail(!job->started);
  job->started = true;
  job->timers = fc_timers_new();
  fc_coordinator_start(job->coord);
  fc_scheduler_start(job->sched);
  for (int i = 0; i < job->n_tasks; i++)
    fc_task_wake(&job->tasks[i]);
}

gboolean fc_job_wait(fc_job *job, int64_t timeout_ms, GError **error)
{
  int64_t end = timeout_ms >= 0 ? g_get_monotonic_time() + timeout_ms * 1000 : 0;
  gboolean ok = FALSE;
  pthread_mutex_lock(&job->lock);
  while (!job->finished && !job->error && !job->cancelled) {
    if (timeout_ms < 0) {
      pthread_cond_wait(&job->cond, &job->lock);
    } else if (!fc_cond_wait_until(&job->cond, &job->lock, end)) {
      if (!job->finished && !job->error && !job->cancelled) {
        g_set_error(error, FC_ERROR, FC_ERROR_TIMEOUT,
                    "the job did not finish within %" G_GINT64_FORMAT " ms", timeout_ms);
        pthread_mutex_unlock(&job->lock);
        return FALSE;
      }
    }
  }
  if (job->error)
    g_propagate_error(error, g_error_copy(job->error));
  else if (job->cancelled && !job->finished)
    g_set_error(error, FC_ERROR, FC_ERROR_CANCELLED, "the job was cancelled");
  else
    ok = TRUE;
  pthread_mutex_unlock(&job->lock);
  return ok;
}

void fc_job_drain(fc_job *job)
{
  fc_message drain = {.kind = FC_MSG_DRAIN};
  for (int i = 0; i < job->n_tasks; i++)
    if (job->tasks[i].n_ins == 0) fc_task_mailbox_push(&job->tasks[i], &drain);
}

void fc_job_cancel(fc_job *job)
{
  pthread_mutex_lock(&job->lock);
  if (!job->finished) {
    job->cancelled = true;
    atomic_store(&job->stopping, 1);
  }
  pthread_cond_broadcast(&job->cond);
  pthread_mutex_unlock(&job->lock);
  if (job->coord) fc_coordinator_job_stopping(job->coord);
}

void fc_job_free(fc_job *job)
{
  if (!job) return;
  fc_job_cancel(job);
  if (job->coord) fc_coordinator_stop(job->coord); /* before the tasks it posts to go away */
  fc_scheduler_stop(job->sched);
  fc_timers_free(job->timers);
  for (int i = 0; i < job->n_tasks; i++) {
    fc_task *t = &job->tasks[i];
    if (t->opened && !t->done && t->v->op.close) t->v->op.close(t, t->state);
    fc_task_clear(t);
  }
  fc_coordinator_free(job->coord);
  fc_scheduler_free(job->sched);
  g_ptr_array_free(job->channels, TRUE);
  g_free(job->tasks);
  fc_graph_free(job->graph);
  if (job->error) g_error_free(job->error);
  pthread_mutex_destroy(&job->lock);
  pthread_cond_destroy(&job->cond);
  g_free(job);
}

void fc_job_post(fc_job *job, int task, const fc_message *msg)
{
  g_return_if_fail(task >= 0 && task < job->n_tasks);
  fc_task_mailbox_push(&job->tasks[task], msg);
}

void fc_job_task_done(fc_job *job, fc_task *t)
{
  pthread_mutex_lock(&job->lock);
  if (++job->n_done == job->n_tasks) {
    job->finished = true;
    pthread_cond_broadcast(&job->cond);
  }
  pthread_mutex_unlock(&job->lock);
}

void fc_job_task_failed(fc_job *job, fc_task *t, GError *error)
{
  pthread_mutex_lock(&job->lock);
  if (!job->error) {
    job->error =
        g_error_new(FC_ERROR, FC_ERROR_TASK_FAILED, "task %s failed: %s", t->name, error->message);
    job->failed_opening = t->open_failed;
    atomic_store(&job->stopping, 1);
    pthread_cond_broadcast(&job->cond);
  }
  pthread_mutex_unlock(&job->lock);
  g_error_free(error);
  fc_coordinator_job_stopping(job->coord);
}

gboolean fc_job_failed_opening(fc_job *job)
{
  pthread_mutex_lock(&job->lock);
  gboolean in_open = job->error && job->failed_opening;
  pthread_mutex_unlock(&job->lock);
  return in_open;
}

int fc_job_n_tasks(const fc_job *job)
{
  return job->n_tasks;
}
const char *fc_job_task_name(const fc_job *job, int task)
{
  return job->tasks[task].name;
}
fc_task *fc_job_task(fc_job *job, int task)
{
  return &job->tasks[task];
}

void fc_job_task_metrics(fc_job *job, int task, fc_task_metrics *out)
{
  fc_task *t = &job->tasks[task];
  memset(out, 0, sizeof *out);
  out->records_in = atomic_load_explicit(&t->m_records_in, memory_order_relaxed);
  out->records_out = atomic_load_explicit(&t->m_records_out, memory_order_relaxed);
  out->batches_in = atomic_load_explicit(&t->m_batches_in, memory_order_relaxed);
  out->batches_out = atomic_load_explicit(&t->m_batches_out, memory_order_relaxed);
  out->busy_ns = atomic_load_explicit(&t->m_busy_ns, memory_order_relaxed);
  out->backpressure_ns = atomic_load_explicit(&t->m_backpressure_ns, memory_order_relaxed);
  out->alignment_ns = atomic_load_explicit(&t->m_alignment_ns, memory_order_relaxed);
  int64_t queued = atomic_load_explicit(&t->m_queued_records, memory_order_relaxed);
  out->queued_records = queued > 0 ? (uint64_t)queued : 0;
  for (int i = 0; i < t->n_ins; i++) {
    out->queued_batches += (uint32_t)fc_ring_size(&t->ins[i]->full);
    out->queue_capacity += (uint32_t)fc_ring_capacity(&t->ins[i]->full);
  }
}

uint64_t fc_job_task_peak_queued_records(fc_job *job, int task)
{
  return (uint64_t)atomic_load_explicit(&job->tasks[task].m_peak_queued_records,
                                        memory_order_relaxed);
}

void fc_job_set_restored_state(fc_job *job, int task, GBytes *state)
{
  g_return_if_fail(task >= 0 && task < job->n_tasks && !job->started);
  fc_task *t = &job->tasks[task];
  if (t->restored) g_bytes_unref(t->restored);
  t->restored = state ? g_bytes_ref(state) : NULL;
}
