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

/* One engine task: its Storm counters (zero for an acker task) and the
 * engine's figures (zero while no job runs, e.g. between restarts). */
typedef struct {
  int task_id;           /* Storm task id */
  const char *component; /* the runtime's copy; "__acker" for acker tasks */
  gboolean is_spout;
  uint64_t emitted, acked, failed, executed;
  uint64_t latency_ns, latency_count; /* spouts: complete latency; bolts: execute (sums) */
  fc_task_metrics engine;
} gust_task_metrics;

/* Fills one entry per engine task (Storm task id order, ackers last);
 * returns how many.  The caller frees *metrics with g_free(). */
guint gust_runtime_task_metrics(gust_runtime *rt, gust_task_metrics **metrics);
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

G_END_DECLS

#endif
