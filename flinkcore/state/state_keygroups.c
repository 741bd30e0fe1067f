/* state_keygroups.c — which key group a key is in, and which subtask owns
 * which key groups.
 *
 * A key's group is its 64-bit hash, mixed again (a key function may hand
 * over a poorly spread hash), modulo FC_STATE_KEY_GROUPS.  Subtask i of p
 * owns the contiguous range [ceil(i*K/p), floor(((i+1)*K-1)/p)] with
 * K = FC_STATE_KEY_GROUPS, and key group g belongs to subtask g*p/K: the
 * two agree (Flink's KeyGroupRangeAssignment), so a router and a restore
 * never disagree about where a key lives.  Pure functions; any thread.
 */
#include "state_private.h"

uint32_t fc_state_key_group_of_hash(uint64_t hash)
{
  return (uint32_t)(st_hash_mix(hash) % FC_STATE_KEY_GROUPS);
}

uint32_t fc_state_key_group(const fc_value *key)
{
  return fc_state_key_group_of_hash(fc_value_hash(key));
}

int fc_state_key_group_owner(uint32_t key_group, int parallelism)
{
  g_assert(key_group < FC_STATE_KEY_GROUPS && parallelism > 0);
  return (int)((int64_t)key_group * parallelism / FC_STATE_KEY_GROUPS);
}

void fc_state_key_group_range(int subtask, int parallelism, uint32_t *first, uint32_t *last)
{
  g_assert(parallelism > 0 && subtask >= 0 && subtask < parallelism);
  int64_t k = FC_STATE_KEY_GROUPS, i = subtask, p = parallelism;
  int64_t lo = (i * k + p - 1) / p, hi = ((i + 1) * k - 1) / p;
  *first = (uint32_t)lo;
  *last = hi >= lo ? (uint32_t)hi : (uint32_t)lo - 1; /* none: first > last */
}
