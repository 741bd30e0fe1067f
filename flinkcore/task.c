/* task.c — one subtask's turn, and the emit path.
 *
 * A turn (fc_task_run_turn) runs on one scheduler thread and does, in order:
 *   1. open the operator on the first turn, and end that turn there: every
 *      task of a job opens in the first round of turns, before any source
 *      produces or any operator takes a record (a task opened behind a
 *      source's long turns would start late: a subprocess it launches,
 *      say, would wait for whatever the sources do);
 *   2. if parked on a full output, try to send; still full: stay parked;
 *   3. deliver mailbox messages (timers, user messages, drain);
 *   4. sources: call produce() up to the source budget (and for at most
 *      SOURCE_TURN_NS while produce() asks for more); operators: process
 *      input batches (round-robin over the input channels) up to a budget;
 *      stop early as soon as an emit overran a full channel, or the
 *      operator held its input (fc_task_hold_input);
 *   5. send every non-empty output batch that fits (low latency: a batch
 *      never waits for the next turn to fill up);
 *   6. at end of input: finish(), then an end-marked batch on every output
 *      channel, then close(); the task is done.
 *
 * Checkpoint barriers (see fc_checkpoint.h and "barriers" below) ride the
 * same path: a source snapshots when the coordinator's trigger reaches its
 * mailbox (step 3); an operator when, after a batch, barrier n has arrived
 * on all its live inputs (step 4).  An operator may put its snapshot off
 * (fc_task_snapshot_later): it then takes no input records, and after each
 * turn's messages (step 3) it is asked again.  Either then marks every output's
 * filling batch with the barrier and sends it.  Invariant: while a marked
 * batch cannot be sent (barrier_stuck) no callback runs, because anything
 * emitted would land in that batch, ahead of the barrier; the turn returns
 * and the consumer's wake-up resumes it.
 *
 * Parking and waking.  When a send fails the producer sets the channel's
 * producer_waiting flag and tries once more; the consumer, after giving a
 * batch back, clears the flag and wakes the producer.  Both sides use an
 * atomic exchange on the flag, so whichever comes second sees the first
 * (no lost wake-up).  Consumers are woken by every send.
 *
 * Hot-path counters are kept in plain fields during the turn and published
 * to the atomic metrics at its end.
 */
#include "internal.h"
#include "partition.h"

#include <string.h>
#include <time.h>

enum { OPERATOR_BATCH_BUDGET = 8 };

int64_t fc_now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void fc_task_init(fc_task *t, fc_job *job, const fc_vertex *v, int vertex, int subtask)
{
  memset(t, 0, sizeof *t);
  t->job = job;
  t->v = v;
  t->vertex = vertex;
  t->subtask = subtask;
  t->parallelism = v->parallelism;
  t->id = v->first_task + subtask;
  t->name = g_strdup_printf("%s[%d]", v->name, subtask);
  t->current_edge = -1;
  fc_arena_init(&t->scratch, 0);
  fc_mutex_init(&t->mailbox_lock);
  g_queue_init(&t->mailbox);
  g_queue_init(&t->deferred_acks);
}

static void message_free(fc_message *m)
{
  if (m->free_ptr) m->free_ptr(m->ptr);
  g_free(m);
}

/* A snapshot whose acknowledgement waits for feedback barriers. */
typedef struct {
  uint64_t id;
  GBytes *state;
} deferred_ack;

static void deferred_ack_free(deferred_ack *d)
{
  g_bytes_unref(d->state);
  g_free(d);
}

void fc_task_clear(fc_task *t)
{
  g_queue_clear_full(&t->deferred_acks, (GDestroyNotify)deferred_ack_free);
  if (t->restored) g_bytes_unref(t->restored);
  g_queue_clear_full(&t->mailbox, (GDestroyNotify)message_free);
  pthread_mutex_destroy(&t->mailbox_lock);
  fc_arena_clear(&t->scratch);
  for (int i = 0; i < t->n_outs; i++) {
    g_free(t->outs[i].channels);
    g_free(t->outs[i].local);
  }
  g_free(t->outs);
  g_free(t->ins);
  g_free(t->in_barrier);
  g_free(t->name);
}

/* ---- accessors ---- */

