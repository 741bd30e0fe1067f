/* spout_host.c — the engine operator that hosts one spout task.
 *
 * produce() calls next_tuple() unless the spout is deactivated or has
 * topology.max.spout.pending reliable emits in flight (then it waits for
 * a message: an ack, a checkpoint, the sweep, an activation; nothing
 * polls); a call that emits nothing makes the task idle for the engine's
 * back-off (Storm's wait strategy).  Acks and fails arrive in the mailbox
 * from the acker tasks (batched per acker turn); a periodic sweep fails
 * reliable emits older than topology.message.timeout.secs (counted from
 * the last resetTimeout of their tree, if a bolt called it).  With no
 * ackers a reliable emit is acked right after the next_tuple() that made
 * it.
 *
 * Checkpoint mode: emits carry their root only; every snapshot closes an
 * epoch (the emits since the previous snapshot), and when that checkpoint
 * completes, the epoch's messages are acked — except those of which a bolt
 * still held a tuple at the barrier (it said so, MSG_SPOUT_HOLDS, before
 * acknowledging its snapshot): they are acked when the bolt reports the
 * tuple settled, or fail once they have waited topology.message.timeout.secs
 * (the sweep).  A message whose tuples were still circulating in a loop
 * of the topology at the checkpoint is deferred to a later one
 * (epoch_ledger.c); one deferred past topology.message.timeout.secs (a
 * loop that re-emits forever) fails too.  When a checkpoint is aborted (it could not complete
 * within the message timeout), its messages fail, so the spout replays them as on Storm.  A bolt's
 * fail arrives at once from the bolt.  A spout at its max.spout.pending cap asks for an early
 * checkpoint instead of waiting for the next interval (topology.gust.checkpoint.at.max.pending,
 * default true), unless every pending message is covered by a completed checkpoint already and only
 * waits for a bolt, or is deferred (waits for a loop).
 *
 * Pausing: MSG_SPOUT_SET_ACTIVE (gust_runtime_set_active) calls
 * deactivate() or activate() and stops or resumes next_tuple(); acks,
 * fails, the sweep and checkpoints go on meanwhile.  A spout opens
 * deactivated while the runtime is set inactive.
 *
 * Stopping: MSG_SPOUT_DEACTIVATE calls deactivate(), stops next_tuple(),
 * and ends the task's input once nothing is pending (acked, failed or
 * timed out), so what was in flight is settled before close().  In
 * checkpoint mode it also waits for a final checkpoint: the first one
 * whose snapshot the spout takes after the deactivation with nothing in
 * flight (the deactivation asks for one, which settles the last emits;
 * when messages were still in flight at its snapshot, another is asked
 * for once they settle).  So the final checkpoint holds the spout's last
 * position with nothing unacknowledged and every bolt's state after the
 * last tuple, and a topology resumed from it (a savepoint) neither loses
 * nor repeats anything — also for a spout that saves the position of its
 * oldest unacknowledged message (the Kafka spout).  A final checkpoint
 * that is aborted (the directory is full or gone, a task too slow) is
 * asked for again — the engine starts it no sooner than one checkpoint
 * interval later — up to topology.gust.checkpoint.final.attempts times in
 * all; then the task fails with the last reason, so the stop ends with
 * that one error instead of retrying forever.
 *
 * A spout whose instance lives in another process (a Java spout in the
 * JVM host, a multilang spout) loses its instance when that process dies;
 * the instance's emits in flight are then dropped at once
 * (rt_spout_drop_in_flight: Storm's dead worker takes its executor's
 * pending tuples with it), so the next instance emits as soon as it is
 * open instead of waiting out topology.message.timeout.secs behind them.
 * At the max.spout.pending cap next_tuple() is not called, so produce()
 * asks the component to look at its process instead (watch_spout); the
 * sweep's and the subprocess reader's wake-ups run it.  Checkpoint mode
 * loses nothing by it: those messages' effects are in the bolts' state
 * whichever checkpoint covers them, and acking them could reach no
 * instance anyway.
 *
 * Closing with messages in flight (the job is torn down: a restart after a
 * task failed, or a stop that could not settle them) fails each of them to
 * the spout before close(), as Storm fails what a crash or restart left
 * pending, so a spout that replays on fail (a queue that redelivers what
 * it was told failed) replays them.  What the spout emits from those
 * fail() calls is dropped: the job is gone.
 * Everything here runs on the task's own turn (close: on the thread that
 * frees the job, once no turn runs).
 */
