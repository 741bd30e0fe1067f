/* kafka_offsets.h — one partition's offset ledger for the Kafka spout:
 * what was emitted, acked, failed and when to retry, and the offset that
 * may be committed (storm-kafka-client's OffsetManager.java and
 * KafkaSpoutRetryExponentialBackoff.java).  Pure bookkeeping: no Kafka, no clock (callers pass
 * "now"), no threads — owned by the spout task that polls the partition.
 */
#ifndef GUST_KAFKA_OFFSETS_H
#define GUST_KAFKA_OFFSETS_H

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* KafkaSpoutRetryExponentialBackoff: the first retry after initial_delay,
 * the n-th after delay_period * 2^(n-1), never later than max_delay; an
 * offset failed more than max_retries times counts as acked. */
typedef struct {
  int64_t initial_delay_us;
  int64_t delay_period_us;
  int64_t max_delay_us;
  int64_t max_retries;
} gust_kafka_retry_policy;

typedef struct gust_kafka_offsets gust_kafka_offsets;

/* committed: the next offset to consume as committed (or the start
 * position), or -1 when unknown: the first offset emitted then sets it.
 * Can't fail. */
gust_kafka_offsets *gust_kafka_offsets_new(int64_t committed);
void gust_kafka_offsets_free(gust_kafka_offsets *o); /* NULL is fine */

/* Whether a record just polled at offset should be emitted now: not when
 * it is committed, acked, in flight, or failed with its retry not due. */
gboolean gust_kafka_offsets_should_emit(const gust_kafka_offsets *o, int64_t offset,
                                        int64_t now_us);
void gust_kafka_offsets_emitted(gust_kafka_offsets *o, int64_t offset);
void gust_kafka_offsets_acked(gust_kafka_offsets *o, int64_t offset);
/* Schedules a retry; returns FALSE when the offset is out of retries (it
 * is then acked, so commits can progress).  Unknown offsets are ignored
 * (returns TRUE). */
gboolean gust_kafka_offsets_failed(gust_kafka_offsets *o, int64_t offset, int64_t now_us,
                                   const gust_kafka_retry_policy *policy);

/* The lowest offset whose retry is due at now_us, or -1. */
int64_t gust_kafka_offsets_ready_retry(const gust_kafka_offsets *o, int64_t now_us);
/* The lowest offset failed and waiting for its retry (due or not), or -1. */
int64_t gust_kafka_offsets_lowest_retry(const gust_kafka_offsets *o);
/* The lowest offset emitted and not acked (in flight, or failed and
 * waiting for its retry), or -1. */
int64_t gust_kafka_offsets_lowest_pending(const gust_kafka_offsets *o);

/* Storm's commit rule: from the committed offset, advance over acked
 * offsets while contiguous; a gap whose offsets are in flight or awaiting
 * a retry stops the walk, a gap never emitted is skipped.  Returns the
 * next offset to consume (last acked + 1) when beyond the committed one,
 * else -1. */
int64_t gust_kafka_offsets_next_commit(const gust_kafka_offsets *o);
/* The commit of next succeeded: forget what lies below it. */
void gust_kafka_offsets_committed(gust_kafka_offsets *o, int64_t next);
int64_t gust_kafka_offsets_committed_offset(const gust_kafka_offsets *o); /* -1 unknown */

/* Emitted and not yet committed (in flight, awaiting retry, or acked). */
guint gust_kafka_offsets_uncommitted(const gust_kafka_offsets *o);
/* In flight or awaiting a retry. */
guint gust_kafka_offsets_pending(const gust_kafka_offsets *o);

G_END_DECLS

#endif
