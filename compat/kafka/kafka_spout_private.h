/* kafka_spout_private.h — the Kafka spout's state, shared by kafka_spout.c
 * (life, acks), kafka_spout_poll.c (assignment, polling) and
 * kafka_spout_state.c (commits, snapshots).  Everything here belongs to the spout task's thread,
 * except what kafka_discovery.c hands over under its own lock.
 */
#ifndef GUST_KAFKA_SPOUT_PRIVATE_H
#define GUST_KAFKA_SPOUT_PRIVATE_H

#include "kafka_client.h"
#include "kafka_discovery.h"
#include "kafka_offsets.h"
#include "kafka_spout.h"

typedef enum {
  STRATEGY_EARLIEST,
  STRATEGY_LATEST,
  STRATEGY_UNCOMMITTED_EARLIEST,
  STRATEGY_UNCOMMITTED_LATEST,
} first_poll_strategy;

typedef enum {
  GUARANTEE_AT_LEAST_ONCE,
  GUARANTEE_AT_MOST_ONCE,
  GUARANTEE_NO_GUARANTEE,
} processing_guarantee;

typedef struct {
  char *topic;
  int32_t partition;
  char *key; /* "topic/partition": the table key */
  gust_kafka_offsets *ledger;
  int64_t start;           /* where it was assigned: an offset or a logical one */
  int64_t next_to_emit;    /* offset after the last record polled, or -1 */
  int64_t kafka_committed; /* last offset Kafka confirmed committed, or -1 */
  int64_t seek_offset;     /* a retry seek not yet answered by its record, or -1 */
  int64_t seek_us;
  gboolean paused;
} spout_partition;

typedef struct {
  uint64_t id;
  json_t *offsets; /* [{topic, partition, offset}] */
} pending_checkpoint;

struct gust_kafka_spout {
  gust_kafka_client client; /* first: librdkafka's opaque is the spout */
  char *commit_metadata;    /* {"topologyId", "taskId", "threadName"} */
  /* configuration */
  first_poll_strategy strategy;
  processing_guarantee guarantee;
  int64_t commit_period_us;
  int64_t max_uncommitted;
  int64_t max_pending; /* topology.max.spout.pending, 0 = none */
  guint batch;         /* max.poll.records */
  gboolean value_only;
  gust_kafka_format key_format, value_format;
  gust_kafka_retry_policy retry;
  /* Kafka */
  rd_kafka_t *rk;
  gust_kafka_discovery *discovery;
  GHashTable *partitions; /* key -> spout_partition* (owned) */
  GHashTable *restored;   /* key -> int64_t* offset from the restored snapshot */
  /* progress */
  int64_t next_commit_us;
  guint64 in_flight;     /* reliable emits not yet acked or failed */
  gboolean checkpointed; /* snapshot() was called: commits follow checkpoints */
  GArray *checkpoints;   /* pending_checkpoint, by increasing id */
};

enum { KAFKA_SPOUT_KEY_MAX = 320 }; /* topic names are at most 249 bytes */

/* kafka_spout.c */
/* Writes "topic/partition" (the table key) into buf[KAFKA_SPOUT_KEY_MAX]. */
void kafka_spout_partition_key(char *buf, const char *topic, int32_t partition);
spout_partition *kafka_spout_partition(gust_kafka_spout *spout, const char *topic,
                                       int32_t partition);
void kafka_spout_partition_free(gpointer partition);

/* kafka_spout_state.c */
gboolean kafka_spout_read_restored(gust_kafka_spout *spout, const uint8_t *bytes, size_t len,
                                   GError **error);
/* The periodic commit of the current guarantee, if due at now_us. */
void kafka_spout_commit_if_due(gust_kafka_spout *spout, int64_t now_us);
/* The periodic commit once more, waiting (bounded) for the answer: close. */
void kafka_spout_commit_final(gust_kafka_spout *spout);
/* AT_MOST_ONCE: commits the positions after a poll, synchronously. */
gboolean kafka_spout_commit_positions_sync(gust_kafka_spout *spout);
void kafka_spout_offset_commit_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                                  rd_kafka_topic_partition_list_t *offsets, void *opaque);
void kafka_spout_checkpoints_clear(gust_kafka_spout *spout);

#endif
