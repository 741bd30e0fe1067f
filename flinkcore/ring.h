/* ring.h — a bounded single-producer/single-consumer ring of pointers.
 *
 * One thread pushes, one thread pops; no locks.  head and tail grow
 * forever and are masked on use; each side caches the other's index so
 * that the shared cache lines are read only when the cached view says the
 * ring looks full (producer) or empty (consumer).  Capacity is a power of 2.
 *
 * Invariant: 0 <= tail - head <= capacity.
 */
#ifndef GUST_FC_RING_H
#define GUST_FC_RING_H

#include <glib.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
  _Alignas(64) _Atomic size_t head; /* next slot to pop; written by the consumer */
  size_t tail_cache;                /* consumer's last view of tail */
  _Alignas(64) _Atomic size_t tail; /* next slot to push; written by the producer */
  size_t head_cache;                /* producer's last view of head */
  _Alignas(64) size_t mask;
  void **slots;
} fc_ring;

void fc_ring_init(fc_ring *r, size_t min_capacity); /* rounds up to a power of 2 */
void fc_ring_clear(fc_ring *r);

/* Producer only. FALSE if full. */
static inline bool fc_ring_push(fc_ring *r, void *item)
{
  size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
  if (tail - r->head_cache > r->mask) {
    r->head_cache = atomic_load_explicit(&r->head, memory_order_acquire);
    if (tail - r->head_cache > r->mask) return false;
  }
  r->slots[tail & r->mask] = item;
  atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
  return true;
}

/* Consumer only. NULL if empty. */
static inline void *fc_ring_pop(fc_ring *r)
{
  size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
  if (head == r->tail_cache) {
    r->tail_cache = atomic_load_explicit(&r->tail, memory_order_acquire);
    if (head == r->tail_cache) return NULL;
  }
  void *item = r->slots[head & r->mask];
  atomic_store_explicit(&r->head, head + 1, memory_order_release);
  return item;
}

/* Any thread: a snapshot of the fill level. */
static inline size_t fc_ring_size(fc_ring *r)
{
  size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
  size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
  return tail - head;
}

static inline size_t fc_ring_capacity(const fc_ring *r)
{
  return r->mask + 1;
}

#endif
