/* kafka_lag.c — a KafkaSpout's lag as Storm UI shows it: per partition of
 * the spout's topics, the offset its consumer group committed and the
 * partition's head (high watermark), read from the brokers by a consumer
 * of its own (as Storm's storm-kafka-monitor does), never from the
 * spout's tasks.  Blocking, bounded by timeout_ms per broker call; any
 * thread.
 */
#include "kafka_client.h"
#include "kafka_tool_client.h"

static const char *const LAG_SKIP_PROPS[] = {"key.deserializer", "value.deserializer",
                                             "max.poll.records", NULL};

void gust_kafka_partition_lag_free(gpointer p)
{
  gust_kafka_partition_lag *l = p;
  g_free(l->topic);
  g_free(l);
}

/* The partitions of the spout's topics (its list, or those matching its
 * pattern) from the cluster's metadata. */
static rd_kafka_topic_partition_list_t *spout_partitions(rd_kafka_t *rk, const json_t *kconf,
                                                         const char *bootstrap, int timeout_ms,
                                                         GError **error)
{
  const struct rd_kafka_metadata *md = NULL;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, NULL, &md, timeout_ms);
  if (err) {
    g_set_error(error, GUST_KAFKA_ERROR, GUST_KAFKA_ERROR_FAILED,
                "cannot read the topics' metadata at %s: %s", bootstrap, rd_kafka_err2str(err));
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
  const char *bootstrap = json_string_value(json_object_get(props, "bootstrap.servers"));
  const char *at = bootstrap ? bootstrap : "(no bootstrap.servers)";
  gust_kafka_client client;
  gust_kafka_client_init(&client, "reading", g_strdup(who), g_strdup(at));
  rd_kafka_conf_t *rconf = gust_kafka_client_conf(&client, props, LAG_SKIP_PROPS, error);
  if (!rconf) { /* the error names the client */
    gust_kafka_client_clear(&client);
    return NULL;
  }
  /* the spout's own group (its default is the spout's: gust-TOPOLOGY-COMPONENT) */
  g_autofree char *default_group = g_strdup_printf("gust-%s-%s", topology_name, component_id);
  const char *group = json_string_value(json_object_get(props, "group.id"));
  GError *lag_error = NULL;
  GPtrArray *out = NULL;
  rd_kafka_topic_partition_list_t *list = NULL;
  rd_kafka_t *rk =
      gust_kafka_tool_client_new(RD_KAFKA_CONSUMER, rconf, NULL, NULL, default_group, &lag_error);
  if (rk) list = spout_partitions(rk, kconf, at, timeout_ms, &lag_error);
  if (list && gust_kafka_tool_committed(rk, list, at, group ? group : default_group, timeout_ms,
                                        &lag_error)) {
    out = g_ptr_array_new_with_free_func(gust_kafka_partition_lag_free);
    for (int i = 0; i < list->cnt; i++) {
      const rd_kafka_topic_partition_t *tp = &list->elems[i];
      int64_t low = -1, high = -1;
      if (!gust_kafka_tool_watermarks(rk, at, tp->topic, tp->partition, &low, &high, timeout_ms,
                                      NULL))
        high = -1;
      gust_kafka_partition_lag *l = g_new0(gust_kafka_partition_lag, 1);
      l->topic = g_strdup(tp->topic);
      l->partition = tp->partition;
      l->committed = tp->offset;
      l->head = high;
      g_ptr_array_add(out, l);
    }
  }
  if (lag_error) {
    g_prefix_error(&lag_error, "%s: ", who);
    g_propagate_error(error, lag_error);
  }
  if (list) rd_kafka_topic_partition_list_destroy(list);
  if (rk) rd_kafka_destroy(rk);
  gust_kafka_client_clear(&client);
  return out;
}
