/* fc_checkpoint.h — consistent snapshots of a running job (asynchronous
 * barrier snapshotting, as in Flink).
 *
 * How it works, seen from outside:
 *  - A job configured with checkpoints (fc_job_options.checkpoint_*) has a
 *    coordinator.  Every checkpoint_interval_ms, or when someone calls
 *    fc_job_trigger_checkpoint(), it starts checkpoint n (ids grow by one;
 *    with a directory they continue after the highest id already in it).
 *  - Each source task, on its own turn, calls its operator's snapshot()
 *    and then sends barrier n on every outgoing channel, behind everything
 *    it emitted before.
 *  - A task with inputs snapshots and forwards barrier n once barrier n has
 *    arrived on every input that has not ended.  In FC_CHECKPOINT_ALIGNED
 *    mode an input that delivered barrier n is held (not read) until then,
 *    so the snapshot reflects exactly the records before barrier n on every
 *    input: exactly-once.  In FC_CHECKPOINT_AT_LEAST_ONCE mode inputs are
 *    never held: the snapshot may include records from after the barrier on
 *    the faster inputs, which a restore would replay again.
 *  - Each task acknowledges n with its snapshot bytes.  When every task has
 *    (a task that has finished — its input ended — counts as acknowledged,
 *    with no state), n is complete: with a directory, the task states and
 *    then the metadata are written durably; then every task's
 *    checkpoint_complete(n) runs on its own thread.  A checkpoint that does
 *    not complete within checkpoint_timeout_ms is aborted, and every task's
 *    checkpoint_aborted(n) runs instead.
 *
 * Directory layout (dir = fc_job_options.checkpoint_dir):
 *    dir/chk-<id>/task-<task>.state   one task's snapshot bytes (absent when empty)
 *    dir/chk-<id>/task-<task>-...     files an operator put there while
 *                                     snapshotting (fc_snapshot_directory():
 *                                     a RocksDB checkpoint, a large state file)
 *    dir/chk-<id>/_metadata           key file: id, times, per-task size, file,
 *                                     SHA-256; ends with a SHA-256 of itself
 * _metadata is written to _metadata.tmp, fsync'ed, renamed, and the
 * directory fsync'ed: it exists only for complete checkpoints.  Only the
 * newest checkpoint_retention complete checkpoints are kept; deleting one
 * deletes everything in its directory, subdirectories included.
 *
 * Snapshot bytes are opaque to the engine: an operator writes what it needs
 * to restore itself (a source: its position).  Restoring is not done here;
 * fc_checkpoint_latest() and fc_checkpoint_read_task_state() give back what
 * was written.
 */
#ifndef GUST_FC_CHECKPOINT_H
#define GUST_FC_CHECKPOINT_H

#include <gust/fc_task.h>

G_BEGIN_DECLS

typedef enum {
  FC_CHECKPOINT_ALIGNED = 0,       /* exactly-once: inputs are held during alignment */
  FC_CHECKPOINT_AT_LEAST_ONCE = 1, /* inputs never held; restores may replay records */
} fc_checkpoint_mode;

/* ---- inside an operator's snapshot() ---- */

/* Appends len bytes to the snapshot being taken (copied).  Call it any
 * number of times from snapshot(); the bytes read back later are the
 * concatenation.  Cannot fail. */
void fc_snapshot_write(fc_snapshot *snap, const void *data, size_t len);
/* The checkpoint this snapshot belongs to. */
uint64_t fc_snapshot_checkpoint_id(const fc_snapshot *snap);
/* Global id of the task taking it: name files after it (task-<n>-...). */
int fc_snapshot_task(const fc_snapshot *snap);
/* The checkpoint's own directory, dir/chk-<id>, or NULL when checkpoints
 * are kept in memory.  It may not exist yet: create it (and what goes in
 * it) with g_mkdir_with_parents().  An operator may put files and
 * subdirectories there, named after its task (task-<n>-...): they belong
 * to the checkpoint, are deleted with it by retention, and must be named
 * in the snapshot bytes to be found again.  The coordinator writes
 * task-<n>.state and _metadata there only once every task acknowledged.
 * Cannot fail; the string lives as long as snap. */