int fc_task_id(const fc_task *t)
{
  return t->id;
}
int fc_task_vertex(const fc_task *t)
{
  return t->vertex;
}
int fc_task_subtask(const fc_task *t)
{
  return t->subtask;
}
int fc_task_parallelism(const fc_task *t)
{
  return t->parallelism;
}
const char *fc_task_name(const fc_task *t)
{
  return t->name;
}
fc_job *fc_task_job(fc_task *t)
{
  return t->job;
}
int fc_task_current_edge(const fc_task *t)
{
  return t->current_edge;
}
GBytes *fc_task_restored_state(const fc_task *t)
{
  return t->restored;
}
void fc_task_snapshot_later(fc_task *t)
{
  t->snapshot_later = true;
}

void fc_task_hold_input(fc_task *t, gboolean hold)
{
  if (t->input_held && !hold) t->input_released = true;
  t->input_held = hold;
}

gboolean fc_task_input_held(const fc_task *t)
{
  return t->input_held;
}

void fc_task_again(fc_task *t)
{
  fc_task_wake(t); /* running: the scheduler queues it again when this turn ends */
}

fc_arena *fc_task_scratch(fc_task *t)
{
  return &t->scratch;
}

uint32_t fc_task_timer_add(fc_task *t, uint32_t period_ms, gboolean periodic)
{
  return fc_timers_add(t->job->timers, t, FC_MSG_TIMER, (int64_t)period_ms * 1000000, periodic);
}

void fc_task_timer_cancel(fc_task *t, uint32_t timer_id)
{
  fc_timers_cancel(t->job->timers, timer_id);
}

void fc_task_post(fc_task *t, int target_task, const fc_message *msg)
{
  fc_job_post(t->job, target_task, msg);
}

/* ---- mailbox ---- */

void fc_task_mailbox_push(fc_task *t, const fc_message *msg)
{
  fc_message *copy = g_memdup2(msg, sizeof *msg);
  pthread_mutex_lock(&t->mailbox_lock);
  g_queue_push_tail(&t->mailbox, copy);
  atomic_store_explicit(&t->has_mail, 1, memory_order_release);
  pthread_mutex_unlock(&t->mailbox_lock);
  fc_task_wake(t);
}

/* ---- failing and finishing ---- */

static void task_fail(fc_task *t, GError *error)
{
  if (!error)
    error = g_error_new(FC_ERROR, FC_ERROR_TASK_FAILED, "callback failed without saying why");
  fc_job_task_failed(t->job, t, error);
}

static void publish_metrics(fc_task *t, uint64_t in, uint64_t out, uint64_t b_in, uint64_t b_out)
{
  if (in) atomic_fetch_add_explicit(&t->m_records_in, in, memory_order_relaxed);
  if (out) atomic_fetch_add_explicit(&t->m_records_out, out, memory_order_relaxed);
  if (b_in) atomic_fetch_add_explicit(&t->m_batches_in, b_in, memory_order_relaxed);
  if (b_out) atomic_fetch_add_explicit(&t->m_batches_out, b_out, memory_order_relaxed);
}

/* ---- sending ---- */

/* Turn-local counters (one turn runs on one thread: no sharing). */
typedef struct {
  uint64_t records_in, records_out, batches_in, batches_out;
} turn_counts;

static _Thread_local FC_TLS_FAST turn_counts *tls_counts;

/* Sends ch's filling batch (if it holds records, the end mark or a
 * barrier) and accounts it to the consumer's queue.  The count is added
 * after the push and subtracted when the consumer takes the batch, so it
 * may dip below zero for a moment, and may include the one batch a
 * consumer has just taken: its peak is at most (capacity + 1) batches.
 * FALSE if the ring is full (nothing sent). */
static bool try_send(fc_channel *ch)
{
  uint32_t n = ch->filling->n;
  bool end = ch->filling->end;
  if (n == 0 && !end && !ch->filling->barrier && G_LIKELY(!ch->overflow.length)) return true;
  if (G_UNLIKELY(ch->loop)) {
    if (atomic_load(&ch->loop->done)) { /* the loop ended: nobody will read this */
      fc_batch_reset(ch->filling);
      return true;
    }
    fc_loop_count(ch->producer, 0); /* counted before anyone can take them */
  }
  if (G_UNLIKELY(ch->feedback)) {
    /* never parks (loops.c); a consumer's give-back resumes the overflow */
    if (!fc_channel_send_unbounded(ch)) {
      atomic_exchange(&ch->producer_waiting, 1);
      if (fc_channel_send_unbounded(ch)) atomic_store(&ch->producer_waiting, 0);
    }
  } else if (!fc_channel_send(ch)) {
    return false;
  }
  fc_task *c = ch->consumer;
  int64_t q = atomic_fetch_add_explicit(&c->m_queued_records, n, memory_order_relaxed) + n;
  if (end) ch->end_sent = true;
  int64_t peak = atomic_load_explicit(&c->m_peak_queued_records, memory_order_relaxed);
  while (q > peak &&
         !atomic_compare_exchange_weak_explicit(&c->m_peak_queued_records, &peak, q,
                                                memory_order_relaxed, memory_order_relaxed))
    ;
  tls_counts->batches_out++;
  fc_task_wake(c);
  return true;
}

