/* test_components.h — the native components the runtime and multilang
 * tests build their topologies from, what they saw, and a run loop that
 * waits for a condition instead of a wall-clock window.
 *
 *   numbers (spout)  emits [n] for n < test.tuples (100), message id n,
 *                    on "default", or with test.direct on the direct stream
 *                    "direct" to task n % |direct_sink| of "direct_sink";
 *                    records acks, fails, emits and the most in flight
 *   sink    (bolt)   records every tuple as a line "<component> <task>
 *                    <stream> <values JSON>", integer first values also as
 *                    (task, n) per component, tick tuples apart; acks it,
 *                    or fails it when n % test.fail_every ==
 *                    test.fail_remainder (0), or ignores it with
 *                    test.never_ack; with test.emit re-emits [n] anchored
 *
 * Observations (`seen`) are guarded by a pthread mutex (ThreadSanitizer must
 * see it): read them through the helpers below while a topology runs, or
 * directly after gust_runtime_stop().  Tests run one topology at a time.
 */
#ifndef GUST_TEST_COMPONENTS_H
#define GUST_TEST_COMPONENTS_H

#include <gust/flinkcore.h>
#include <gust/runtime.h>
#include <gust/storm.h>
#include <gust/topology.h>
#include <pthread.h>

typedef struct {
  pthread_mutex_t lock;
  GHashTable *acked, *failed; /* msg id n -> times */
  GPtrArray *tuples;          /* "<component> <task> <stream> <values JSON>" */
  GPtrArray *logs;            /* "<LEVEL> <message>" (capture_log) */
  GHashTable *received;       /* "component" -> GArray of (task id, n) int64 pairs */
  GHashTable *ticks;          /* "component:index" -> GArray of int64 ns */
  GHashTable *context;        /* "component:index" -> task id */
  int64_t emitted, max_in_flight;
} test_observations;

extern test_observations seen;

/* A hang bound for waits on a condition: never reached by a passing test,
 * however busy the machine. */
#define TEST_HANG_BOUND_S 120.0

void seen_reset(void);
void seen_clear(void);

/* How often message n was acked / failed. */
guint times(GHashTable *table, int64_t n);
/* Acks plus fails so far, each counted as often as it happened. */
int64_t settled_total(void);
/* Message ids settled (acked or failed) at least once. */
guint settled_count(void);
int64_t emitted_count(void);
/* How many recorded tuples or logs contain needle. */
guint count_matching(GPtrArray *lines, const char *needle);
/* The first recorded line containing needle (a copy the caller frees), or NULL. */
char *find_line(GPtrArray *lines, const char *needle);
/* The ticks task "component:index" received so far. */
guint tick_count(const char *task);
void dump_logs(void);
/* A GLib log handler that records into seen.logs (and prints warnings). */
void capture_log(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data);
/* Records every message of the process with capture_log(), those of g_log()
 * and of the structured API (a task's lines, compat/runtime/task_log.h):
 * installs a log writer, once per process (later calls do nothing). */
void capture_logs(void);

int64_t test_conf_int(const gust_context *ctx, const char *key, int64_t fallback);

/* The native lookup for "numbers" and "sink"; NULL for anything else. */
const gust_component_def *test_lookup(const char *library, const char *symbol, void *data);

/* Polls done(data) every 10 ms until it holds or TEST_HANG_BOUND_S passed;
 * returns its last answer. */
gboolean wait_until(gboolean (*done)(gpointer data), gpointer data);

/* Runs t with `lookup` on two threads until done(data) holds (within the
 * hang bound), then stops it cleanly.  Returns the runtime's summary of
 * `component` (its name cleared), zeroes when there is none. */
gust_component_summary run_until(gust_topology *t, gust_native_lookup lookup,
                                 gboolean (*done)(gpointer data), gpointer data,
                                 const char *component);

/* A native component of this process (found through a lookup hook) with
 * its parallelism; a spout or a bolt. */
gust_component *test_add_component(gust_topology *t, const char *id, const char *symbol,
                                   int parallelism, gboolean spout);
/* c subscribes to source's stream with grouping g (taken). */
void test_subscribe(gust_component *c, const char *source, const char *stream, gust_grouping *g);

/* done() for run_until: settled_total() reached GPOINTER_TO_SIZE(data). */
gboolean settled_at_least(gpointer data);

#endif /* GUST_TEST_COMPONENTS_H */
