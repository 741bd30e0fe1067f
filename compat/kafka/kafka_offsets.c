/* kafka_offsets.c — one partition's offset ledger (see kafka_offsets.h).
 *
 * Three sets, all above `committed`:
 *   pending  emitted and neither acked nor given up: in flight, or failed
 *            and waiting for a retry (those also have a retry entry with
 *            `scheduled` set);
 *   acked    acked, not yet committed;
 *   retries  offset -> {fails, next retry time, scheduled}; an entry
 *            outlives a re-emit so that the fail count keeps growing.
 * Invariants: pending and acked are disjoint; every scheduled retry entry
 * is pending; nothing below `committed` is kept once committed() ran.
 * Offsets are keys of GTrees (sorted) stored in the pointer itself.
 * Owned by one spout task: no locks.
 */
#include "kafka_offsets.h"

G_STATIC_ASSERT(sizeof(gpointer) >= sizeof(int64_t));

#define KEY(offset) ((gpointer)(intptr_t)(offset))
#define OFFSET(key) ((int64_t)(intptr_t)(key))

typedef struct {
  int64_t fails;
  int64_t next_us;
  gboolean scheduled;
} retry_entry;

struct gust_kafka_offsets {
  int64_t committed;
  GTree *pending;
  GTree *acked;
  GHashTable *retries; /* KEY(offset) -> retry_entry* */
};

static gint compare_offsets(gconstpointer a, gconstpointer b, gpointer unused)
{
  int64_t x = OFFSET(a), y = OFFSET(b);
  return x < y ? -1 : x > y;
}

gust_kafka_offsets *gust_kafka_offsets_new(int64_t committed)
{
  gust_kafka_offsets *o = g_new0(gust_kafka_offsets, 1);
  o->committed = committed;
  o->pending = g_tree_new_full(compare_offsets, NULL, NULL, NULL);
  o->acked = g_tree_new_full(compare_offsets, NULL, NULL, NULL);
  o->retries = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
  return o;
}

void gust_kafka_offsets_free(gust_kafka_offsets *o)
{
  if (!o) return;
  g_tree_destroy(o->pending);
  g_tree_destroy(o->acked);
  g_hash_table_destroy(o->retries);
  g_free(o);
}

static gboolean contains(GTree *tree, int64_t offset)
{
  return g_tree_lookup_extended(tree, KEY(offset), NULL, NULL);
}

gboolean gust_kafka_offsets_should_emit(const gust_kafka_offsets *o, int64_t offset, int64_t now_us)
{
  if ((o->committed >= 0 && offset < o->committed) || contains(o->acked, offset)) return FALSE;
  const retry_entry *r = g_hash_table_lookup(o->retries, KEY(offset));
  if (r && r->scheduled) return now_us >= r->next_us;
  return !contains(o->pending, offset);
}

void gust_kafka_offsets_emitted(gust_kafka_offsets *o, int64_t offset)
{
  if (o->committed < 0) o->committed = offset;
  g_tree_insert(o->pending, KEY(offset), NULL);
  retry_entry *r = g_hash_table_lookup(o->retries, KEY(offset));
  if (r) r->scheduled = FALSE;
}

void gust_kafka_offsets_acked(gust_kafka_offsets *o, int64_t offset)
{
  g_tree_remove(o->pending, KEY(offset));
  g_hash_table_remove(o->retries, KEY(offset));
  if (offset >= o->committed) g_tree_insert(o->acked, KEY(offset), NULL);
}

static int64_t retry_delay_us(int64_t fails, const gust_kafka_retry_policy *policy)
{
  if (fails <= 1) return MIN(policy->initial_delay_us, policy->max_delay_us);
  if (fails - 1 >= 40 || policy->delay_period_us > (G_MAXINT64 >> (fails - 1)))
    return policy->max_delay_us;
  return MIN(policy->delay_period_us << (fails - 1), policy->max_delay_us);
}

