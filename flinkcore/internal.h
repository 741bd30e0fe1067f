/* internal.h — the engine's private structures, shared by its .c files.
 *
 * Ownership and threads, in one place:
 *  - fc_job owns the graph, the tasks, the channels, the scheduler and the
 *    timer service.  Its mutex guards only the completion state (done
 *    count, first error); the data path never takes it.
 *  - An fc_task runs on at most one scheduler thread at a time (the
 *    scheduler's state machine guarantees it).  Everything in the task not
 *    marked atomic or "mailbox" belongs to whichever thread runs its turn.
 *  - The mailbox is the only way other threads (timers, the job's caller,
 *    other tasks, the checkpoint coordinator) reach a task: a
 *    mutex-guarded queue plus an atomic flag that lets the turn skip the
 *    lock when it is empty.
 *  - The checkpoint coordinator (checkpoint.c) has its own mutex and
 *    thread.  Lock order: coordinator -> task mailbox -> scheduler queue;
 *    the job mutex is never held while taking the coordinator's.
 */
#ifndef GUST_FC_INTERNAL_H
#define GUST_FC_INTERNAL_H

#include <gust/flinkcore.h>
#include <stdatomic.h>

#include "channel.h"
#include "sync.h"

/* ---- graph (graph.c) ---- */

typedef struct {
  char *name;
  int parallelism;
  fc_operator op;
  void *data;
  GDestroyNotify free_data;
  int *locations; /* per subtask */
  int first_task; /* global id of subtask 0 (computed by fc_job_new) */
  int loop;       /* index in job->loops, -1 if on none (fc_loops_find) */
} fc_vertex;

typedef struct {
  int from, to;
  fc_edge_spec spec;
  int loop;      /* both ends on job->loops[loop]; -1 if not (fc_loops_find) */
  bool feedback; /* closes a cycle: not aligned on, never back-pressured */
} fc_edge;

struct fc_graph {
  GArray *vertices; /* fc_vertex */
  GArray *edges;    /* fc_edge */
};

/* ---- loops (loops.c) ---- */

/* One cycle of the graph (a strongly connected component); see loops.c. */
typedef struct fc_loop {
  char *description; /* "a -> b -> a" */
  struct fc_task **tasks;
  int n_tasks;
  _Atomic int64_t in_flight; /* records on internal edges, or being processed */
  _Atomic int open_tasks;    /* members whose other inputs have not all ended */
  _Atomic int done;          /* quiet: every member ends its input */
  bool drop_at_end;          /* fc_job_options.loops_drop_at_end */
} fc_loop;

/* Finds g's loops (*loops, always set: the caller frees it) and feedback
 * edges (the edges' and vertices' loop fields).  FALSE with
 * FC_ERROR_INVALID_GRAPH naming a loop no source feeds. */
gboolean fc_loops_find(fc_graph *g, GPtrArray **loops, GError **error);
/* Makes t (inputs wired) a member of its vertex's loop, if any. */
void fc_loops_add_task(fc_job *job, struct fc_task *t);
/* Task thread: publishes t->loop_emitted and takes `taken` records (an
 * internal batch given back) off the loop's count. */
void fc_loop_count(struct fc_task *t, int64_t taken);
/* Task thread: every input of t from outside its loop has ended. */
void fc_loop_task_inputs_ended(struct fc_task *t);

/* ---- tasks (task.c) ---- */

/* One outgoing edge as seen by one producer subtask. */
typedef struct {
  const fc_edge *edge;
  int edge_id;
  fc_channel **channels; /* one per consumer subtask */
  int n_channels;
  int consumer_first_task;
  uint32_t round_robin;
  uint64_t rng;
  int *local; /* consumer subtasks at the producer's location (FC_PART_LOCAL) */
  int n_local;
} fc_out_edge;

/* Thread-locals read on hot paths: the library is loaded with the program,
 * so they may live in the static TLS block (no __tls_get_addr call). */
#define FC_TLS_FAST __attribute__((tls_model("initial-exec")))

/* Internal mailbox message kinds (user kinds must stay below). */
#define FC_MSG_INTERNAL 0x80000000u
#define FC_MSG_TIMER (FC_MSG_INTERNAL | 1)         /* a = timer id */
#define FC_MSG_WAKE (FC_MSG_INTERNAL | 2)          /* idle back-off elapsed */
#define FC_MSG_DRAIN (FC_MSG_INTERNAL | 3)         /* source: end now */
#define FC_MSG_CKPT_TRIGGER (FC_MSG_INTERNAL | 4)  /* source: a = checkpoint id */
#define FC_MSG_CKPT_COMPLETE (FC_MSG_INTERNAL | 5) /* a = checkpoint id */
#define FC_MSG_CKPT_ABORT (FC_MSG_INTERNAL | 6)    /* a = checkpoint id */

