/* jvm_boundary.c — what crossing the JVM boundary costs gust, measured
 * when the environment variable GUST_JVM_BOUNDARY_STATS is set (to
 * anything but "0"; java_wordcount_bench.py sets it).  Off, nothing is
 * timed: every timing site tests jvm_conn.measure first.
 *
 * Each connection adds up, in cycle-counter ticks (jvm_ticks: the CPU's
 * time-stamp counter where there is one, else the monotonic clock): the
 * encoding of the tuples a bolt sends (jvm_bolt.c), the decoding of the
 * answers' records (jvm_open.c; the engine's work for each emit, ack and
 * fail is left out) — both for one tuple or answer in JVM_SAMPLE_EVERY,
 * scaled up when added — and, in thread CPU nanoseconds, the socket calls
 * of every call (jvm_conn.c: the CPU of send and recv, not the wait for
 * the JVM).
 * A closing connection adds its sums to its runtime's (atomics, any task
 * thread); the runtime prints them once when it is freed, in seconds,
 * the ticks converted by the rate measured between the runtime's start
 * and that moment. */
#define G_LOG_DOMAIN "gust-jvm"

#include "jvm_private.h"

#include <time.h>

int64_t jvm_thread_cpu_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

rt_jvm_boundary *rt_jvm_boundary_new(void)
{
  const char *v = g_getenv("GUST_JVM_BOUNDARY_STATS");
  if (!v || !*v || !strcmp(v, "0")) return NULL;
  rt_jvm_boundary *b = g_new0(rt_jvm_boundary, 1);
  b->start_ticks = jvm_ticks();
  b->start_us = g_get_monotonic_time();
  return b;
}

void jvm_boundary_add(rt_jvm_boundary *b, const jvm_conn *c)
{
  if (!b || !c->measure) return;
  atomic_fetch_add_explicit(&b->encode_ticks, c->encode_ticks * JVM_SAMPLE_EVERY,
                            memory_order_relaxed);
  atomic_fetch_add_explicit(&b->decode_ticks, c->decode_ticks * JVM_SAMPLE_EVERY,
                            memory_order_relaxed);
  atomic_fetch_add_explicit(&b->transfer_ns, c->transfer_ns, memory_order_relaxed);
  atomic_fetch_add_explicit(&b->calls, c->calls, memory_order_relaxed);
}

void rt_jvm_boundary_free(rt_jvm_boundary *b)
{
  if (!b) return;
  uint64_t calls = atomic_load(&b->calls);
  if (!calls) {
    g_free(b);
    return;
  }
  int64_t us = g_get_monotonic_time() - b->start_us;
  uint64_t ticks = jvm_ticks() - b->start_ticks;
  double s_per_tick = ticks ? us / 1e6 / (double)ticks : 0;
  g_message("gust boundary: encode %.3f s, transfer %.3f s, decode %.3f s over %" G_GUINT64_FORMAT
            " calls",
            (double)atomic_load(&b->encode_ticks) * s_per_tick,
            (double)atomic_load(&b->transfer_ns) / 1e9,
            (double)atomic_load(&b->decode_ticks) * s_per_tick, calls);
  g_free(b);
}
