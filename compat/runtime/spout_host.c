/* spout_host.c — the engine operator that hosts one spout task.
 *
 * produce() calls next_tuple() unless the spout is deactivated or has
 * topology.max.spout.pending reliable emits in flight; a call that emits
 * nothing makes the task idle for the engine's back-off (Storm's wait
 * strategy).  Acks and fails arrive in the mailbox from the acker tasks
 * (batched per acker turn); a periodic sweep fails reliable emits older
 * than topology.message.timeout.secs.  With no ackers a reliable emit is
 * acked right after the next_tuple() that made it.
 *
 * Stopping: MSG_SPOUT_DEACTIVATE calls deactivate(), stops next_tuple(),
 * and ends the task's input once nothing is pending (acked, failed or
 * timed out), so what was in flight is settled before close().
 * Everything here runs on the task's own turn.
 */
#include "context.h"

enum { SWEEP_MS = 200 };

typedef struct {
  rt_component *comp;
  gust_context ctx;
  gust_collector out;
  void *instance;
  bool active;
  bool stopping;
} spout_host;

static gboolean spout_open(fc_task *task, void *data, void **state, GError **error)
{
  rt_component *comp = data;
  spout_host *h = g_new0(spout_host, 1);
  h->comp = comp;
  rt_context_init(&h->ctx, comp->rt, comp, fc_task_subtask(task));
  rt_collector_init(&h->out, comp->rt, comp, task);
  if (comp->def->open && !comp->def->open(&h->ctx, &h->instance, error)) {
    g_prefix_error(error, "spout %s (task %d) failed to open: ", comp->id,
                   gust_context_task_id(&h->ctx));
    rt_collector_clear(&h->out);
    g_free(h);
    return FALSE;
  }
  *state = h;
  if (comp->def->activate)
    comp->def->activate(h->instance);
  h->active = true;
  if (comp->rt->reliability != RELIABILITY_NONE)
    fc_task_timer_add(task, SWEEP_MS, TRUE);
  return TRUE;
}

static void settle(spout_host *h, uint64_t root, bool failed)
{
  pending_msg *m = g_hash_table_lookup(h->out.pending, &root);
  if (!m)
    return; /* timed out already, or not ours */
  rt_component *comp = h->comp;
  if (failed) {
    atomic_fetch_add_explicit(&comp->failed, 1, memory_order_relaxed);
    if (comp->def->fail)
      comp->def->fail(h->instance, &h->out, &m->msg_id);
  } else {
    atomic_fetch_add_explicit(&comp->acked, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&comp->latency_ns, (uint64_t)(fc_now_ns() - m->emitted_ns),
                              memory_order_relaxed);
    atomic_fetch_add_explicit(&comp->latency_count, 1, memory_order_relaxed);
    if (comp->def->ack)
      comp->def->ack(h->instance, &h->out, &m->msg_id);
  }
  g_hash_table_remove(h->out.pending, &root);
}

static fc_produce_result spout_produce(fc_task *task, void *state, GError **error)
{
  spout_host *h = state;
  rt_component *comp = h->comp;
  if (h->stopping)
    return g_hash_table_size(h->out.pending) ? FC_PRODUCE_IDLE : FC_PRODUCE_END;
  if (!h->active)
    return FC_PRODUCE_IDLE;
  if (comp->max_pending > 0 && g_hash_table_size(h->out.pending) >= (guint)comp->max_pending)
    return FC_PRODUCE_IDLE; /* an ack or the timeout sweep wakes us */
  h->out.emitted_now = 0;
  if (!comp->def->next_tuple(h->instance, &h->out, error)) {
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
      settle(h, a->root, a->failed);
    }
  } else if (msg->kind == MSG_SPOUT_DEACTIVATE && !h->stopping) {
    h->stopping = true;
    if (h->active && h->comp->def->deactivate)
      h->comp->def->deactivate(h->instance);
    h->active = false;
  }
  return TRUE;
}

/* Fails what has waited longer than the message timeout. */
static gboolean spout_timer(fc_task *task, void *state, uint32_t timer_id, GError **error)
{
  spout_host *h = state;
  int64_t limit = fc_now_ns() - h->comp->rt->timeout_ns;
  GArray *expired = g_array_new(FALSE, FALSE, sizeof(uint64_t));
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, h->out.pending);
  while (g_hash_table_iter_next(&it, &key, &value)) {
    pending_msg *m = value;
    if (m->emitted_ns < limit)
      g_array_append_val(expired, m->root);
  }
  for (guint i = 0; i < expired->len; i++)
    settle(h, g_array_index(expired, uint64_t, i), true);
  g_array_free(expired, TRUE);
  return TRUE;
}

static void spout_close(fc_task *task, void *state)
{
  spout_host *h = state;
  if (!h)
    return;
  if (h->comp->def->close && h->instance)
    h->comp->def->close(h->instance);
  rt_collector_clear(&h->out);
  g_free(h);
}

const fc_operator rt_spout_operator = {
    .open = spout_open,
    .produce = spout_produce,
    .message = spout_message,
    .timer = spout_timer,
    .close = spout_close,
};
