/* runtime_private.h — the translated topology, shared by the runtime's
 * files (runtime.c builds it; the hosts, collectors and ackers read it).
 *
 * After gust_runtime_new() everything here is read-only except the
 * per-component statistics (atomics, written by the component's tasks)
 * and the job.  Engine task ids are Storm task ids minus one: user
 * components come first, in sorted id order, then the acker tasks.
 *
 * Tracking tags on records.  Acker mode: pairs (root id, edge id), the
 * tuple's anchorsToIds map of Storm.  Checkpoint mode: the root ids alone,
 * each naming the spout task that owns it (rt_root_owner), so that a fail
 * reaches that task at once.
 */
#ifndef GUST_RUNTIME_PRIVATE_H
#define GUST_RUNTIME_PRIVATE_H

#include <gust/flinkcore.h>
#include "epoch_ledger.h"
#include <gust/conf.h>
#include <gust/runtime.h>
#include <gust/storm.h>
#include <pthread.h>
#include <stdatomic.h>

typedef enum {
  RELIABILITY_NONE,       /* acker mode with 0 ackers: ack at emit */
  RELIABILITY_ACKER,      /* XOR tracking in acker tasks */
  RELIABILITY_CHECKPOINT, /* acks follow checkpoints */
} reliability_mode;

typedef struct rt_component rt_component;

/* What one task did on one stream (stats.c).  A task's counters are
 * written by that task alone (one writer: a relaxed load and store, no
 * locked instruction; each task's block starts on its own cache line);
 * readers (the summary, the statistics snapshot) load them relaxed and
 * compute windows from copies taken at intervals (stats_history.c).
 * Output streams: emitted, transferred (tuples sent to receiving tasks);
 * spouts also acked, failed and complete latency, by the stream the
 * message was emitted on.  Bolts' input streams: executed, acked, failed,
 * execute and process latency (sums and sample counts). */
enum {
  RT_STAT_EMITTED,
  RT_STAT_TRANSFERRED,
  RT_STAT_ACKED,
  RT_STAT_FAILED,
  RT_STAT_EXECUTED,
  RT_STAT_COMPLETE_NS,
  RT_STAT_COMPLETE_N,
  RT_STAT_PROCESS_NS,
  RT_STAT_PROCESS_N,
  RT_STAT_EXECUTE_NS,
  RT_STAT_EXECUTE_N,
  RT_STAT_N
};
typedef _Atomic uint64_t rt_counter;

static inline void rt_stat_add(rt_counter *counter, uint64_t n)
{
  atomic_store_explicit(counter, atomic_load_explicit(counter, memory_order_relaxed) + n,
                        memory_order_relaxed);
}

/* Latency histograms (stats.c): per task RT_HIST_N counters, per
 * gust_latency_kind (in the order of the RT_STAT_*_NS sums, so kind =
 * (x_ns - RT_STAT_COMPLETE_NS) / 2) the bucket counts and then the sum
 * in ns.  A task's histograms fill whole cache lines. */
enum {
  RT_HIST_SUM = GUST_LATENCY_BUCKETS + 1,
  RT_HIST_KIND = GUST_LATENCY_BUCKETS + 2,
  RT_HIST_N = (GUST_N_LATENCY_KINDS * RT_HIST_KIND + 7) / 8 * 8
};
extern const uint64_t rt_latency_bucket_ns[GUST_LATENCY_BUCKETS];

/* The last errors of a component, for Storm's last-ten list (stats.c). */
enum { RT_ERRORS_KEPT = 10 };
typedef struct {
  int64_t time_secs;
  int task;
  char *message;
} rt_error;
typedef struct {
  pthread_mutex_t lock;          /* pthread, not GMutex: ThreadSanitizer sees it */
  rt_error ring[RT_ERRORS_KEPT]; /* ring[(first + i) % KEPT], i < n: oldest first */
  guint first, n;
} rt_error_log;

typedef struct {
  uint32_t id;        /* the record's stream number */
  rt_component *comp; /* emitter; NULL for system streams */
  char *name;
  char **fields; /* NULL-terminated */
  guint n_fields;
  bool direct;
  bool subscribed; /* some component subscribes to it (set as the graph is built) */
  bool jvm_local;  /* its emitters route it in the JVM (compat/jvm/jvm_local.c) */
} rt_stream;

