/* checkpoint.c — the checkpoint coordinator: starting checkpoints,
 * gathering acknowledgements, completing, aborting, announcing.
 *
 * One coordinator per job (made by fc_job_new, even when checkpoints are
 * off: it costs a struct until the first checkpoint).  Its thread,
 * "fc-checkpoint", starts with the job when checkpoint_interval_ms is set,
 * or at the first fc_job_trigger_checkpoint().  The thread sleeps on `wake`
 * until the earliest of: the next periodic trigger, the oldest in-flight
 * checkpoint's timeout, a checkpoint becoming fully acknowledged, a request,
 * or stop.  It does everything slow — writing the directory, deleting old
 * checkpoints — so no scheduler thread ever waits on a disk.
 *
 * The life of checkpoint n:
 *   triggered  (any thread, under the lock): a pending entry is queued and
 *              FC_MSG_CKPT_TRIGGER(n) posted to every unfinished source;
 *   acked      (task threads): fc_coordinator_ack() stores each task's state;
 *              a task whose input ended acknowledges as "finished";
 *   completing (coordinator thread, lock released): states and metadata
 *              written, old checkpoints deleted;
 *   complete   FC_MSG_CKPT_COMPLETE(n) posted; metrics updated; kept in
 *              `completed` (the newest `retention`, with their states when
 *              there is no directory);
 *   or aborted at its timeout, when writing fails, or when the job stops:
 *              FC_MSG_CKPT_ABORT(n) posted (not when stopping); after a
 *              timeout or a failed write the next checkpoint, periodic or
 *              requested, starts no sooner than one interval later (a full
 *              or broken disk costs one attempt per interval, never a
 *              tight loop), and the reason is kept for
 *              fc_job_checkpoint_last_failure().
 * Notifications go to every task that has not finished, and to a finished
 * task only for checkpoints it snapshotted (so a done task's mailbox does
 * not grow with every checkpoint).
 *
 * Invariants: ids grow by one from the highest id found in the directory;
 * `pending` is in id order and holds at most max_concurrent entries
 * (completing ones count); every task acknowledges in id order, so a
 * checkpoint is fully acknowledged only after every older one that is still
 * pending — completion is in id order too.
 *
 * Locking: `lock` guards everything below it in the struct.  Lock order:
 * coordinator -> task mailbox -> scheduler queue (posting happens under the
 * lock, so a trigger's messages reach every source in id order).  Task
 * threads take the lock once per checkpoint, never on the data path.
 */
#define G_LOG_DOMAIN "gust-flinkcore"
#include "internal.h"

#include <string.h>

typedef struct {
  uint64_t id;
  int64_t trigger_mono_us, trigger_wall_us, last_ack_mono_us;
  int n_acked;
  bool completing;
  bool *acked;     /* per task */
  bool *finished;  /* per task: acknowledged as finished (no state) */
  GBytes **states; /* per task; NULL until acked (and for finished tasks) */
} pending_checkpoint;

typedef struct {
  fc_checkpoint_info *info;
  GBytes **states; /* without a directory; NULL with one */
} kept_checkpoint;

struct fc_coordinator {
  fc_job *job;
  int n_tasks;
  /* configuration: read-only after fc_coordinator_new */
  char *dir, *job_name;
  int interval_ms, timeout_ms, max_concurrent, retention;
  uint64_t keep_id; /* retention never deletes it */
  fc_checkpoint_mode mode;

  pthread_mutex_t lock;
  pthread_cond_t wake;    /* the coordinator thread waits here */
  pthread_cond_t changed; /* fc_job_checkpoint_wait() waits here */
  GThread *thread;
  bool job_started, stop, requested;
  uint64_t last_id;
  int64_t next_periodic_us;
  int64_t not_before_us; /* after a failure: no checkpoint starts before this */
  char *last_failure;    /* why the newest aborted one was aborted */
  GQueue pending;        /* pending_checkpoint*, ascending id */
  GQueue kept;           /* kept_checkpoint*, ascending id, at most retention */
  bool *task_finished;
  int n_finished;
  fc_checkpoint_metrics m;
};

/* ---- snapshots (task threads) ---- */

