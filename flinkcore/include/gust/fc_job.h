/* fc_job.h — running a graph: start, wait, drain, cancel, metrics.
 *
 * fc_job_new() turns a graph into tasks and channels; fc_job_start() starts
 * the scheduler pool; fc_job_wait() returns when every task has finished
 * (end of input drained through the graph), when a task failed, or at the
 * timeout.  The job functions may be called from any thread but the
 * scheduler's own (a callback must not wait for its own job).
 */
#ifndef GUST_FC_JOB_H
#define GUST_FC_JOB_H

#include <gust/fc_task.h>
#include <gust/fc_checkpoint.h>

G_BEGIN_DECLS

#define FC_ERROR (fc_error_quark())
GQuark fc_error_quark(void);
typedef enum {
  FC_ERROR_INVALID_GRAPH,        /* the graph cannot run: the message says why */
  FC_ERROR_TASK_FAILED,          /* a task's callback failed; the message names the task */
  FC_ERROR_TIMEOUT,              /* fc_job_wait() ran out of time */
  FC_ERROR_CANCELLED,            /* fc_job_cancel() stopped the job */
  FC_ERROR_CHECKPOINT_IO,        /* reading or writing a checkpoint directory failed */
  FC_ERROR_CHECKPOINT_CORRUPT,   /* a checkpoint's metadata or state fails its checksum */
  FC_ERROR_CHECKPOINT_NOT_FOUND, /* no such (usable) checkpoint */
  FC_ERROR_CHECKPOINT_ABORTED,   /* the checkpoint timed out or could not be written */
} fc_error_code;

typedef struct {
  int threads;         /* scheduler threads; 0 = number of cores */
  int channel_batches; /* batches a channel holds; 0 = 8 */
  int batch_records;   /* records per batch before it is sent; 0 = 256 */
  int source_budget;   /* produce() calls per source turn; 0 = batch_records */
  int idle_backoff_ms; /* re-run an idle source after this; 0 = 1 */

  /* Checkpoints (fc_checkpoint.h).  All zero: no periodic checkpoints and
   * nothing written; fc_job_trigger_checkpoint() still works, in memory. */
  int checkpoint_interval_ms;         /* start one this often; 0 = only on request; after
                                         a checkpoint fails, the next one (periodic or
                                         requested) starts no sooner than this later */
  const char *checkpoint_dir;         /* where to write them (created; copied);
                                         NULL = kept in memory only */
  fc_checkpoint_mode checkpoint_mode; /* 0 = FC_CHECKPOINT_ALIGNED (exactly-once) */
  int checkpoint_timeout_ms;          /* abort one not complete by then; 0 = 600000 */
  int checkpoint_max_concurrent;      /* in flight at once; 0 = 1 */
  int checkpoint_retention;           /* complete ones kept: 0 = 2 (the newest may be
                                         unreadable; recovery falls back to the other) */
  uint64_t checkpoint_keep_id;        /* a checkpoint in checkpoint_dir retention never
                                         deletes: the one this job resumed from (0 = none) */
  const char *name;                   /* the job's name, recorded in its checkpoints (copied);
                                         NULL = none */

  /* Loops (a cycle in the graph).  false: a loop ends once every input from
   * outside it has ended and no record is left in it.  true: it ends as
   * soon as every input from outside it has ended, dropping the records
   * still circulating in it (logged once per loop), so a loop that re-emits
   * every record forever cannot keep the job from finishing. */
  bool loops_drop_at_end;
} fc_job_options;

/* Takes ownership of g (also on failure). NULL with FC_ERROR_INVALID_GRAPH,
 * or FC_ERROR_CHECKPOINT_IO when checkpoint_dir cannot be created or read. */
fc_job *fc_job_new(fc_graph *g, const fc_job_options *opts, GError **error);
void fc_job_start(fc_job *job);
/* TRUE when every task finished cleanly.  FALSE with FC_ERROR_TASK_FAILED
 * (first failure; the others are stopped), FC_ERROR_CANCELLED or, after
 * timeout_ms (< 0: no limit), FC_ERROR_TIMEOUT while it keeps running. */
gboolean fc_job_wait(fc_job *job, int64_t timeout_ms, GError **error);
/* TRUE when the task failure that stopped the job was an operator's
 * open() failing (for a job resuming from a checkpoint: the restore). */
gboolean fc_job_failed_opening(fc_job *job);
/* Asks every source to end as if it had returned FC_PRODUCE_END: what is in
 * flight drains through the graph and finish() runs everywhere. */
void fc_job_drain(fc_job *job);
/* Stops every task at its next turn, dropping what is in flight. */
void fc_job_cancel(fc_job *job);
/* Cancels if still running, joins the threads and frees everything. */
void fc_job_free(fc_job *job);
/* Posts a message to a task's mailbox. Any thread. */
void fc_job_post(fc_job *job, int task, const fc_message *msg);
/* Before fc_job_start(): the snapshot bytes task resumes from (a ref is
 * taken; NULL clears).  The caller decides which bytes go to which task
 * (the same task of a restored checkpoint, or a redistribution when the
 * parallelism changed). */
void fc_job_set_restored_state(fc_job *job, int task, GBytes *state);

int fc_job_n_tasks(const fc_job *job);
const char *fc_job_task_name(const fc_job *job, int task);
fc_task *fc_job_task(fc_job *job, int task);

/* Read while the job runs (relaxed: each counter is exact, the set is not
 * one instant). */
typedef struct {
  uint64_t records_in, records_out;
  uint64_t batches_in, batches_out;
  uint64_t busy_ns;         /* time inside this task's turns */
  uint64_t backpressure_ns; /* time parked on a full output */
  uint32_t queued_batches;  /* batches waiting in its input channels now */
  uint32_t queue_capacity;  /* batches its input channels can hold */
  uint64_t queued_records;  /* records in those batches now */
  uint64_t alignment_ns;    /* time inputs were held for checkpoint alignment */
} fc_task_metrics;

void fc_job_task_metrics(fc_job *job, int task, fc_task_metrics *out);
/* Highest number of records ever queued at once in the input channels of
 * a task, counting a batch the task has just taken off a channel (a bound
 * on what back-pressure let pile up: per channel at most its capacity
 * plus one batch). */
uint64_t fc_job_task_peak_queued_records(fc_job *job, int task);

G_END_DECLS

#endif