struct rt_component {
  gust_runtime *rt;
  gust_component *model;
  const char *id;
  bool is_spout;
  int n_tasks;
  int vertex;
  int first_task;      /* engine id of task index 0 */
  int *storm_task_ids; /* n_tasks, sorted */
  const gust_component_def *def;
  /* Spouts whose instance lives in another process (compat/jvm/,
   * compat/multilang/), else NULL: spout_host calls it on the task's turn
   * while next_tuple() is not called for want of room under
   * topology.max.spout.pending, so that a process that died meanwhile is
   * noticed and its emits dropped (rt_spout_drop_in_flight). */
  void (*watch_spout)(void *state, gust_collector *out);
  json_t *conf;                    /* topology conf overlaid with the component's */
  int tick_secs;                   /* 0 = no ticks */
  int64_t max_pending;             /* spouts: 0 = unlimited */
  bool debug;                      /* topology.debug: log every emit */
  GHashTable *streams;             /* name -> rt_stream* (owned by rt->streams) */
  const rt_stream *default_stream; /* "default", or NULL if not declared (most emits) */
  GPtrArray *restored;             /* GBytes per old subtask to resume from, or NULL (restore.c) */
  /* statistics (stats.c): slot_of[stream id] is the stream's slot in
   * each task's block of counters (-1: the component neither emits nor
   * receives it); slot_stream[slot] the stream id; slot_is_input[slot]
   * TRUE when the component subscribes to it (a self-loop's stream is
   * both); task_counters[t] the first of task t's n_slots * RT_STAT_N */
  int *slot_of;
  uint32_t *slot_stream;
  bool *slot_is_output, *slot_is_input;
  int n_slots;
  int first_storm_task; /* task 0's Storm task id, fixed at setup: the statistics read it
                           while a restart rebuilds storm_task_ids */
  rt_counter **task_counters;
  size_t block_counters;    /* the size of one task's block in task_counters */
  rt_counter *latency_hist; /* n_tasks * RT_HIST_N, task after task (see RT_HIST_N) */
  _Atomic uint64_t errors;  /* any thread may report one: a shared counter */
  rt_error_log error_log;
  GPtrArray *custom_out; /* rt_custom_grouping* of the custom-grouped streams it emits, or NULL */
  /* Java bolts (compat/jvm/jvm_local.c): every input comes over local
   * routes in the JVM; some stream it emits is routed there */
  bool jvm_locally_fed, jvm_local_out;
};

/* The JVM boundary's costs, summed over Java tasks' connections (see
 * compat/jvm/jvm_boundary.c); only when GUST_JVM_BOUNDARY_STATS is set. */
typedef struct {
  _Atomic uint64_t encode_ticks, decode_ticks, calls;
  _Atomic int64_t transfer_ns;
  uint64_t start_ticks;
  int64_t start_us;
} rt_jvm_boundary;

