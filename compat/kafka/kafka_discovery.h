/* kafka_discovery.h — which partitions a Kafka spout task reads, found on a
 * helper thread so that no blocking broker call runs on a task's turn.
 * See kafka_discovery.c.
 */
#ifndef GUST_KAFKA_DISCOVERY_H
#define GUST_KAFKA_DISCOVERY_H

#include "kafka_client.h"

G_BEGIN_DECLS

typedef struct {
  char *topic;
  int32_t partition;
  int64_t committed; /* the group's committed offset, or -1 (none, or not looked up) */
} gust_kafka_partition;

void gust_kafka_partition_free(gust_kafka_partition *p);

typedef struct {
  rd_kafka_t *rk;                  /* borrowed; must outlive the discovery */
  const gust_kafka_client *client; /* names for messages; borrowed */
  const char *const *topics;       /* NULL-terminated names, or NULL with pattern */
  const char *pattern;             /* a Java-style regex matched against whole names */
  int task_index, n_tasks;         /* partition i of the sorted list -> task i mod n */
  int64_t refresh_ms;              /* re-read metadata this often */
  gboolean want_committed;         /* look up committed offsets for new partitions */
} gust_kafka_discovery_options;

typedef struct gust_kafka_discovery gust_kafka_discovery;

/* Starts the helper thread; it reads metadata at once, then every
 * refresh_ms.  NULL + error if the pattern does not compile. */
gust_kafka_discovery *gust_kafka_discovery_start(const gust_kafka_discovery_options *options,
                                                 GError **error);
/* The task's partitions (gust_kafka_partition*, sorted by topic then
 * partition) if they changed since the last call, else NULL.  Never
 * blocks on Kafka.  The caller owns the array. */
GPtrArray *gust_kafka_discovery_take(gust_kafka_discovery *discovery);
/* Stops and joins the thread (it may finish a broker call first), frees. */
void gust_kafka_discovery_stop(gust_kafka_discovery *discovery);

G_END_DECLS

#endif