void fc_snapshot_write(fc_snapshot *snap, const void *data, size_t len)
{
  const uint8_t *p = data;
  while (len > 0) {
    guint n = (guint)MIN(len, (size_t)G_MAXUINT);
    g_byte_array_append(snap->bytes, p, n);
    p += n;
    len -= n;
  }
}

uint64_t fc_snapshot_checkpoint_id(const fc_snapshot *snap)
{
  return snap->id;
}

int fc_snapshot_task(const fc_snapshot *snap)
{
  return snap->task;
}

const char *fc_snapshot_directory(const fc_snapshot *snap)
{
  return snap->dir;
}

void fc_snapshot_init(fc_snapshot *snap, const char *root, uint64_t id, int task)
{
  snap->id = id;
  snap->task = task;
  snap->bytes = g_byte_array_new();
  snap->dir = root ? g_strdup_printf("%s/chk-%" G_GUINT64_FORMAT, root, id) : NULL;
}

void fc_snapshot_clear(fc_snapshot *snap)
{
  g_clear_pointer(&snap->dir, g_free);
}

fc_snapshot *fc_snapshot_new(const char *checkpoint_dir, uint64_t checkpoint_id, int task)
{
  fc_snapshot *snap = g_new0(fc_snapshot, 1);
  fc_snapshot_init(snap, checkpoint_dir, checkpoint_id, task);
  return snap;
}

GBytes *fc_snapshot_free_to_bytes(fc_snapshot *snap)
{
  GBytes *bytes = g_byte_array_free_to_bytes(snap->bytes);
  fc_snapshot_clear(snap);
  g_free(snap);
  return bytes;
}

/* ---- set-up and tear-down ---- */

fc_coordinator *fc_coordinator_new(fc_job *job, GError **error)
{
  const fc_job_options *o = &job->opts;
  uint64_t last_id = 0;
  if (o->checkpoint_dir && !fc_checkpoint_dir_prepare(o->checkpoint_dir, &last_id, error))
    return NULL;
  fc_coordinator *c = g_new0(fc_coordinator, 1);
  c->job = job;
  c->n_tasks = job->n_tasks;
  c->dir = g_strdup(o->checkpoint_dir);
  c->job_name = g_strdup(o->name);
  job->opts.checkpoint_dir = c->dir; /* the caller's strings need not outlive fc_job_new */
  job->opts.name = c->job_name;
  c->keep_id = o->checkpoint_keep_id;
  c->interval_ms = o->checkpoint_interval_ms;
  c->timeout_ms = o->checkpoint_timeout_ms;
  c->max_concurrent = o->checkpoint_max_concurrent;
  c->retention = o->checkpoint_retention;
  c->mode = o->checkpoint_mode;
  c->last_id = last_id;
  c->task_finished = g_new0(bool, c->n_tasks);
  fc_mutex_init(&c->lock);
  fc_cond_init(&c->wake);
  fc_cond_init(&c->changed);
  g_queue_init(&c->pending);
  g_queue_init(&c->kept);
  /* Ids continue after last_id: tasks count their barriers from there. */
  for (int i = 0; i < job->n_tasks; i++) {
    fc_task *t = &job->tasks[i];
    t->ckpt_seen = t->ckpt_done = t->ckpt_aborted = last_id;
  }
  return c;
}

static void pending_free(fc_coordinator *c, pending_checkpoint *p)
{
  for (int i = 0; p->states && i < c->n_tasks; i++)
    if (p->states[i]) g_bytes_unref(p->states[i]);
  g_free(p->states);
  g_free(p->acked);
  g_free(p->finished);
  g_free(p);
}

static void kept_free(fc_coordinator *c, kept_checkpoint *k)
{
  if (k->states)
    for (int i = 0; i < c->n_tasks; i++)
      if (k->states[i]) g_bytes_unref(k->states[i]);
  g_free(k->states);
  fc_checkpoint_info_free(k->info);
  g_free(k);
}

static gpointer coordinator_main(gpointer data);

/* Lock held.  Starts the thread once the job runs. */
static void ensure_thread(fc_coordinator *c)
{
  if (!c->thread && c->job_started && !c->stop)
    c->thread = g_thread_new("fc-checkpoint", coordinator_main, c);
}

void fc_coordinator_start(fc_coordinator *c)
{
  pthread_mutex_lock(&c->lock);
  c->job_started = true;
  c->next_periodic_us = g_get_monotonic_time() + (int64_t)c->interval_ms * 1000;
  if (c->interval_ms > 0 || c->requested) ensure_thread(c);
  pthread_mutex_unlock(&c->lock);
}