struct gust_runtime {
  gust_topology *topology;
  json_t *conf;
  char *base_dir;
  char *native_path;             /* see gust_runtime_options */
  char *jvm_socket;              /* see gust_runtime_options */
  rt_jvm_boundary *jvm_boundary; /* NULL unless GUST_JVM_BOUNDARY_STATS is set */
  gust_native_lookup native_lookup;
  void *native_lookup_data;
  rt_component *comps;
  guint n_comps;
  GPtrArray *streams;           /* rt_stream*, index = id */
  const rt_stream *tick_stream; /* __system / __tick */
  GHashTable *comp_by_id;       /* id -> rt_component* */
  reliability_mode reliability;
  int n_ackers;
  int acker_vertex, acker_first_task;
  uint32_t ack_stream;         /* spout/bolt -> acker: [kind, root, value, spout task] */
  int64_t timeout_ns;          /* topology.message.timeout.secs */
  bool early_checkpoint;       /* topology.gust.checkpoint.at.max.pending (default true) */
  int n_tasks;                 /* engine tasks, ackers included */
  rt_component **comp_of_task; /* engine task -> component (NULL for ackers) */
  GPtrArray *libraries;        /* GModule* of native components */
  GPtrArray *key_data;         /* fields-grouping key data */
  GPtrArray *custom_groupings; /* rt_custom_grouping*, one per custom-grouped input */
  fc_job *job;
  gboolean started;
  uint64_t restored_from;        /* checkpoint id the current job resumed from; 0 = none */
  char *restored_path;           /* its directory, or NULL (kept in memory) */
  bool allow_non_restored_state; /* gust_runtime_options: resume another topology's checkpoint */
  int final_checkpoint_attempts; /* topology.gust.checkpoint.final.attempts */
  int restarts_left;             /* topology.gust.restart.attempts, counting down */
  int64_t restart_delay_ms;      /* topology.gust.restart.delay.ms */
  int threads;
  /* supervision (job_restarts.c): the lock guards job replacement, the
   * outcome and the flags below; the job watcher thread waits on the job */
  pthread_mutex_t lock;
  pthread_cond_t cond;
  GThread *job_watcher;
  /* statistics (stats.c): every task's counters in one block; the window
   * history under stats_lock (the job watcher thread samples it, readers
   * query it) */
  rt_counter *counters;
  size_t n_counters;
  pthread_mutex_t stats_lock;
  struct rt_stats_history *history;
  _Atomic int64_t job_started_us; /* monotonic: when the current job started */
  /* component metrics (component_metrics.c): "component\x1ftask\x1fname\x1fkey"
   * -> gust_component_metric*, created at the first; under metrics_lock */
  pthread_mutex_t metrics_lock;
  GHashTable *component_metrics;
  bool component_metrics_full; /* the cap was reached (logged once) */
  char *host;                  /* gust_runtime_options.worker_host */
  int port;
  _Atomic bool inactive; /* gust_runtime_set_active(FALSE): spouts open deactivated */
  int outcome;           /* RT_RUNNING, RT_DONE, RT_FAILED */
  GError *failure;       /* RT_FAILED: why */
  bool stopping;         /* stop or free asked: no more restarts */
};

/* kinds on the ack stream */
enum { ACK_INIT = 1, ACK_ACK = 2, ACK_FAIL = 3, ACK_RESET_TIMEOUT = 4 };
/* mailbox kinds: acker -> spout (ptr: GArray of spout_ack) */
enum { MSG_SPOUT_ACKS = 1, MSG_SPOUT_DEACTIVATE = 2 };
/* mailbox kind: gust_runtime_set_active() -> a spout (a: 1 activate, 0 deactivate) */
enum { MSG_SPOUT_SET_ACTIVE = 5 };
/* mailbox kind: a multilang subprocess's reader -> its task (compat/multilang/) */
enum { MSG_MULTILANG_WAKE = 3 };
/* mailbox kind, checkpoint mode: a bolt -> the spout task owning the roots
 * of tuples it held at a barrier (ptr: GArray of spout_hold) */
enum { MSG_SPOUT_HOLDS = 4 };
typedef struct {
  uint64_t root;
  bool failed;
  bool deferred; /* checkpoint mode: a tuple of root crossed a checkpoint in a loop */
  bool reset;    /* acker mode: a bolt reset the tree's timeout (resetTimeout); not settled */
} spout_ack;
typedef struct {
  uint64_t root;
  int32_t delta; /* +1: held at a barrier; -1: settled since */
} spout_hold;

/* Checkpoint mode, in a bolt's process(): if rec crossed a checkpoint
 * inside a loop (fc_task_crossed_checkpoint), tells the spout tasks owning
 * its roots not to ack them when that checkpoint completes (collector.c). */
void rt_defer_crossed_roots(gust_runtime *rt, fc_task *task, const fc_record *rec);

/* components (component_resolve.c) */
gboolean rt_resolve_component(gust_runtime *rt, rt_component *c, GError **error);

/* engine operators (bolt_host.c, spout_host.c, acker.c) */
extern const fc_operator rt_bolt_operator;
extern const fc_operator rt_spout_operator;
extern const fc_operator rt_acker_operator;
/* multilang components (compat/multilang/): bolts have their own operator,
 * spouts run in rt_spout_operator through this definition */
extern const fc_operator rt_multilang_bolt_operator;
extern const gust_component_def rt_multilang_spout_def;
void rt_multilang_spout_watch(void *state, gust_collector *out);
/* Java components in the JVM host (compat/jvm/): the same split */
/* compat/jvm/jvm_boundary.c: NULL unless GUST_JVM_BOUNDARY_STATS is set. */
rt_jvm_boundary *rt_jvm_boundary_new(void);
/* Logs the sums (when a Java task made any call) and frees b (NULL: nothing). */
void rt_jvm_boundary_free(rt_jvm_boundary *b);
extern const fc_operator rt_jvm_bolt_operator;
/* Decides which streams Java bolts route in the JVM (rt_stream.jvm_local,
 * rt_component.jvm_locally_fed and jvm_local_out), once the graph's
 * subscriptions are known.  Can't fail. */
