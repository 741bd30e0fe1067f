/* kafka.h — Kafka for development and tests: an embedded broker (librdkafka's
 * mock cluster, a real Kafka wire-protocol broker on 127.0.0.1) and the
 * "embedded" bootstrap convention of `gust local`.
 *
 * The built-in Kafka spout and bolt (org.apache.storm.kafka.spout.KafkaSpout,
 * org.apache.storm.kafka.bolt.KafkaBolt) need nothing from here: Flux files
 * name them and the runtime runs them.
 *
 * Embedded broker convention: a topology whose Kafka bootstrap servers are
 * the string GUST_KAFKA_EMBEDDED ("embedded") runs against a mock cluster
 * that gust_kafka_embed_topology() starts in-process; every such setting is
 * replaced by the cluster's real address before the runtime starts.
 *
 * Threads: a mock cluster runs on librdkafka's own threads (one per mock
 * broker plus the cluster's); every function here may be called from any
 * one thread at a time per gust_kafka_mock.
 */
#ifndef GUST_KAFKA_H
#define GUST_KAFKA_H

#include <glib.h>
#include <gust/topology.h>

G_BEGIN_DECLS

#define GUST_KAFKA_ERROR (gust_kafka_error_quark())
GQuark gust_kafka_error_quark(void);
typedef enum {
  GUST_KAFKA_ERROR_FAILED,   /* librdkafka refused; the message says what */
  GUST_KAFKA_ERROR_ARGUMENT, /* a bad argument: broker id, topic spec */
} gust_kafka_error_code;

#define GUST_KAFKA_EMBEDDED "embedded"

/* Component conf keys holding the normalized configuration the topology
 * model reads from a KafkaSpout / KafkaBolt Flux definition (see
 * compat/model/kafka_spout_class.c and kafka_bolt_class.c). */
#define GUST_KAFKA_SPOUT_CONF "gust.kafka.spout"
#define GUST_KAFKA_BOLT_CONF "gust.kafka.bolt"

typedef struct gust_kafka_mock gust_kafka_mock;

/* Starts a mock cluster of n_brokers (>= 1) brokers on loopback ports.
 * Topics are created on first use (4 partitions) unless created first
 * with gust_kafka_mock_create_topic().  NULL + error if librdkafka fails. */
gust_kafka_mock *gust_kafka_mock_new(int n_brokers, GError **error);
/* Stops the brokers and frees the cluster.  NULL is fine. */
void gust_kafka_mock_free(gust_kafka_mock *mock);
/* "127.0.0.1:PORT,127.0.0.1:PORT": valid while the mock lives. */
const char *gust_kafka_mock_bootstrap(const gust_kafka_mock *mock);
int gust_kafka_mock_n_brokers(const gust_kafka_mock *mock);
gboolean gust_kafka_mock_create_topic(gust_kafka_mock *mock, const char *topic, int partitions,
                                      GError **error);
/* Takes a broker (id 1..n, or -1 for all) down — it disconnects clients and
 * refuses connections — or brings it back up on the same port. */
gboolean gust_kafka_mock_set_broker_up(gust_kafka_mock *mock, int broker_id, gboolean up,
                                       GError **error);

/* One partition of a KafkaSpout's topics: its group's committed offset
 * (-1: none) and the partition's head (-1: unknown). */
typedef struct {
  char *topic;
  int32_t partition;
  int64_t committed, head;
} gust_kafka_partition_lag;
void gust_kafka_partition_lag_free(gpointer lag);

/* A KafkaSpout's lag, read from the brokers with a consumer of its own in
 * the spout's group (component_conf: the component's conf, holding
 * GUST_KAFKA_SPOUT_CONF; the default group is the spout's,
 * gust-TOPOLOGY-COMPONENT): a GPtrArray of gust_kafka_partition_lag (the
 * caller unrefs it), or NULL + GUST_KAFKA_ERROR.  Blocks up to about
 * three times timeout_ms.  Any thread. */
GPtrArray *gust_kafka_spout_lag(const json_t *component_conf, const char *topology_name,
                                const char *component_id, int timeout_ms, GError **error);

/* Looks for Kafka components whose bootstrap servers are "embedded"; if
 * any, starts a mock cluster (one broker), rewrites their conf to its
 * address and returns it in *mock (the caller frees it after the runtime).
 * *mock is NULL when no component names the embedded broker.  FALSE +
 * error if the cluster cannot start. */
gboolean gust_kafka_embed_topology(gust_topology *topology, gust_kafka_mock **mock, GError **error);

G_END_DECLS

#endif