void fc_coordinator_stop(fc_coordinator *c)
{
  pthread_mutex_lock(&c->lock);
  c->stop = true;
  GThread *thread = c->thread;
  pthread_cond_broadcast(&c->wake);
  pthread_cond_broadcast(&c->changed);
  pthread_mutex_unlock(&c->lock);
  if (thread) g_thread_join(thread); /* c->thread is not cleared: no restart after stop */
}

void fc_coordinator_free(fc_coordinator *c)
{
  if (!c) return;
  pending_checkpoint *p;
  while ((p = g_queue_pop_head(&c->pending)))
    pending_free(c, p);
  kept_checkpoint *k;
  while ((k = g_queue_pop_head(&c->kept)))
    kept_free(c, k);
  pthread_mutex_destroy(&c->lock);
  pthread_cond_destroy(&c->wake);
  pthread_cond_destroy(&c->changed);
  g_free(c->task_finished);
  g_free(c->dir);
  g_free(c->job_name);
  g_free(c->last_failure);
  g_free(c);
}

void fc_coordinator_job_stopping(fc_coordinator *c)
{
  pthread_mutex_lock(&c->lock);
  pthread_cond_broadcast(&c->wake);
  pthread_cond_broadcast(&c->changed);
  pthread_mutex_unlock(&c->lock);
}

static bool job_stopping(const fc_coordinator *c)
{
  return atomic_load_explicit(&c->job->stopping, memory_order_relaxed) != 0;
}

/* ---- notifying tasks (lock held) ---- */

/* Posts kind(id) to every task that has not finished, and to finished ones
 * that snapshotted id (p may be NULL: none did). */
static void notify_tasks(fc_coordinator *c, uint32_t kind, uint64_t id, const pending_checkpoint *p)
{
  fc_message msg = {.kind = kind, .a = id};
  for (int i = 0; i < c->n_tasks; i++)
    if (!c->task_finished[i] || (p && p->acked[i] && !p->finished[i]))
      fc_task_mailbox_push(&c->job->tasks[i], &msg);
}

/* ---- triggering (lock held) ---- */

static bool all_finished(const fc_coordinator *c)
{
  return c->n_finished == c->n_tasks;
}

/* Starts the next checkpoint: returns its id. */
static uint64_t trigger_locked(fc_coordinator *c)
{
  int64_t now = g_get_monotonic_time();
  pending_checkpoint *p = g_new0(pending_checkpoint, 1);
  p->id = ++c->last_id;
  p->trigger_mono_us = p->last_ack_mono_us = now;
  p->trigger_wall_us = g_get_real_time();
  p->acked = g_new0(bool, c->n_tasks);
  p->finished = g_new0(bool, c->n_tasks);
  p->states = g_new0(GBytes *, c->n_tasks);
  for (int i = 0; i < c->n_tasks; i++)
    if (c->task_finished[i]) {
      p->acked[i] = p->finished[i] = true;
      p->n_acked++;
    }
  g_queue_push_tail(&c->pending, p);
  c->m.n_triggered++;
  c->requested = false;
  c->next_periodic_us = now + (int64_t)c->interval_ms * 1000;
  fc_message msg = {.kind = FC_MSG_CKPT_TRIGGER, .a = p->id};
  for (int i = 0; i < c->n_tasks; i++)
    if (!c->task_finished[i] && c->job->tasks[i].n_ins == 0)
      fc_task_mailbox_push(&c->job->tasks[i], &msg);
  pthread_cond_broadcast(&c->wake);
  return p->id;
}

/* Triggers if asked to (requested or periodic due) and allowed. */
static void maybe_trigger_locked(fc_coordinator *c, int64_t now)
{
  bool due = c->requested || (c->interval_ms > 0 && now >= c->next_periodic_us);
  if (!due || !c->job_started || now < c->not_before_us) return;
  if (job_stopping(c) || all_finished(c)) {
    c->requested = false;
    return;
  }
  if ((int)c->pending.length < c->max_concurrent) trigger_locked(c);
}

