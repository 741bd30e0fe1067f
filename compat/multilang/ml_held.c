/* ml_held.c — the tuples a multilang bolt has sent to its child and not yet
 * seen acked or failed, by id.
 *
 * Ids are handed out in increasing order and children settle tuples
 * mostly in the order they got them, so the table is a ring indexed by
 * id: slot id & mask holds the tuple with that id while base <= id <
 * base + capacity.  Adding, finding and removing are an index and a
 * compare, no hashing; base moves past settled slots at the head.  A
 * tuple the child keeps while many later ones pass (a join, a window)
 * would stretch the ring without bound, so when an add finds no room and
 * the ring is at its largest, the oldest held tuples move to a hash table
 * (`parked`), where lookups of ids below base go.  Entries come from a
 * free list (the common ones have at most SMALL_TAGS tracking tags), so a
 * steady stream allocates nothing.
 *
 * Belongs to one bolt task; used on its turn only.
 */
#include "ml_private.h"

enum {
  FIRST_CAPACITY = 1024,
  MAX_CAPACITY = 1 << 16, /* slots: past this, the oldest are parked */
  SMALL_TAGS = 4,
  MAX_FREE = 4096, /* spare small entries kept */
};

static ml_held_tuple *entry_new(ml_held *t, uint32_t n_tags)
{
  ml_held_tuple *e;
  if (n_tags <= SMALL_TAGS && t->free) {
    e = t->free;
    t->free = *(ml_held_tuple **)e; /* the link lives where the tuple was */
    t->n_free--;
  } else {
    e = g_malloc(sizeof *e + MAX(n_tags, SMALL_TAGS) * sizeof(uint64_t));
  }
  return e;
}

static void entry_free(ml_held *t, ml_held_tuple *e)
{
  if (e->tuple.n_tags <= SMALL_TAGS && t->n_free < MAX_FREE) {
    *(ml_held_tuple **)e = t->free;
    t->free = e;
    t->n_free++;
  } else {
    g_free(e);
  }
}

void ml_held_init(ml_held *t)
{
  memset(t, 0, sizeof *t);
  t->capacity = FIRST_CAPACITY;
  t->slots = g_new0(ml_held_tuple *, t->capacity);
  t->base = t->next = 1; /* ids start at 1 */
}

void ml_held_clear(ml_held *t)
{
  ml_held_remove_all(t);
  while (t->free) {
    ml_held_tuple *e;
    e = t->free;
    t->free = *(ml_held_tuple **)e;
    g_free(e);
  }
  g_free(t->slots);
  if (t->parked) g_hash_table_destroy(t->parked);
  memset(t, 0, sizeof *t);
}

static inline ml_held_tuple **slot(const ml_held *t, uint64_t id)
{
  return &t->slots[id & (t->capacity - 1)];
}

/* Moves base past the settled slots at the head (up to end). */
static void advance(ml_held *t, uint64_t end)
{
  while (t->base < end && !*slot(t, t->base))
    t->base++;
}

static void grow(ml_held *t)
{
  size_t capacity = t->capacity * 2;
  ml_held_tuple **slots = g_new0(ml_held_tuple *, capacity);
  for (uint64_t id = t->base; id < t->base + t->capacity; id++) {
    ml_held_tuple *e = *slot(t, id);
    if (e) slots[id & (capacity - 1)] = e;
  }
  g_free(t->slots);
  t->slots = slots;
  t->capacity = capacity;
}

/* The head slot's tuple moves to the parked table. */
static void park_head(ml_held *t)
{
  ml_held_tuple **s = slot(t, t->base);
  if (*s) {
    if (!t->parked) t->parked = g_hash_table_new(g_int64_hash, g_int64_equal);
    g_hash_table_insert(t->parked, &(*s)->id, *s);
    *s = NULL;
  }
  t->base++;
}

ml_held_tuple *ml_held_add(ml_held *t, uint64_t id, const gust_tuple *view)
{
  g_assert(id >= t->next);
  /* base is at the oldest tuple in the ring, or at next if it holds none */
  if (t->base == t->next) t->base = id;
  while (id - t->base >= t->capacity) {
    if (t->capacity < MAX_CAPACITY) {
      grow(t);
    } else {
      park_head(t);
      advance(t, t->next);
      if (t->base == t->next) t->base = id;
    }
  }
  ml_held_tuple *e = entry_new(t, view->n_tags);
  e->id = id;
  e->tuple = *view;
  e->tuple.values = NULL;
  e->tuple.n_values = 0;
  e->tuple.tags = e->tags;
  e->tuple.ack_val = 0;
  if (view->n_tags) memcpy(e->tags, view->tags, view->n_tags * sizeof(uint64_t));
  e->started_ns = 0;
  e->reported = false;
  *slot(t, id) = e;
  t->next = id + 1;
  t->count++;
  return e;
}

ml_held_tuple *ml_held_find(const ml_held *t, uint64_t id)
{
  if (id >= t->base) {
    if (id >= t->next) return NULL;
    ml_held_tuple *e = *slot(t, id);
    return e && e->id == id ? e : NULL;
  }
  return t->parked ? g_hash_table_lookup(t->parked, &id) : NULL;
}

void ml_held_remove(ml_held *t, ml_held_tuple *e)
{
  if (e->id >= t->base) {
    *slot(t, e->id) = NULL;
    if (e->id == t->base) advance(t, t->next);
  } else {
    g_hash_table_remove(t->parked, &e->id);
  }
  t->count--;
  entry_free(t, e);
}

guint ml_held_count(const ml_held *t)
{
  return t->count;
}

gboolean ml_held_foreach(ml_held *t, gboolean (*fn)(ml_held_tuple *e, void *data), void *data)
{
  if (t->parked) {
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, t->parked);
    while (g_hash_table_iter_next(&it, NULL, &value))
      if (!fn(value, data)) return FALSE;
  }
  for (uint64_t id = t->base; id < t->next; id++) {
    ml_held_tuple *e = *slot(t, id);
    if (e && !fn(e, data)) return FALSE;
  }
  return TRUE;
}

static gboolean report_held(ml_held_tuple *e, void *data)
{
  if (e->tuple.n_tags && !e->reported) {
    rt_collector_hold(data, &e->tuple, +1);
    e->reported = true;
  }
  return TRUE;
}

void ml_held_report_at_barrier(ml_held *t, gust_collector *out)
{
  ml_held_foreach(t, report_held, out);
  rt_collector_post_holds(out);
}

void ml_held_remove_all(ml_held *t)
{
  if (t->parked) {
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, t->parked);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
      g_hash_table_iter_remove(&it);
      entry_free(t, value);
    }
  }
  for (uint64_t id = t->base; id < t->next; id++) {
    ml_held_tuple **s = slot(t, id);
    if (*s) entry_free(t, *s);
    *s = NULL;
  }
  t->base = t->next;
  t->count = 0;
}