#include "context.h"
#include "state_host.h"

enum { SWEEP_MS = 200 };

typedef struct {
  rt_component *comp;
  gust_context ctx;
  gust_collector out;
  void *instance;
  bool active;
  bool stopping;
  bool asked_checkpoint; /* at the pending cap: asked for an early one since the last snapshot */
  bool early_checkpoint; /* topology.gust.checkpoint.at.max.pending */
  GArray *epoch_of; /* checkpoint mode: (checkpoint id, last epoch it covers) pairs, in order */
  uint64_t final_checkpoint; /* stopping, checkpoint mode: the first snapshot after deactivate
                                with nothing in flight */
  bool final_asked;          /* ... a checkpoint was asked for to be it */
  bool final_done;           /* ... and it completed */
  int final_attempts;        /* final checkpoints aborted so far */
} spout_host;

/* Reliable emits not settled yet (the ledger in checkpoint mode, the
 * pending table otherwise). */
static uint64_t in_flight(const spout_host *h)
{
  return g_hash_table_size(h->out.pending) + h->out.ledger.n_open;
}

static gboolean spout_open(fc_task *task, void *data, void **state, GError **error)
{
  rt_component *comp = data;
  spout_host *h = g_new0(spout_host, 1);
  h->early_checkpoint = comp->rt->early_checkpoint;
  h->comp = comp;
  rt_context_init(&h->ctx, comp->rt, comp, fc_task_subtask(task));
  rt_collector_init(&h->out, comp->rt, comp, task);
  if (!rt_context_restore(&h->ctx, error) ||
      (comp->def->open && !comp->def->open(&h->ctx, &h->instance, error))) {
    g_prefix_error(error, "spout %s (task %d) failed to open: ", comp->id,
                   gust_context_task_id(&h->ctx));
    rt_context_clear(&h->ctx);
    rt_collector_clear(&h->out);
    g_free(h);
    return FALSE;
  }
  *state = h;
  h->epoch_of = g_array_new(FALSE, FALSE, 2 * sizeof(uint64_t));
  if (!atomic_load(&comp->rt->inactive)) { /* else it waits for MSG_SPOUT_SET_ACTIVE */
    if (comp->def->activate) comp->def->activate(h->instance);
    h->active = true;
  }
  if (comp->rt->reliability != RELIABILITY_NONE) fc_task_timer_add(task, SWEEP_MS, TRUE);
  return TRUE;
}

/* The spout hears that a reliable emit settled: ack or fail, and stats.
 * now: the time (0: read the clock). */
static void report(spout_host *h, const fc_value *msg_id, int64_t emitted_ns, uint32_t stream,
                   bool failed, int64_t now)
{
  rt_component *comp = h->comp;
  if (failed) {
    rt_stream_add(comp, h->out.stats, stream, RT_STAT_FAILED, 1);
    if (comp->def->fail) comp->def->fail(h->instance, &h->out, msg_id);
  } else {
    rt_stream_add(comp, h->out.stats, stream, RT_STAT_ACKED, 1);
    rt_stream_latency(comp, h->out.stats, stream, RT_STAT_COMPLETE_NS,
                      (now ? now : fc_now_ns()) - emitted_ns);
    if (comp->def->ack) comp->def->ack(h->instance, &h->out, msg_id);
  }
}

static void settle(spout_host *h, uint64_t root, bool failed)
{
  pending_msg *m = g_hash_table_lookup(h->out.pending, &root);
  if (!m) return; /* timed out already, or not ours */
  report(h, &m->msg_id, m->emitted_ns, m->stream, failed, 0);
  g_hash_table_remove(h->out.pending, &root);
}

typedef struct {
  spout_host *h;
  bool failed;
  int64_t now; /* one clock read for all the messages a checkpoint settles */
} settle_args;

/* A message from the ledger is settled: the spout hears of it. */
static void settled_from_ledger(const rt_ledger_msg *m, void *data)
{
  settle_args *a = data;
  report(a->h, &m->msg_id, m->emitted_ns, m->stream, a->failed, a->now);
}

