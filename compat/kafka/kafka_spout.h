/* kafka_spout.h — storm-kafka-client's KafkaSpout on librdkafka, as a
 * plain object the built-in component wraps (kafka_spout_def.c) and tests
 * drive directly.  See kafka_spout.c for how it works.
 */
#ifndef GUST_KAFKA_SPOUT_H
#define GUST_KAFKA_SPOUT_H

#include <gust/fc_value.h>
#include <jansson.h>

G_BEGIN_DECLS

/* Where tuples go: msg_id is NULL for unreliable emits.  Values and id
 * are valid during the call only. */
typedef void (*gust_kafka_emit_fn)(void *target, const fc_value *values, size_t n_values,
                                   const fc_value *msg_id);

typedef struct {
  const json_t *conf; /* component conf: GUST_KAFKA_SPOUT_CONF, topology.max.spout.pending */
  const char *topology_name;
  const char *component_id;
  int task_id, task_index, n_tasks;
  const uint8_t *restored; /* bytes a snapshot wrote, to resume from; or NULL */
  size_t restored_len;
} gust_kafka_spout_params;

typedef struct gust_kafka_spout gust_kafka_spout;

/* Creates the consumer and starts partition discovery; no record is read
 * before the first gust_kafka_spout_next().  NULL + error (naming the
 * component) for an unusable configuration or restored state. */
gust_kafka_spout *gust_kafka_spout_new(const gust_kafka_spout_params *params, GError **error);
/* Polls without blocking and emits what arrived (a bounded batch);
 * commits, retries and pauses as due.  Returns the number emitted. */
guint gust_kafka_spout_next(gust_kafka_spout *spout, gust_kafka_emit_fn emit, void *target);
void gust_kafka_spout_ack(gust_kafka_spout *spout, const fc_value *msg_id);
void gust_kafka_spout_fail(gust_kafka_spout *spout, const fc_value *msg_id);
/* Commits what may be committed now (deactivation). */
void gust_kafka_spout_commit_now(gust_kafka_spout *spout);
/* Checkpoints: appends the position to resume from; commits the
 * position of checkpoint_id to Kafka once that checkpoint is complete. */
gboolean gust_kafka_spout_snapshot(gust_kafka_spout *spout, uint64_t checkpoint_id, GByteArray *out,
                                   GError **error);
void gust_kafka_spout_checkpoint_complete(gust_kafka_spout *spout, uint64_t checkpoint_id);
/* Commits (acker mode), closes the consumer, frees.  NULL is fine. */
void gust_kafka_spout_free(gust_kafka_spout *spout);

/* For tests and logs: partitions currently read. */
guint gust_kafka_spout_n_partitions(const gust_kafka_spout *spout);

G_END_DECLS

#endif
