/* kafka_spout.c — storm-kafka-client's KafkaSpout on librdkafka: its
 * life (configuration, consumer, discovery thread, close) and its acks.
 *
 * One spout object per Storm task, driven by that task's thread:
 *   next()    kafka_spout_poll.c: takes partition assignments from the
 *             discovery thread (kafka_discovery.c), seeks back for due
 *             retries, commits when due, pauses at max.uncommitted.offsets,
 *             polls without blocking and emits a bounded batch;
 *   ack/fail  here: update the partition's offset ledger (kafka_offsets.c);
 *             a fail schedules a retry with exponential back-off;
 *   commits and snapshots: kafka_spout_state.c.
 *
 * Threads: librdkafka fetches on its own threads; error and offset-commit
 * callbacks are served inside rd_kafka_consumer_poll(), i.e. on the task
 * thread, which owns every field of the spout.  Log lines come from
 * librdkafka's threads (kafka_client.c).  The discovery thread only
 * touches the consumer handle through librdkafka's thread-safe calls.
 *
 * Start offsets of a newly assigned partition: the restored snapshot's if
 * it has one (checkpoint restarts), else the first poll strategy —
 * EARLIEST / LATEST always (each `gust local` run is a new deployment),
 * UNCOMMITTED_* from the group's committed offset when there is one.
 *
 * Output: [topic, partition, offset, key, value] or [value]; the message
 * id of a reliable emit is the list [topic, partition, offset].
 * pollTimeoutMs is read but unused: polls never block a task; an empty
 * poll lets the engine's idle back-off run instead.
 */
#define G_LOG_DOMAIN "gust-kafka"

#include "kafka_spout_private.h"

#include <gust/conf.h>
#include <gust/runtime.h>
#include <stdlib.h>
#include <string.h>

enum { FIRST_COMMIT_DELAY_US = 500000 };

static const char *const java_only_consumer_props[] = {
    "key.deserializer",
    "value.deserializer",
    "max.poll.records",
    NULL,
};

void kafka_spout_partition_key(char *buf, const char *topic, int32_t partition)
{
  g_snprintf(buf, KAFKA_SPOUT_KEY_MAX, "%s/%d", topic, partition);
}

spout_partition *kafka_spout_partition(gust_kafka_spout *s, const char *topic, int32_t partition)
{
  char key[KAFKA_SPOUT_KEY_MAX];
  kafka_spout_partition_key(key, topic, partition);
  return g_hash_table_lookup(s->partitions, key);
}

void kafka_spout_partition_free(gpointer data)
{
  spout_partition *p = data;
  gust_kafka_offsets_free(p->ledger);
  g_free(p->topic);
  g_free(p->key);
  g_free(p);
}

/* ---- configuration ---- */

static gboolean config_error(gust_kafka_spout *s, GError **error, const char *what)
{
  g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_CONFIG, "%s: %s", s->client.who, what);
  return FALSE;
}

/* An integer of the KafkaSpoutConfig that kafka_spout_class.c built and
 * range-checked (its defaults filled in), not of the topology conf. */
static int64_t spout_setting(const json_t *kconf, const char *key, int64_t fallback)
{
  json_t *v = json_object_get(kconf, key);
  return json_is_integer(v) ? json_integer_value(v) : fallback;
}

static gboolean read_enum(const json_t *conf, const char *key, const char *const *names, int *out)
{
  const char *name = json_string_value(json_object_get(conf, key));
  for (int i = 0; name && names[i]; i++)
    if (g_str_equal(name, names[i])) {
      *out = i;
      return TRUE;
    }
  return FALSE;
}

static char *describe_topics(const json_t *kconf, const json_t *props)
{
  GString *where = g_string_new(NULL);
  const char *pattern = json_string_value(json_object_get(kconf, "topic.pattern"));
  if (pattern) {
    g_string_append_printf(where, "topics matching '%s'", pattern);
  } else {
    json_t *topics = json_object_get(kconf, "topics");
    g_string_append(where, json_array_size(topics) == 1 ? "topic " : "topics ");
    for (size_t i = 0; i < json_array_size(topics); i++)
      g_string_append_printf(where, "%s%s", i ? ", " : "",
                             json_string_value(json_array_get(topics, i)));
  }
  g_string_append_printf(where, " at %s",
                         json_string_value(json_object_get(props, "bootstrap.servers")));
  return g_string_free(where, FALSE);
}