/* next_tuple() is not called now: a spout hosted in another process
 * looks whether that process died (its emits are dropped then). */
static void watch(spout_host *h)
{
  if (h->comp->watch_spout && h->instance) h->comp->watch_spout(h->instance, &h->out);
}

static fc_produce_result spout_produce(fc_task *task, void *state, GError **error)
{
  spout_host *h = state;
  rt_component *comp = h->comp;
  if (h->stopping) {
    if (comp->rt->reliability == RELIABILITY_CHECKPOINT &&
        h->final_attempts >= comp->rt->final_checkpoint_attempts) {
      g_autofree char *why = fc_job_checkpoint_last_failure(fc_task_job(task));
      g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_FAILED,
                  "spout %s (task %d): the final checkpoint failed %d time%s "
                  "(topology.gust.checkpoint.final.attempts); the last: %s",
                  comp->id, gust_context_task_id(&h->ctx), h->final_attempts,
                  h->final_attempts == 1 ? "" : "s", why ? why : "aborted");
      return FC_PRODUCE_ERROR;
    }
    if (in_flight(h)) watch(h);
    bool settled = in_flight(h) == 0;
    if (comp->rt->reliability == RELIABILITY_CHECKPOINT) {
      if (settled && !h->final_checkpoint && !h->final_asked) {
        h->final_asked = true; /* the last emits settled after a snapshot: one more */
        fc_job_trigger_checkpoint(fc_task_job(task));
      }
      settled = settled && h->final_done;
    }
    return settled ? FC_PRODUCE_END : FC_PRODUCE_WAIT; /* acks, checkpoints, the sweep */
  }
  if (!h->active) return FC_PRODUCE_WAIT; /* until activated */
  if (comp->max_pending > 0 && in_flight(h) >= (uint64_t)comp->max_pending) watch(h);
  if (comp->max_pending > 0 && in_flight(h) >= (uint64_t)comp->max_pending) {
    if (comp->rt->reliability == RELIABILITY_CHECKPOINT && h->early_checkpoint &&
        !h->asked_checkpoint &&
        h->out.ledger.n_open >
            g_hash_table_size(h->out.ledger.covered) + h->out.ledger.n_deferred) {
      h->asked_checkpoint = true;
      fc_job_trigger_checkpoint(fc_task_job(task));
    }
    return FC_PRODUCE_WAIT; /* an ack, a completed checkpoint or the timeout sweep wakes us */
  }
  h->out.emitted_now = 0;
  h->out.call_ns = fc_now_ns(); /* the emit time of everything this call emits */
  gboolean ok = comp->def->next_tuple(h->instance, &h->out, error);
  h->out.call_ns = 0;
  if (!ok) {
    g_prefix_error(error, "spout %s (task %d) failed: ", comp->id, gust_context_task_id(&h->ctx));
    return FC_PRODUCE_ERROR;
  }
  if (h->out.ack_now->len) {
    for (guint i = 0; i < h->out.ack_now->len; i++)
      settle(h, g_array_index(h->out.ack_now, uint64_t, i), false);
    g_array_set_size(h->out.ack_now, 0);
  }
  return h->out.emitted_now ? FC_PRODUCE_MORE : FC_PRODUCE_IDLE;
}

