/* test_flux_kafka.c — KafkaSpout and KafkaBolt as Flux files describe them:
 * the bean shapes of storm-kafka-client (a KafkaSpoutConfig$Builder, the
 * KafkaSpoutConfig built from it, Storm's own flux-examples file, the
 * builder() factory, Pattern topics, retry beans; a KafkaBolt with
 * Properties, selectors and mappers) load into the normalized Kafka conf
 * the runtime reads, with Storm's defaults and output fields; shapes gust
 * cannot run are refused with a message naming what and why.
 */
#include <gust/flux.h>
#include <gust/kafka.h>

#include "compat_test.h"

static const char *const spout_tail =
    "  - id: \"spoutConfig\"\n"
    "    className: \"org.apache.storm.kafka.spout.KafkaSpoutConfig\"\n"
    "    constructorArgs:\n"
    "      - ref: \"builder\"\n"
    "spouts:\n"
    "  - id: \"kafka-spout\"\n"
    "    className: \"org.apache.storm.kafka.spout.KafkaSpout\"\n"
    "    constructorArgs:\n"
    "      - ref: \"spoutConfig\"\n";

static gust_topology *load(const char *text, GError **error)
{
  return gust_flux_load_string(text, "kafka.yaml", NULL, error);
}

static json_t *spout_conf(gust_topology *t)
{
  gust_component *spout = gust_topology_lookup(t, "kafka-spout");
  g_assert_nonnull(spout);
  json_t *conf = json_object_get(gust_component_conf(spout), GUST_KAFKA_SPOUT_CONF);
  g_assert_true(json_is_object(conf));
  return conf;
}

static const char *conf_str(const json_t *conf, const char *path)
{
  g_auto(GStrv) keys = g_strsplit(path, "|", -1);
  const json_t *v = conf;
  for (char **k = keys; *k; k++)
    v = json_object_get(v, *k);
  return json_string_value(v);
}

static json_int_t conf_int(const json_t *conf, const char *key)
{
  g_assert_true(json_is_integer(json_object_get(conf, key)));
  return json_integer_value(json_object_get(conf, key));
}

static void assert_fields(gust_topology *t, const char *const *expected)
{
  const gust_stream *s =
      gust_component_lookup_stream(gust_topology_lookup(t, "kafka-spout"), "default");
  g_assert_nonnull(s);
  const char *const *fields = gust_stream_fields(s);
  for (gsize i = 0; expected[i]; i++)
    g_assert_cmpstr(fields[i], ==, expected[i]);
  g_assert_null(fields[g_strv_length((char **)expected)]);
}

static void test_storm_flux_example_shape_loads(void)
{
  /* the shape of storm's flux-examples kafka_spout.yaml */
  g_autofree char *text =
      g_strconcat("name: kafka-topology\n"
                  "components:\n"
                  "  - id: \"onlyValueRecordTranslator\"\n"
                  "    className: \"org.apache.storm.flux.examples.OnlyValueRecordTranslator\"\n"
                  "  - id: \"builder\"\n"
                  "    className: \"org.apache.storm.kafka.spout.KafkaSpoutConfig$Builder\"\n"
                  "    constructorArgs:\n"
                  "      - \"127.0.0.1:9092\"\n"
                  "      - [\"myKafkaTopic\"]\n"
                  "    properties:\n"
                  "      - name: \"firstPollOffsetStrategy\"\n"
                  "        value: EARLIEST\n"
                  "      - name: \"recordTranslator\"\n"
                  "        ref: \"onlyValueRecordTranslator\"\n"
                  "    configMethods:\n"
                  "      - name: \"setProp\"\n"
                  "        args:\n"
                  "          - {\"key.deserializer\": "
                  "\"org.apache.kafka.common.serialization.StringDeserializer\",\n"
                  "             \"value.deserializer\": "
                  "\"org.apache.kafka.common.serialization.StringDeserializer\"}\n",
                  spout_tail, NULL);
  GError *error = NULL;
  gust_topology *t = load(text, &error);
  g_assert_no_error(error);
  json_t *conf = spout_conf(t);
  g_assert_cmpstr(conf_str(conf, "props|bootstrap.servers"), ==, "127.0.0.1:9092");
  g_assert_cmpstr(conf_str(conf, "props|value.deserializer"), ==,
                  "org.apache.kafka.common.serialization.StringDeserializer");
  g_assert_cmpstr(conf_str(conf, "props|auto.offset.reset"), ==, "earliest"); /* AT_LEAST_ONCE */
  g_assert_cmpstr(json_string_value(json_array_get(json_object_get(conf, "topics"), 0)), ==,
                  "myKafkaTopic");
  g_assert_cmpstr(conf_str(conf, "first.poll.offset.strategy"), ==, "EARLIEST");
  g_assert_cmpstr(conf_str(conf, "record.translator"), ==, "value-only");
  static const char *const value_only[] = {"value", NULL};
  assert_fields(t, value_only);
  gust_topology_free(t);
}