const char *fc_snapshot_directory(const fc_snapshot *snap);

/* A snapshot taken outside a running job (tools, tests, converting state
 * offline): as if task `task` snapshotted checkpoint checkpoint_id of a job
 * whose checkpoint directory is checkpoint_dir (NULL: in memory).  Nothing
 * is registered anywhere.  Cannot fail. */
fc_snapshot *fc_snapshot_new(const char *checkpoint_dir, uint64_t checkpoint_id, int task);
/* Frees snap and returns what was written into it (the caller unrefs). */
GBytes *fc_snapshot_free_to_bytes(fc_snapshot *snap);

/* ---- controlling and watching a job's checkpoints (any thread) ---- */

/* Asks for a checkpoint now.  Any thread, including a task's own callback
 * (a source that reached its pending cap may ask for an early one).
 * Returns the id of the checkpoint it started, or 0 when none could start
 * now: max concurrent checkpoints are in flight (the request is kept and
 * one checkpoint starts as soon as a slot frees; several requests meanwhile
 * make one checkpoint), the job is not started yet (same), or it is
 * stopping or every task has finished (the request is dropped).  Works
 * whether or not periodic checkpoints are configured. */
uint64_t fc_job_trigger_checkpoint(fc_job *job);

/* Waits until checkpoint id, or a later one, has completed: TRUE.  FALSE
 * with FC_ERROR_CHECKPOINT_ABORTED when id was aborted and nothing newer has
 * completed yet, FC_ERROR_CANCELLED when the job stopped first, or
 * FC_ERROR_TIMEOUT after timeout_ms (< 0: no limit).  Not from a task. */
gboolean fc_job_checkpoint_wait(fc_job *job, uint64_t id, int64_t timeout_ms, GError **error);

typedef struct {
  uint64_t last_completed_id; /* 0 = none yet */
  int64_t last_duration_us;   /* its trigger -> last acknowledgement */
  uint64_t last_size;         /* its total snapshot bytes */
  uint64_t n_triggered, n_completed, n_aborted;
  uint64_t last_aborted_id; /* 0 = none */
  uint32_t n_in_flight;     /* started, not yet completed or aborted */
} fc_checkpoint_metrics;

/* A consistent copy of the coordinator's counters.  Cannot fail. */
void fc_job_checkpoint_metrics(fc_job *job, fc_checkpoint_metrics *out);
/* Why the newest aborted checkpoint was aborted ("checkpoint 7 could not
 * be written: cannot create ...: No space left on device"), or NULL if
 * none was.  The caller frees the string. */
char *fc_job_checkpoint_last_failure(fc_job *job);

/* ---- what a complete checkpoint holds ---- */

typedef struct {
  int task;          /* global task id */
  char *name;        /* "vertex[subtask]" */
  char *vertex;      /* the name's vertex part */
  int subtask;       /* its subtask part: below the vertex's task count in this checkpoint */
  gboolean finished; /* the task had finished: it has no state */
  uint64_t size;     /* snapshot bytes */
  char *file;        /* file name inside the checkpoint's directory; NULL if none */
  char *sha256;      /* hex digest of the bytes; NULL if no file */
} fc_checkpoint_task_info;

/* Checkpoint ids are 1 .. FC_CHECKPOINT_ID_MAX: a directory entry
 * chk-<id> beyond it is not a checkpoint (and is left alone), so a stray
 * name cannot push the numbering to overflow. */
#define FC_CHECKPOINT_ID_MAX ((UINT64_C(1) << 53) - 1)