static gboolean spout_message(fc_task *task, void *state, const fc_message *msg, GError **error)
{
  spout_host *h = state;
  if (msg->kind == MSG_SPOUT_ACKS) {
    GArray *acks = msg->ptr;
    for (guint i = 0; i < acks->len; i++) {
      spout_ack *a = &g_array_index(acks, spout_ack, i);
      if (a->reset) {
        pending_msg *m = g_hash_table_lookup(h->out.pending, &a->root);
        if (m) m->timeout_from_ns = fc_now_ns();
      } else if (a->deferred) {
        rt_ledger_defer(&h->out.ledger, a->root, h->out.epoch);
      } else if (h->comp->rt->reliability == RELIABILITY_CHECKPOINT) {
        settle_args args = {.h = h, .failed = a->failed};
        rt_ledger_settle_one(&h->out.ledger, a->root, settled_from_ledger, &args);
      } else {
        settle(h, a->root, a->failed);
      }
    }
  } else if (msg->kind == MSG_SPOUT_HOLDS) {
    GArray *holds = msg->ptr;
    settle_args args = {.h = h, .failed = false};
    for (guint i = 0; i < holds->len; i++) {
      spout_hold *a = &g_array_index(holds, spout_hold, i);
      rt_ledger_hold(&h->out.ledger, a->root, a->delta, settled_from_ledger, &args);
    }
  } else if (msg->kind == MSG_SPOUT_SET_ACTIVE && !h->stopping && (msg->a != 0) != h->active) {
    h->active = msg->a != 0; /* what is in flight still settles; produce() waits while inactive */
    if (h->active && h->comp->def->activate) h->comp->def->activate(h->instance);
    if (!h->active && h->comp->def->deactivate) h->comp->def->deactivate(h->instance);
  } else if (msg->kind == MSG_SPOUT_DEACTIVATE && !h->stopping) {
    h->stopping = true;
    if (h->active && h->comp->def->deactivate) h->comp->def->deactivate(h->instance);
    h->active = false;
    if (h->comp->rt->reliability == RELIABILITY_CHECKPOINT) {
      /* settles the last emits; the final checkpoint itself when there are none */
      h->final_asked = in_flight(h) == 0;
      fc_job_trigger_checkpoint(fc_task_job(task));
    }
  }
  return TRUE;
}

/* Fails what has waited longer than the message timeout: in checkpoint
 * mode, what a bolt still holds after a checkpoint covered it, and what a
 * loop keeps circulating (deferred at every checkpoint). */
static gboolean spout_timer(fc_task *task, void *state, uint32_t timer_id, GError **error)
{
  spout_host *h = state;
  int64_t limit = fc_now_ns() - h->comp->rt->timeout_ns;
  if (h->comp->rt->reliability == RELIABILITY_CHECKPOINT) {
    settle_args args = {.h = h, .failed = true};
    rt_ledger_expire(&h->out.ledger, limit, settled_from_ledger, &args);
    return TRUE;
  }
  GArray *expired = g_array_new(FALSE, FALSE, sizeof(uint64_t));
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, h->out.pending);
  while (g_hash_table_iter_next(&it, &key, &value)) {
    pending_msg *m = value;
    if (m->timeout_from_ns < limit) g_array_append_val(expired, m->root);
  }
  for (guint i = 0; i < expired->len; i++)
    settle(h, g_array_index(expired, uint64_t, i), true);
  g_array_free(expired, TRUE);
  return TRUE;
}

/* ---- checkpoint mode ---- */

static gboolean spout_snapshot(fc_task *task, void *state, uint64_t checkpoint_id, fc_snapshot *out,
                               GError **error)
{
  spout_host *h = state;
  g_autoptr(GByteArray) bytes = g_byte_array_new();
  if ((h->comp->def->snapshot &&
       !h->comp->def->snapshot(h->instance, checkpoint_id, bytes, error)) ||
      !rt_state_write_task_snapshot(NULL, bytes->data, bytes->len, out, error)) {
    g_prefix_error(error, "spout %s (task %d) snapshot failed: ", h->comp->id,
                   gust_context_task_id(&h->ctx));
    return FALSE;
  }
  uint64_t pair[2] = {checkpoint_id, h->out.epoch++};
  g_array_append_vals(h->epoch_of, pair, 1);
  h->asked_checkpoint = false;
  if (h->stopping && !h->final_checkpoint && in_flight(h) == 0) h->final_checkpoint = checkpoint_id;
  return TRUE;
}

/* Settles every message of the epochs up to `last` (acked or failed). */
static void settle_epochs(spout_host *h, uint64_t last, bool failed)
{
  settle_args a = {.h = h, .failed = failed, .now = fc_now_ns()};
  rt_ledger_settle_through(&h->out.ledger, last, settled_from_ledger, &a);
}