enum { FC_SCHED_IDLE, FC_SCHED_QUEUED, FC_SCHED_RUNNING, FC_SCHED_RUNNING_WOKEN };

struct fc_task {
  fc_job *job;
  int id, vertex, subtask, parallelism;
  char *name;
  const fc_vertex *v;
  void *state;

  fc_out_edge *outs;
  int n_outs;
  fc_channel **ins;
  int n_ins;
  int n_ins_ended;
  int n_ext_ins;        /* inputs from outside t's loop (all, if on none) */
  int n_feedback_ins;   /* inputs on feedback edges */
  fc_loop *loop;        /* the loop t is on, or NULL */
  int64_t loop_emitted; /* records appended to internal edges, not yet counted */
  GQueue deferred_acks; /* fc_deferred_ack*: snapshots waiting for feedback barriers */
  int next_in;          /* round-robin cursor over inputs */
  fc_batch *cur;        /* input batch being processed */
  fc_channel *cur_ch;
  uint32_t cur_pos;
  int current_edge;

  bool opened, open_failed, input_ended, finished_called, done;
  bool blocked;          /* an output is over its capacity: park after this callback */
  bool input_held;       /* fc_task_hold_input(): process() gets no records */
  bool input_released;   /* released during this turn: run another */
  bool snapshot_later;   /* set by fc_task_snapshot_later() during snapshot() */
  bool snapshot_waiting; /* a put-off snapshot: no input records until it is taken */
  bool idle_wake_pending;
  int64_t blocked_since;
  fc_arena scratch;

  /* Checkpoint barriers (task.c, "barriers").  in_barrier[i] is the
   * highest barrier that input i delivered (UINT64_MAX once it ended: an
   * ended input has delivered every barrier).  Aligned mode holds input i
   * while in_barrier[i] > ckpt_done; n_held counts such inputs (not ended)
   * so that reading skips the test when none is held. */
  uint64_t *in_barrier; /* n_ins */
  int n_held;
  bool ckpt_aligned;       /* FC_CHECKPOINT_ALIGNED */
  bool barrier_stuck;      /* a barrier-marked batch waits in an output: no callbacks */
  bool ckpt_finished_sent; /* told the coordinator this task finished */
  uint64_t ckpt_seen;      /* highest barrier seen on any input */
  uint64_t ckpt_done;      /* highest checkpoint snapshotted and forwarded */
  uint64_t ckpt_aborted;   /* highest checkpoint known to be aborted */
  int64_t held_since;      /* when n_held last became > 0 */

  _Atomic int sched_state;
  GBytes *restored; /* set before start; read by open() */

  pthread_mutex_t mailbox_lock;
  GQueue mailbox; /* fc_message* */
  _Atomic int has_mail;

  /* metrics: written by the turn, read by anyone */
  _Atomic uint64_t m_records_in, m_records_out, m_batches_in, m_batches_out;
  _Atomic uint64_t m_busy_ns, m_backpressure_ns, m_alignment_ns;
  _Atomic int64_t m_queued_records, m_peak_queued_records;
};

void fc_task_init(fc_task *t, fc_job *job, const fc_vertex *v, int vertex, int subtask);
void fc_task_clear(fc_task *t);
/* One turn; TRUE if the task wants another turn at once. */
bool fc_task_run_turn(fc_task *t);
void fc_task_mailbox_push(fc_task *t, const fc_message *msg);

/* ---- scheduler (scheduler.c) ---- */

typedef struct fc_scheduler fc_scheduler;
fc_scheduler *fc_scheduler_new(fc_job *job, int threads, int n_tasks);
void fc_scheduler_start(fc_scheduler *s);
void fc_scheduler_stop(fc_scheduler *s); /* joins the threads */
void fc_scheduler_free(fc_scheduler *s);
/* Makes t runnable; any thread; cheap when it already is. */
void fc_task_wake(fc_task *t);
/* A wake this worker thread put off (see scheduler.c); the task loops
 * settle it when set: it rouses a sibling once the turn has run long. */
typedef struct {
  bool owed;
  int64_t since_ns;
} fc_owed_wake;
extern _Thread_local FC_TLS_FAST fc_owed_wake fc_tls_owed_wake;
void fc_sched_settle_owed_wake(void);
static inline void fc_sched_poll_owed_wake(void)
{
  if (G_UNLIKELY(fc_tls_owed_wake.owed)) fc_sched_settle_owed_wake();
}

