/* fc_task.h — what an operator may do from inside its callbacks.
 *
 * Every function here takes the fc_task passed to the running callback and
 * must be called on that callback's thread (the task's own thread for the
 * duration of the call), except where it says otherwise.
 *
 * Emitting copies the record into the outgoing batch of each target
 * channel.  An emit never fails and never blocks: if a channel is full the
 * batch grows by that record and the task is parked after the current
 * callback returns, until the consumer frees room (back-pressure).  One
 * callback may therefore overrun a channel's capacity by what it emits
 * itself, no more.
 */
#ifndef GUST_FC_TASK_H
#define GUST_FC_TASK_H

#include <gust/fc_graph.h>

G_BEGIN_DECLS

typedef struct fc_job fc_job;

int fc_task_id(const fc_task *t); /* global task id */
int fc_task_vertex(const fc_task *t);
int fc_task_subtask(const fc_task *t); /* index within the vertex, 0-based */
int fc_task_parallelism(const fc_task *t);
const char *fc_task_name(const fc_task *t); /* "vertex[subtask]" */
fc_job *fc_task_job(fc_task *t);
/* The input edge the record being processed came through (-1 outside process()). */
int fc_task_current_edge(const fc_task *t);
/* In process(): the checkpoint the record crossed, or 0.  A record taken
 * from a feedback edge (one that closes a cycle of the graph) after this
 * task passed checkpoint n, but sent before its producer did, is on no
 * side of n's snapshot: its effects are in no task's state of n, and the
 * checkpoint does not log it.  The first such n is returned.  n cannot
 * complete before this process() call returns. */
uint64_t fc_task_crossed_checkpoint(const fc_task *t);

/* Sends rec along every outgoing edge whose stream matches (direct edges
 * excepted).  Writes up to max_targets global task ids of the receivers
 * into targets (may be NULL) and returns how many receivers there were. */
size_t fc_task_emit(fc_task *t, const fc_record *rec, int32_t *targets, size_t max_targets);
/* Sends rec to one task through the matching FC_PART_DIRECT edge(s) that
 * reach it. Returns FALSE, sending nothing, if no such edge reaches target. */
gboolean fc_task_emit_direct(fc_task *t, const fc_record *rec, int target_task);

/* Routing and sending in two steps, for a caller that must give each
 * receiver its own copy (for example its own tracking tags).  A route
 * names one receiver through one outgoing edge. */
typedef struct {
  int32_t out;     /* outgoing edge index within this task */
  int32_t subtask; /* consumer subtask on that edge */
  int32_t task;    /* its global task id */
} fc_route;

/* The largest number of routes one record can have from this task. */
size_t fc_task_max_routes(const fc_task *t);
/* Where fc_task_emit() would send rec (advancing the partitioners' cursors
 * as it would): fills routes (room for max routes) and returns the count. */
size_t fc_task_route(fc_task *t, const fc_record *rec, fc_route *routes, size_t max);
/* Routes for a direct emit to target_task: 0 if no direct edge reaches it. */
size_t fc_task_route_direct(fc_task *t, const fc_record *rec, int target_task, fc_route *routes,
                            size_t max);
/* Sends rec along one route (copying it). */
void fc_task_send(fc_task *t, const fc_record *rec, const fc_route *route);

/* Scratch memory for building records; rewound after every callback. */
fc_arena *fc_task_scratch(fc_task *t);
/* Holds (hold TRUE) or releases the task's input.  While held, turns still
 * deliver messages and timers and run turn_end(), but process() gets no
 * records: a batch being processed stops after the current record and
 * resumes where it stopped; the input channels fill up and their producers
 * feel back-pressure.  (An input that ends right after the last record
 * processed still ends: finish() runs.)  For an operator that must wait
 * for something other than its outputs (a subprocess's pipe) without
 * holding a scheduler thread.  Call from the task's own callbacks. */
void fc_task_hold_input(fc_task *t, gboolean hold);
gboolean fc_task_input_held(const fc_task *t);
/* From snapshot(), before it writes anything: this snapshot cannot be
 * taken yet (the operator waits for something its messages or timers will
 * bring, such as a subprocess settling what it got before the barrier).
 * What snapshot() wrote is dropped and the barrier waits; the task takes
 * no input records, keeps delivering messages and timers, and after each
 * turn's messages snapshot() is called again for the same checkpoint,
 * until it does not put it off.  Operators with inputs only (a source's
 * call is ignored). */
void fc_task_snapshot_later(fc_task *t);

/* Asks for another turn of this task after the tasks already waiting for
 * one, even when no input, message or timer comes (an operator that
 * started something in this turn and finishes it in the next).  Call from
 * the task's own callbacks. */
void fc_task_again(fc_task *t);

/* Processing-time timers with millisecond resolution.  A periodic timer
 * fires every period_ms from now (no drift: deadlines are period apart);
 * a one-shot fires once.  Delivery calls the operator's timer().  Returns
 * a timer id > 0. */
uint32_t fc_task_timer_add(fc_task *t, uint32_t period_ms, gboolean periodic);
void fc_task_timer_cancel(fc_task *t, uint32_t timer_id);

/* Posts a message to another task (or itself). Any thread. */
void fc_task_post(fc_task *t, int target_task, const fc_message *msg);

/* The state this task resumes from (what its snapshot() wrote into the
 * checkpoint the job was restored from, as given to
 * fc_job_set_restored_state()), or NULL on a fresh start.  Valid for the
 * job's life; read it in open(). */
GBytes *fc_task_restored_state(const fc_task *t);

/* Monotonic clock in nanoseconds. */
int64_t fc_now_ns(void);

G_END_DECLS

#endif