uint64_t fc_job_trigger_checkpoint(fc_job *job)
{
  fc_coordinator *c = job->coord;
  uint64_t id = 0;
  pthread_mutex_lock(&c->lock);
  if (!c->stop && !job_stopping(c) && !all_finished(c)) {
    if (c->job_started && (int)c->pending.length < c->max_concurrent &&
        g_get_monotonic_time() >= c->not_before_us) {
      id = trigger_locked(c);
    } else {
      c->requested = true; /* started when a slot frees, at job start, or after the back-off */
      pthread_cond_broadcast(&c->wake);
    }
    ensure_thread(c);
  }
  pthread_mutex_unlock(&c->lock);
  return id;
}

/* ---- acknowledgements (task threads) ---- */

static pending_checkpoint *find_pending(fc_coordinator *c, uint64_t id)
{
  for (GList *l = c->pending.head; l; l = l->next) {
    pending_checkpoint *p = l->data;
    if (p->id == id) return p;
  }
  return NULL;
}

/* Lock held. */
static void count_ack(fc_coordinator *c, pending_checkpoint *p)
{
  p->n_acked++;
  p->last_ack_mono_us = g_get_monotonic_time();
  if (p->n_acked == c->n_tasks) pthread_cond_broadcast(&c->wake);
}

void fc_coordinator_ack(fc_coordinator *c, int task, uint64_t id, GBytes *state)
{
  pthread_mutex_lock(&c->lock);
  pending_checkpoint *p = find_pending(c, id);
  if (p && !p->completing && !p->acked[task]) {
    p->acked[task] = true;
    p->states[task] = g_steal_pointer(&state);
    count_ack(c, p);
  }
  pthread_mutex_unlock(&c->lock);
  if (state) g_bytes_unref(state); /* aborted meanwhile: nobody wants it */
}

void fc_coordinator_task_finished(fc_coordinator *c, int task)
{
  pthread_mutex_lock(&c->lock);
  if (!c->task_finished[task]) {
    c->task_finished[task] = true;
    c->n_finished++;
    for (GList *l = c->pending.head; l; l = l->next) {
      pending_checkpoint *p = l->data;
      if (!p->completing && !p->acked[task]) {
        p->acked[task] = p->finished[task] = true;
        count_ack(c, p);
      }
    }
  }
  pthread_mutex_unlock(&c->lock);
}

/* ---- completing and aborting (coordinator thread) ---- */

/* Lock held.  Removes p, counts it, tells the tasks (unless the job is
 * stopping: they will not run again).  failure: it timed out or could not
 * be written (not a stop): keep the reason (`why`, naming the checkpoint),
 * log it once at `level`, and back off. */
static void abort_locked(fc_coordinator *c, pending_checkpoint *p, const char *why, bool failure,
                         GLogLevelFlags level)
{
  g_queue_remove(&c->pending, p);
  c->m.n_aborted++;
  c->m.last_aborted_id = MAX(c->m.last_aborted_id, p->id);
  if (failure) {
    g_free(c->last_failure);
    c->last_failure = g_strdup(why);
    if (c->interval_ms > 0)
      c->not_before_us = g_get_monotonic_time() + (int64_t)c->interval_ms * 1000;
  }
  if (!job_stopping(c)) {
    if (failure && c->interval_ms > 0)
      g_log(G_LOG_DOMAIN, level, "%s; the next checkpoint in %d ms", why, c->interval_ms);
    else if (failure)
      g_log(G_LOG_DOMAIN, level, "%s", why);
    notify_tasks(c, FC_MSG_CKPT_ABORT, p->id, p);
  }
  pending_free(c, p);
  pthread_cond_broadcast(&c->changed);
}

static fc_checkpoint_info *info_of(fc_coordinator *c, const pending_checkpoint *p)
{
  fc_checkpoint_info *info = g_new0(fc_checkpoint_info, 1);
  info->id = p->id;
  info->mode = c->mode;
  info->job_name = g_strdup(c->job_name);
  info->trigger_time_us = p->trigger_wall_us;
  info->duration_us = p->last_ack_mono_us - p->trigger_mono_us;
  info->n_tasks = c->n_tasks;
  info->tasks = g_new0(fc_checkpoint_task_info, c->n_tasks);
  for (int i = 0; i < c->n_tasks; i++) {
    fc_checkpoint_task_info *ti = &info->tasks[i];
    ti->task = i;
    ti->name = g_strdup(c->job->tasks[i].name);
    ti->vertex = g_strdup(c->job->tasks[i].v->name);
    ti->subtask = c->job->tasks[i].subtask;
    ti->finished = p->finished[i];
    ti->size = p->states[i] ? g_bytes_get_size(p->states[i]) : 0;
    info->total_size += ti->size;
  }
  return info;
}

