/* batch.h — a batch of records and the arena that owns their bytes.
 *
 * Batches, not records, cross threads.  A batch belongs to exactly one side
 * of a channel at a time: the producer fills it, the ring carries it, the
 * consumer reads it, resets it and hands it back.  Appending copies the
 * record (values and tags) into the batch's arena; the records array grows
 * only when a batch is overrun (see channel.h), and keeps its size after.
 *
 * Two in-band marks travel with a batch and take effect after its records:
 * `barrier` (checkpoint barrier n; 0 = none) and `end` (the channel's last
 * batch).  The producer sets a mark on its filling batch and sends the
 * batch at once; it appends nothing to a batch after marking it (task.c
 * keeps the task from running callbacks while a marked batch waits), so
 * every record in the batch came before the mark.
 */
#ifndef GUST_FC_BATCH_H
#define GUST_FC_BATCH_H

#include <gust/fc_record.h>

typedef struct {
  uint32_t n;       /* records in use */
  uint32_t cap;     /* records allocated */
  bool end;         /* the producer's last batch on this channel */
  bool spare;       /* not from the channel's pool: freed after use (channel.h) */
  uint64_t barrier; /* checkpoint barrier after the records; 0 = none */
  fc_record *records;
  fc_arena arena;
} fc_batch;

fc_batch *fc_batch_new(uint32_t cap);
void fc_batch_free(fc_batch *b);
void fc_batch_reset(fc_batch *b); /* keeps `spare` */
void fc_batch_append(fc_batch *b, const fc_record *rec, int32_t producer);

#endif
