/* fc_graph.h — describing a job: vertices with parallelism, edges with a
 * partitioner, and the operator table that each subtask runs.
 *
 * A graph is built on one thread, then handed to fc_job_new(), which owns
 * it from then on.  Vertex and edge ids are the small integers returned by
 * the add functions, in order from 0.
 *
 * Global task ids: the subtasks of vertex 0 come first (0..p0-1), then those
 * of vertex 1, and so on.  fc_graph_task_id() computes one.
 */
#ifndef GUST_FC_GRAPH_H
#define GUST_FC_GRAPH_H

#include <gust/fc_record.h>

G_BEGIN_DECLS

typedef struct fc_graph fc_graph;
typedef struct fc_task fc_task;
typedef struct fc_snapshot fc_snapshot; /* see fc_checkpoint.h */

typedef enum {
  FC_PART_FORWARD,    /* subtask i -> subtask i; parallelisms must match */
  FC_PART_SHUFFLE,    /* round-robin over the consumer's subtasks */
  FC_PART_RANDOM,     /* uniformly random consumer subtask */
  FC_PART_HASH,       /* key(record) modulo the consumer's parallelism */
  FC_PART_BROADCAST,  /* every consumer subtask */
  FC_PART_GLOBAL,     /* always subtask 0 */
  FC_PART_DIRECT,     /* the producer names the subtask: fc_task_emit_direct() */
  FC_PART_LOCAL,      /* round-robin over subtasks at the producer's location, else all */
  FC_PART_KEY_GROUPS, /* key(record) -> key group -> the subtask owning that group's
                         range (fc_state.h): where keyed state must follow its key
                         across a change of parallelism; at most FC_STATE_KEY_GROUPS
                         consumer subtasks */
  FC_PART_CHOOSER,    /* the edge's choose() callback names 0, 1 or several consumer
                         subtasks for each record (a user-written grouping) */
} fc_partitioner;

const char *fc_partitioner_name(fc_partitioner p);

/* Key of a record for FC_PART_HASH. Runs on the producer's thread. */
typedef uint64_t (*fc_key_fn)(const fc_record *rec, void *key_data);

/* The consumer subtasks of a record for FC_PART_CHOOSER: writes up to max
 * of them (each in 0..max-1; others are dropped) into subtasks and
 * returns how many.  Runs on the producer's thread, inside its emit. */
typedef size_t (*fc_choose_fn)(fc_task *producer, const fc_record *rec, void *key_data,
                               int32_t *subtasks, size_t max);

typedef struct {
  fc_partitioner partitioner;
  int64_t stream;      /* only records of this stream use the edge; -1 = all */
  fc_key_fn key;       /* FC_PART_HASH and FC_PART_KEY_GROUPS only */
  fc_choose_fn choose; /* FC_PART_CHOOSER only */
  void *key_data;      /* owned by the caller; must outlive the job */
} fc_edge_spec;

/* The result of a source's produce(). */
typedef enum {
  FC_PRODUCE_MORE,  /* call again as soon as the outputs have room */
  FC_PRODUCE_IDLE,  /* nothing to emit now: call again after the job's idle
                       back-off, or earlier when a timer or message arrives */
  FC_PRODUCE_WAIT,  /* nothing to emit until a timer or message arrives (no
                       back-off polling: only the mailbox wakes the source) */
  FC_PRODUCE_END,   /* no more records ever: end of input */
  FC_PRODUCE_ERROR, /* failed; *error is set; the job stops */
} fc_produce_result;

/* A message posted to a task's mailbox with fc_job_post() (from any
 * thread) or fc_task_post() (from a task). */
typedef struct {
  uint32_t kind;
  uint64_t a, b;
  void *ptr;
  GDestroyNotify free_ptr; /* called on ptr after delivery, or when dropped */
} fc_message;

/* What a subtask runs.  Every callback runs on a scheduler thread, never on
 * two threads at once for the same subtask.  A callback that returns FALSE
 * must set *error; the job then stops and fc_job_wait() reports the error
 * prefixed with the task's name.  Every member but process/produce may be
 * NULL. */
typedef struct {
  /* Once, before anything else; *state is the subtask's to keep. */
  gboolean (*open)(fc_task *task, void *vertex_data, void **state, GError **error);
  /* Sources (vertices without inputs). Emit with fc_task_emit*(). */
  fc_produce_result (*produce)(fc_task *task, void *state, GError **error);
  /* Operators: one input record. */
  gboolean (*process)(fc_task *task, void *state, const fc_record *rec, GError **error);
  /* A timer added with fc_task_timer_add() fired. */
  gboolean (*timer)(fc_task *task, void *state, uint32_t timer_id, GError **error);
  /* A mailbox message arrived. */
  gboolean (*message)(fc_task *task, void *state, const fc_message *msg, GError **error);
  /* End of every turn that ran the operator (after its records, before
   * the outputs are sent): a place to flush what it gathered. May emit. */
  gboolean (*turn_end)(fc_task *task, void *state, GError **error);
  /* Every input has ended (sources: produce returned END). May emit. */
  gboolean (*finish)(fc_task *task, void *state, GError **error);
  /* Last call, if open succeeded: free the state. */
  void (*close)(fc_task *task, void *state);

  /* Checkpoints (see fc_checkpoint.h); all three may be NULL.
   *
   * snapshot: checkpoint checkpoint_id reached this task (a source: it was
   * triggered; others: its barrier arrived on every live input).  Write
   * what restoring needs with fc_snapshot_write(out, ...); a source writes
   * its position.  Records emitted here go out before the barrier (a place
   * to flush output gathered for turn_end, which runs after it).  FALSE
   * (with *error) fails the task.  Called once per checkpoint, in id order;
   * not called for a checkpoint already known to be aborted, nor after the
   * task's input ended (it then counts as finished). */
  gboolean (*snapshot)(fc_task *task, void *state, uint64_t checkpoint_id, fc_snapshot *out,
                       GError **error);
  /* Checkpoint checkpoint_id completed everywhere (and, with a directory,
   * is durable): side effects that wait for it may happen now.  On the
   * task's own thread, in id order.  After the task's input ended it comes
   * only for checkpoints it had snapshotted, and never once it is done. */
  void (*checkpoint_complete)(fc_task *task, void *state, uint64_t checkpoint_id);
  /* Checkpoint checkpoint_id was aborted (timeout, failure to write it),
   * whether or not this task had snapshotted it.  Same rules. */
  void (*checkpoint_aborted)(fc_task *task, void *state, uint64_t checkpoint_id);
} fc_operator;

fc_graph *fc_graph_new(void);
void fc_graph_free(fc_graph *g);

/* Adds a vertex; op is copied; vertex_data is passed to open() and freed
 * with free_data (may be NULL) when the graph or job is freed. */
int fc_graph_add_vertex(fc_graph *g, const char *name, int parallelism, const fc_operator *op,
                        void *vertex_data, GDestroyNotify free_data);
/* Adds an edge from -> to. Returns the edge id. */
int fc_graph_add_edge(fc_graph *g, int from, int to, const fc_edge_spec *spec);
/* Places a subtask at a location (a worker); FC_PART_LOCAL prefers
 * consumers at the producer's location. Default location: 0. */
void fc_graph_set_location(fc_graph *g, int vertex, int subtask, int location);

int fc_graph_n_vertices(const fc_graph *g);
int fc_graph_parallelism(const fc_graph *g, int vertex);
int fc_graph_task_id(const fc_graph *g, int vertex, int subtask);

G_END_DECLS

#endif
