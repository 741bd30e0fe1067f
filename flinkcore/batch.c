/* batch.c — filling and recycling batches (see batch.h). */
#include "batch.h"
#include <string.h>

fc_batch *fc_batch_new(uint32_t cap)
{
  fc_batch *b = g_new0(fc_batch, 1);
  b->cap = cap ? cap : 1;
  b->records = g_new(fc_record, b->cap);
  fc_arena_init(&b->arena, 0);
  return b;
}

void fc_batch_free(fc_batch *b)
{
  if (!b) return;
  fc_arena_clear(&b->arena);
  g_free(b->records);
  g_free(b);
}

void fc_batch_reset(fc_batch *b)
{
  b->n = 0;
  b->end = false;
  b->barrier = 0;
  fc_arena_reset(&b->arena);
}

void fc_batch_append(fc_batch *b, const fc_record *rec, int32_t producer)
{
  if (G_UNLIKELY(b->n == b->cap)) {
    b->cap *= 2;
    b->records = g_renew(fc_record, b->records, b->cap);
  }
  fc_record *r = &b->records[b->n++];
  r->stream = rec->stream;
  r->n_values = rec->n_values;
  r->values = rec->n_values ? fc_values_copy(&b->arena, rec->values, rec->n_values) : NULL;
  r->n_tags = rec->n_tags;
  if (rec->n_tags) {
    uint64_t *tags = fc_arena_alloc(&b->arena, rec->n_tags * sizeof *tags);
    memcpy(tags, rec->tags, rec->n_tags * sizeof *tags);
    r->tags = tags;
  } else {
    r->tags = NULL;
  }
  r->created_ns = rec->created_ns;
  r->producer = producer;
}