static void test_builder_config_methods_and_defaults(void)
{
  g_autofree char *text =
      g_strconcat("name: kafka-methods\n"
                  "components:\n"
                  "  - id: \"builder\"\n"
                  "    className: \"org.apache.storm.kafka.spout.KafkaSpoutConfig$Builder\"\n"
                  "    constructorArgs: [\"127.0.0.1:9092\", \"single\"]\n"
                  "    configMethods:\n"
                  "      - {name: setProp, args: [\"group.id\", \"my-group\"]}\n"
                  "      - {name: setProp, args: [\"fetch.min.bytes\", 1]}\n"
                  "      - {name: setProcessingGuarantee, args: [AT_MOST_ONCE]}\n"
                  "      - {name: setFirstPollOffsetStrategy, args: [UNCOMMITTED_LATEST]}\n"
                  "      - {name: setMaxUncommittedOffsets, args: [250]}\n"
                  "      - {name: setPollTimeoutMs, args: [50]}\n"
                  "      - {name: setOffsetCommitPeriodMs, args: [1000]}\n",
                  spout_tail, NULL);
  GError *error = NULL;
  gust_topology *t = load(text, &error);
  g_assert_no_error(error);
  json_t *conf = spout_conf(t);
  g_assert_cmpstr(conf_str(conf, "props|group.id"), ==, "my-group");
  g_assert_cmpstr(conf_str(conf, "props|fetch.min.bytes"), ==, "1");
  g_assert_null(conf_str(conf, "props|auto.offset.reset")); /* only forced for AT_LEAST_ONCE */
  g_assert_cmpstr(conf_str(conf, "processing.guarantee"), ==, "AT_MOST_ONCE");
  g_assert_cmpstr(conf_str(conf, "first.poll.offset.strategy"), ==, "UNCOMMITTED_LATEST");
  g_assert_cmpint(conf_int(conf, "max.uncommitted.offsets"), ==, 250);
  g_assert_cmpint(conf_int(conf, "poll.timeout.ms"), ==, 50);
  g_assert_cmpint(conf_int(conf, "offset.commit.period.ms"), ==, 1000);
  g_assert_cmpstr(json_string_value(json_array_get(json_object_get(conf, "topics"), 0)), ==,
                  "single");
  static const char *const record[] = {"topic", "partition", "offset", "key", "value", NULL};
  assert_fields(t, record);
  gust_topology_free(t);

  /* nothing set: storm-kafka-client's defaults */
  g_autofree char *plain = g_strconcat("name: kafka-defaults\n"
                                       "components:\n"
                                       "  - id: \"builder\"\n"
                                       "    className: "
                                       "\"org.apache.storm.kafka.spout.KafkaSpoutConfig$Builder\"\n"
                                       "    constructorArgs: [\"127.0.0.1:9092\", [a, b]]\n",
                                       spout_tail, NULL);
  t = load(plain, &error);
  g_assert_no_error(error);
  conf = spout_conf(t);
  g_assert_cmpstr(conf_str(conf, "processing.guarantee"), ==, "AT_LEAST_ONCE");
  g_assert_cmpstr(conf_str(conf, "first.poll.offset.strategy"), ==, "UNCOMMITTED_EARLIEST");
  g_assert_cmpint(conf_int(conf, "offset.commit.period.ms"), ==, 30000);
  g_assert_cmpint(conf_int(conf, "max.uncommitted.offsets"), ==, 10000000);
  g_assert_cmpint(conf_int(conf, "poll.timeout.ms"), ==, 200);
  g_assert_cmpint(conf_int(json_object_get(conf, "retry"), "max.delay.us"), ==, 10000000);
  g_assert_cmpuint(json_array_size(json_object_get(conf, "topics")), ==, 2);
  gust_topology_free(t);
}