/* Sends ch's filling batch; on a full ring asks to be woken and retries
 * once.  TRUE when nothing is left to send. */
static bool channel_flush(fc_channel *ch)
{
  if (try_send(ch)) return true;
  atomic_exchange(&ch->producer_waiting, 1); /* an RMW, paired with give_back's */
  if (!try_send(ch)) return false;
  atomic_store(&ch->producer_waiting, 0);
  return true;
}

static void park(fc_task *t)
{
  if (!t->blocked) {
    t->blocked = true;
    t->blocked_since = fc_now_ns();
  }
}

static void unpark(fc_task *t)
{
  if (t->blocked) {
    t->blocked = false;
    atomic_fetch_add_explicit(&t->m_backpressure_ns, (uint64_t)(fc_now_ns() - t->blocked_since),
                              memory_order_relaxed);
  }
}

/* Sends pending output.  include_partial: also batches that are not full.
 * Parks the task if a full (or end- or barrier-marked) batch cannot go;
 * returns FALSE then. */
static bool send_outputs(fc_task *t, bool include_partial)
{
  bool stuck = false;
  for (int i = 0; i < t->n_outs; i++) {
    fc_out_edge *o = &t->outs[i];
    for (int c = 0; c < o->n_channels; c++) {
      fc_channel *ch = o->channels[c];
      bool must = fc_channel_filling_is_full(ch) || ch->filling->end || ch->filling->barrier ||
                  ch->overflow.length;
      if (!must && !(include_partial && ch->filling->n)) continue;
      if (!channel_flush(ch) && must) stuck = true;
    }
  }
  if (stuck)
    park(t);
  else
    unpark(t);
  return !stuck;
}

static inline void send_to(fc_task *t, fc_out_edge *o, int idx, const fc_record *rec,
                           int32_t *targets, size_t max_targets, size_t *count)
{
  fc_channel *ch = o->channels[idx];
  fc_batch_append(ch->filling, rec, t->id);
  tls_counts->records_out++;
  if (G_UNLIKELY(ch->loop)) t->loop_emitted++;
  if (G_UNLIKELY(fc_channel_filling_is_full(ch)) && !try_send(ch)) park(t);
  if (targets && *count < max_targets) targets[*count] = o->consumer_first_task + idx;
  (*count)++;
}

/* Whether rec travels on edge o: its stream matches, and the edge is
 * direct exactly when the emit is. */
static inline bool edge_takes(const fc_out_edge *o, const fc_record *rec, bool direct)
{
  const fc_edge_spec *spec = &o->edge->spec;
  return (spec->stream < 0 || (uint64_t)spec->stream == rec->stream) &&
         (spec->partitioner == FC_PART_DIRECT) == direct;
}

/* A chooser edge's consumer subtasks for rec (at most one per consumer
 * subtask's worth, each in range), in scratch memory. */
static size_t choose(fc_task *t, fc_out_edge *o, const fc_record *rec, int32_t **chosen)
{
  size_t max = (size_t)o->n_channels;
  int32_t *c = fc_arena_alloc(&t->scratch, max * sizeof *c);
  size_t n = o->edge->spec.choose(t, rec, o->edge->spec.key_data, c, max), kept = 0;
  for (size_t k = 0; k < n && k < max; k++)
    if (c[k] >= 0 && c[k] < o->n_channels) c[kept++] = c[k];
  *chosen = c;
  return kept;
}

