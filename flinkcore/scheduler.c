/* scheduler.c — a pool of threads running task turns.
 *
 * Tasks are cooperative: a turn does a bounded amount of work and returns.
 * Each task has a small state machine (sched_state) that keeps it in the
 * run queue at most once and never on two threads at once:
 *
 *   IDLE --wake--> QUEUED --popped--> RUNNING --turn says "more"--> QUEUED
 *                                      |  \--wake--> RUNNING_WOKEN
 *                                      v                  |
 *                           turn done, no wake: IDLE      v
 *                                            turn done: QUEUED
 *
 * A wake that arrives while the task runs is therefore never lost.  The
 * run queue is a FIFO array of n_tasks slots (a task is queued at most
 * once, so it cannot overflow) under one mutex; workers sleep on a
 * condition variable when it is empty.  The lock is taken once per turn,
 * and a turn moves whole batches, so it stays off the per-record path.
 *
 * Rousing a sleeping worker costs a context switch on each side (tens of
 * microseconds of CPU on a virtual machine), so a wake issued from inside
 * a turn, with nothing else queued, rouses nobody: this worker takes the
 * task itself when its turn ends.  It owes that wake, though: a turn that
 * runs on past OWED_WAKE_NS pays it (the task loops ask,
 * fc_sched_settle_owed_wake), and a worker that pops a task while others
 * still wait rouses a sibling, so work that needs both threads gets them.
 * Wakes from other threads (timers, subprocess readers) rouse a sleeper.
 */
#include "internal.h"

struct fc_scheduler {
  fc_job *job;
  GThread **threads;
  int n_threads;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  fc_task **queue;
  int cap, head, count;
  int n_sleeping;
  bool stop;
};

enum { OWED_WAKE_NS = 200 * 1000 };

/* The scheduler whose worker runs on this thread (NULL on other threads). */
static _Thread_local FC_TLS_FAST fc_scheduler *tls_sched;
_Thread_local FC_TLS_FAST fc_owed_wake fc_tls_owed_wake;

static void enqueue(fc_scheduler *s, fc_task *t)
{
  pthread_mutex_lock(&s->lock);
  g_assert(s->count < s->cap);
  s->queue[(s->head + s->count) % s->cap] = t;
  s->count++;
  bool wake = s->n_sleeping > 0;
  if (wake && tls_sched == s && s->count == 1 && !fc_tls_owed_wake.owed) {
    /* from inside a turn, nothing else queued: this worker takes it next */
    wake = false;
    fc_tls_owed_wake.owed = true;
    fc_tls_owed_wake.since_ns = fc_now_ns();
  }
  pthread_mutex_unlock(&s->lock);
  if (wake) pthread_cond_signal(&s->cond);
}

void fc_sched_settle_owed_wake(void)
{
  if (fc_now_ns() - fc_tls_owed_wake.since_ns < OWED_WAKE_NS) return;
  fc_tls_owed_wake.owed = false;
  fc_scheduler *s = tls_sched;
  pthread_mutex_lock(&s->lock);
  bool wake = s->count && s->n_sleeping;
  pthread_mutex_unlock(&s->lock);
  if (wake) pthread_cond_signal(&s->cond);
}

void fc_task_wake(fc_task *t)
{
  /* The caller just published work (a batch, a message).  Reading the
   * state with a read-modify-write (not a plain load) orders that work
   * before our read: either the worker's exchange to RUNNING reads our
   * write (and so sees the work), or we see RUNNING and leave a wake. */
  int st = atomic_fetch_add(&t->sched_state, 0);
  for (;;) {
    if (st == FC_SCHED_IDLE) {
      if (atomic_compare_exchange_weak(&t->sched_state, &st, FC_SCHED_QUEUED)) {
        enqueue(t->job->sched, t);
        return;
      }
    } else if (st == FC_SCHED_RUNNING) {
      if (atomic_compare_exchange_weak(&t->sched_state, &st, FC_SCHED_RUNNING_WOKEN)) return;
    } else {
      return; /* already queued, or running with a wake pending */
    }
  }
}

static gpointer worker_main(gpointer data)
{
  fc_scheduler *s = data;
  tls_sched = s;
  for (;;) {
    pthread_mutex_lock(&s->lock);
    while (!s->count && !s->stop) {
      s->n_sleeping++;
      pthread_cond_wait(&s->cond, &s->lock);
      s->n_sleeping--;
    }
    if (s->stop) {
      pthread_mutex_unlock(&s->lock);
      return NULL;
    }
    fc_task *t = s->queue[s->head];
    s->head = (s->head + 1) % s->cap;
    s->count--;
    bool wake = s->count && s->n_sleeping; /* more than this worker can take now */
    pthread_mutex_unlock(&s->lock);
    if (wake) pthread_cond_signal(&s->cond);
    fc_tls_owed_wake.owed = false;

    atomic_exchange(&t->sched_state, FC_SCHED_RUNNING); /* an RMW: see fc_task_wake */
    bool more = fc_task_run_turn(t);
    int expected = FC_SCHED_RUNNING;
    if (more || !atomic_compare_exchange_strong(&t->sched_state, &expected, FC_SCHED_IDLE)) {
      atomic_store(&t->sched_state, FC_SCHED_QUEUED);
      enqueue(s, t);
    }
  }
}

fc_scheduler *fc_scheduler_new(fc_job *job, int threads, int n_tasks)
{
  fc_scheduler *s = g_new0(fc_scheduler, 1);
  s->job = job;
  s->n_threads = threads;
  s->cap = n_tasks > 0 ? n_tasks : 1;
  s->queue = g_new0(fc_task *, s->cap);
  fc_mutex_init(&s->lock);
  fc_cond_init(&s->cond);
  return s;
}

void fc_scheduler_start(fc_scheduler *s)
{
  s->threads = g_new0(GThread *, s->n_threads);
  for (int i = 0; i < s->n_threads; i++) {
    char name[16];
    g_snprintf(name, sizeof name, "fc-sched-%d", i);
    s->threads[i] = g_thread_new(name, worker_main, s);
  }
}

void fc_scheduler_stop(fc_scheduler *s)
{
  pthread_mutex_lock(&s->lock);
  s->stop = true;
  pthread_cond_broadcast(&s->cond);
  pthread_mutex_unlock(&s->lock);
  if (s->threads)
    for (int i = 0; i < s->n_threads; i++)
      g_thread_join(s->threads[i]);
  g_free(s->threads);
  s->threads = NULL;
}

void fc_scheduler_free(fc_scheduler *s)
{
  if (!s) return;
  pthread_mutex_destroy(&s->lock);
  pthread_cond_destroy(&s->cond);
  g_free(s->queue);
  g_free(s);
}
