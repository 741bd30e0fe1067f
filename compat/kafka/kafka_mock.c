/* kafka_mock.c — an embedded Kafka broker: librdkafka's mock cluster.
 *
 * The mock cluster speaks the Kafka wire protocol (produce, fetch,
 * metadata, offset commits, consumer groups) from listeners on 127.0.0.1
 * with ports the kernel picks.  It needs an rd_kafka_t for its
 * bookkeeping: a producer handle that never produces.  Topics are created
 * on first use with the mock's default of 4 partitions, or ahead of time
 * here.  The brokers run on librdkafka's threads; the calls here post
 * requests to them and are safe from any thread.  No globals.
 */
#define G_LOG_DOMAIN "gust-kafka"

#include <gust/kafka.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdlib.h>

struct gust_kafka_mock {
  rd_kafka_t *rk;
  rd_kafka_mock_cluster_t *cluster;
  char *bootstrap;
  int n_brokers;
};

static void quiet_log(const rd_kafka_t *rk, int level, const char *facility, const char *text)
{
  if (level <= 3) g_warning("kafka mock: %s: %s", facility, text);
}

gust_kafka_mock *gust_kafka_mock_new(int n_brokers, GError **error)
{
  if (n_brokers < 1) {
    g_set_error(error, GUST_KAFKA_ERROR, GUST_KAFKA_ERROR_ARGUMENT,
                "a Kafka mock cluster needs at least one broker (got %d)", n_brokers);
    return NULL;
  }
  char reason[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set_log_cb(conf, quiet_log);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, reason, sizeof reason);
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    g_set_error(error, GUST_KAFKA_ERROR, GUST_KAFKA_ERROR_FAILED,
                "cannot create the Kafka mock cluster's client: %s", reason);
    return NULL;
  }
  rd_kafka_mock_cluster_t *cluster = rd_kafka_mock_cluster_new(rk, n_brokers);
  if (!cluster) {
    rd_kafka_destroy(rk);
    g_set_error(error, GUST_KAFKA_ERROR, GUST_KAFKA_ERROR_FAILED,
                "librdkafka could not start a mock cluster of %d broker(s)", n_brokers);
    return NULL;
  }
  gust_kafka_mock *mock = g_new0(gust_kafka_mock, 1);
  mock->rk = rk;
  mock->cluster = cluster;
  mock->bootstrap = g_strdup(rd_kafka_mock_cluster_bootstraps(cluster));
  mock->n_brokers = n_brokers;
  return mock;
}

void gust_kafka_mock_free(gust_kafka_mock *mock)
{
  if (!mock) return;
  rd_kafka_mock_cluster_destroy(mock->cluster);
  rd_kafka_destroy(mock->rk);
  g_free(mock->bootstrap);
  g_free(mock);
}

const char *gust_kafka_mock_bootstrap(const gust_kafka_mock *mock)
{
  return mock->bootstrap;
}

int gust_kafka_mock_n_brokers(const gust_kafka_mock *mock)
{
  return mock->n_brokers;
}

gboolean gust_kafka_mock_create_topic(gust_kafka_mock *mock, const char *topic, int partitions,
                                      GError **error)
{
  if (!topic || !*topic || partitions < 1) {
    g_set_error(error, GUST_KAFKA_ERROR, GUST_KAFKA_ERROR_ARGUMENT,
                "a topic needs a name and at least one partition (got '%s' with %d)",
                topic ? topic : "", partitions);
    return FALSE;
  }
  rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(mock->cluster, topic, partitions, MIN(mock->n_brokers, 3));
  if (err) {
    g_set_error(error, GUST_KAFKA_ERROR, GUST_KAFKA_ERROR_FAILED,
                "creating topic '%s' with %d partition(s) on the mock cluster failed: %s", topic,
                partitions, rd_kafka_err2str(err));
    return FALSE;
  }
  return TRUE;
}

gboolean gust_kafka_mock_set_broker_up(gust_kafka_mock *mock, int broker_id, gboolean up,
                                       GError **error)
{
  if (broker_id != -1 && (broker_id < 1 || broker_id > mock->n_brokers)) {
    g_set_error(error, GUST_KAFKA_ERROR, GUST_KAFKA_ERROR_ARGUMENT,
                "no broker %d: the mock cluster has brokers 1..%d (or -1 for all)", broker_id,
                mock->n_brokers);
    return FALSE;
  }
  rd_kafka_resp_err_t err = up ? rd_kafka_mock_broker_set_up(mock->cluster, broker_id)
                               : rd_kafka_mock_broker_set_down(mock->cluster, broker_id);
  if (err) {
    g_set_error(error, GUST_KAFKA_ERROR, GUST_KAFKA_ERROR_FAILED, "setting broker %d %s failed: %s",
                broker_id, up ? "up" : "down", rd_kafka_err2str(err));
    return FALSE;
  }
  return TRUE;
}
