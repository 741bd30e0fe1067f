/* epoch_ledger.h — a spout task's reliable emits in checkpoint mode, kept
 * by epoch (see epoch_ledger.c). */
#ifndef GUST_RT_EPOCH_LEDGER_H
#define GUST_RT_EPOCH_LEDGER_H

#include <gust/fc_value.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct {
  uint64_t root;
  fc_value msg_id; /* heap copy */
  int64_t emitted_ns;
  uint32_t stream; /* the stream it was emitted on */
  uint32_t holds;  /* tuples of its tree a bolt held at a barrier and has not settled yet */
  bool settled;
  bool deferred; /* moved to a later epoch by rt_ledger_defer */
} rt_ledger_msg;

typedef struct {
  GQueue epochs;       /* rt_ledger_epoch*, oldest first */
  GHashTable *covered; /* &root -> rt_ledger_msg*: a checkpoint after it completed, still held */
  uint64_t n_open;     /* messages not settled yet (covered ones included) */
  uint64_t n_deferred; /* of those, deferred ones still in an epoch */
} rt_epoch_ledger;

typedef void (*rt_ledger_fn)(const rt_ledger_msg *msg, void *data);

void rt_ledger_init(rt_epoch_ledger *l);
void rt_ledger_clear(rt_epoch_ledger *l);
/* Records an emit of epoch (epochs only grow; roots grow within a task). */
void rt_ledger_add(rt_epoch_ledger *l, uint64_t epoch, uint64_t root, const fc_value *msg_id,
                   int64_t emitted_ns, uint32_t stream);
/* Calls fn for every unsettled message of the epochs up to last that no
 * bolt holds, in emit order, and forgets those epochs; the held ones are
 * kept as covered, and settle when their last hold is released. */
void rt_ledger_settle_through(rt_epoch_ledger *l, uint64_t last, rt_ledger_fn fn, void *data);
/* Settles one message now (an explicit fail): fn is called with it, and
 * FALSE returned if it is unknown or settled already. */
bool rt_ledger_settle_one(rt_epoch_ledger *l, uint64_t root, rt_ledger_fn fn, void *data);
/* A bolt holds (delta +1) or has settled (delta -1) a tuple of root's tree
 * that it held at a barrier.  When the last hold of a covered message goes,
 * fn is called with it (it is acked) and TRUE returned.  Unknown roots
 * (settled already) are ignored. */
bool rt_ledger_hold(rt_epoch_ledger *l, uint64_t root, int delta, rt_ledger_fn fn, void *data);
/* Calls fn for every unsettled message, held ones first (they are the
 * oldest), then the open epochs in emit order, and forgets them all: the
 * job is torn down and they fail. */
void rt_ledger_settle_all(rt_epoch_ledger *l, rt_ledger_fn fn, void *data);
/* Calls fn for every covered or deferred message emitted before `before`
 * (fc_now_ns clock) and forgets it: held by a bolt, or circulating in a
 * loop, past the message timeout, it fails. */
void rt_ledger_expire(rt_epoch_ledger *l, int64_t before, rt_ledger_fn fn, void *data);

/* Moves root's message, unsettled, to epoch (the spout's open one, newer
 * than every epoch held): a completed checkpoint that closes its old epoch
 * leaves it alone.  FALSE if it is unknown, settled, or in epoch already. */
bool rt_ledger_defer(rt_epoch_ledger *l, uint64_t root, uint64_t epoch);

#endif
