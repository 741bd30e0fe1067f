/* kafka_tool_client.h — the short-lived librdkafka clients of gust's Kafka
 * tools: `gust kafka-console`, `gust validate`'s kafka:// ranges and
 * recorded input, and a KafkaSpout's lag (kafka_lag.c): making the client,
 * producing a record through a full queue, a topic's partitions, a group's
 * committed offsets and the watermarks beside them.  One client per job,
 * used on the caller's thread (librdkafka runs its own).  Errors are
 * GUST_KAFKA_ERROR_FAILED, worded one way: what could not be done, to which
 * topic or group, at which bootstrap servers, and librdkafka's reason.
 */
#ifndef GUST_KAFKA_TOOL_CLIENT_H
#define GUST_KAFKA_TOOL_CLIENT_H

#include <gust/kafka.h>
#include <librdkafka/rdkafka.h>

G_BEGIN_DECLS

/* A new configuration whose log callback passes librdkafka's lines on
 * through GLib's log: up to warning level as warnings, the rest at debug
 * level.  Can't fail. */
rd_kafka_conf_t *gust_kafka_tool_conf_new(void);

/* A client of type from conf (taken, also on failure) with
 * bootstrap.servers set to bootstrap (NULL: conf names them).  A consumer
 * joins group (NULL: the group.id conf sets, else default_group) and never
 * commits on its own (enable.auto.commit false).  NULL + error. */
rd_kafka_t *gust_kafka_tool_client_new(rd_kafka_type_t type, rd_kafka_conf_t *conf,
                                       const char *bootstrap, const char *group,
                                       const char *default_group, GError **error);

/* Queues one record (key and value copied; key may be NULL) for topic and
 * partition (RD_KAFKA_PARTITION_UA: the partitioner's choice), polling
 * while librdkafka's queue is full, then serves the delivery reports that
 * are due.  Returns librdkafka's error for the record (0: queued). */
rd_kafka_resp_err_t gust_kafka_tool_produce(rd_kafka_t *rk, const char *topic, int32_t partition,
                                            const void *key, size_t key_len, const void *value,
                                            size_t len);

/* The partitions of topic from the cluster's metadata, sorted, each with
 * offset.  NULL + error when the metadata cannot be read or the topic has
 * no partitions (it does not exist). */
rd_kafka_topic_partition_list_t *gust_kafka_tool_partitions(rd_kafka_t *rk, const char *bootstrap,
                                                            const char *topic, int64_t offset,
                                                            int timeout_ms, GError **error);

/* Sets the offset of every element of list to what the client's group
 * committed (-1: nothing).  FALSE + error naming group. */
gboolean gust_kafka_tool_committed(rd_kafka_t *rk, rd_kafka_topic_partition_list_t *list,
                                   const char *bootstrap, const char *group, int timeout_ms,
                                   GError **error);

/* A partition's first offset (*low) and head (*high, the high watermark).
 * FALSE + error. */
gboolean gust_kafka_tool_watermarks(rd_kafka_t *rk, const char *bootstrap, const char *topic,
                                    int32_t partition, int64_t *low, int64_t *high, int timeout_ms,
                                    GError **error);

G_END_DECLS

#endif
