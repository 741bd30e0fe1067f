/* kafka_embedded.c — the "embedded" bootstrap convention of `gust local`.
 *
 * A Flux file may name the bootstrap servers "embedded" (the KafkaSpout's
 * builder argument, or bootstrap.servers in a KafkaBolt's producer
 * properties).  Before the runtime starts, gust_kafka_embed_topology()
 * finds those components (their normalized Kafka conf, written by the
 * topology model), starts one mock cluster in-process for all of them and
 * writes its real address in place of "embedded".  The caller keeps the
 * cluster alive while the topology runs.  Runs on the caller's thread.
 */
#define G_LOG_DOMAIN "gust-kafka"

#include <gust/kafka.h>

static json_t *bootstrap_setting(gust_component *component)
{
  json_t *conf = gust_component_conf(component);
  json_t *kafka = json_object_get(conf, GUST_KAFKA_SPOUT_CONF);
  if (!kafka) kafka = json_object_get(conf, GUST_KAFKA_BOLT_CONF);
  return json_object_get(json_object_get(kafka, "props"), "bootstrap.servers");
}

gboolean gust_kafka_embed_topology(gust_topology *topology, gust_kafka_mock **mock, GError **error)
{
  *mock = NULL;
  for (guint i = 0; i < gust_topology_n_components(topology); i++) {
    gust_component *component = gust_topology_component(topology, i);
    json_t *servers = bootstrap_setting(component);
    if (g_strcmp0(json_string_value(servers), GUST_KAFKA_EMBEDDED)) continue;
    if (!*mock && !(*mock = gust_kafka_mock_new(1, error))) {
      g_prefix_error(
          error, "component '%s' names the embedded Kafka broker: ", gust_component_id(component));
      return FALSE;
    }
    json_string_set(servers, gust_kafka_mock_bootstrap(*mock));
  }
  return TRUE;
}