size_t fc_task_emit(fc_task *t, const fc_record *rec, int32_t *targets, size_t max_targets)
{
  size_t count = 0;
  for (int i = 0; i < t->n_outs; i++) {
    fc_out_edge *o = &t->outs[i];
    if (!edge_takes(o, rec, false)) continue;
    if (o->edge->spec.partitioner == FC_PART_BROADCAST) {
      for (int c = 0; c < o->n_channels; c++)
        send_to(t, o, c, rec, targets, max_targets, &count);
    } else if (o->edge->spec.partitioner == FC_PART_CHOOSER) {
      int32_t *chosen = NULL;
      size_t n = choose(t, o, rec, &chosen);
      for (size_t k = 0; k < n; k++)
        send_to(t, o, chosen[k], rec, targets, max_targets, &count);
    } else {
      send_to(t, o, fc_partition_pick(o, rec, t->subtask), rec, targets, max_targets, &count);
    }
  }
  return count;
}

gboolean fc_task_emit_direct(fc_task *t, const fc_record *rec, int target_task)
{
  size_t count = 0;
  for (int i = 0; i < t->n_outs; i++) {
    fc_out_edge *o = &t->outs[i];
    if (!edge_takes(o, rec, true)) continue;
    int idx = target_task - o->consumer_first_task;
    if (idx >= 0 && idx < o->n_channels) send_to(t, o, idx, rec, NULL, 0, &count);
  }
  return count > 0;
}

size_t fc_task_max_routes(const fc_task *t)
{
  size_t n = 0;
  for (int i = 0; i < t->n_outs; i++)
    n += (size_t)t->outs[i].n_channels;
  return n;
}

size_t fc_task_route(fc_task *t, const fc_record *rec, fc_route *routes, size_t max)
{
  size_t n = 0;
  for (int i = 0; i < t->n_outs; i++) {
    fc_out_edge *o = &t->outs[i];
    if (!edge_takes(o, rec, false)) continue;
    if (o->edge->spec.partitioner == FC_PART_BROADCAST) {
      for (int c = 0; c < o->n_channels && n < max; c++)
        routes[n++] = (fc_route){.out = i, .subtask = c, .task = o->consumer_first_task + c};
    } else if (o->edge->spec.partitioner == FC_PART_CHOOSER) {
      int32_t *chosen = NULL;
      size_t k_n = choose(t, o, rec, &chosen);
      for (size_t k = 0; k < k_n && n < max; k++)
        routes[n++] =
            (fc_route){.out = i, .subtask = chosen[k], .task = o->consumer_first_task + chosen[k]};
    } else if (n < max) {
      int c = fc_partition_pick(o, rec, t->subtask);
      routes[n++] = (fc_route){.out = i, .subtask = c, .task = o->consumer_first_task + c};
    }
  }
  return n;
}

size_t fc_task_route_direct(fc_task *t, const fc_record *rec, int target_task, fc_route *routes,
                            size_t max)
{
  size_t n = 0;
  for (int i = 0; i < t->n_outs && n < max; i++) {
    fc_out_edge *o = &t->outs[i];
    if (!edge_takes(o, rec, true)) continue;
    int c = target_task - o->consumer_first_task;
    if (c >= 0 && c < o->n_channels)
      routes[n++] = (fc_route){.out = i, .subtask = c, .task = target_task};
  }
  return n;
}

void fc_task_send(fc_task *t, const fc_record *rec, const fc_route *route)
{
  size_t count = 0;
  g_return_if_fail(route->out >= 0 && route->out < t->n_outs);
  send_to(t, &t->outs[route->out], route->subtask, rec, NULL, 0, &count);
}

/* ---- acknowledging checkpoints ----
 *
 * A task with feedback inputs acknowledges checkpoint n only once barrier
 * n has come back on each of them (loops.c): until then the records it
 * takes from them crossed n, and the operator has been told so
 * (fc_task_crossed_checkpoint) before the checkpoint can complete. */

static uint64_t feedback_barrier_low(const fc_task *t)
{
  uint64_t low = UINT64_MAX;
  for (int i = 0; i < t->n_ins; i++)
    if (t->ins[i]->feedback) low = MIN(low, t->in_barrier[i]);
  return low;
}

static void ack_checkpoint(fc_task *t, uint64_t id, GBytes *state)
{
  if (t->n_feedback_ins && (t->deferred_acks.length || feedback_barrier_low(t) < id)) {
    deferred_ack *d = g_new(deferred_ack, 1);
    d->id = id;
    d->state = state;
    g_queue_push_tail(&t->deferred_acks, d);
    return;
  }
  fc_coordinator_ack(t->job->coord, t->id, id, state);
}

