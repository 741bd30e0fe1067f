/* validate_topology.c — a topology's KafkaSpout / KafkaBolt topics, and
 * the redirection of a validation run (validate_topology.h).
 */
#include "validate_topology.h"
#include "validate_records.h"

#include <gust/kafka.h>

void gust_validate_kafka_ends_free(gust_validate_kafka_ends *ends)
{
  if (!ends) return;
  g_ptr_array_unref(ends->input_topics);
  g_ptr_array_unref(ends->output_topics);
  g_free(ends->input_bootstrap);
  g_free(ends->output_bootstrap);
  g_free(ends);
}

static void add_unique(GPtrArray *names, const char *name)
{
  if (!g_ptr_array_find_with_equal_func(names, name, g_str_equal, NULL))
    g_ptr_array_add(names, g_strdup(name));
}

static const char *servers(json_t *kconf)
{
  return json_string_value(json_object_get(json_object_get(kconf, "props"), "bootstrap.servers"));
}

gust_validate_kafka_ends *gust_validate_kafka_ends_of(const gust_topology *topology,
                                                      const char *file, GError **error)
{
  gust_validate_kafka_ends *ends = g_new0(gust_validate_kafka_ends, 1);
  ends->input_topics = g_ptr_array_new_with_free_func(g_free);
  ends->output_topics = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < gust_topology_n_components(topology); i++) {
    gust_component *c = gust_topology_component(topology, i);
    json_t *conf = gust_component_conf(c);
    json_t *spout = json_object_get(conf, GUST_KAFKA_SPOUT_CONF);
    json_t *bolt = json_object_get(conf, GUST_KAFKA_BOLT_CONF);
    if (spout) {
      json_t *topics = json_object_get(spout, "topics");
      if (!json_is_array(topics)) {
        g_set_error(error, GUST_VALIDATE_ERROR, GUST_VALIDATE_ERROR_UNUSABLE,
                    "%s: KafkaSpout '%s' reads a topic pattern; validate needs the topics named",
                    file, gust_component_id(c));
        goto fail;
      }
      size_t k;
      json_t *t;
      json_array_foreach(topics, k, t) add_unique(ends->input_topics, json_string_value(t));
      if (!ends->input_bootstrap) ends->input_bootstrap = g_strdup(servers(spout));
    }
    if (bolt) {
      json_t *selector = json_object_get(bolt, "topic.selector");
      const char *topic = json_string_value(json_object_get(selector, "topic"));
      if (g_strcmp0(json_string_value(json_object_get(selector, "kind")), "default") || !topic) {
        g_set_error(error, GUST_VALIDATE_ERROR, GUST_VALIDATE_ERROR_UNUSABLE,
                    "%s: KafkaBolt '%s' chooses its topic per tuple; validate redirects only a "
                    "DefaultTopicSelector's topic",
                    file, gust_component_id(c));
        goto fail;
      }
      add_unique(ends->output_topics, topic);
      if (!ends->output_bootstrap) ends->output_bootstrap = g_strdup(servers(bolt));
    }
  }
  if (!ends->input_topics->len) {
    g_set_error(error, GUST_VALIDATE_ERROR, GUST_VALIDATE_ERROR_UNUSABLE,
                "%s has no KafkaSpout: validate feeds the recorded input to the topology through "
                "a KafkaSpout's topic (org.apache.storm.kafka.spout.KafkaSpout)",
                file);
    goto fail;
  }
  if (!ends->output_topics->len) {
    g_set_error(error, GUST_VALIDATE_ERROR, GUST_VALIDATE_ERROR_UNUSABLE,
                "%s has no KafkaBolt: validate compares what the topology writes to Kafka "
                "(org.apache.storm.kafka.bolt.KafkaBolt), and there is nothing to compare",
                file);
    goto fail;
  }
  return ends;
fail:
  gust_validate_kafka_ends_free(ends);
  return NULL;
}

void gust_validate_redirect_topology(gust_topology *topology, const gust_validate_redirect *r)
{
  for (guint i = 0; i < gust_topology_n_components(topology); i++) {
    json_t *conf = gust_component_conf(gust_topology_component(topology, i));
    json_t *spout = json_object_get(conf, GUST_KAFKA_SPOUT_CONF);
    json_t *bolt = json_object_get(conf, GUST_KAFKA_BOLT_CONF);
    json_t *kconf = spout ? spout : bolt;
    if (!kconf) continue;
    json_t *props = json_object_get(kconf, "props");
    if (r->bootstrap) json_object_set_new(props, "bootstrap.servers", json_string(r->bootstrap));
    if (spout) {
      json_object_set_new(props, "group.id", json_string(r->group));
      json_object_set_new(spout, "first.poll.offset.strategy", json_string("UNCOMMITTED_EARLIEST"));
      if (r->commit_period_ms > 0)
        json_object_set_new(spout, "offset.commit.period.ms", json_integer(r->commit_period_ms));
    }
    if (bolt && r->topic_suffix) {
      json_t *selector = json_object_get(bolt, "topic.selector");
      const char *topic = json_string_value(json_object_get(selector, "topic"));
      g_autofree char *redirected = topic ? g_strconcat(topic, r->topic_suffix, NULL) : NULL;
      if (redirected) json_object_set_new(selector, "topic", json_string(redirected));
    }
  }
  if (r->reliability)
    gust_topology_set_conf_value(topology, "topology.gust.reliability",
                                 json_string(r->reliability));
}
