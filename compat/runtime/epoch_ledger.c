/* epoch_ledger.c — what a spout task emitted reliably in checkpoint mode,
 * and has not had acked or failed yet.
 *
 * Messages are appended to the array of the epoch they belong to (the
 * emits between two snapshots of the task).  A completed checkpoint
 * settles whole epochs, oldest first: a walk over arrays, no hashing and
 * no allocation per message beyond the array's growth.  An explicit fail
 * finds its message by root: roots grow with every emit of a task, so the
 * epoch is found by its root range and the message by binary search.  A
 * message whose tuples were still inside a loop of the topology when its
 * checkpoint was taken is moved to the open epoch (rt_ledger_defer),
 * inserted in root order; the copy it leaves is marked settled.  A
 * message deferred again at every checkpoint (its tree circulates in a
 * loop forever) fails once it has waited past the message timeout, like a
 * held one (rt_ledger_expire); n_deferred lets the sweep skip the epochs
 * when no message is deferred.
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
  l->n_deferred = 0;
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
  l->n_deferred = 0;
}

/* m, unsettled in an epoch, is settled or moved out of the epochs. */
static void leave_epoch(rt_epoch_ledger *l, rt_ledger_msg *m)
{
  m->settled = true;
  if (m->deferred) l->n_deferred--;
}

/* Settles m, unsettled in an epoch still queued: fn hears of it.  fn (the
 * spout's ack or fail) may emit, growing the open epoch's array, so it is
 * handed a copy. */
static void settle_in_epoch(rt_epoch_ledger *l, rt_ledger_msg *m, rt_ledger_fn fn, void *data)
{
  rt_ledger_msg gone = *m;
  leave_epoch(l, m);
  m->msg_id = fc_null(); /* moved */
  l->n_open--;
  fn(&gone, data);
  rt_value_free_heap(&gone.msg_id);
}

void rt_ledger_add(rt_epoch_ledger *l, uint64_t epoch, uint64_t root, const fc_value *msg_id,
                   int64_t emitted_ns, uint32_t stream)
{
  rt_ledger_epoch *e = g_queue_peek_tail(&l->epochs);
  if (!e || e->epoch != epoch) {
    e = g_new0(rt_ledger_epoch, 1);
    e->epoch = epoch;
    e->msgs = g_array_sized_new(FALSE, FALSE, sizeof(rt_ledger_msg), 1024);
    g_queue_push_tail(&l->epochs, e);
  }
  rt_ledger_msg m = {.root = root,
                     .msg_id = rt_value_dup_heap(msg_id),
                     .emitted_ns = emitted_ns,
                     .stream = stream};
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
        leave_epoch(l, m);
        m->msg_id = fc_null(); /* moved */
        g_hash_table_insert(l->covered, &kept->root, kept);
        continue;
      }
      leave_epoch(l, m);
      l->n_open--;
      fn(m, data);
    }
    epoch_free(e);
  }
}

/* The unsettled message with this root, or NULL; *in: its epoch. */
static rt_ledger_msg *find_open(rt_epoch_ledger *l, uint64_t root, rt_ledger_epoch **in)
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
    if (m && m->root == root && !m->settled) {
      *in = e;
      return m;
    }
    /* settled here, or moved to a later epoch (rt_ledger_defer): look on */
  }
  return NULL;
}

bool rt_ledger_settle_one(rt_epoch_ledger *l, uint64_t root, rt_ledger_fn fn, void *data)
{
  rt_ledger_epoch *e;
  rt_ledger_msg *m = find_open(l, root, &e);
  if (m) {
    settle_in_epoch(l, m, fn, data);
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
  rt_ledger_epoch *e;
  rt_ledger_msg *m = find_open(l, root, &e);
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

/* Fails the deferred messages emitted before `before`, in emit order. */
static void expire_deferred(rt_epoch_ledger *l, int64_t before, rt_ledger_fn fn, void *data)
{
  for (GList *it = l->epochs.head; it && l->n_deferred; it = it->next) {
    rt_ledger_epoch *e = it->data;
    for (guint i = 0; i < e->msgs->len; i++) {
      rt_ledger_msg *m = &g_array_index(e->msgs, rt_ledger_msg, i);
      if (!m->settled && m->deferred && m->emitted_ns < before) settle_in_epoch(l, m, fn, data);
    }
  }
}

void rt_ledger_expire(rt_epoch_ledger *l, int64_t before, rt_ledger_fn fn, void *data)
{
  if (l->n_deferred) expire_deferred(l, before, fn, data);
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

bool rt_ledger_defer(rt_epoch_ledger *l, uint64_t root, uint64_t epoch)
{
  rt_ledger_epoch *from;
  rt_ledger_msg *m = find_open(l, root, &from);
  if (!m || from->epoch >= epoch) return false;
  rt_ledger_msg moved = *m;
  leave_epoch(l, m);
  m->msg_id = fc_null(); /* moved */
  moved.deferred = true;
  l->n_deferred++;
  rt_ledger_epoch *to = g_queue_peek_tail(&l->epochs);
  if (to->epoch != epoch) {
    to = g_new0(rt_ledger_epoch, 1);
    to->epoch = epoch;
    to->msgs = g_array_new(FALSE, FALSE, sizeof(rt_ledger_msg));
    g_queue_push_tail(&l->epochs, to);
  }
  guint at = to->msgs->len; /* roots stay ascending */
  while (at > 0 && g_array_index(to->msgs, rt_ledger_msg, at - 1).root > root)
    at--;
  g_array_insert_val(to->msgs, at, moved);
  return true;
}

static gint by_root(gconstpointer a, gconstpointer b)
{
  uint64_t x = (*(rt_ledger_msg *const *)a)->root, y = (*(rt_ledger_msg *const *)b)->root;
  return x < y ? -1 : x > y;
}

void rt_ledger_settle_all(rt_epoch_ledger *l, rt_ledger_fn fn, void *data)
{
  GPtrArray *held = g_ptr_array_new();
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, l->covered);
  while (g_hash_table_iter_next(&it, NULL, &value))
    g_ptr_array_add(held, value);
  g_ptr_array_sort(held, by_root);
  for (guint i = 0; i < held->len; i++)
    fn(held->pdata[i], data);
  g_ptr_array_free(held, TRUE);
  g_hash_table_remove_all(l->covered);
  rt_ledger_epoch *e;
  while ((e = g_queue_pop_head(&l->epochs))) {
    for (guint i = 0; i < e->msgs->len; i++) {
      rt_ledger_msg *m = &g_array_index(e->msgs, rt_ledger_msg, i);
      if (!m->settled) fn(m, data);
    }
    epoch_free(e);
  }
  l->n_open = 0;
  l->n_deferred = 0;
}