typedef struct {
  uint64_t id;
  char *path;     /* the checkpoint's directory; NULL when kept in memory */
  char *job_name; /* fc_job_options.name of the job that wrote it; NULL if it had none */
  fc_checkpoint_mode mode;
  int64_t trigger_time_us; /* wall clock (g_get_real_time) when triggered */
  int64_t duration_us;     /* trigger -> last acknowledgement */
  uint64_t total_size;     /* sum of the task sizes */
  int n_tasks;
  fc_checkpoint_task_info *tasks; /* n_tasks, indexed by task id */
} fc_checkpoint_info;

void fc_checkpoint_info_free(fc_checkpoint_info *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(fc_checkpoint_info, fc_checkpoint_info_free)

/* The job's latest complete checkpoint (a copy the caller frees), or NULL
 * if none has completed.  Any thread. */
fc_checkpoint_info *fc_job_checkpoint_latest(fc_job *job);
/* One task's snapshot bytes from a complete checkpoint the job still keeps
 * (the newest checkpoint_retention): from memory, or read and verified from
 * the directory.  An empty GBytes for a task that wrote nothing or had
 * finished.  NULL with FC_ERROR_CHECKPOINT_NOT_FOUND if the checkpoint is
 * not kept, or an I/O or corruption error. */
GBytes *fc_job_checkpoint_task_state(fc_job *job, uint64_t id, int task, GError **error);

/* ---- reading a checkpoint directory (no job needed; for recovery) ---- */

/* Parses the text of a _metadata file (len bytes, not NUL-terminated) and
 * checks it: its integrity checksum, an id within 1 .. FC_CHECKPOINT_ID_MAX,
 * task names "vertex[subtask]" whose subtasks are exactly 0 .. n-1 for a
 * vertex of n tasks, file names and sizes.  origin names the text in
 * errors (a path).  NULL with FC_ERROR_CHECKPOINT_CORRUPT.  The result has
 * no path; the caller frees it.  Reads memory only: any thread, any bytes. */
fc_checkpoint_info *fc_checkpoint_metadata_parse(const char *text, size_t len, const char *origin,
                                                 GError **error);
/* "count[3]" -> *vertex "count" (the caller frees), *subtask 3.  FALSE,
 * setting nothing, unless the index is canonical decimal below 2^31. */
gboolean fc_checkpoint_parse_task_name(const char *name, char **vertex, int *subtask);

/* The newest complete, intact checkpoint in dir: its metadata checksum and
 * every task file (size and SHA-256) verified.  When the newest is missing
 * its metadata, or its metadata or a file is missing or corrupt, a warning
 * names the problem and the previous one is tried.  NULL with
 * FC_ERROR_CHECKPOINT_NOT_FOUND when no chk-<id> in dir has metadata
 * (nothing ever completed there), FC_ERROR_CHECKPOINT_CORRUPT when some
 * have but none is intact (the message names the newest and why), or
 * FC_ERROR_CHECKPOINT_IO when dir cannot be read.  The caller frees the
 * result. */
fc_checkpoint_info *fc_checkpoint_latest(const char *dir, GError **error);
/* Checkpoint id in dir, verified as above; no fallback.  NULL with
 * FC_ERROR_CHECKPOINT_NOT_FOUND, _CORRUPT or _IO. */
fc_checkpoint_info *fc_checkpoint_load(const char *dir, uint64_t id, GError **error);
/* One task's snapshot bytes from a checkpoint loaded from a directory
 * (size and SHA-256 checked again).  An empty GBytes when it had none.
 * NULL with FC_ERROR_CHECKPOINT_IO / _CORRUPT, or _NOT_FOUND for a task id
 * outside the checkpoint or an info without a directory. */
GBytes *fc_checkpoint_read_task_state(const fc_checkpoint_info *info, int task, GError **error);

/* Deletes path and everything under it (not following symbolic links):
 * how a checkpoint directory goes.  Missing is fine.  FALSE with
 * FC_ERROR_CHECKPOINT_IO naming the entry that could not be deleted. */
gboolean fc_remove_tree(const char *path, GError **error);

G_END_DECLS

#endif