/* A feedback input delivered a barrier: acknowledges what it released. */
static void release_acks(fc_task *t)
{
  uint64_t low = feedback_barrier_low(t);
  deferred_ack *d;
  while ((d = g_queue_peek_head(&t->deferred_acks)) && d->id <= low) {
    g_queue_pop_head(&t->deferred_acks);
    fc_coordinator_ack(t->job->coord, t->id, d->id, d->state);
    g_free(d);
  }
}

/* ---- receiving ---- */

static bool take_input(fc_task *t)
{
  for (int k = 0; k < t->n_ins; k++) {
    int i = (t->next_in + k) % t->n_ins;
    if (G_UNLIKELY(t->n_held) && t->in_barrier[i] > t->ckpt_done)
      continue; /* aligning: this input delivered a barrier not yet passed on */
    fc_channel *ch = t->ins[i];
    fc_batch *b = fc_ring_pop(&ch->full);
    if (!b) continue;
    t->cur = b;
    t->cur_ch = ch;
    t->cur_pos = 0;
    t->next_in = (i + 1) % t->n_ins;
    atomic_fetch_sub_explicit(&t->m_queued_records, b->n, memory_order_relaxed);
    tls_counts->batches_in++;
    return true;
  }
  return false;
}

/* Returns the finished input batch to its producer.  TRUE if it carried a
 * mark (barrier or end) the caller must pass to align_inputs(). */
static bool give_back(fc_task *t)
{
  fc_channel *ch = t->cur_ch;
  bool end = t->cur->end;
  uint64_t barrier = t->cur->barrier;
  uint32_t n = t->cur->n;
  if (G_UNLIKELY(t->cur->spare)) {
    fc_batch_free(t->cur); /* an overflow batch of a feedback channel */
  } else {
    fc_batch_reset(t->cur);
    fc_ring_push(&ch->empty, t->cur); /* never full: the pool fits */
  }
  t->cur = NULL;
  t->cur_ch = NULL;
  if (G_UNLIKELY(t->loop) && (t->loop_emitted || ch->loop)) fc_loop_count(t, ch->loop ? n : 0);
  if (atomic_exchange(&ch->producer_waiting, 0)) fc_task_wake(ch->producer);
  if (G_LIKELY(!end && !barrier)) return false;
  uint64_t *seen = &t->in_barrier[ch->consumer_input];
  if (barrier > *seen) *seen = barrier;
  if (barrier > t->ckpt_seen) t->ckpt_seen = barrier;
  if (G_UNLIKELY(ch->feedback)) release_acks(t);
  if (end) {            /* only inputs from outside the task's loop end (loops.c) */
    *seen = UINT64_MAX; /* an ended input has delivered every barrier */
    if (++t->n_ins_ended == t->n_ext_ins) {
      if (t->loop)
        fc_loop_task_inputs_ended(t);
      else
        t->input_ended = true;
    }
  }
  return true;
}

/* ---- barriers ----
 *
 * A task passes checkpoint n on exactly once, in id order: snapshot()
 * (skipped when n is known to be aborted), acknowledge to the coordinator,
 * then barrier n on every output channel.  ckpt_done is the last one passed
 * on; ids are consecutive from the coordinator's first (it sets ckpt_done
 * to the one before), so "inputs reached n" is min(in_barrier) >= n.
 * Aborted checkpoints are still passed on (without a snapshot): barriers
 * are never dropped, so no input waits for one that will not come. */

/* The task's input ended: it will take no more snapshots, and counts as
 * having acknowledged every checkpoint from now on. */
static void report_finished(fc_task *t)
{
  if (!t->ckpt_finished_sent) {
    t->ckpt_finished_sent = true;
    g_queue_clear_full(&t->deferred_acks, (GDestroyNotify)deferred_ack_free);
    fc_coordinator_task_finished(t->job->coord, t->id);
  }
}

/* Marks every output's filling batch with barrier id and sends it.  One
 * that cannot go parks the task with barrier_stuck set (see the top). */
static void emit_barrier(fc_task *t, uint64_t id)
{
  bool stuck = false;
  for (int i = 0; i < t->n_outs; i++) {
    fc_out_edge *o = &t->outs[i];
    for (int c = 0; c < o->n_channels; c++) {
      fc_channel *ch = o->channels[c];
      g_assert(!ch->filling->barrier && !ch->filling->end);
      ch->filling->barrier = id;
      if (!channel_flush(ch)) stuck = true;
    }
  }
  if (stuck) {
    park(t);
    t->barrier_stuck = true;
  }
}