static void test_builder_factory_pattern_and_retry_beans(void)
{
  g_autofree char *text = g_strconcat(
      "name: kafka-factory\n"
      "components:\n"
      "  - id: \"topics\"\n"
      "    className: \"java.util.regex.Pattern\"\n"
      "    factory: \"compile\"\n"
      "    factoryArgs: [\"events-.*\"]\n"
      "  - id: \"first\"\n"
      "    className: "
      "\"org.apache.storm.kafka.spout.KafkaSpoutRetryExponentialBackoff$TimeInterval\"\n"
      "    factory: \"milliSeconds\"\n"
      "    factoryArgs: [5]\n"
      "  - id: \"period\"\n"
      "    className: "
      "\"org.apache.storm.kafka.spout.KafkaSpoutRetryExponentialBackoff$TimeInterval\"\n"
      "    constructorArgs: [10, MILLISECONDS]\n"
      "  - id: \"most\"\n"
      "    className: "
      "\"org.apache.storm.kafka.spout.KafkaSpoutRetryExponentialBackoff$TimeInterval\"\n"
      "    factory: \"seconds\"\n"
      "    factoryArgs: [2]\n"
      "  - id: \"retry\"\n"
      "    className: \"org.apache.storm.kafka.spout.KafkaSpoutRetryExponentialBackoff\"\n"
      "    constructorArgs: [ref: first, ref: period, 7, ref: most]\n"
      "  - id: \"props\"\n"
      "    className: \"java.util.Properties\"\n"
      "    configMethods:\n"
      "      - {name: put, args: [\"group.id\", \"from-properties\"]}\n"
      "  - id: \"builder\"\n"
      "    className: \"org.apache.storm.kafka.spout.KafkaSpoutConfig\"\n"
      "    factory: \"builder\"\n"
      "    factoryArgs: [\"127.0.0.1:9092\", ref: topics]\n"
      "    properties:\n"
      "      - {name: retry, ref: retry}\n"
      "    configMethods:\n"
      "      - {name: setProp, args: [ref: props]}\n",
      spout_tail, NULL);
  GError *error = NULL;
  gust_topology *t = load(text, &error);
  g_assert_no_error(error);
  json_t *conf = spout_conf(t);
  g_assert_cmpstr(conf_str(conf, "topic.pattern"), ==, "events-.*");
  g_assert_null(json_object_get(conf, "topics"));
  g_assert_cmpstr(conf_str(conf, "props|group.id"), ==, "from-properties");
  json_t *retry = json_object_get(conf, "retry");
  g_assert_cmpint(conf_int(retry, "initial.delay.us"), ==, 5000);
  g_assert_cmpint(conf_int(retry, "delay.period.us"), ==, 10000);
  g_assert_cmpint(conf_int(retry, "max.retries"), ==, 7);
  g_assert_cmpint(conf_int(retry, "max.delay.us"), ==, 2000000);
  gust_topology_free(t);
}

typedef struct {
  const char *builder_lines; /* appended to the builder definition */
  const char *expected;      /* in the error message */
} refused_case;