/* Lock held on entry and exit; released while writing.  p is fully
 * acknowledged; marking it completing freezes it (acks and timeouts leave
 * it alone), so reading it unlocked is safe. */
static void complete(fc_coordinator *c, pending_checkpoint *p)
{
  p->completing = true;
  fc_checkpoint_info *info = info_of(c, p);
  pthread_mutex_unlock(&c->lock);
  GError *error = NULL;
  bool ok = true;
  if (c->dir) {
    ok = fc_checkpoint_dir_write(c->dir, info, p->states, &error);
    if (ok) fc_checkpoint_dir_retain(c->dir, c->retention, info->id, c->keep_id);
  }
  pthread_mutex_lock(&c->lock);
  if (!ok) {
    g_autofree char *why = g_strdup_printf(
        "checkpoint %" G_GUINT64_FORMAT " could not be written: %s", p->id, error->message);
    abort_locked(c, p, why, true, G_LOG_LEVEL_WARNING);
    g_error_free(error);
    fc_checkpoint_info_free(info);
    return;
  }
  g_queue_remove(&c->pending, p);
  c->m.last_completed_id = info->id;
  c->m.last_duration_us = info->duration_us;
  c->m.last_size = info->total_size;
  c->m.n_completed++;
  kept_checkpoint *k = g_new0(kept_checkpoint, 1);
  k->info = info;
  if (!c->dir) k->states = g_steal_pointer(&p->states);
  g_queue_push_tail(&c->kept, k);
  while ((int)c->kept.length > c->retention)
    kept_free(c, g_queue_pop_head(&c->kept));
  notify_tasks(c, FC_MSG_CKPT_COMPLETE, info->id, p);
  pending_free(c, p);
  pthread_cond_broadcast(&c->changed);
}

/* Lock held.  The earliest moment the thread must look again. */
static int64_t next_deadline(fc_coordinator *c)
{
  int64_t deadline = INT64_MAX;
  bool may_start = (int)c->pending.length < c->max_concurrent && !all_finished(c) &&
                   !job_stopping(c) && c->job_started;
  if (may_start && c->interval_ms > 0) deadline = MAX(c->next_periodic_us, c->not_before_us);
  if (may_start && c->requested) deadline = MIN(deadline, c->not_before_us);
  for (GList *l = c->pending.head; l; l = l->next) {
    pending_checkpoint *p = l->data;
    if (!p->completing)
      deadline = MIN(deadline, p->trigger_mono_us + (int64_t)c->timeout_ms * 1000);
  }
  return deadline;
}

static gpointer coordinator_main(gpointer data)
{
  fc_coordinator *c = data;
  pthread_mutex_lock(&c->lock);
  while (!c->stop) {
    if (job_stopping(c)) {
      c->requested = false;
      while (c->pending.head)
        abort_locked(c, c->pending.head->data, "the job is stopping", false, 0);
    }
    pending_checkpoint *ready = NULL;
    for (GList *l = c->pending.head; l && !ready; l = l->next) {
      pending_checkpoint *p = l->data;
      if (p->n_acked == c->n_tasks) ready = p;
    }
    if (ready) {
      complete(c, ready);
      continue; /* the lock was released: look at everything again */
    }
    int64_t now = g_get_monotonic_time();
    for (GList *l = c->pending.head; l;) {
      pending_checkpoint *p = l->data;
      l = l->next;
      if (now >= p->trigger_mono_us + (int64_t)c->timeout_ms * 1000) {
        g_autofree char *why =
            g_strdup_printf("checkpoint %" G_GUINT64_FORMAT " aborted: not complete within %d ms",
                            p->id, c->timeout_ms);
        abort_locked(c, p, why, true, G_LOG_LEVEL_MESSAGE);
      }
    }
    maybe_trigger_locked(c, now);
    bool ready_now = false;
    for (GList *l = c->pending.head; l; l = l->next)
      ready_now |= ((pending_checkpoint *)l->data)->n_acked == c->n_tasks;
    if (ready_now) continue;
    int64_t deadline = next_deadline(c);
    if (deadline == INT64_MAX)
      pthread_cond_wait(&c->wake, &c->lock);
    else
      fc_cond_wait_until(&c->wake, &c->lock, deadline);
  }
  pthread_mutex_unlock(&c->lock);
  return NULL;
}