/* Snapshots, acknowledges and forwards checkpoint id.  FALSE (with *error)
 * when the operator's snapshot() failed; nothing is sent then. */
static bool pass_checkpoint(fc_task *t, uint64_t id, GError **error)
{
  const fc_operator *op = &t->v->op;
  if (id > t->ckpt_aborted) {
    fc_snapshot snap;
    fc_snapshot_init(&snap, t->job->opts.checkpoint_dir, id, t->id);
    if (op->snapshot) {
      t->snapshot_later = false;
      bool ok = op->snapshot(t, t->state, id, &snap, error);
      fc_arena_reset(&t->scratch);
      bool later = ok && t->snapshot_later && t->n_ins > 0;
      t->snapshot_later = false;
      if (!ok || later) {
        g_byte_array_unref(snap.bytes);
        fc_snapshot_clear(&snap);
        t->snapshot_waiting = later; /* asked again after the next turn's messages */
        return ok;
      }
    }
    fc_snapshot_clear(&snap);
    ack_checkpoint(t, id, g_byte_array_free_to_bytes(snap.bytes));
  }
  emit_barrier(t, id);
  t->ckpt_done = id;
  return true;
}

/* An input delivered a barrier or ended, or an earlier forward was stuck:
 * passes on every checkpoint that all live inputs have now reached, and
 * (aligned mode) recounts the inputs to hold.  FALSE if the task failed. */
static bool align_inputs(fc_task *t)
{
  uint64_t low = t->ckpt_seen;
  for (int i = 0; i < t->n_ins; i++)
    if (!t->ins[i]->feedback) low = MIN(low, t->in_barrier[i]); /* never wait for oneself */
  while (t->ckpt_done < low && !t->barrier_stuck && !t->snapshot_waiting) {
    GError *error = NULL;
    if (!pass_checkpoint(t, t->ckpt_done + 1, &error)) {
      task_fail(t, error);
      return false;
    }
  }
  if (t->ckpt_aligned) {
    int held = 0;
    for (int i = 0; i < t->n_ins; i++)
      if (t->in_barrier[i] > t->ckpt_done && t->in_barrier[i] != UINT64_MAX && !t->ins[i]->feedback)
        held++;
    if (held && !t->n_held)
      t->held_since = fc_now_ns();
    else if (!held && t->n_held)
      atomic_fetch_add_explicit(&t->m_alignment_ns, (uint64_t)(fc_now_ns() - t->held_since),
                                memory_order_relaxed);
    t->n_held = held;
  }
  return true;
}

/* A source's trigger arrived (mailbox).  FALSE with *error if snapshot()
 * failed. */
static bool source_triggered(fc_task *t, uint64_t id, GError **error)
{
  if (t->input_ended) {
    report_finished(t);
    return true;
  }
  if (id <= t->ckpt_done) return true;
  t->ckpt_seen = id;
  return pass_checkpoint(t, id, error);
}

/* Puts undelivered messages back at the head of the mailbox, ahead of any
 * that arrived meanwhile. */
static void requeue_mail(fc_task *t, GQueue *mail)
{
  if (g_queue_is_empty(mail)) return;
  pthread_mutex_lock(&t->mailbox_lock);
  fc_message *m;
  while ((m = g_queue_pop_tail(mail)))
    g_queue_push_head(&t->mailbox, m);
  atomic_store_explicit(&t->has_mail, 1, memory_order_release);
  pthread_mutex_unlock(&t->mailbox_lock);
}

/* ---- the turn ---- */

