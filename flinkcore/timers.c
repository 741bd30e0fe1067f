/* timers.c — processing-time timers with millisecond resolution.
 *
 * One thread per job sleeps on a condition variable until the earliest
 * deadline in a binary min-heap, then posts a mailbox message to the
 * timer's task (which wakes it).  Periodic timers are re-armed at
 * deadline + period, so they do not drift; if the thread fell more than a
 * period behind, missed firings are skipped rather than bunched.
 * Deadlines use the monotonic clock in microseconds (the clock GLib's
 * g_cond_wait_until takes).  Any thread may add or cancel a timer.
 */
#include "internal.h"

typedef struct {
  int64_t deadline_us;
  int64_t period_us;
  fc_task *task;
  uint32_t id, kind;
  bool periodic;
} timer_entry;

struct fc_timers {
  pthread_mutex_t lock;
  pthread_cond_t cond;
  GArray *heap; /* timer_entry, min-heap on deadline_us */
  GThread *thread;
  bool stop;
  uint32_t next_id;
};

#define AT(h, i) g_array_index((h), timer_entry, (i))

static void swap(GArray *h, guint a, guint b)
{
  timer_entry tmp = AT(h, a);
  AT(h, a) = AT(h, b);
  AT(h, b) = tmp;
}

static void sift_up(GArray *h, guint i)
{
  while (i > 0) {
    guint parent = (i - 1) / 2;
    if (AT(h, parent).deadline_us <= AT(h, i).deadline_us) break;
    swap(h, i, parent);
    i = parent;
  }
}

static void sift_down(GArray *h, guint i)
{
  for (;;) {
    guint l = 2 * i + 1, r = l + 1, m = i;
    if (l < h->len && AT(h, l).deadline_us < AT(h, m).deadline_us) m = l;
    if (r < h->len && AT(h, r).deadline_us < AT(h, m).deadline_us) m = r;
    if (m == i) return;
    swap(h, i, m);
    i = m;
  }
}

static void heap_remove(GArray *h, guint i)
{
  guint last = h->len - 1;
  if (i != last) {
    swap(h, i, last);
    g_array_set_size(h, last);
    sift_down(h, i);
    sift_up(h, i);
  } else {
    g_array_set_size(h, last);
  }
}

static gpointer timer_main(gpointer data)
{
  fc_timers *tm = data;
  pthread_mutex_lock(&tm->lock);
  while (!tm->stop) {
    if (tm->heap->len == 0) {
      pthread_cond_wait(&tm->cond, &tm->lock);
      continue;
    }
    int64_t now = g_get_monotonic_time();
    timer_entry top = AT(tm->heap, 0);
    if (top.deadline_us > now) {
      fc_cond_wait_until(&tm->cond, &tm->lock, top.deadline_us);
      continue;
    }
    if (top.periodic) {
      do
        AT(tm->heap, 0).deadline_us += top.period_us;
      while (AT(tm->heap, 0).deadline_us <= now);
      sift_down(tm->heap, 0);
    } else {
      heap_remove(tm->heap, 0);
    }
    pthread_mutex_unlock(&tm->lock);
    fc_message msg = {.kind = top.kind, .a = top.id};
    fc_task_mailbox_push(top.task, &msg);
    pthread_mutex_lock(&tm->lock);
  }
  pthread_mutex_unlock(&tm->lock);
  return NULL;
}

fc_timers *fc_timers_new(void)
{
  fc_timers *tm = g_new0(fc_timers, 1);
  fc_mutex_init(&tm->lock);
  fc_cond_init(&tm->cond);
  tm->heap = g_array_new(FALSE, FALSE, sizeof(timer_entry));
  tm->thread = g_thread_new("fc-timers", timer_main, tm);
  return tm;
}

void fc_timers_free(fc_timers *tm)
{
  if (!tm) return;
  pthread_mutex_lock(&tm->lock);
  tm->stop = true;
  pthread_cond_signal(&tm->cond);
  pthread_mutex_unlock(&tm->lock);
  g_thread_join(tm->thread);
  g_array_free(tm->heap, TRUE);
  pthread_mutex_destroy(&tm->lock);
  pthread_cond_destroy(&tm->cond);
  g_free(tm);
}

uint32_t fc_timers_add(fc_timers *tm, fc_task *t, uint32_t kind, int64_t period_ns, bool periodic)
{
  int64_t period_us = period_ns / 1000 > 0 ? period_ns / 1000 : 1;
  pthread_mutex_lock(&tm->lock);
  timer_entry e = {
      .deadline_us = g_get_monotonic_time() + period_us,
      .period_us = period_us,
      .task = t,
      .id = ++tm->next_id,
      .kind = kind,
      .periodic = periodic,
  };
  g_array_append_val(tm->heap, e);
  sift_up(tm->heap, tm->heap->len - 1);
  if (AT(tm->heap, 0).id == e.id) pthread_cond_signal(&tm->cond);
  pthread_mutex_unlock(&tm->lock);
  return e.id;
}

void fc_timers_cancel(fc_timers *tm, uint32_t id)
{
  pthread_mutex_lock(&tm->lock);
  for (guint i = 0; i < tm->heap->len; i++) {
    if (AT(tm->heap, i).id == id) {
      heap_remove(tm->heap, i);
      break;
    }
  }
  pthread_mutex_unlock(&tm->lock);
}