static gboolean read_config(gust_kafka_spout *s, const json_t *conf, const json_t *kconf,
                            GError **error)
{
  static const char *const strategies[] = {"EARLIEST", "LATEST", "UNCOMMITTED_EARLIEST",
                                           "UNCOMMITTED_LATEST", NULL};
  static const char *const guarantees[] = {"AT_LEAST_ONCE", "AT_MOST_ONCE", "NO_GUARANTEE", NULL};
  int strategy, guarantee;
  const json_t *props = json_object_get(kconf, "props");
  if (!read_enum(kconf, "first.poll.offset.strategy", strategies, &strategy) ||
      !read_enum(kconf, "processing.guarantee", guarantees, &guarantee) || !json_is_object(props))
    return config_error(s, error, "its Kafka configuration is malformed");
  s->strategy = strategy;
  s->guarantee = guarantee;
  s->commit_period_us = spout_setting(kconf, "offset.commit.period.ms", 30000) * 1000;
  s->max_uncommitted = spout_setting(kconf, "max.uncommitted.offsets", 10000000);
  gint max_pending;
  s->max_pending =
      gust_conf_lookup_int(conf, "topology.max.spout.pending", &max_pending) ? max_pending : 0;
  const char *batch = json_string_value(json_object_get(props, "max.poll.records"));
  s->batch = (guint)CLAMP(batch ? g_ascii_strtoll(batch, NULL, 10) : 500, 1, 100000);
  s->value_only =
      !g_strcmp0(json_string_value(json_object_get(kconf, "record.translator")), "value-only");
  json_t *retry = json_object_get(kconf, "retry");
  s->retry = (gust_kafka_retry_policy){
      .initial_delay_us = spout_setting(retry, "initial.delay.us", 0),
      .delay_period_us = spout_setting(retry, "delay.period.us", 2000),
      .max_delay_us = spout_setting(retry, "max.delay.us", 10000000),
      .max_retries = spout_setting(retry, "max.retries", G_MAXINT32),
  };
  const char *servers = json_string_value(json_object_get(props, "bootstrap.servers"));
  if (!servers || !*servers) return config_error(s, error, "no Kafka bootstrap servers are set");
  if (g_str_equal(servers, GUST_KAFKA_EMBEDDED))
    return config_error(s, error,
                        "bootstrap servers \"embedded\" name the embedded broker that "
                        "`gust local` starts; this runner did not start one");
  return gust_kafka_format_from_props(&s->client, props, "key.deserializer", &s->key_format,
                                      error) &&
         gust_kafka_format_from_props(&s->client, props, "value.deserializer", &s->value_format,
                                      error);
}

static gboolean set_default(rd_kafka_conf_t *rconf, const json_t *props, const char *key,
                            const char *value)
{
  char reason[256];
  if (json_object_get(props, key)) return TRUE;
  return rd_kafka_conf_set(rconf, key, value, reason, sizeof reason) == RD_KAFKA_CONF_OK;
}

static gboolean create_consumer(gust_kafka_spout *s, const gust_kafka_spout_params *p,
                                const json_t *props, GError **error)
{
  rd_kafka_conf_t *rconf =
      gust_kafka_client_conf(&s->client, props, java_only_consumer_props, error);
  if (!rconf) return FALSE;
  g_autofree char *group = g_strdup_printf("gust-%s-%s", p->topology_name, p->component_id);
  g_autofree char *client_id = g_strdup_printf("gust-%s-%d", p->component_id, p->task_id);
  char reason[512];
  if (!set_default(rconf, props, "group.id", group) ||
      !set_default(rconf, props, "client.id", client_id) ||
      rd_kafka_conf_set(rconf, "enable.auto.commit", "false", reason, sizeof reason) ||
      rd_kafka_conf_set(rconf, "enable.auto.offset.store", "false", reason, sizeof reason) ||
      rd_kafka_conf_set(rconf, "enable.partition.eof", "false", reason, sizeof reason)) {
    rd_kafka_conf_destroy(rconf);
    return config_error(s, error, "librdkafka refused the consumer defaults");
  }
  rd_kafka_conf_set_offset_commit_cb(rconf, kafka_spout_offset_commit_cb);
  s->rk = rd_kafka_new(RD_KAFKA_CONSUMER, rconf, reason, sizeof reason);
  if (!s->rk) {
    rd_kafka_conf_destroy(rconf);
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_CONFIG,
                "%s: cannot create the Kafka consumer: %s", s->client.who, reason);
    return FALSE;
  }
  rd_kafka_poll_set_consumer(s->rk);
  return TRUE;
}

/* A JSON array of strings as a vector, or NULL when absent. */
static char **strv_of(const json_t *array)
{
  if (!json_is_array(array)) return NULL;
  char **strv = g_new0(char *, json_array_size(array) + 1);
  for (size_t i = 0, n = 0; i < json_array_size(array); i++)
    if (json_is_string(json_array_get(array, i)))
      strv[n++] = g_strdup(json_string_value(json_array_get(array, i)));
  return strv;
}