static bool deliver_mail(fc_task *t)
{
  if (!atomic_load_explicit(&t->has_mail, memory_order_acquire)) return true;
  GQueue mail = G_QUEUE_INIT;
  pthread_mutex_lock(&t->mailbox_lock);
  mail = t->mailbox;
  g_queue_init(&t->mailbox);
  atomic_store_explicit(&t->has_mail, 0, memory_order_relaxed);
  pthread_mutex_unlock(&t->mailbox_lock);

  bool ok = true;
  fc_message *m;
  while ((m = g_queue_pop_head(&mail))) {
    GError *error = NULL;
    if (ok && !t->done) {
      const fc_operator *op = &t->v->op;
      if (m->kind == FC_MSG_TIMER) {
        if (op->timer && !op->timer(t, t->state, (uint32_t)m->a, &error)) ok = false;
      } else if (m->kind == FC_MSG_WAKE) {
        t->idle_wake_pending = false;
      } else if (m->kind == FC_MSG_DRAIN) {
        if (t->n_ins == 0) t->input_ended = true;
      } else if (m->kind == FC_MSG_CKPT_TRIGGER) {
        if (t->n_ins == 0 && !source_triggered(t, m->a, &error)) ok = false;
      } else if (m->kind == FC_MSG_CKPT_COMPLETE) {
        if (op->checkpoint_complete) op->checkpoint_complete(t, t->state, m->a);
      } else if (m->kind == FC_MSG_CKPT_ABORT) {
        t->ckpt_aborted = MAX(t->ckpt_aborted, m->a);
        if (op->checkpoint_aborted) op->checkpoint_aborted(t, t->state, m->a);
      } else if (op->message && !op->message(t, t->state, m, &error)) {
        ok = false;
      }
      fc_arena_reset(&t->scratch);
      if (!ok) task_fail(t, error);
    }
    message_free(m);
    fc_sched_poll_owed_wake();
    if (G_UNLIKELY(t->barrier_stuck)) {
      requeue_mail(t, &mail); /* delivered once the barrier has gone */
      break;
    }
  }
  return ok;
}

#define SOURCE_TURN_NS (G_GINT64_CONSTANT(20) * 1000000)

static bool run_source(fc_task *t, bool *more)
{
  const fc_operator *op = &t->v->op;
  int budget = t->job->opts.source_budget;
  int64_t start = fc_now_ns();
  for (int i = 0; i < budget && !t->blocked; i++) {
    GError *error = NULL;
    fc_produce_result r = op->produce(t, t->state, &error);
    fc_arena_reset(&t->scratch);
    fc_sched_poll_owed_wake();
    switch (r) {
    case FC_PRODUCE_MORE:
      /* a source that takes its time per call (a spout sleeping in
       * nextTuple) ends its turn after SOURCE_TURN_NS, so its mailbox
       * (acks, deactivation) is not kept waiting for the whole budget */
      if (fc_now_ns() - start > SOURCE_TURN_NS) {
        *more = true;
        return true;
      }
      continue;
    case FC_PRODUCE_IDLE:
      if (!t->idle_wake_pending) {
        t->idle_wake_pending = true;
        fc_timers_add(t->job->timers, t, FC_MSG_WAKE,
                      (int64_t)t->job->opts.idle_backoff_ms * 1000000, false);
      }
      *more = false;
      return true;
    case FC_PRODUCE_WAIT:
      *more = false;
      return true;
    case FC_PRODUCE_END:
      t->input_ended = true;
      *more = false;
      return true;
    case FC_PRODUCE_ERROR:
      task_fail(t, error);
      return false;
    }
  }
  *more = true;
  return true;
}

/* The operator held its input, or waits to take a snapshot it put off. */
static inline bool input_paused(const fc_task *t)
{
  return t->input_held || t->snapshot_waiting;
}

static bool run_operator(fc_task *t, bool *more)
{
  const fc_operator *op = &t->v->op;
  *more = false;
  for (int n = 0; n < OPERATOR_BATCH_BUDGET && !t->blocked && !input_paused(t); n++) {
    if (!t->cur && !take_input(t)) return true; /* inputs empty: nothing more now */
    fc_batch *b = t->cur;
    t->current_edge = t->cur_ch->edge;
    uint32_t start = t->cur_pos;
    while (t->cur_pos < b->n) {
      GError *error = NULL;
      const fc_record *rec = &b->records[t->cur_pos++];
      if (!op->process(t, t->state, rec, &error)) {
        task_fail(t, error);
        return false;
      }
      fc_arena_reset(&t->scratch);
      if (G_UNLIKELY(t->blocked || input_paused(t))) break;
      /* (a clock read every few records: records can be short) */
      if ((t->cur_pos & 7) == 0) fc_sched_poll_owed_wake();
    }
    tls_counts->records_in += t->cur_pos - start;
    t->current_edge = -1;
    if (t->cur_pos == b->n && give_back(t) && !align_inputs(t)) return false;
    if (t->input_ended) return true;
  }
  /* held: the operator's release, or what its deferred snapshot waits for,
   * comes as a message, which runs the next turn */
  *more = !input_paused(t);
  return true;
}