/* The epoch checkpoint_id closed, dropping it and older entries. -1: none. */
static int64_t take_epoch(spout_host *h, uint64_t checkpoint_id)
{
  int64_t last = -1;
  guint drop = 0;
  for (guint i = 0; i < h->epoch_of->len; i++) {
    uint64_t *pair = &g_array_index(h->epoch_of, uint64_t, 2 * i);
    if (pair[0] > checkpoint_id) break;
    if (pair[0] == checkpoint_id) last = (int64_t)pair[1];
    drop = i + 1;
  }
  g_array_remove_range(h->epoch_of, 0, drop);
  return last;
}

static void spout_checkpoint_complete(fc_task *task, void *state, uint64_t checkpoint_id)
{
  spout_host *h = state;
  int64_t last = take_epoch(h, checkpoint_id);
  if (last >= 0) settle_epochs(h, (uint64_t)last, false);
  if (h->final_checkpoint && checkpoint_id >= h->final_checkpoint) h->final_done = true;
  if (h->comp->def->checkpoint_complete)
    h->comp->def->checkpoint_complete(h->instance, &h->out, checkpoint_id);
}

static void spout_checkpoint_aborted(fc_task *task, void *state, uint64_t checkpoint_id)
{
  spout_host *h = state;
  int64_t last = take_epoch(h, checkpoint_id);
  if (last >= 0) {
    g_warning("spout %s (task %d): checkpoint %" G_GUINT64_FORMAT
              " was aborted; failing the messages it covered",
              h->comp->id, gust_context_task_id(&h->ctx), checkpoint_id);
    settle_epochs(h, (uint64_t)last, true);
  }
  if (h->final_checkpoint ==
      checkpoint_id) { /* try again for a final one, a bounded number of times */
    h->final_checkpoint = 0;
    h->final_asked = ++h->final_attempts < h->comp->rt->final_checkpoint_attempts;
    if (h->final_asked) fc_job_trigger_checkpoint(fc_task_job(task));
  }
}

/* A message of an instance that died: counted as failed, told to nobody. */
static void count_dropped(gust_collector *out, uint32_t stream)
{
  rt_stream_add(out->comp, out->stats, stream, RT_STAT_FAILED, 1);
}

static void drop_pending(gpointer key, gpointer value, gpointer data)
{
  count_dropped(data, ((const pending_msg *)value)->stream);
}

static void drop_from_ledger(const rt_ledger_msg *m, void *data)
{
  count_dropped(data, m->stream);
}

uint64_t rt_spout_drop_in_flight(gust_collector *out)
{
  uint64_t n = g_hash_table_size(out->pending) + out->ledger.n_open;
  g_hash_table_foreach(out->pending, drop_pending, out);
  g_hash_table_remove_all(out->pending);
  rt_ledger_settle_all(&out->ledger, drop_from_ledger, out);
  return n;
}

/* A message still in flight when the job is torn down: it fails. */
static void fail_at_close(gpointer key, gpointer value, gpointer data)
{
  const pending_msg *m = value;
  report(data, &m->msg_id, m->emitted_ns, m->stream, true, 0);
}

/* Fails to the spout everything it still has in flight (see the top). */
static void fail_in_flight(spout_host *h)
{
  if (!h->instance || in_flight(h) == 0) return;
  g_message("spout %s (task %d): failing %" G_GUINT64_FORMAT
            " message(s) still in flight as the topology goes down",
            h->comp->id, gust_context_task_id(&h->ctx), in_flight(h));
  h->out.closed = true;
  g_hash_table_foreach(h->out.pending, fail_at_close, h);
  g_hash_table_remove_all(h->out.pending);
  settle_args a = {.h = h, .failed = true};
  rt_ledger_settle_all(&h->out.ledger, settled_from_ledger, &a);
}

static void spout_close(fc_task *task, void *state)
{
  spout_host *h = state;
  if (!h) return;
  fail_in_flight(h);
  if (h->comp->def->close && h->instance) h->comp->def->close(h->instance);
  rt_context_clear(&h->ctx);
  rt_collector_clear(&h->out);
  g_array_free(h->epoch_of, TRUE);
  g_free(h);
}

const fc_operator rt_spout_operator = {
    .open = spout_open,
    .produce = spout_produce,
    .message = spout_message,
    .timer = spout_timer,
    .close = spout_close,
    .snapshot = spout_snapshot,
    .checkpoint_complete = spout_checkpoint_complete,
    .checkpoint_aborted = spout_checkpoint_aborted,
};