void rt_jvm_local_setup(gust_runtime *rt);
extern const gust_component_def rt_jvm_spout_def;
void rt_jvm_spout_watch(void *state, gust_collector *out);

/* A spout's instance died with the process that hosted it (a JVM, a
 * multilang subprocess): its reliable emits still in flight are dropped at
 * once, as a dead Storm worker's executor takes its pending tuples with it,
 * so that they stop counting against topology.max.spout.pending and the
 * next instance starts with nothing pending.  They count as failed in the
 * statistics; no instance hears of them (the new one replays from its
 * source), and an ack or fail that comes for them later finds nothing.
 * Returns how many were dropped.  The task's turn (spout_host.c). */
uint64_t rt_spout_drop_in_flight(gust_collector *out);

/* the collector and tuple view the hosts hand to components (collector.c) */
struct gust_tuple {
  const rt_stream *stream;
  int source_task; /* Storm task id, -1 for ticks */
  uint32_t n_values;
  const fc_value *values;
  uint32_t n_tags; /* 2 * number of roots */
  const uint64_t *tags;
  uint64_t ack_val;   /* XOR of the edge ids of tuples anchored to this one */
  int64_t started_ns; /* sampled for process latency: when execute() began; 0: not sampled */
  bool owned;         /* a gust_tuple_copy(): values and tags are heap copies */
  fc_arena arena;     /* owned copies live here */
};

/* The tuple view of a record that reached a bolt (no copy: valid while the
 * record is). */
static inline gust_tuple rt_tuple_of_record(const gust_runtime *rt, const fc_record *rec)
{
  return (gust_tuple){
      .stream = g_ptr_array_index(rt->streams, rec->stream),
      .source_task = rec->producer + 1,
      .n_values = rec->n_values,
      .values = rec->values,
      .n_tags = rec->n_tags,
      .tags = rec->tags,
  };
}

struct gust_collector {
  gust_runtime *rt;
  rt_component *comp;
  fc_task *task;
  rt_counter *stats; /* this task's counters: stats[slot * RT_STAT_N + RT_STAT_x] */
  uint64_t rng;      /* edge and root ids */
  fc_route *routes;  /* room for fc_task_max_routes() */
  size_t max_routes;
  /* spouts */
  GHashTable *pending;    /* acker mode and no tracking: root -> pending_msg* in flight */
  GArray *ack_now;        /* NONE mode: roots to ack after next_tuple */
  uint64_t emitted_now;   /* tuples emitted during the current callback */
  int64_t call_ns;        /* during next_tuple(): when it was called (one clock read a call) */
  uint64_t epoch;         /* checkpoint mode: emits since the last snapshot belong here */
  rt_epoch_ledger ledger; /* checkpoint mode: reliable emits in flight, by epoch */
  /* bolts, acker mode: acks gathered during a turn, XOR-combined per root
   * (open addressing, root 0 = empty); rt_collector_flush() sends them */
  uint64_t *ack_roots, *ack_values;
  uint32_t ack_used;
  uint64_t root_seq; /* checkpoint mode: root ids are (task + 1) << 40 | seq */
  GArray *holds;     /* bolts, checkpoint mode: spout_hold to post (rt_collector_post_holds) */
  bool closed;       /* the job is being torn down: emits are dropped */
};

typedef struct {
  uint64_t root;
  fc_value msg_id; /* heap copy: rt_value_free_heap */
  int64_t emitted_ns;
  int64_t timeout_from_ns; /* emitted_ns, or the last resetTimeout of its tree */
  uint32_t stream;         /* the stream it was emitted on */
} pending_msg;

/* Checkpoint mode: the spout task that owns a root id. */
#define RT_ROOT_TASK_SHIFT 40
static inline int rt_root_owner(uint64_t root)
{
  return (int)(root >> RT_ROOT_TASK_SHIFT) - 1;
}

void rt_collector_init(gust_collector *c, gust_runtime *rt, rt_component *comp, fc_task *task);
void rt_collector_clear(gust_collector *c);

/* ---- custom groupings (compat/jvm/jvm_grouping.c) ---- */

