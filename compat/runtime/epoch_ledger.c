/* epoch_ledger.c — what a spout task emitted reliably in checkpoint mode,
 * and has not had acked or failed yet.
 *
 * Messages are appended to the array of the epoch they belong to (the
 * emits between two snapshots of the task).  A completed checkpoint
 * settles whole epochs, oldest first: a walk over arrays, no hashing and
 * no allocation per message beyond the array's growth.  An explicit fail
 * finds its message by root: roots grow with every emit of a task, so the
 * epoch is found by its root range and the message by binary search.
 *
 * Holds.  A bolt that still holds a tuple when a checkpoint's barrier
 * reaches it reports the tuple's roots (hold +1) and, once it settles the
 * tuple, releases them (-1).  A completed checkpoint acks only the
 * messages without holds; the others move to `covered` (by root) and are
 * acked when their last hold is released, or failed when they have waited
 * past the message timeout.  Owned by the spout task's turn; no locking.
 */
#include "epoch_ledger.h"
#include "runtime_private.h"

typedef struct {
  uint64_t epoch;
  GArray *msgs; /* rt_ledger_msg, roots ascending */
} rt_ledger_epoch;

static void covered_free(gpointer p)
{
  rt_ledger_msg *m = p;
  rt_value_free_heap(&m->msg_id);
  g_free(m);
}

void rt_ledger_init(rt_epoch_ledger *l)
{
  g_queue_init(&l->epochs);
  l->covered = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, covered_free);
  l->n_open = 0;
}

static void epoch_free(rt_ledger_epoch *e)
{
  for (guint i = 0; i < e->msgs->len; i++) {
    rt_ledger_msg *m = &g_array_index(e->msgs, rt_ledger_msg, i);
    rt_value_free_heap(&m->msg_id);
  }
  g_array_free(e->msgs, TRUE);
  g_free(e);
}

void rt_ledger_clear(rt_epoch_ledger *l)
{
  g_queue_clear_full(&l->epochs, (GDestroyNotify)epoch_free);
  g_clear_pointer(&l->covered, g_hash_table_destroy);
  l->n_open = 0;
}

void rt_ledger_add(rt_epoch_ledger *l, uint64_t epoch, uint64_t root, const fc_value *msg_id,
                   int64_t emitted_ns)
{
  rt_ledger_epoch *e = g_queue_peek_tail(&l->epochs);
  if (!e || e->epoch != epoch) {
    e = g_new0(rt_ledger_epoch, 1);
    e->epoch = epoch;
    e->msgs = g_array_sized_new(FALSE, FALSE, sizeof(rt_ledger_msg), 1024);
    g_queue_push_tail(&l->epochs, e);
  }
  rt_ledger_msg m = {.root = root, .msg_id = rt_value_dup_heap(msg_id), .emitted_ns = emitted_ns};
  g_array_append_val(e->msgs, m);
  l->n_open++;
}

void rt_ledger_settle_through(rt_epoch_ledger *l, uint64_t last, rt_ledger_fn fn, void *data)
{
  rt_ledger_epoch *e;
  while ((e = g_queue_peek_head(&l->epochs)) && e->epoch <= last) {
    g_queue_pop_head(&l->epochs);
    for (guint i = 0; i < e->msgs->len; i++) {
      rt_ledger_msg *m = &g_array_index(e->msgs, rt_ledger_msg, i);
      if (m->settled) continue;
      if (m->holds) { /* a bolt still holds part of its tree: acked on release */
        rt_ledger_msg *kept = g_memdup2(m, sizeof *m);
        m->msg_id = fc_null(); /* moved */
        g_hash_table_insert(l->covered, &kept->root, kept);
        continue;
      }
      m->settled = true;
      l->n_open--;
      fn(m, data);
    }
    epoch_free(e);
  }
}

/* The unsettled message of root in the open epochs, or NULL. */
static rt_ledger_msg *find_open(rt_epoch_ledger *l, uint64_t root)
{
  for (GList *it = l->epochs.head; it; it = it->next) {
    rt_ledger_epoch *e = it->data;
    if (!e->msgs->len || root > g_array_index(e->msgs, rt_ledger_msg, e->msgs->len - 1).root)
      continue;
    guint lo = 0, hi = e->msgs->len;
    while (lo < hi) {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index(e->msgs, rt_ledger_msg, mid).root < root)
        lo = mid + 1;
      else
        hi = mid;
    }
    rt_ledger_msg *m = lo < e->msgs->len ? &g_array_index(e->msgs, rt_ledger_msg, lo) : NULL;
    return m && m->root == root && !m->settled ? m : NULL;
  }
  return NULL;
}

bool rt_ledger_settle_one(rt_epoch_ledger *l, uint64_t root, rt_ledger_fn fn, void *data)
{
  rt_ledger_msg *m = find_open(l, root);
  if (m) {
    m->settled = true;
    l->n_open--;
    fn(m, data);
    rt_value_free_heap(&m->msg_id);
    return true;
  }
  m = g_hash_table_lookup(l->covered, &root);
  if (!m) return false;
  l->n_open--;
  fn(m, data);
  g_hash_table_remove(l->covered, &root);
  return true;
}

bool rt_ledger_hold(rt_epoch_ledger *l, uint64_t root, int delta, rt_ledger_fn fn, void *data)
{
  rt_ledger_msg *m = find_open(l, root);
  bool covered = !m;
  if (covered) m = g_hash_table_lookup(l->covered, &root);
  if (!m || (delta < 0 && !m->holds)) return false;
  m->holds += delta;
  if (!covered || m->holds) return false;
  l->n_open--;
  fn(m, data);
  g_hash_table_remove(l->covered, &root);
  return true;
}

void rt_ledger_expire_covered(rt_epoch_ledger *l, int64_t before, rt_ledger_fn fn, void *data)
{
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, l->covered);
  while (g_hash_table_iter_next(&it, NULL, &value)) {
    rt_ledger_msg *m = value;
    if (m->emitted_ns >= before) continue;
    l->n_open--;
    fn(m, data);
    g_hash_table_iter_remove(&it);
  }
}
