/* channel.h — the bounded link between one producer subtask and one
 * consumer subtask.
 *
 * A channel owns a fixed pool of capacity + 2 batches and two SPSC rings:
 * `full` carries filled batches to the consumer, `empty` carries reset
 * batches back.  At any time a batch is in exactly one place: the
 * producer's `filling` slot, the full ring (at most capacity), the
 * consumer's hand (at most one), or the empty ring.  Counting places shows
 * the producer always finds an empty batch after a successful push, so
 * nothing is ever allocated after set-up.
 *
 * When the full ring is full the producer cannot push: it keeps appending
 * to its filling batch for the rest of the current callback (the batch
 * grows), then parks.  That is back-pressure: a channel holds at most
 * (capacity + 2) batches plus what one callback emits.
 *
 * Threads: `filling`, `end_sent` and pushes to `full` belong to the
 * producer's turn; pops from `full` and pushes to `empty` to the
 * consumer's.  `producer_waiting` is the hand-shake for waking a parked
 * producer (see task.c).
 */
#ifndef GUST_FC_CHANNEL_H
#define GUST_FC_CHANNEL_H

#include "batch.h"
#include "ring.h"

struct fc_task;

typedef struct {
  fc_ring full;
  fc_ring empty;
  struct fc_task *producer;
  struct fc_task *consumer;
  int edge;                     /* graph edge id */
  int consumer_input;           /* index in the consumer's input array */
  uint32_t batch_records;       /* a filling batch this full is sent */
  fc_batch *filling;            /* producer side */
  bool end_sent;                /* producer side */
  _Atomic int producer_waiting; /* producer parked on this channel */
  fc_batch **pool;
  uint32_t n_pool;
  /* Cycles (see loops.c).  feedback: the producer never parks on this
   * channel; batches the ring cannot take wait in `overflow` (producer
   * side, oldest first), fresh ones are allocated as spares (the consumer
   * frees a spare instead of giving it back). */
  bool feedback;
  struct fc_loop *loop; /* both ends on this loop: records are counted, no end mark */
  GQueue overflow;
} fc_channel;

fc_channel *fc_channel_new(uint32_t capacity, uint32_t batch_records);
void fc_channel_free(fc_channel *ch);

/* Producer: sends the filling batch (if it holds records, or `end` or a
 * barrier is set) and takes a fresh one.  FALSE if the full ring has no
 * room. */
bool fc_channel_send(fc_channel *ch);
/* Producer, feedback channel: sends what waits in the overflow queue, then
 * the filling batch, queueing what the ring cannot take.  Never fails;
 * TRUE if nothing is left waiting. */
bool fc_channel_send_unbounded(fc_channel *ch);
static inline bool fc_channel_filling_is_full(const fc_channel *ch)
{
  return ch->filling->n >= ch->batch_records;
}

#endif