/* One custom-grouped subscription: its Java CustomStreamGrouping runs in
 * the JVM host, one instance per emitting task. */
typedef struct rt_custom_grouping rt_custom_grouping;
/* Makes one per CUSTOM input (rt->custom_groupings, comp->custom_out).
 * FALSE + error (naming the subscription and the class) when the run has
 * no JVM host to run them in. */
gboolean rt_custom_groupings_setup(gust_runtime *rt, GError **error);
void rt_custom_groupings_free(gust_runtime *rt);
/* The edge of a CUSTOM input: FC_PART_CHOOSER asking its grouping. */
fc_edge_spec rt_custom_grouping_edge(gust_runtime *rt, const rt_component *target,
                                     const gust_input *input);
/* On the emitting task's open and close (rt_collector_init/clear): opens
 * (closes) the task's grouping connections.  An open that fails is
 * reported and tried again at the next tuple.  Can't fail. */
void rt_custom_groupings_open(gust_collector *c);
void rt_custom_groupings_close(gust_collector *c);
/* Before a multilang emitter's batch of messages is applied: asks each
 * custom grouping of the task, in one round trip, where the batch's emits
 * on its stream go (streams[i], values[i], n_values[i] for n emits, in
 * the batch's order); routing each emit then takes its choice instead of
 * asking (an emit not routed is passed over).  A grouping with fewer than
 * two emits is asked as each is routed.  Failures are reported as when
 * asked one by one.  Can't fail. */
void rt_custom_groupings_ask_ahead(gust_collector *c, const rt_stream *const *streams,
                                   const fc_value *const *values, const uint32_t *n_values,
                                   size_t n);
/* After the batch: the choices not taken are dropped (their values are
 * gone).  Can't fail. */
void rt_custom_groupings_forget_ahead(gust_collector *c);
/* After routing an emit: TRUE (once) when a grouping of the emitting
 * task could not choose for it (an exception, a wrong task id, no JVM):
 * the emit's tuple tree is then failed.  Can't fail. */
bool rt_custom_grouping_failed(gust_collector *c);
/* Sends the acks gathered during this turn to the ackers (one message per
 * root).  Hosts call it at the end of every turn. */
void rt_collector_flush(gust_collector *c);
uint64_t rt_next_id(gust_collector *c); /* nonzero random 64-bit */
/* Checkpoint mode: a bolt says it holds input (delta +1: at a barrier, before
 * its snapshot is acknowledged) or has settled a tuple it said it held (-1);
 * rt_collector_post_holds() sends them to the spout tasks that own the roots
 * (rt_collector_flush() does too).  Spouts ack a message only once nothing
 * of its tree is held. */
void rt_collector_hold(gust_collector *c, const gust_tuple *input, int delta);
/* Storm's resetTimeout (acker mode): the input's roots restart their
 * topology.message.timeout.secs at their spout tasks, through the ackers;
 * nothing in the other modes.  Can't fail. */
void rt_collector_reset_timeout(gust_collector *c, const gust_tuple *input);
void rt_collector_post_holds(gust_collector *c);
/* The input's trees fail (the spouts see fail), as gust_fail does, without
 * counting a fail for this task.  Can't fail. */
void rt_collector_fail_tree(gust_collector *c, const gust_tuple *input);
const rt_stream *rt_stream_of(const rt_component *comp, const char *name); /* NULL: unknown */

/* heap copies of values, for message ids kept across callbacks */
fc_value rt_value_dup_heap(const fc_value *v);
void rt_value_free_heap(fc_value *v);

int rt_storm_task(const gust_runtime *rt, int engine_task);

/* supervision (job_restarts.c) */
enum { RT_RUNNING, RT_DONE, RT_FAILED };
gboolean rt_make_job(gust_runtime *rt, GError **error); /* runtime.c */
void rt_job_watcher_stop(gust_runtime *rt);             /* cancels the job, joins the thread */

/* statistics (stats.c) */
/* After the streams are known: slots and counters of every task. */
void rt_stats_setup(gust_runtime *rt);
void rt_stats_clear(gust_runtime *rt);
/* Samples the counters into the window history when a bucket is due
 * (the job watcher thread, about every second). */
void rt_stats_sample(gust_runtime *rt);
/* Counts an error of comp's task (Storm task id; 0 = none in particular)
 * and keeps it among the component's last ten.  Any thread. */
void rt_report_error(rt_component *comp, int task, const char *message);

