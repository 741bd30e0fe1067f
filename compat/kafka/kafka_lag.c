/* kafka_lag.c — a KafkaSpout's lag as Storm UI shows it: per partition of
 * the spout's topics, the offset its consumer group committed and the
 * partition's head (high watermark), read from the brokers by a consumer
 * of its own (as Storm's storm-kafka-monitor does), never from the
 * spout's tasks.  Blocking, bounded by timeout_ms per broker call; any
 * thread.
 */
#include "kafka_client.h"

static const char *const LAG_SKIP_PROPS[] = {"key.deserializer", "value.deserializer",
                                             "max.poll.records", NULL};

void gust_kafka_partition_lag_free(gpointer p)
{
  gust_kafka_partition_lag *l = p;
  g_free(l->topic);
  g_free(l);
}

static gboolean kafka_failed(GError **error, const char *who, const char *what,
                             rd_kafka_resp_err_t err)
{
  g_set_error(error, GUST_KAFKA_ERROR, GUST_KAFKA_ERROR_FAILED, "%s: %s: %s", who, what,
              rd_kafka_err2str(err));
  return FALSE;
}

/* The partitions of the spout's topics (its list, or those matching its
 * pattern) from the cluster's metadata. */
static rd_kafka_topic_partition_list_t *spout_partitions(rd_kafka_t *rk, const json_t *kconf,
                                                         int timeout_ms, const char *who,
                                                         GError **error)
{
  const struct rd_kafka_metadata *md = NULL;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, NULL, &md, timeout_ms);
  if (err) {
    kafka_failed(error, who, "cannot read the topics' metadata", err);
    return NULL;
  }
  /* a pattern matches whole names, as Java's Matcher.matches() */
  const char *pattern = json_string_value(json_object_get(kconf, "topic.pattern"));
  g_autofree char *whole = pattern ? g_strdup_printf("^(?:%s)$", pattern) : NULL;
  g_autoptr(GRegex) re = whole ? g_regex_new(whole, 0, 0, NULL) : NULL;
  const json_t *topics = json_object_get(kconf, "topics");
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(16);
  for (int i = 0; i < md->topic_cnt; i++) {
    const char *name = md->topics[i].topic;
    gboolean wanted = re && g_regex_match(re, name, 0, NULL);
    for (size_t k = 0; !re && k < json_array_size(topics); k++)
      wanted |= !g_strcmp0(json_string_value(json_array_get(topics, k)), name);
    for (int p = 0; wanted && p < md->topics[i].partition_cnt; p++)
      rd_kafka_topic_partition_list_add(list, name, md->topics[i].partitions[p].id);
  }
  rd_kafka_metadata_destroy(md);
  return list;
}

GPtrArray *gust_kafka_spout_lag(const json_t *component_conf, const char *topology_name,
                                const char *component_id, int timeout_ms, GError **error)
{
  const json_t *kconf = json_object_get(component_conf, GUST_KAFKA_SPOUT_CONF);
  const json_t *props = json_object_get(kconf, "props");
  g_autofree char *who = g_strdup_printf("kafka spout '%s' lag", component_id);
  if (!json_is_object(props)) {
    g_set_error(error, GUST_KAFKA_ERROR, GUST_KAFKA_ERROR_ARGUMENT,
                "%s: the component has no Kafka spout configuration", who);
    return NULL;
  }
  gust_kafka_client client;
  gust_kafka_client_init(&client, "reading", g_strdup(who),
                         g_strdup(json_string_value(json_object_get(props, "bootstrap.servers"))));
  rd_kafka_conf_t *rconf = gust_kafka_client_conf(&client, props, LAG_SKIP_PROPS, error);
  if (!rconf) {
    gust_kafka_client_clear(&client);
    return NULL;
  }
  /* the spout's own group (its default is the spout's: gust-TOPOLOGY-COMPONENT) */
  g_autofree char *group = g_strdup_printf("gust-%s-%s", topology_name, component_id);
  char reason[512];
  if (!json_object_get(props, "group.id"))
    rd_kafka_conf_set(rconf, "group.id", group, reason, sizeof reason);
  rd_kafka_conf_set(rconf, "enable.auto.commit", "false", reason, sizeof reason);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, rconf, reason, sizeof reason);
  if (!rk) {
    rd_kafka_conf_destroy(rconf);
    g_set_error(error, GUST_KAFKA_ERROR, GUST_KAFKA_ERROR_FAILED, "%s: %s", who, reason);
    gust_kafka_client_clear(&client);
    return NULL;
  }
  GPtrArray *out = NULL;
  rd_kafka_topic_partition_list_t *list = spout_partitions(rk, kconf, timeout_ms, who, error);
  rd_kafka_resp_err_t err = list ? rd_kafka_committed(rk, list, timeout_ms) : 0;
  if (list && err)
    kafka_failed(error, who, "cannot read the committed offsets", err);
  else if (list) {
    out = g_ptr_array_new_with_free_func(gust_kafka_partition_lag_free);
    for (int i = 0; i < list->cnt; i++) {
      const rd_kafka_topic_partition_t *tp = &list->elems[i];
      int64_t low = -1, high = -1;
      if (rd_kafka_query_watermark_offsets(rk, tp->topic, tp->partition, &low, &high, timeout_ms))
        high = -1;
      gust_kafka_partition_lag *l = g_new0(gust_kafka_partition_lag, 1);
      l->topic = g_strdup(tp->topic);
      l->partition = tp->partition;
      l->committed = tp->offset >= 0 ? tp->offset : -1;
      l->head = high;
      g_ptr_array_add(out, l);
    }
  }
  if (list) rd_kafka_topic_partition_list_destroy(list);
  rd_kafka_destroy(rk);
  gust_kafka_client_clear(&client);
  return out;
}