/* ---- reading the coordinator's state (any thread) ---- */

char *fc_job_checkpoint_last_failure(fc_job *job)
{
  fc_coordinator *c = job->coord;
  pthread_mutex_lock(&c->lock);
  char *why = g_strdup(c->last_failure);
  pthread_mutex_unlock(&c->lock);
  return why;
}

void fc_job_checkpoint_metrics(fc_job *job, fc_checkpoint_metrics *out)
{
  fc_coordinator *c = job->coord;
  pthread_mutex_lock(&c->lock);
  *out = c->m;
  out->n_in_flight = c->pending.length;
  pthread_mutex_unlock(&c->lock);
}

gboolean fc_job_checkpoint_wait(fc_job *job, uint64_t id, int64_t timeout_ms, GError **error)
{
  fc_coordinator *c = job->coord;
  int64_t deadline = timeout_ms >= 0 ? g_get_monotonic_time() + timeout_ms * 1000 : INT64_MAX;
  gboolean ok = FALSE;
  pthread_mutex_lock(&c->lock);
  for (;;) {
    if (c->m.last_completed_id >= id) {
      ok = TRUE;
      break;
    }
    if (id <= c->last_id && !find_pending(c, id)) {
      g_set_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_ABORTED,
                  "checkpoint %" G_GUINT64_FORMAT " was aborted", id);
      break;
    }
    if (job_stopping(c) || c->stop) {
      g_set_error(error, FC_ERROR, FC_ERROR_CANCELLED,
                  "the job stopped before checkpoint %" G_GUINT64_FORMAT " completed", id);
      break;
    }
    if (id > c->last_id && (all_finished(c) || (!c->requested && c->interval_ms == 0))) {
      g_set_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_NOT_FOUND,
                  "checkpoint %" G_GUINT64_FORMAT " was never triggered", id);
      break;
    }
    if (deadline == INT64_MAX) {
      pthread_cond_wait(&c->changed, &c->lock);
    } else if (!fc_cond_wait_until(&c->changed, &c->lock, deadline) &&
               g_get_monotonic_time() >= deadline) {
      g_set_error(error, FC_ERROR, FC_ERROR_TIMEOUT,
                  "checkpoint %" G_GUINT64_FORMAT " did not complete within %" G_GINT64_FORMAT
                  " ms",
                  id, timeout_ms);
      break;
    }
  }
  pthread_mutex_unlock(&c->lock);
  return ok;
}

fc_checkpoint_info *fc_job_checkpoint_latest(fc_job *job)
{
  fc_coordinator *c = job->coord;
  pthread_mutex_lock(&c->lock);
  kept_checkpoint *k = g_queue_peek_tail(&c->kept);
  fc_checkpoint_info *info = k ? fc_checkpoint_info_copy(k->info) : NULL;
  pthread_mutex_unlock(&c->lock);
  return info;
}

GBytes *fc_job_checkpoint_task_state(fc_job *job, uint64_t id, int task, GError **error)
{
  fc_coordinator *c = job->coord;
  GBytes *state = NULL;
  fc_checkpoint_info *info = NULL;
  pthread_mutex_lock(&c->lock);
  for (GList *l = c->kept.head; l; l = l->next) {
    kept_checkpoint *k = l->data;
    if (k->info->id != id || task < 0 || task >= c->n_tasks) continue;
    if (k->states)
      state = k->states[task] ? g_bytes_ref(k->states[task]) : g_bytes_new(NULL, 0);
    else
      info = fc_checkpoint_info_copy(k->info);
  }
  pthread_mutex_unlock(&c->lock);
  if (info) {
    state = fc_checkpoint_read_task_state(info, task, error);
    fc_checkpoint_info_free(info);
  } else if (!state) {
    g_set_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_NOT_FOUND,
                "checkpoint %" G_GUINT64_FORMAT " (task %d) is not kept", id, task);
  }
  return state;
}
