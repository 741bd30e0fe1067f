/* kafka_tool_client.c — short-lived clients for gust's Kafka tools (see
 * kafka_tool_client.h).  Nothing here keeps state between calls; every
 * call runs on its caller's thread, and the log callback on librdkafka's.
 */
#define G_LOG_DOMAIN "gust-kafka"

#include "kafka_tool_client.h"

#include <syslog.h>

static gboolean failed(GError **error, const char *format, ...) G_GNUC_PRINTF(2, 3);
static gboolean failed(GError **error, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  g_autofree char *message = g_strdup_vprintf(format, args);
  va_end(args);
  g_set_error_literal(error, GUST_KAFKA_ERROR, GUST_KAFKA_ERROR_FAILED, message);
  return FALSE;
}

static void on_log(const rd_kafka_t *rk, int level, const char *facility, const char *text)
{
  if (level <= LOG_WARNING)
    g_warning("librdkafka %s: %s", facility, text);
  else
    g_debug("librdkafka %s: %s", facility, text);
}

rd_kafka_conf_t *gust_kafka_tool_conf_new(void)
{
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set_log_cb(conf, on_log);
  return conf;
}

rd_kafka_t *gust_kafka_tool_client_new(rd_kafka_type_t type, rd_kafka_conf_t *conf,
                                       const char *bootstrap, const char *group,
                                       const char *default_group, GError **error)
{
  char reason[512] = "";
  char own_group[256];
  size_t own_group_len = sizeof own_group;
  gboolean has_group =
      rd_kafka_conf_get(conf, "group.id", own_group, &own_group_len) == RD_KAFKA_CONF_OK &&
      own_group[0];
  if (!group && !has_group) group = default_group;
  char servers[1024] = "";
  size_t servers_len = sizeof servers;
  if (!bootstrap) rd_kafka_conf_get(conf, "bootstrap.servers", servers, &servers_len);
  gboolean bad = (bootstrap &&
                  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, reason, sizeof reason)) ||
                 (type == RD_KAFKA_CONSUMER &&
                  ((group && rd_kafka_conf_set(conf, "group.id", group, reason, sizeof reason)) ||
                   rd_kafka_conf_set(conf, "enable.auto.commit", "false", reason, sizeof reason)));
  rd_kafka_t *rk = bad ? NULL : rd_kafka_new(type, conf, reason, sizeof reason);
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    failed(error, "Kafka at %s: %s", bootstrap ? bootstrap : servers, reason);
  }
  return rk;
}

rd_kafka_resp_err_t gust_kafka_tool_produce(rd_kafka_t *rk, const char *topic, int32_t partition,
                                            const void *key, size_t key_len, const void *value,
                                            size_t len)
{
  rd_kafka_resp_err_t err;
  while ((err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
                                  RD_KAFKA_V_KEY(key, key ? key_len : 0),
                                  RD_KAFKA_V_VALUE((void *)value, len),
                                  RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)) ==
         RD_KAFKA_RESP_ERR__QUEUE_FULL)
    rd_kafka_poll(rk, 100);
  rd_kafka_poll(rk, 0);
  return err;
}

rd_kafka_topic_partition_list_t *gust_kafka_tool_partitions(rd_kafka_t *rk, const char *bootstrap,
                                                            const char *topic, int64_t offset,
                                                            int timeout_ms, GError **error)
{
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
  const struct rd_kafka_metadata *md = NULL;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, timeout_ms);
  rd_kafka_topic_destroy(rkt);
  if (!err && md->topic_cnt == 1) err = md->topics[0].err;
  if (!err && (md->topic_cnt != 1 || md->topics[0].partition_cnt == 0))
    err = RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
  rd_kafka_topic_partition_list_t *list = NULL;
  if (err) {
    failed(error, "cannot read topic '%s' at %s: %s", topic, bootstrap, rd_kafka_err2str(err));
  } else {
    list = rd_kafka_topic_partition_list_new(md->topics[0].partition_cnt);
    for (int i = 0; i < md->topics[0].partition_cnt; i++)
      rd_kafka_topic_partition_list_add(list, topic, md->topics[0].partitions[i].id)->offset =
          offset;
    rd_kafka_topic_partition_list_sort(list, NULL, NULL);
  }
  if (md) rd_kafka_metadata_destroy(md);
  return list;
}

gboolean gust_kafka_tool_committed(rd_kafka_t *rk, rd_kafka_topic_partition_list_t *list,
                                   const char *bootstrap, const char *group, int timeout_ms,
                                   GError **error)
{
  for (int i = 0; i < list->cnt; i++)
    list->elems[i].offset = RD_KAFKA_OFFSET_INVALID;
  rd_kafka_resp_err_t err = rd_kafka_committed(rk, list, timeout_ms);
  if (err)
    return failed(error, "cannot read group '%s''s committed offsets at %s: %s", group, bootstrap,
                  rd_kafka_err2str(err));
  for (int i = 0; i < list->cnt; i++)
    if (list->elems[i].offset < 0) list->elems[i].offset = -1;
  return TRUE;
}

gboolean gust_kafka_tool_watermarks(rd_kafka_t *rk, const char *bootstrap, const char *topic,
                                    int32_t partition, int64_t *low, int64_t *high, int timeout_ms,
                                    GError **error)
{
  rd_kafka_resp_err_t err =
      rd_kafka_query_watermark_offsets(rk, topic, partition, low, high, timeout_ms);
  if (err)
    return failed(error, "cannot read the offsets of topic '%s' partition %d at %s: %s", topic,
                  partition, bootstrap, rd_kafka_err2str(err));
  return TRUE;
}
