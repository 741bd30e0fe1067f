/* validate_kafka.h — the Kafka side of `gust validate`: reading a topic's
 * range (kafka://BOOTSTRAP/TOPIC?from=N&to=M or ?since=T&until=T) into
 * records, writing recorded input into a topic, and the offsets a run is
 * watched by (partition heads, a consumer group's committed offsets).
 * Short-lived librdkafka clients, one per call, on the caller's thread
 * (librdkafka adds its own threads while a call runs).  Errors are
 * GUST_VALIDATE_ERROR_UNUSABLE naming the topic and the address.
 */
#ifndef GUST_VALIDATE_KAFKA_H
#define GUST_VALIDATE_KAFKA_H

#include "validate_records.h"

G_BEGIN_DECLS

/* A kafka:// source: bootstrap, topic and an optional range.  Offsets are
 * per partition, -1 = unset; times are epoch milliseconds, -1 = unset. */
typedef struct {
  char *bootstrap, *topic;
  int64_t from, to, since_ms, until_ms;
} gust_validate_kafka_source;

/* Parses kafka://BOOTSTRAP/TOPIC[?from=N][&to=M][&since=T][&until=T]; T is
 * epoch milliseconds or ISO 8601.  FALSE + UNUSABLE naming the bad part. */
gboolean gust_validate_kafka_parse(const char *url, gust_validate_kafka_source *src,
                                   GError **error);
void gust_validate_kafka_source_clear(gust_validate_kafka_source *src);

/* One record of a range, for gust_validate_kafka_each(): key may be NULL. */
typedef gboolean (*gust_validate_kafka_record_fn)(int32_t partition, const char *key,
                                                  size_t key_len, const char *value,
                                                  size_t value_len, void *data);

/* Calls fn for every record of src's range, per partition in offset order;
 * fn returning FALSE stops with INTERRUPTED.  *n_partitions (when not NULL)
 * gets the topic's partition count.  FALSE + UNUSABLE when the topic cannot
 * be read, + UNUSABLE "empty range" when the range holds no record. */
gboolean gust_validate_kafka_each(const gust_validate_kafka_source *src,
                                  gust_validate_kafka_record_fn fn, void *data, int *n_partitions,
                                  GError **error);

/* Reads url's range into set (the record reader of validate_records.c). */
gboolean gust_validate_kafka_read(gust_validate_recordset *set, const char *url,
                                  const gust_validate_selection *sel,
                                  gust_validate_progress_fn progress, void *data, GError **error);

/* Writes values (char *) to topic, partition -1 = the partitioner's choice
 * (partitions, when not NULL, gives each value's); waits for delivery. */
gboolean gust_validate_kafka_produce(const char *bootstrap, const char *topic, GPtrArray *keys,
                                     GPtrArray *values, GArray *partitions, GError **error);

/* Each partition's head (high watermark) of topic, indexed by partition;
 * NULL + UNUSABLE when the topic does not exist. */
GArray *gust_validate_kafka_heads(const char *bootstrap, const char *topic, GError **error);

/* group's committed offsets of topic, per partition (-1: none); NULL + error. */
GArray *gust_validate_kafka_committed(const char *bootstrap, const char *group, const char *topic,
                                      GError **error);

/* Commits offsets (per partition; -1 skipped) of topic for group. */
gboolean gust_validate_kafka_commit(const char *bootstrap, const char *group, const char *topic,
                                    GArray *offsets, GError **error);

/* Each partition's first offset at or after time_ms (the head when none). */
GArray *gust_validate_kafka_offsets_for_time(const char *bootstrap, const char *topic,
                                             int64_t time_ms, GError **error);

G_END_DECLS

#endif