static void test_unsupported_spout_shapes_are_refused_clearly(void)
{
  static const refused_case cases[] = {
      {"    configMethods:\n      - {name: setRecordTranslator, args: [ref: mine]}\n",
       "record translators are Java code gust cannot run (component 'mine')"},
      {"    configMethods:\n      - {name: setProp, args: [\"enable.auto.commit\", true]}\n",
       "enable.auto.commit is not supported"},
      {"    configMethods:\n      - {name: setFirstPollOffsetStrategy, args: [TIMESTAMP]}\n",
       "Trident spout only"},
      {"    configMethods:\n      - {name: setFirstPollOffsetStrategy, args: [SOMETIMES]}\n",
       "setFirstPollOffsetStrategy takes one of EARLIEST, LATEST"},
      {"    configMethods:\n      - {name: setTupleListener, args: [ref: mine]}\n",
       "tuple listeners are Java code"},
      {"    configMethods:\n      - {name: setFrobnicate, args: [1]}\n",
       "setFrobnicate is not a KafkaSpoutConfig.Builder method"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *text =
        g_strconcat("name: kafka-refused\n"
                    "components:\n"
                    "  - id: \"mine\"\n"
                    "    className: \"com.example.MyTranslator\"\n"
                    "  - id: \"builder\"\n"
                    "    className: \"org.apache.storm.kafka.spout.KafkaSpoutConfig$Builder\"\n"
                    "    constructorArgs: [\"127.0.0.1:9092\", [t]]\n",
                    cases[i].builder_lines, spout_tail, NULL);
    GError *error = NULL;
    g_assert_null(load(text, &error));
    g_assert_nonnull(error);
    g_test_message("%s", error->message);
    assert_contains(error->message, cases[i].expected);
    assert_contains(error->message, "kafka-spout"); /* the component */
    assert_contains(error->message, "'builder'");   /* the bean */
    g_error_free(error);
  }
}

static gust_topology *load_bolt(const char *components, const char *bolt_lines, GError **error)
{
  g_autofree char *text =
      g_strconcat("name: kafka-bolt\n"
                  "components:\n",
                  components,
                  "spouts:\n"
                  "  - id: words\n"
                  "    className: org.apache.storm.testing.TestWordSpout\n"
                  "bolts:\n"
                  "  - id: \"to-kafka\"\n"
                  "    className: \"org.apache.storm.kafka.bolt.KafkaBolt\"\n",
                  bolt_lines,
                  "streams:\n"
                  "  - {from: words, to: to-kafka, grouping: {type: SHUFFLE}}\n",
                  NULL);
  return load(text, error);
}

static void test_kafka_bolt_shapes_load(void)
{
  const char *components =
      "  - id: \"producerProps\"\n"
      "    className: \"java.util.Properties\"\n"
      "    configMethods:\n"
      "      - {name: put, args: [\"bootstrap.servers\", \"127.0.0.1:9092\"]}\n"
      "      - {name: put, args: [\"acks\", \"1\"]}\n"
      "      - {name: put, args: [\"key.serializer\", "
      "\"org.apache.kafka.common.serialization.StringSerializer\"]}\n"
      "  - id: \"selector\"\n"
      "    className: \"org.apache.storm.kafka.bolt.selector.FieldNameTopicSelector\"\n"
      "    constructorArgs: [\"topic\", \"fallback\"]\n"
      "  - id: \"mapper\"\n"
      "    className: \"org.apache.storm.kafka.bolt.mapper.FieldNameBasedTupleToKafkaMapper\"\n"
      "    constructorArgs: [\"word\", \"word\"]\n";
  const char *bolt = "    configMethods:\n"
                     "      - {name: withProducerProperties, args: [ref: producerProps]}\n"
                     "      - {name: withTopicSelector, args: [ref: selector]}\n"
                     "      - {name: withTupleToKafkaMapper, args: [ref: mapper]}\n"
                     "    properties:\n"
                     "      - {name: fireAndForget, value: true}\n";
  GError *error = NULL;
  gust_topology *t = load_bolt(components, bolt, &error);
  g_assert_no_error(error);
  gust_component *c = gust_topology_lookup(t, "to-kafka");
  json_t *conf = json_object_get(gust_component_conf(c), GUST_KAFKA_BOLT_CONF);
  g_assert_cmpstr(conf_str(conf, "props|bootstrap.servers"), ==, "127.0.0.1:9092");
  g_assert_cmpstr(conf_str(conf, "props|acks"), ==, "1");
  g_assert_cmpstr(conf_str(conf, "topic.selector|kind"), ==, "field-name");
  g_assert_cmpstr(conf_str(conf, "topic.selector|field"), ==, "topic");
  g_assert_cmpstr(conf_str(conf, "topic.selector|default"), ==, "fallback");
  g_assert_cmpstr(conf_str(conf, "mapper|key.field"), ==, "word");
  g_assert_cmpstr(conf_str(conf, "mapper|message.field"), ==, "word");
  g_assert_true(json_is_true(json_object_get(conf, "fire.and.forget")));
  g_assert_cmpint(
      json_integer_value(json_object_get(gust_component_conf(c), "topology.tick.tuple.freq.secs")),
      ==, 1);
  g_assert_cmpuint(gust_component_n_streams(c), ==, 0);
  gust_topology_free(t);

  /* a topic name straight in withTopicSelector, the default mapper, an inline map */
  t = load_bolt("  []\n",
                "    configMethods:\n"
                "      - {name: withTopicSelector, args: [\"out\"]}\n"
                "      - {name: withProducerProperties, args: [{bootstrap.servers: embedded}]}\n",
                &error);
  g_assert_no_error(error);
  conf = json_object_get(gust_component_conf(gust_topology_lookup(t, "to-kafka")),
                         GUST_KAFKA_BOLT_CONF);
  g_assert_cmpstr(conf_str(conf, "topic.selector|kind"), ==, "default");
  g_assert_cmpstr(conf_str(conf, "topic.selector|topic"), ==, "out");
  g_assert_cmpstr(conf_str(conf, "mapper|key.field"), ==, "key");
  g_assert_cmpstr(conf_str(conf, "mapper|message.field"), ==, "message");
  g_assert_cmpstr(conf_str(conf, "props|bootstrap.servers"), ==, "embedded");
  gust_topology_free(t);

  t = load_bolt("  []\n",
                "    configMethods:\n"
                "      - {name: withProducerCallback, args: [\"x\"]}\n",
                &error);
  g_assert_null(t);
  assert_contains(error->message, "producer callbacks are Java code");
  assert_contains(error->message, "to-kafka");
  g_clear_error(&error);
}

static void test_embedded_bootstrap_is_replaced_by_a_mock_cluster(void)
{
  g_autofree char *text =
      g_strconcat("name: kafka-embedded\n"
                  "components:\n"
                  "  - id: \"builder\"\n"
                  "    className: \"org.apache.storm.kafka.spout.KafkaSpoutConfig$Builder\"\n"
                  "    constructorArgs: [\"embedded\", [t]]\n",
                  spout_tail, NULL);
  GError *error = NULL;
  gust_topology *t = load(text, &error);
  g_assert_no_error(error);
  gust_kafka_mock *mock = NULL;
  g_assert_true(gust_kafka_embed_topology(t, &mock, &error));
  g_assert_no_error(error);
  g_assert_nonnull(mock);
  const char *servers = conf_str(spout_conf(t), "props|bootstrap.servers");
  g_assert_cmpstr(servers, ==, gust_kafka_mock_bootstrap(mock));
  g_assert_true(g_str_has_prefix(servers, "127.0.0.1:"));
  gust_kafka_mock_free(mock);
  gust_topology_free(t);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/flux_kafka/storm_flux_example_shape_loads",
                  test_storm_flux_example_shape_loads);
  g_test_add_func("/flux_kafka/builder_config_methods_and_defaults",
                  test_builder_config_methods_and_defaults);
  g_test_add_func("/flux_kafka/builder_factory_pattern_and_retry_beans",
                  test_builder_factory_pattern_and_retry_beans);
  g_test_add_func("/flux_kafka/unsupported_spout_shapes_are_refused_clearly",
                  test_unsupported_spout_shapes_are_refused_clearly);
  g_test_add_func("/flux_kafka/kafka_bolt_shapes_load", test_kafka_bolt_shapes_load);
  g_test_add_func("/flux_kafka/embedded_bootstrap_is_replaced_by_a_mock_cluster",
                  test_embedded_bootstrap_is_replaced_by_a_mock_cluster);
  return g_test_run();
}