/* End of input: finish(), end markers, close(). */
static void end_outputs(fc_task *t)
{
  const fc_operator *op = &t->v->op;
  if (!t->finished_called) {
    t->finished_called = true;
    report_finished(t);
    GError *error = NULL;
    if (op->finish && !op->finish(t, t->state, &error)) {
      task_fail(t, error);
      return;
    }
    fc_arena_reset(&t->scratch);
    for (int i = 0; i < t->n_outs; i++)
      for (int c = 0; c < t->outs[i].n_channels; c++) {
        fc_channel *ch = t->outs[i].channels[c];
        if (ch->loop) /* the loop ended as a whole: no end mark inside it */
          ch->end_sent = true;
        else
          ch->filling->end = true;
      }
  }
  if (!send_outputs(t, true)) return; /* parked; the consumer wakes us */
  for (int i = 0; i < t->n_outs; i++)
    for (int c = 0; c < t->outs[i].n_channels; c++)
      if (!t->outs[i].channels[c]->end_sent)
        return; /* not sent: producer_waiting is set, a wake will come */
  t->done = true;
  /* Publish before announcing completion: a waiter may read metrics at once. */
  publish_metrics(t, tls_counts->records_in, tls_counts->records_out, tls_counts->batches_in,
                  tls_counts->batches_out);
  memset(tls_counts, 0, sizeof *tls_counts);
  if (op->close) op->close(t, t->state);
  t->state = NULL;
  fc_job_task_done(t->job, t);
}

static bool turn(fc_task *t)
{
  const fc_operator *op = &t->v->op;
  if (!t->opened) {
    GError *error = NULL;
    t->opened = true;
    if (op->open && !op->open(t, t->v->data, &t->state, &error)) {
      t->finished_called = t->done = true; /* close() only after a successful open */
      t->open_failed = true;
      task_fail(t, error);
      return false;
    }
    return true; /* the rest on the next turn, once every task has opened */
  }
  if (t->blocked && !send_outputs(t, false)) return false;
  t->barrier_stuck = false; /* whatever was marked has gone */
  if (G_UNLIKELY(t->ckpt_seen > t->ckpt_done) && t->n_ins > 0 && !t->snapshot_waiting) {
    if (!align_inputs(t)) return false; /* resumes forwarding after a stuck barrier */
    if (t->barrier_stuck) return false;
  }
  if (!deliver_mail(t)) return false;
  if (t->barrier_stuck) return false;
  if (G_UNLIKELY(t->snapshot_waiting)) { /* the operator asked to snapshot later: now? */
    t->snapshot_waiting = false;
    if (!align_inputs(t)) return false;
    if (t->barrier_stuck) return false;
  }
  if (G_UNLIKELY(t->loop) && !t->input_ended && atomic_load(&t->loop->done))
    t->input_ended = true; /* the loop is quiet (loops.c) */
  bool more = false;
  if (!t->input_ended) {
    bool ok = t->n_ins == 0 ? run_source(t, &more) : run_operator(t, &more);
    if (!ok) return false;
  }
  if (t->barrier_stuck) return false; /* turn_end and finish() run once the barrier has gone */
  if (op->turn_end) {
    GError *error = NULL;
    if (!op->turn_end(t, t->state, &error)) {
      task_fail(t, error);
      return false;
    }
    fc_arena_reset(&t->scratch);
  }
  if (t->input_ended) {
    end_outputs(t);
    return false;
  }
  if (!send_outputs(t, true)) return false;
  return more;
}

bool fc_task_run_turn(fc_task *t)
{
  if (t->done || atomic_load_explicit(&t->job->stopping, memory_order_relaxed)) return false;
  int64_t start = fc_now_ns();
  turn_counts counts = {0};
  tls_counts = &counts;
  bool more = turn(t);
  if (t->input_released) { /* records may wait that this turn did not take */
    t->input_released = false;
    more = more || !t->done;
  }
  tls_counts = NULL;
  publish_metrics(t, counts.records_in, counts.records_out, counts.batches_in, counts.batches_out);
  atomic_fetch_add_explicit(&t->m_busy_ns, (uint64_t)(fc_now_ns() - start), memory_order_relaxed);
  return more;
}
