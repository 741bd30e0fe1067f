/* channel.c — set-up of a channel's pool and the producer's send step
 * (see channel.h for the invariants). */
#include "channel.h"

fc_channel *fc_channel_new(uint32_t capacity, uint32_t batch_records)
{
  fc_channel *ch = g_new0(fc_channel, 1);
  fc_ring_init(&ch->full, capacity);
  uint32_t cap = (uint32_t)fc_ring_capacity(&ch->full);
  ch->n_pool = cap + 2;
  fc_ring_init(&ch->empty, ch->n_pool);
  ch->batch_records = batch_records;
  ch->pool = g_new(fc_batch *, ch->n_pool);
  for (uint32_t i = 0; i < ch->n_pool; i++)
    ch->pool[i] = fc_batch_new(batch_records);
  ch->filling = ch->pool[0];
  for (uint32_t i = 1; i < ch->n_pool; i++)
    fc_ring_push(&ch->empty, ch->pool[i]);
  atomic_init(&ch->producer_waiting, 0);
  return ch;
}

static void free_if_spare(fc_batch *b)
{
  if (b && b->spare) fc_batch_free(b);
}

void fc_channel_free(fc_channel *ch)
{
  if (!ch) return;
  g_queue_clear_full(&ch->overflow, (GDestroyNotify)free_if_spare);
  free_if_spare(ch->filling);
  fc_batch *b;
  while ((b = fc_ring_pop(&ch->full)))
    free_if_spare(b);
  for (uint32_t i = 0; i < ch->n_pool; i++)
    fc_batch_free(ch->pool[i]);
  g_free(ch->pool);
  fc_ring_clear(&ch->full);
  fc_ring_clear(&ch->empty);
  g_free(ch);
}

bool fc_channel_send(fc_channel *ch)
{
  fc_batch *b = ch->filling;
  if (b->n == 0 && !b->end && !b->barrier) return true;
  if (!fc_ring_push(&ch->full, b)) return false;
  ch->filling = fc_ring_pop(&ch->empty);
  g_assert(ch->filling != NULL); /* by the counting argument in channel.h */
  return true;
}

bool fc_channel_send_unbounded(fc_channel *ch)
{
  fc_batch *b;
  while ((b = g_queue_peek_head(&ch->overflow)) && fc_ring_push(&ch->full, b))
    g_queue_pop_head(&ch->overflow);
  b = ch->filling;
  if (b->n || b->end || b->barrier) {
    if (ch->overflow.length || !fc_ring_push(&ch->full, b)) g_queue_push_tail(&ch->overflow, b);
    ch->filling = fc_ring_pop(&ch->empty);
    if (!ch->filling) {
      ch->filling = fc_batch_new(ch->batch_records);
      ch->filling->spare = true;
    }
  }
  return ch->overflow.length == 0;
}