gboolean gust_kafka_offsets_failed(gust_kafka_offsets *o, int64_t offset, int64_t now_us,
                                   const gust_kafka_retry_policy *policy)
{
  if (!contains(o->pending, offset)) return TRUE;
  retry_entry *r = g_hash_table_lookup(o->retries, KEY(offset));
  if (r && r->scheduled) return TRUE; /* already waiting */
  if (!r) {
    r = g_new0(retry_entry, 1);
    g_hash_table_insert(o->retries, KEY(offset), r);
  }
  r->fails++;
  if (r->fails > policy->max_retries) {
    gust_kafka_offsets_acked(o, offset);
    return FALSE;
  }
  r->next_us = now_us + retry_delay_us(r->fails, policy);
  r->scheduled = TRUE;
  return TRUE;
}

static int64_t lowest_scheduled(const gust_kafka_offsets *o, gboolean due_only, int64_t now_us)
{
  int64_t lowest = -1;
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, o->retries);
  while (g_hash_table_iter_next(&it, &key, &value)) {
    const retry_entry *r = value;
    if (!r->scheduled || (due_only && r->next_us > now_us)) continue;
    if (lowest < 0 || OFFSET(key) < lowest) lowest = OFFSET(key);
  }
  return lowest;
}

int64_t gust_kafka_offsets_ready_retry(const gust_kafka_offsets *o, int64_t now_us)
{
  return lowest_scheduled(o, TRUE, now_us);
}

int64_t gust_kafka_offsets_lowest_retry(const gust_kafka_offsets *o)
{
  return lowest_scheduled(o, FALSE, 0);
}

int64_t gust_kafka_offsets_lowest_pending(const gust_kafka_offsets *o)
{
  GTreeNode *first = g_tree_node_first(o->pending);
  return first ? OFFSET(g_tree_node_key(first)) : -1;
}

typedef struct {
  const gust_kafka_offsets *o;
  int64_t next;
} commit_walk;

/* Whether some offset in [from, to) is pending. */
static gboolean pending_between(const gust_kafka_offsets *o, int64_t from, int64_t to)
{
  GTreeNode *node = g_tree_lower_bound(o->pending, KEY(from));
  return node && OFFSET(g_tree_node_key(node)) < to;
}

static gboolean walk_acked(gpointer key, gpointer value, gpointer data)
{
  commit_walk *walk = data;
  int64_t offset = OFFSET(key);
  if (offset < walk->next) return FALSE;
  if (offset > walk->next && pending_between(walk->o, walk->next, offset))
    return TRUE;           /* an emitted offset below is not acked yet: stop */
  walk->next = offset + 1; /* contiguous, or a gap never emitted (compaction) */
  return FALSE;
}

int64_t gust_kafka_offsets_next_commit(const gust_kafka_offsets *o)
{
  if (o->committed < 0) return -1;
  commit_walk walk = {o, o->committed};
  g_tree_foreach(o->acked, walk_acked, &walk);
  return walk.next > o->committed ? walk.next : -1;
}

typedef struct {
  int64_t limit;
  GArray *below; /* keys */
} below_walk;

static gboolean collect_below(gpointer key, gpointer value, gpointer data)
{
  below_walk *walk = data;
  if (OFFSET(key) >= walk->limit) return TRUE;
  g_array_append_val(walk->below, key);
  return FALSE;
}

static void remove_below(GTree *tree, GHashTable *retries, int64_t limit)
{
  below_walk walk = {limit, g_array_new(FALSE, FALSE, sizeof(gpointer))};
  g_tree_foreach(tree, collect_below, &walk);
  for (guint i = 0; i < walk.below->len; i++) {
    g_tree_remove(tree, g_array_index(walk.below, gpointer, i));
    if (retries) g_hash_table_remove(retries, g_array_index(walk.below, gpointer, i));
  }
  g_array_free(walk.below, TRUE);
}

void gust_kafka_offsets_committed(gust_kafka_offsets *o, int64_t next)
{
  if (next <= o->committed) return;
  o->committed = next;
  remove_below(o->acked, NULL, next);
  remove_below(o->pending, o->retries, next);
}

int64_t gust_kafka_offsets_committed_offset(const gust_kafka_offsets *o)
{
  return o->committed;
}

guint gust_kafka_offsets_uncommitted(const gust_kafka_offsets *o)
{
  return (guint)(g_tree_nnodes(o->pending) + g_tree_nnodes(o->acked));
}

guint gust_kafka_offsets_pending(const gust_kafka_offsets *o)
{
  return (guint)g_tree_nnodes(o->pending);
}
