/* partition.c — choosing the consumer subtask(s) of one emit on one edge.
 *
 * Runs on the producer's turn; the per-edge cursors (round-robin counter,
 * random state) live in the producer's fc_out_edge, so nothing is shared.
 * Broadcast, direct and chooser edges are handled by the caller (task.c):
 * they are not a choice of one subtask.
 */
#include "partition.h"

static inline uint64_t xorshift64(uint64_t *s)
{
  uint64_t x = *s;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *s = x;
}

int fc_partition_pick(fc_out_edge *o, const fc_record *rec, int producer_subtask)
{
  uint32_t n = (uint32_t)o->n_channels;
  if (n == 1) return 0; /* one consumer: no key to compute, no counter to turn */
  switch (o->edge->spec.partitioner) {
  case FC_PART_FORWARD:
    return producer_subtask;
  case FC_PART_SHUFFLE:
    return (int)(o->round_robin++ % n);
  case FC_PART_RANDOM:
    return (int)(xorshift64(&o->rng) % n);
  case FC_PART_HASH:
    return (int)(o->edge->spec.key(rec, o->edge->spec.key_data) % n);
  case FC_PART_KEY_GROUPS:
    return fc_state_key_group_owner(
        fc_state_key_group_of_hash(o->edge->spec.key(rec, o->edge->spec.key_data)), (int)n);
  case FC_PART_GLOBAL:
    return 0;
  case FC_PART_LOCAL:
    if (o->n_local) return o->local[o->round_robin++ % (uint32_t)o->n_local];
    return (int)(o->round_robin++ % n);
  case FC_PART_BROADCAST:
  case FC_PART_DIRECT:
  case FC_PART_CHOOSER:
    break;
  }
  g_assert_not_reached();
  return 0;
}

void fc_partition_seed(fc_out_edge *o, uint64_t seed)
{
  o->rng = seed * 0x9e3779b97f4a7c15ULL + 1;
  o->round_robin = (uint32_t)seed; /* spread the producers' starting points */
}
