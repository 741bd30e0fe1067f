/* ring.c — set-up and tear-down of fc_ring; the hot paths are inline in ring.h. */
#include "ring.h"

void fc_ring_init(fc_ring *r, size_t min_capacity)
{
  size_t cap = 1;
  while (cap < min_capacity)
    cap <<= 1;
  atomic_init(&r->head, 0);
  atomic_init(&r->tail, 0);
  r->head_cache = r->tail_cache = 0;
  r->mask = cap - 1;
  r->slots = g_new0(void *, cap);
}

void fc_ring_clear(fc_ring *r)
{
  g_free(r->slots);
  r->slots = NULL;
}
