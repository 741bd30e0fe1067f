/* runtime.h — running a Storm topology on the engine.
 *
 * gust_runtime_new() resolves every component (native shared objects,
 * built-in classes), lets them declare their streams, validates the
 * topology as Storm would, and translates it into an engine job: one
 * engine subtask per Storm task, one edge per subscription with the
 * grouping's partitioner, plus acker tasks when the topology tracks tuple
 * trees.  gust_runtime_start() runs it; stop drains it (spouts deactivate,
 * in-flight tuples finish); the summary reads what each component did.
 *
 * Reliability (topology.gust.reliability):
 *   "checkpoint" (default) the engine's checkpoints decide acks: a spout's
 *                message is acked when the first checkpoint after it
 *                completes; a bolt's fail reaches the spout at once;
 *   "acker"      Storm's own XOR tracking in topology.acker.executors acker
 *                tasks, with topology.message.timeout.secs.
 * topology.acker.executors 0 turns tracking off in both: spouts are acked
 * at emit.
 */
#ifndef GUST_RUNTIME_H
#define GUST_RUNTIME_H

#include <gust/fc_job.h>
#include <gust/topology.h>
#include <stdint.h>
#include <stdio.h>

G_BEGIN_DECLS

#define GUST_RUNTIME_ERROR (gust_runtime_error_quark())
GQuark gust_runtime_error_quark(void);
typedef enum {
  GUST_RUNTIME_ERROR_COMPONENT, /* a component cannot be loaded or hosted */
  GUST_RUNTIME_ERROR_CONFIG,    /* a configuration value is not usable */
  GUST_RUNTIME_ERROR_FAILED,    /* the running topology failed */
  GUST_RUNTIME_ERROR_RESTORE,   /* a checkpoint cannot be resumed from (the message names
                                   the checkpoint, the task and why) */
} gust_runtime_error_code;

typedef struct gust_runtime gust_runtime;

#include <gust/storm.h>

/* Finds a native component's definition without dlopen (for programs that
 * embed gust and link their components in, and for tests).  Return NULL to
 * fall back to loading library with dlopen. */
typedef const gust_component_def *(*gust_native_lookup)(const char *library, const char *symbol,
                                                        void *user_data);

typedef struct {
  int threads;          /* scheduler threads; 0 = cores */
  const char *base_dir; /* where relative native library paths start; NULL = "." */
  /* Directories (G_SEARCHPATH_SEPARATOR_S-separated) searched, in order, for
   * a native library's file name when it is not at its own path; may be
   * NULL.  The error for a library found nowhere lists every place tried. */
  const char *native_path;
  gust_native_lookup native_lookup; /* may be NULL */
  void *native_lookup_data;
  /* Resume from a checkpoint written by another topology (another name,
   * or components this one lacks), dropping the state nothing here can
   * take (Flink's --allow-non-restored-state).  FALSE: refuse it. */
  gboolean allow_non_restored_state;
  /* Where this runtime runs, as errors in the statistics name it (Storm's
   * ErrorInfo host and port): NULL = the machine's host name; 0 = none. */
  const char *worker_host;
  int worker_port;
  /* The JVM host's socket (`gust jar`): Java components (GUST_IMPL_JVM)
   * run there.  NULL: a topology with Java components is refused. */
  const char *jvm_socket;
} gust_runtime_options;

/* Borrows topology (it must outlive the runtime; native streams are
 * declared into it).  NULL + error naming the component on failure, or
 * GUST_RUNTIME_ERROR_RESTORE when topology.gust.checkpoint.dir holds
 * checkpoints but none can be resumed from (every complete one damaged,
 * or another topology's: see allow_non_restored_state). */
gust_runtime *gust_runtime_new(gust_topology *topology, const gust_runtime_options *options,
                               GError **error);
void gust_runtime_start(gust_runtime *rt);
/* Waits up to timeout_ms (< 0: forever) for the topology to end or fail.
 * TRUE when it ended cleanly; FALSE with FC_ERROR_TIMEOUT while it keeps
 * running, or the failure. */
gboolean gust_runtime_wait(gust_runtime *rt, int64_t timeout_ms, GError **error);
/* Deactivates the spouts and drains: in-flight tuples are processed and
 * acked before the tasks close.  Returns as gust_runtime_wait(). */
