/* sync.h — the mutex and condition variable the engine uses.
 *
 * POSIX threads directly rather than GMutex/GCond: GLib implements those
 * with raw futexes on Linux, which ThreadSanitizer cannot see, and the
 * engine's thread-safety is checked under TSan.  Condition variables use
 * the monotonic clock; deadlines are in g_get_monotonic_time() microseconds
 * (the same clock).
 */
#ifndef GUST_FC_SYNC_H
#define GUST_FC_SYNC_H

#include <glib.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

static inline void fc_mutex_init(pthread_mutex_t *m)
{
  pthread_mutex_init(m, NULL);
}
static inline void fc_cond_init(pthread_cond_t *c)
{
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(c, &attr);
  pthread_condattr_destroy(&attr);
}

/* FALSE when the deadline passed. */
static inline bool fc_cond_wait_until(pthread_cond_t *c, pthread_mutex_t *m, int64_t deadline_us)
{
  struct timespec ts = {.tv_sec = deadline_us / 1000000, .tv_nsec = (deadline_us % 1000000) * 1000};
  return pthread_cond_timedwait(c, m, &ts) == 0;
}

#endif
