/* acker.c — Storm's acker, as an engine operator (one per acker task).
 *
 * Per root id it keeps the XOR of the edge ids still in flight, the spout
 * task that owns the root (known from ACK_INIT) and whether any bolt
 * failed the tree.  The tree is complete when the XOR returns to zero
 * after the init arrived; it failed when a fail arrived.  Either way the
 * owning spout task is told: results are gathered during the turn and
 * posted once per spout task at the turn's end (one mailbox message per
 * batch, not per tuple).  Entries older than twice the message timeout are
 * forgotten (their spouts failed them by timeout already); a bolt's
 * resetTimeout (ACK_RESET_TIMEOUT) makes the entry young again and is
 * passed on to the owning spout task, whose timeout restarts.  Runs on the
 * acker task's own turn.
 */
#include "runtime_private.h"

typedef struct {
  uint64_t root;
  uint64_t xor_value;
  int32_t spout_task; /* engine task id; -1 until ACK_INIT */
  bool failed;
  int64_t born_ns;
} acker_entry;

typedef struct {
  gust_runtime *rt;
  GHashTable *entries;  /* &root -> acker_entry* */
  GHashTable *outgoing; /* spout task -> GArray of spout_ack */
} acker_state;

static gboolean acker_open(fc_task *task, void *data, void **state, GError **error)
{
  acker_state *s = g_new0(acker_state, 1);
  s->rt = data;
  s->entries = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
  s->outgoing = g_hash_table_new(g_direct_hash, g_direct_equal);
  *state = s;
  int64_t sweep_ms = s->rt->timeout_ns / 1000000;
  fc_task_timer_add(task, (uint32_t)CLAMP(sweep_ms, 100, 60000), TRUE);
  return TRUE;
}

static void tell_spout(acker_state *s, const acker_entry *e, bool reset)
{
  GArray *out = g_hash_table_lookup(s->outgoing, GINT_TO_POINTER(e->spout_task + 1));
  if (!out) {
    out = g_array_new(FALSE, FALSE, sizeof(spout_ack));
    g_hash_table_insert(s->outgoing, GINT_TO_POINTER(e->spout_task + 1), out);
  }
  spout_ack a = {.root = e->root, .failed = e->failed, .reset = reset};
  g_array_append_val(out, a);
}

static void settle(acker_state *s, acker_entry *e)
{
  tell_spout(s, e, false);
  g_hash_table_remove(s->entries, &e->root);
}

static gboolean acker_process(fc_task *task, void *state, const fc_record *rec, GError **error)
{
  acker_state *s = state;
  if (rec->n_values < 4) return TRUE;
  int64_t kind = rec->values[0].u.i;
  uint64_t root = (uint64_t)rec->values[1].u.i;
  acker_entry *e = g_hash_table_lookup(s->entries, &root);
  if (!e) {
    e = g_new0(acker_entry, 1);
    e->root = root;
    e->spout_task = -1;
    e->born_ns = fc_now_ns();
    g_hash_table_insert(s->entries, &e->root, e);
  }
  switch (kind) {
  case ACK_INIT:
    e->xor_value ^= (uint64_t)rec->values[2].u.i;
    e->spout_task = (int32_t)rec->values[3].u.i;
    break;
  case ACK_ACK:
    e->xor_value ^= (uint64_t)rec->values[2].u.i;
    break;
  case ACK_FAIL:
    e->failed = true;
    break;
  case ACK_RESET_TIMEOUT: /* the entry lives on too; the spout restarts its timeout */
    e->born_ns = fc_now_ns();
    if (e->spout_task >= 0) tell_spout(s, e, true);
    break;
  }
  if (e->spout_task >= 0 && (e->failed || e->xor_value == 0)) settle(s, e);
  return TRUE;
}

static gboolean acker_turn_end(fc_task *task, void *state, GError **error)
{
  acker_state *s = state;
  if (!g_hash_table_size(s->outgoing)) return TRUE;
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, s->outgoing);
  while (g_hash_table_iter_next(&it, &key, &value)) {
    fc_message msg = {
        .kind = MSG_SPOUT_ACKS, .ptr = value, .free_ptr = (GDestroyNotify)g_array_unref};
    fc_task_post(task, GPOINTER_TO_INT(key) - 1, &msg);
  }
  g_hash_table_remove_all(s->outgoing);
  return TRUE;
}

static gboolean acker_timer(fc_task *task, void *state, uint32_t timer_id, GError **error)
{
  acker_state *s = state;
  int64_t limit = fc_now_ns() - 2 * s->rt->timeout_ns;
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, s->entries);
  while (g_hash_table_iter_next(&it, &key, &value))
    if (((acker_entry *)value)->born_ns < limit) g_hash_table_iter_remove(&it);
  return TRUE;
}

static void acker_close(fc_task *task, void *state)
{
  acker_state *s = state;
  g_hash_table_destroy(s->entries);
  g_hash_table_destroy(s->outgoing);
  g_free(s);
}

const fc_operator rt_acker_operator = {
    .open = acker_open,
    .process = acker_process,
    .turn_end = acker_turn_end,
    .timer = acker_timer,
    .close = acker_close,
};