gboolean gust_runtime_stop(gust_runtime *rt, int64_t timeout_ms, GError **error);
void gust_runtime_free(gust_runtime *rt);

typedef struct {
  const char *component;
  gboolean is_spout;
  int tasks;
  uint64_t emitted, acked, failed, executed, errors;
  double latency_ms; /* spouts: complete latency; bolts: execute latency (means) */
} gust_component_summary;

/* Fills one summary per user component (in id order); returns how many. */
guint gust_runtime_summary(gust_runtime *rt, gust_component_summary **summary);
/* Logs every engine task's metrics (records, queues, back-pressure) at
 * level, one line per task, each naming its component:task. */
void gust_runtime_log_tasks(gust_runtime *rt, GLogLevelFlags level);
/* Storm task ids of a component (NULL if unknown). */
const int *gust_runtime_component_tasks(gust_runtime *rt, const char *component, size_t *n);

/* ---- monitoring (runtime_metrics.c); any thread, never waits for a task ---- */

/* Latency histograms.  Every latency sample the runtime takes (a
 * spout's complete latency, a bolt's process and execute latency) is
 * also counted in one bucket of a fixed ladder: the first bucket whose
 * upper bound (seconds, ascending) is at least the sample, else the
 * overflow bucket after the last bound. */
#define GUST_LATENCY_BUCKETS 16
extern const double gust_latency_bucket_secs[GUST_LATENCY_BUCKETS];
typedef enum {
  GUST_LATENCY_COMPLETE, /* spouts: emit to tuple tree completed */
  GUST_LATENCY_PROCESS,  /* bolts: tuple received to acked */
  GUST_LATENCY_EXECUTE,  /* bolts: time in execute */
  GUST_N_LATENCY_KINDS
} gust_latency_kind;
typedef struct {
  uint64_t counts[GUST_LATENCY_BUCKETS + 1]; /* per bucket (not cumulative), overflow last */
  uint64_t sum_ns;
} gust_latency_histogram;

/* One engine task: its Storm counters (zero for an acker task) and the
 * engine's figures (zero while no job runs, e.g. between restarts). */
typedef struct {
  int task_id;           /* Storm task id */
  const char *component; /* the runtime's copy; "__acker" for acker tasks */
  gboolean is_spout;
  uint64_t emitted, acked, failed, executed;
  uint64_t latency_ns, latency_count; /* spouts: complete latency; bolts: execute (sums) */
  gust_latency_histogram latencies[GUST_N_LATENCY_KINDS]; /* since the start */
  fc_task_metrics engine;
} gust_task_metrics;

/* Fills one entry per engine task (Storm task id order, ackers last);
 * returns how many.  The caller frees *metrics with g_free(). */
guint gust_runtime_task_metrics(gust_runtime *rt, gust_task_metrics **metrics);
/* A number a component reported about itself (a multilang "metrics"
 * command): the last value of its series. */
typedef struct {
  const char *component; /* the runtime's copy */
  int task;              /* Storm task id */
  char *name;
  char *key; /* an entry of a map of numbers (nested maps: keys joined with '.'), or NULL */
  double value;
} gust_component_metric;

/* Every series components reported, sorted by component, task, name and
 * key: a new array of gust_component_metric* (freed with the array).  Any
 * thread. */
GPtrArray *gust_runtime_component_metrics(gust_runtime *rt);
/* The checkpoint coordinator's counters: FALSE (out zeroed) unless the
 * topology checkpoints (topology.gust.reliability checkpoint) and a job
 * runs.  last_failure (may be NULL): why the newest aborted checkpoint
 * was, or NULL; the caller frees it. */
gboolean gust_runtime_checkpoint_metrics(gust_runtime *rt, fc_checkpoint_metrics *out,
                                         char **last_failure);
/* How many times the job was restarted after a task failed. */
int gust_runtime_restarts(gust_runtime *rt);
/* The topology conf as the runtime reads it (borrowed, read-only). */
const json_t *gust_runtime_conf(gust_runtime *rt);
/* Activates (TRUE) or deactivates (FALSE) every spout of the topology
 * without stopping it, as Storm's `storm activate` / `deactivate`: a
 * deactivated spout has deactivate() called and next_tuple() no longer
 * called; what it had in flight is still acked, failed or timed out (its
 * ack() and fail() are called).  activate() resumes it.  Before
 * gust_runtime_start(): the spouts open deactivated (Storm's initial
 * status INACTIVE); a job restarted after a failure keeps the state.  Any
 * thread; returns at once (the spouts hear it on their next turn). */