gust_kafka_spout *gust_kafka_spout_new(const gust_kafka_spout_params *p, GError **error)
{
  const json_t *kconf = json_object_get(p->conf, GUST_KAFKA_SPOUT_CONF);
  gust_kafka_spout *s = g_new0(gust_kafka_spout, 1);
  const json_t *props = json_object_get(kconf, "props");
  gust_kafka_client_init(&s->client, "reading",
                         g_strdup_printf("kafka spout '%s' (task %d)", p->component_id, p->task_id),
                         describe_topics(kconf, props));
  s->partitions = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, kafka_spout_partition_free);
  s->restored = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  s->checkpoints = g_array_new(FALSE, FALSE, sizeof(pending_checkpoint));
  g_autofree char *thread_name = g_strdup_printf("gust-task-%d", p->task_id);
  json_t *metadata = json_pack("{ss si ss}", "topologyId", p->topology_name, "taskId", p->task_id,
                               "threadName", thread_name);
  char *dumped = json_dumps(metadata, JSON_COMPACT);
  s->commit_metadata = g_strdup(dumped);
  free(dumped);
  json_decref(metadata);
  s->next_commit_us = g_get_monotonic_time() + FIRST_COMMIT_DELAY_US;
  if (!json_is_object(kconf)) {
    config_error(s, error,
                 "has no Kafka configuration (define it in Flux with a "
                 "KafkaSpoutConfig component)");
    gust_kafka_spout_free(s);
    return NULL;
  }
  if (!read_config(s, p->conf, kconf, error) ||
      (p->restored && !kafka_spout_read_restored(s, p->restored, p->restored_len, error)) ||
      !create_consumer(s, p, props, error)) {
    gust_kafka_spout_free(s);
    return NULL;
  }
  g_auto(GStrv) topics = strv_of(json_object_get(kconf, "topics"));
  gust_kafka_discovery_options options = {
      .rk = s->rk,
      .client = &s->client,
      .topics = (const char *const *)topics,
      .pattern = json_string_value(json_object_get(kconf, "topic.pattern")),
      .task_index = p->task_index,
      .n_tasks = MAX(p->n_tasks, 1),
      .refresh_ms = spout_setting(kconf, "partition.refresh.period.ms", 2000),
      .want_committed = s->strategy == STRATEGY_UNCOMMITTED_EARLIEST ||
                        s->strategy == STRATEGY_UNCOMMITTED_LATEST,
  };
  if (!(s->discovery = gust_kafka_discovery_start(&options, error))) {
    gust_kafka_spout_free(s);
    return NULL;
  }
  g_info("%s: reading %s (%s, first poll %s)", s->client.who, s->client.where,
         json_string_value(json_object_get(kconf, "processing.guarantee")),
         json_string_value(json_object_get(kconf, "first.poll.offset.strategy")));
  return s;
}

/* ---- acks ---- */

static spout_partition *partition_of_id(gust_kafka_spout *s, const fc_value *id, int64_t *offset)
{
  if (!id || id->type != FC_LIST || id->len != 3 || id->u.items[0].type != FC_STR ||
      id->u.items[1].type != FC_I64 || id->u.items[2].type != FC_I64)
    return NULL;
  if (s->in_flight) s->in_flight--;
  char topic[KAFKA_SPOUT_KEY_MAX];
  g_snprintf(topic, sizeof topic, "%.*s", (int)id->u.items[0].len, id->u.items[0].u.str);
  *offset = id->u.items[2].u.i;
  return kafka_spout_partition(s, topic, (int32_t)id->u.items[1].u.i);
}

void gust_kafka_spout_ack(gust_kafka_spout *s, const fc_value *msg_id)
{
  int64_t offset;
  spout_partition *sp = partition_of_id(s, msg_id, &offset);
  if (sp) gust_kafka_offsets_acked(sp->ledger, offset);
}

void gust_kafka_spout_fail(gust_kafka_spout *s, const fc_value *msg_id)
{
  int64_t offset;
  spout_partition *sp = partition_of_id(s, msg_id, &offset);
  if (sp && !gust_kafka_offsets_failed(sp->ledger, offset, g_get_monotonic_time(), &s->retry))
    g_warning("%s: topic %s partition %d offset %" G_GINT64_FORMAT
              " failed more than %" G_GINT64_FORMAT " times; giving up on it (counted as acked)",
              s->client.who, sp->topic, sp->partition, offset, s->retry.max_retries);
}

guint gust_kafka_spout_n_partitions(const gust_kafka_spout *s)
{
  return g_hash_table_size(s->partitions);
}

void gust_kafka_spout_free(gust_kafka_spout *s)
{
  if (!s) return;
  gust_kafka_discovery_stop(s->discovery);
  if (s->rk) {
    kafka_spout_commit_final(s);
    rd_kafka_consumer_close(s->rk);
    rd_kafka_destroy(s->rk);
  }
  kafka_spout_checkpoints_clear(s);
  g_array_free(s->checkpoints, TRUE);
  g_hash_table_destroy(s->partitions);
  g_hash_table_destroy(s->restored);
  g_free(s->commit_metadata);
  gust_kafka_client_clear(&s->client);
  g_free(s);
}