/* ---- timers (timers.c) ---- */

typedef struct fc_timers fc_timers;
fc_timers *fc_timers_new(void);
void fc_timers_free(fc_timers *tm); /* stops the thread */
uint32_t fc_timers_add(fc_timers *tm, fc_task *t, uint32_t kind, int64_t period_ns, bool periodic);
void fc_timers_cancel(fc_timers *tm, uint32_t id);

/* ---- checkpoints (checkpoint.c) ---- */

/* What a task's snapshot() writes into; lives for one snapshot. */
struct fc_snapshot {
  uint64_t id;
  GByteArray *bytes;
  int task;
  char *dir; /* dir/chk-<id>, or NULL without a checkpoint directory */
};
/* Sets up snap for task's snapshot of checkpoint id (root: the job's
 * checkpoint directory or NULL); fc_snapshot_clear() frees what it made
 * except the bytes, which the caller takes. */
void fc_snapshot_init(fc_snapshot *snap, const char *root, uint64_t id, int task);
void fc_snapshot_clear(fc_snapshot *snap);

typedef struct fc_coordinator fc_coordinator;
/* Reads the options from job->opts; creates and scans the directory.
 * NULL with FC_ERROR_CHECKPOINT_IO. */
fc_coordinator *fc_coordinator_new(fc_job *job, GError **error);
/* Starts the coordinator thread if periodic checkpoints are configured or
 * one was requested already (else the first request starts it). */
void fc_coordinator_start(fc_coordinator *c);
/* Stops and joins the thread; pending checkpoints are dropped. */
void fc_coordinator_stop(fc_coordinator *c);
void fc_coordinator_free(fc_coordinator *c);
/* The job is stopping (failure or cancel): wake the thread and waiters. */
void fc_coordinator_job_stopping(fc_coordinator *c);
/* Task thread: task acknowledges checkpoint id with its state (taken). */
void fc_coordinator_ack(fc_coordinator *c, int task, uint64_t id, GBytes *state);
/* Task thread: task's input ended; it acknowledges every pending and
 * future checkpoint as finished. */
void fc_coordinator_task_finished(fc_coordinator *c, int task);

/* checkpoint_dir.c: the directory (coordinator thread, except reading). */
/* Creates dir if needed and checks it is writable (a probe file);
 * *max_id = highest checkpoint id in it (0 if none), warning about chk-*
 * entries that are not checkpoints.  FALSE with FC_ERROR_CHECKPOINT_IO. */
gboolean fc_checkpoint_dir_prepare(const char *dir, uint64_t *max_id, GError **error);
/* Writes states[i] (NULL or empty: no file) and the metadata durably as
 * dir/chk-<info->id>; fills info's path and task files and digests.  On
 * failure the partial directory is removed; FC_ERROR_CHECKPOINT_IO. */
gboolean fc_checkpoint_dir_write(const char *dir, fc_checkpoint_info *info, GBytes *const *states,
                                 GError **error);
/* Deletes checkpoints older than the newest `retention` complete ones (up
 * to newest_id), except keep_id (0: none).  Failures are logged as
 * warnings. */
void fc_checkpoint_dir_retain(const char *dir, int retention, uint64_t newest_id, uint64_t keep_id);

/* checkpoint_metadata.c: the _metadata text (any thread). */
#define FC_CHECKPOINT_METADATA_MAX (256 << 20) /* bytes; a larger file is not read */
/* The text of info's metadata, integrity checksum included (the caller
 * frees).  Task vertices and subtasks must be set.  Cannot fail. */
char *fc_checkpoint_metadata_text(const fc_checkpoint_info *info);
fc_checkpoint_info *fc_checkpoint_info_copy(const fc_checkpoint_info *info);

/* ---- job (job.c) ---- */

struct fc_job {
  fc_graph *graph;
  fc_job_options opts;
  fc_task *tasks;
  int n_tasks;
  GPtrArray *channels;
  fc_scheduler *sched;
  fc_timers *timers;
  fc_coordinator *coord;
  GPtrArray *loops;     /* fc_loop* */
  _Atomic int stopping; /* cancel or failure: turns return at once */

  pthread_mutex_t lock;
  pthread_cond_t cond;
  int n_done;
  bool cancelled, started, finished;
  GError *error;
  bool failed_opening; /* error came from an operator's open() */
};

void fc_job_task_done(fc_job *job, fc_task *t);
void fc_job_task_failed(fc_job *job, fc_task *t, GError *error); /* takes error */

#endif