void gust_runtime_set_active(gust_runtime *rt, gboolean active);
gboolean gust_runtime_is_active(gust_runtime *rt);

/* ---- statistics (what Storm's executor heartbeats carry) ----
 *
 * Counted per executor (one Storm task each in gust) and stream, exactly
 * (Storm samples 5 % of tuples; gust counts every one; latencies are
 * means of sampled calls).  Windows as Storm's: the last 10 minutes,
 * 3 hours, day, and everything since the runtime started; rolling windows
 * move in twentieths of their length. */
typedef enum {
  GUST_WINDOW_10_MINUTES, /* "600" */
  GUST_WINDOW_3_HOURS,    /* "10800" */
  GUST_WINDOW_1_DAY,      /* "86400" */
  GUST_WINDOW_ALL_TIME,   /* ":all-time" */
  GUST_N_WINDOWS
} gust_stats_window;
/* Storm's name of a window ("600", "10800", "86400", ":all-time"). */
const char *gust_stats_window_name(gust_stats_window window);

/* One stream of an executor.  Output rows (is_input FALSE: a stream the
 * component declares): emitted, transferred (copies sent to receiving
 * tasks) and, for spouts, acked, failed and complete latency of the
 * messages emitted on it.  Input rows (bolts: a stream the component
 * subscribes to, named by source component and stream, Storm's
 * GlobalStreamId; ticks are __system/__tick): executed, acked, failed,
 * process and execute latency.  Fields that do not apply are 0. */
typedef struct {
  gboolean is_input;
  const char *component; /* input rows: the source component; output rows: NULL */
  const char *stream;
  uint64_t emitted[GUST_N_WINDOWS], transferred[GUST_N_WINDOWS];
  uint64_t acked[GUST_N_WINDOWS], failed[GUST_N_WINDOWS], executed[GUST_N_WINDOWS];
  double complete_ms_avg[GUST_N_WINDOWS], process_ms_avg[GUST_N_WINDOWS],
      execute_ms_avg[GUST_N_WINDOWS];
} gust_stream_stats;

typedef struct {
  const char *component;
  gboolean is_spout;
  int task; /* Storm task id: the executor is [task, task] */
  int64_t uptime_secs;
  guint n_streams;
  gust_stream_stats *streams;
} gust_executor_stats;

/* An error a component reported (reportError, a multilang "error"
 * command, a dropped emit, a subprocess that died). */
typedef struct {
  int64_t time_secs; /* Unix time */
  int task;          /* Storm task id */
  const char *host;
  int port; /* 0: none */
  char *message;
} gust_error_info;

#define GUST_STATS_ERRORS_KEPT 10
typedef struct {
  const char *component;
  uint64_t total; /* errors reported since the start */
  guint n_errors; /* the last ones, oldest first */
  gust_error_info errors[GUST_STATS_ERRORS_KEPT];
} gust_component_errors;

typedef struct {
  int64_t time_secs;   /* Unix time of the snapshot */
  int64_t uptime_secs; /* since the current job started (a restart resets it) */
  const char *host;
  int port;
  guint n_executors; /* user components' tasks, in task order */
  gust_executor_stats *executors;
  guint n_components; /* every user component, in id order */
  gust_component_errors *components;
} gust_runtime_stats;

/* A snapshot of the statistics now.  Names point into the runtime: free
 * the snapshot (gust_runtime_stats_free) before the runtime.  Any thread;
 * it does not stop or slow the tasks (their counters are read as they
 * are). */
gust_runtime_stats *gust_runtime_stats_take(gust_runtime *rt);
void gust_runtime_stats_free(gust_runtime_stats *stats);
/* The snapshot as JSON (the format is at the top of compat/runtime/stats_json.c);
 * a new reference. */
json_t *gust_runtime_stats_to_json(const gust_runtime_stats *stats);
/* gust_runtime_stats_take() as JSON: what a worker's heartbeat carries. */
json_t *gust_runtime_stats_json(gust_runtime *rt);

G_END_DECLS

#endif