/* component metrics (component_metrics.c) */
/* Sets the last value of comp's task's metric name (key: a map entry's
 * key, or NULL).  Any thread. */
void rt_set_component_metric(gust_runtime *rt, const rt_component *comp, int task, const char *name,
                             const char *key, double value);
void rt_component_metrics_clear(gust_runtime *rt);
/* A value a component reported for its metric name (a multilang
 * "metrics" command's params): a number
 * is the value, a map of numbers one series per entry (nested maps: keys
 * joined with '.'); anything else is skipped (logged at debug level).
 * The task's thread. */
void rt_report_metric(gust_collector *out, const char *name, const json_t *value);
/* n emits on stream s that went to no task because nobody subscribes to
 * it, made and dropped where the component runs (the JVM host): counted as
 * emitted, transferred to none, as if each had been emitted here. */
void rt_count_unrouted_emits(gust_collector *out, const rt_stream *s, uint64_t n);
/* n emits on stream s that the JVM host delivered to their one consumer
 * itself (a local route): emitted and transferred. */
void rt_count_local_emits(gust_collector *out, const rt_stream *s, uint64_t n);
/* Tuples of stream s that reached this task over a local route: executed,
 * acked and failed as the JVM host counted them. */
void rt_count_local_inputs(gust_collector *out, const rt_stream *s, uint64_t executed,
                           uint64_t acked, uint64_t failed);

/* The counter x of stream in a task's block (NULL: a stream the
 * component has no slot for). */
static inline rt_counter *rt_stream_stat(const rt_component *comp, rt_counter *task_block,
                                         uint32_t stream, int x)
{
  int slot = comp->slot_of[stream];
  return G_LIKELY(slot >= 0) ? &task_block[slot * RT_STAT_N + x] : NULL;
}
static inline void rt_stream_add(const rt_component *comp, rt_counter *task_block, uint32_t stream,
                                 int x, uint64_t n)
{
  rt_counter *counter = rt_stream_stat(comp, task_block, stream, x);
  if (G_LIKELY(counter != NULL)) rt_stat_add(counter, n);
}
/* A latency sample (ns) of kind RT_STAT_*_NS on stream (its count follows it). */
static inline void rt_stream_latency(const rt_component *comp, rt_counter *task_block,
                                     uint32_t stream, int x_ns, int64_t ns)
{
  rt_counter *sum = rt_stream_stat(comp, task_block, stream, x_ns);
  if (G_UNLIKELY(!sum)) return;
  uint64_t v = (uint64_t)MAX(ns, 0);
  rt_stat_add(sum, v);
  rt_stat_add(sum + 1, 1);
  /* task blocks are consecutive: the task is the block's index */
  size_t task = (size_t)(task_block - comp->task_counters[0]) / comp->block_counters;
  rt_counter *hist = &comp->latency_hist[task * RT_HIST_N +
                                         (size_t)(x_ns - RT_STAT_COMPLETE_NS) / 2 * RT_HIST_KIND];
  int b = 0;
  while (b < GUST_LATENCY_BUCKETS && v > rt_latency_bucket_ns[b])
    b++;
  rt_stat_add(&hist[b], 1);
  rt_stat_add(&hist[RT_HIST_SUM], v);
}

/* resuming (restore.c) */
gboolean rt_restore_from_directory(gust_runtime *rt, const char *dir, GError **error);
/* A restart: read the failed job's latest checkpoint (NULL + error when it
 * cannot be read), free that job, then install what was read.  When the
 * failed job completed no checkpoint the stage holds none: the restart
 * then resumes from what the failed job resumed from (the tables are left
 * as they are), never from scratch. */
typedef struct rt_restore_stage rt_restore_stage;
rt_restore_stage *rt_restore_stage_from_job(fc_job *job, GError **error);
gboolean rt_restore_stage_has_checkpoint(const rt_restore_stage *stage);
void rt_restore_install(gust_runtime *rt, rt_restore_stage *stage); /* has a checkpoint */
void rt_restore_stage_free(rt_restore_stage *stage);
void rt_restore_clear(gust_runtime *rt);
/* The bytes subtask resumes from when the parallelism is unchanged, or NULL. */
GBytes *rt_restored_bytes(const rt_component *c, int subtask);
/* TRUE when the component resumes with another parallelism than it had. */
gboolean rt_restored_rescaled(const rt_component *c);

#endif
