/* kafka_spout_class.c — org.apache.storm.kafka.spout.KafkaSpout from its
 * Flux definition: the bean graph of storm-kafka-client's configuration,
 * read into one normalized JSON object (component conf key
 * GUST_KAFKA_SPOUT_CONF) that compat/kafka/kafka_spout.c runs.
 *
 * Shapes understood (the ones Storm's flux-examples use, and their
 * obvious variants):
 *
 *   spout KafkaSpout            constructorArgs [ref CONFIG]
 *   CONFIG KafkaSpoutConfig     constructorArgs [ref BUILDER]
 *          (a ref straight to a BUILDER is accepted too)
 *   BUILDER KafkaSpoutConfig$Builder  constructorArgs [servers, topics]
 *          or KafkaSpoutConfig with factory "builder", factoryArgs alike
 *     topics: a list ["a", "b"], one or more strings "a", "b", a ref to a
 *     java.util.regex.Pattern bean (factory "compile", factoryArgs [re]),
 *     or (servers, ref NamedTopicFilter/PatternTopicFilter,
 *     ref RoundRobinManualPartitioner);
 *     calls (properties or configMethods): setProp(key, value),
 *     setProp(map | ref Properties), setGroupId, setFirstPollOffsetStrategy,
 *     setProcessingGuarantee, setMaxUncommittedOffsets, setPollTimeoutMs,
 *     setOffsetCommitPeriodMs, setPartitionRefreshPeriodMs,
 *     setEmitNullTuples, setRetry(ref KafkaSpoutRetryExponentialBackoff),
 *     setRecordTranslator(ref) with DefaultRecordTranslator or an
 *     OnlyValueRecordTranslator (the value-only output of the flux
 *     examples); setTupleTrackingEnforced, setMetricsTimeBucketSizeInSecs
 *     and setStartTimeStamp are accepted and have no effect.
 *
 * Defaults are storm-kafka-client's (KafkaSpoutConfig.java).  Under AT_LEAST_ONCE an
 * unset auto.offset.reset becomes "earliest"; enable.auto.commit is
 * refused, as Storm does.  The output stream follows the translator:
 * "default" with topic, partition, offset, key, value, or just value.
 * Runs on the loader's thread; no state survives the call.
 */
#include "known_classes.h"

#include <string.h>

#define BUILDER_CLASS "KafkaSpoutConfig$Builder"

typedef struct {
  const gust_builtin_class_context *context;
  json_t *conf;     /* the normalized configuration being built */
  const char *what; /* "KafkaSpoutConfig$Builder 'id'", for messages */
} spout_builder;

static json_t *default_conf(void)
{
  return json_pack("{s{} ss ss sI sI sI sI ss sb s{sI sI sI sI}}", "props",
                   "first.poll.offset.strategy", "UNCOMMITTED_EARLIEST", "processing.guarantee",
                   "AT_LEAST_ONCE", "offset.commit.period.ms", (json_int_t)30000,
                   "max.uncommitted.offsets", (json_int_t)10000000, "poll.timeout.ms",
                   (json_int_t)200, "partition.refresh.period.ms", (json_int_t)2000,
                   "record.translator", "default", "emit.null.tuples", 0, "retry",
                   "initial.delay.us", (json_int_t)0, "delay.period.us", (json_int_t)2000,
                   "max.retries", (json_int_t)G_MAXINT32, "max.delay.us", (json_int_t)10000000);
}

/* ---- topics ---- */

static gboolean read_pattern_bean(spout_builder *b, const json_t *ref, GError **error)
{
  const char *id;
  const json_t *bean = gust_object_def_deref(b->context, ref, &id, error);
  if (!bean) return FALSE;
  if (gust_object_def_class_is(bean, "Pattern")) {
    json_t *args = json_object_get(bean, "factoryArgs");
    const char *regex = json_string_value(json_array_get(args, 0));
    if (g_strcmp0(json_string_value(json_object_get(bean, "factory")), "compile") ||
        json_array_size(args) != 1 || !regex)
      return gust_builtin_class_refuse(
          error,
          "%s: the Pattern '%s' must be built with factory \"compile\" and "
          "factoryArgs [\"REGEX\"]",
          b->what, id);
    json_object_set_new(b->conf, "topic.pattern", json_string(regex));
    return TRUE;
  }
  return gust_builtin_class_refuse(error,
                                   "%s: topics must be a list of names, names, or a ref to a "
                                   "java.util.regex.Pattern; component '%s' is a %s",
                                   b->what, id, gust_object_def_class(bean));
}

static gboolean read_topic_filter(spout_builder *b, const json_t *filter, const json_t *partitioner,
                                  GError **error)
{
  const char *id, *partitioner_id;
  const json_t *bean = gust_object_def_deref(b->context, filter, &id, error);
  if (!bean) return FALSE;
  const json_t *p = gust_object_def_deref(b->context, partitioner, &partitioner_id, error);
  if (!p) return FALSE;
  if (!gust_object_def_class_is(p, "RoundRobinManualPartitioner"))
    return gust_builtin_class_refuse(
        error,
        "%s: only RoundRobinManualPartitioner is supported as the partitioner "
        "(component '%s' is a %s)",
        b->what, partitioner_id, gust_object_def_class(p));
  json_t *args = gust_object_def_constructor_args(bean);
  if (gust_object_def_class_is(bean, "PatternTopicFilter") && json_array_size(args) == 1 &&
      gust_object_def_is_ref(json_array_get(args, 0)))
    return read_pattern_bean(b, json_array_get(args, 0), error);
  if (gust_object_def_class_is(bean, "NamedTopicFilter") && json_array_size(args) >= 1) {
    json_t *topics = json_array_size(args) == 1 && json_is_array(json_array_get(args, 0))
                         ? json_deep_copy(json_array_get(args, 0))
                         : json_deep_copy(args);
    json_object_set_new(b->conf, "topics", topics);
    return TRUE;
  }
  return gust_builtin_class_refuse(
      error,
      "%s: component '%s' (%s) is not a NamedTopicFilter([topics]) or a "
      "PatternTopicFilter(ref Pattern)",
      b->what, id, gust_object_def_class(bean));
}

/* args: (servers, topics...) as the Builder constructors and builder(). */
static gboolean read_constructor(spout_builder *b, const json_t *args, GError **error)
{
  gsize n = json_array_size(args);
  const char *servers = json_string_value(json_array_get(args, 0));
  if (n < 2 || !servers)
    return gust_builtin_class_refuse(
        error,
        "%s takes (bootstrapServers, topics...): a string with the servers, then "
        "a list of topics, topic names, or a ref to a Pattern",
        b->what);
  json_object_set_new(json_object_get(b->conf, "props"), "bootstrap.servers", json_string(servers));
  const json_t *first = json_array_get(args, 1);
  if (n == 3 && gust_object_def_is_ref(first))
    return read_topic_filter(b, first, json_array_get(args, 2), error);
  if (n == 2 && gust_object_def_is_ref(first)) return read_pattern_bean(b, first, error);
  json_t *topics = json_array();
  for (gsize i = 1; i < n; i++) {
    const json_t *arg = json_array_get(args, i);
    if (json_is_array(arg) && n == 2)
      json_array_extend(topics, (json_t *)arg);
    else
      json_array_append(topics, (json_t *)arg);
  }
  json_object_set_new(b->conf, "topics", topics);
  gsize j;
  json_t *topic;
  json_array_foreach(topics, j, topic)
  {
    if (!json_is_string(topic) || !json_string_length(topic))
      return gust_builtin_class_refuse(error, "%s: topic names must be non-empty strings", b->what);
  }
  if (!json_array_size(topics))
    return gust_builtin_class_refuse(error, "%s: no topic is named", b->what);
  return TRUE;
}

/* ---- retries and translators ---- */

/* A KafkaSpoutRetryExponentialBackoff$TimeInterval bean in microseconds. */
static gboolean read_time_interval(spout_builder *b, const json_t *ref, json_int_t *us,
                                   GError **error)
{
  static const struct {
    const char *name;
    double us;
  } units[] = {{"NANOSECONDS", 1e-3}, {"MICROSECONDS", 1}, {"MILLISECONDS", 1e3}, {"SECONDS", 1e6},
               {"MINUTES", 6e7},      {"HOURS", 3.6e9},    {"DAYS", 8.64e10}};
  static const struct {
    const char *factory;
    double us;
  } factories[] = {{"seconds", 1e6}, {"milliSeconds", 1e3}, {"microSeconds", 1}};
  const char *id;
  const json_t *bean = gust_object_def_deref(b->context, ref, &id, error);
  if (!bean) return FALSE;
  const char *factory = json_string_value(json_object_get(bean, "factory"));
  json_t *args =
      factory ? json_object_get(bean, "factoryArgs") : gust_object_def_constructor_args(bean);
  json_t *length = json_array_get(args, 0);
  double scale = -1;
  if (factory) {
    for (gsize i = 0; i < G_N_ELEMENTS(factories); i++)
      if (g_str_equal(factory, factories[i].factory)) scale = factories[i].us;
  } else if (json_array_size(args) == 2) {
    const char *unit = gust_json_enum_name(json_array_get(args, 1));
    for (gsize i = 0; unit && i < G_N_ELEMENTS(units); i++)
      if (g_str_equal(unit, units[i].name)) scale = units[i].us;
  }
  if (!gust_object_def_class_is(bean, "KafkaSpoutRetryExponentialBackoff$TimeInterval") ||
      scale < 0 || !json_is_integer(length) || json_integer_value(length) < 0)
    return gust_builtin_class_refuse(
        error,
        "%s: component '%s' must be a KafkaSpoutRetryExponentialBackoff$TimeInterval "
        "built with (length, TimeUnit) or the factory seconds, milliSeconds or "
        "microSeconds",
        b->what, id);
  *us = (json_int_t)(json_integer_value(length) * scale);
  return TRUE;
}

static gboolean read_retry(spout_builder *b, const json_t *ref, GError **error)
{
  const char *id;
  const json_t *bean = gust_object_def_deref(b->context, ref, &id, error);
  if (!bean) return FALSE;
  json_t *args = gust_object_def_constructor_args(bean);
  if (!gust_object_def_class_is(bean, "KafkaSpoutRetryExponentialBackoff") ||
      json_array_size(args) != 4 || !json_is_integer(json_array_get(args, 2)))
    return gust_builtin_class_refuse(
        error,
        "%s: setRetry takes a KafkaSpoutRetryExponentialBackoff(initialDelay, "
        "delayPeriod, maxRetries, maxDelay) component; '%s' is not one (custom retry "
        "services are Java code gust cannot run)",
        b->what, id);
  json_int_t initial, period, max_delay;
  if (!read_time_interval(b, json_array_get(args, 0), &initial, error) ||
      !read_time_interval(b, json_array_get(args, 1), &period, error) ||
      !read_time_interval(b, json_array_get(args, 3), &max_delay, error))
    return FALSE;
  json_object_set_new(b->conf, "retry",
                      json_pack("{sI sI sI sI}", "initial.delay.us", initial, "delay.period.us",
                                period, "max.retries", json_integer_value(json_array_get(args, 2)),
                                "max.delay.us", max_delay));
  return TRUE;
}

static gboolean read_translator(spout_builder *b, const json_t *args, GError **error)
{
  const char *id = NULL;
  const json_t *bean = json_array_size(args) == 1 && gust_object_def_is_ref(json_array_get(args, 0))
                           ? gust_object_def_deref(b->context, json_array_get(args, 0), &id, NULL)
                           : NULL;
  if (bean && gust_object_def_class_is(bean, "DefaultRecordTranslator")) {
    json_object_set_new(b->conf, "record.translator", json_string("default"));
    return TRUE;
  }
  if (bean && g_str_has_suffix(gust_object_def_class(bean), ".OnlyValueRecordTranslator")) {
    json_object_set_new(b->conf, "record.translator", json_string("value-only"));
    return TRUE;
  }
  return gust_builtin_class_refuse(
      error,
      "%s: record translators are Java code gust cannot run%s%s%s; gust has "
      "DefaultRecordTranslator (fields topic, partition, offset, key, value) and "
      "OnlyValueRecordTranslator (field value): name one of those in a component",
      b->what, id ? " (component '" : "", id ? id : "", id ? "')" : "");
}

/* ---- builder calls ---- */

static gboolean set_enum(spout_builder *b, const char *method, const json_t *arg, const char *key,
                         const char *const *allowed, GError **error)
{
  const char *name = gust_json_enum_name(arg);
  for (gsize i = 0; name && allowed[i]; i++)
    if (g_str_equal(name, allowed[i])) {
      json_object_set_new(b->conf, key, json_string(name));
      return TRUE;
    }
  g_autofree char *list = g_strjoinv(", ", (char **)allowed);
  return gust_builtin_class_refuse(error, "%s: %s takes one of %s (got %s)", b->what, method, list,
                                   name ? name : "a value that is not a name");
}

static gboolean set_integer(spout_builder *b, const char *method, const json_t *arg,
                            const char *key, json_int_t min, GError **error)
{
  if (!json_is_integer(arg) || json_integer_value(arg) < min)
    return gust_builtin_class_refuse(error, "%s: %s takes an integer >= %" JSON_INTEGER_FORMAT,
                                     b->what, method, min);
  if (key) json_object_set_new(b->conf, key, json_integer(json_integer_value(arg)));
  return TRUE;
}

static gboolean set_prop(spout_builder *b, const json_t *args, GError **error)
{
  json_t *props = json_object_get(b->conf, "props");
  if (json_array_size(args) == 1)
    return gust_object_def_read_map(b->context, json_array_get(args, 0), props, b->what, error);
  const char *key = json_string_value(json_array_get(args, 0));
  g_autofree char *value = gust_json_scalar_text(json_array_get(args, 1));
  if (json_array_size(args) != 2 || !key || !value)
    return gust_builtin_class_refuse(error, "%s: setProp takes (key, value) or (map)", b->what);
  json_object_set_new(props, key, json_string(value));
  return TRUE;
}

static gboolean apply_call(spout_builder *b, const json_t *call, GError **error)
{
  static const char *const strategies[] = {"EARLIEST", "LATEST", "UNCOMMITTED_EARLIEST",
                                           "UNCOMMITTED_LATEST", NULL};
  static const char *const guarantees[] = {"AT_LEAST_ONCE", "AT_MOST_ONCE", "NO_GUARANTEE", NULL};
  const char *name = json_string_value(json_object_get(call, "name"));
  const json_t *args = json_object_get(call, "args");
  const json_t *arg = json_array_get(args, 0);
  gsize n = json_array_size(args);
  if (!name) return gust_builtin_class_refuse(error, "%s: a call without a name", b->what);
  if (g_str_equal(name, "setProp")) return set_prop(b, args, error);
  if (g_str_equal(name, "setRecordTranslator")) return read_translator(b, args, error);
  if (n != 1)
    return gust_builtin_class_refuse(
        error,
        "%s: %s with %zu arguments is not a KafkaSpoutConfig.Builder method gust "
        "knows",
        b->what, name, n);
  if (g_str_equal(name, "setGroupId")) {
    if (!json_is_string(arg))
      return gust_builtin_class_refuse(error, "%s: setGroupId takes a string", b->what);
    json_object_set(json_object_get(b->conf, "props"), "group.id", (json_t *)arg);
    return TRUE;
  }
  if (g_str_equal(name, "setFirstPollOffsetStrategy")) {
    const char *strategy = gust_json_enum_name(arg);
    if (strategy && g_str_has_suffix(strategy, "TIMESTAMP"))
      return gust_builtin_class_refuse(
          error, "%s: the %s first poll offset strategy is for the Trident spout only", b->what,
          strategy);
    return set_enum(b, name, arg, "first.poll.offset.strategy", strategies, error);
  }
  if (g_str_equal(name, "setProcessingGuarantee"))
    return set_enum(b, name, arg, "processing.guarantee", guarantees, error);
  if (g_str_equal(name, "setMaxUncommittedOffsets"))
    return set_integer(b, name, arg, "max.uncommitted.offsets", 1, error);
  if (g_str_equal(name, "setPollTimeoutMs"))
    return set_integer(b, name, arg, "poll.timeout.ms", 0, error);
  if (g_str_equal(name, "setOffsetCommitPeriodMs"))
    return set_integer(b, name, arg, "offset.commit.period.ms", 1, error);
  if (g_str_equal(name, "setPartitionRefreshPeriodMs"))
    return set_integer(b, name, arg, "partition.refresh.period.ms", 1, error);
  if (g_str_equal(name, "setMetricsTimeBucketSizeInSecs") || g_str_equal(name, "setStartTimeStamp"))
    return set_integer(b, name, arg, NULL, 0, error);
  if (g_str_equal(name, "setEmitNullTuples") || g_str_equal(name, "setTupleTrackingEnforced")) {
    if (!json_is_boolean(arg))
      return gust_builtin_class_refuse(error, "%s: %s takes true or false", b->what, name);
    if (g_str_equal(name, "setEmitNullTuples"))
      json_object_set(b->conf, "emit.null.tuples", (json_t *)arg);
    return TRUE;
  }
  if (g_str_equal(name, "setRetry")) return read_retry(b, arg, error);
  if (g_str_equal(name, "setTupleListener"))
    return gust_builtin_class_refuse(error, "%s: tuple listeners are Java code gust cannot run",
                                     b->what);
  return gust_builtin_class_refuse(
      error, "%s: %s is not a KafkaSpoutConfig.Builder method gust knows", b->what, name);
}

/* Storm's setKafkaPropsForProcessingGuarantee(). */
static gboolean check_props(spout_builder *b, GError **error)
{
  json_t *props = json_object_get(b->conf, "props");
  if (json_object_get(props, "enable.auto.commit"))
    return gust_builtin_class_refuse(
        error,
        "%s: the consumer setting enable.auto.commit is not supported; choose the "
        "behaviour with setProcessingGuarantee",
        b->what);
  const char *guarantee = json_string_value(json_object_get(b->conf, "processing.guarantee"));
  if (g_str_equal(guarantee, "AT_LEAST_ONCE") && !json_object_get(props, "auto.offset.reset"))
    json_object_set_new(props, "auto.offset.reset", json_string("earliest"));
  return TRUE;
}

/* BUILDER: KafkaSpoutConfig$Builder(...) or KafkaSpoutConfig.builder(...). */
static gboolean read_builder(spout_builder *b, const json_t *bean, const char *id, GError **error)
{
  g_autofree char *what = g_strdup_printf("%s '%s'", BUILDER_CLASS, id);
  b->what = what;
  const char *factory = json_string_value(json_object_get(bean, "factory"));
  const json_t *args =
      factory ? json_object_get(bean, "factoryArgs") : gust_object_def_constructor_args(bean);
  if (factory && !g_str_equal(factory, "builder"))
    return gust_builtin_class_refuse(
        error, "%s: KafkaSpoutConfig has no factory method '%s' (use \"builder\")", what, factory);
  if (!read_constructor(b, args, error)) return FALSE;
  json_t *calls = gust_object_def_calls(bean);
  json_t *call;
  gsize i;
  gboolean ok = TRUE;
  json_array_foreach(calls, i, call)
  {
    if (!(ok = apply_call(b, call, error))) break;
  }
  json_decref(calls);
  ok = ok && check_props(b, error);
  b->what = NULL; /* freed on return */
  return ok;
}

static gboolean is_builder(const json_t *bean)
{
  return gust_object_def_class_is(bean, BUILDER_CLASS) ||
         (gust_object_def_class_is(bean, "KafkaSpoutConfig") &&
          json_is_string(json_object_get(bean, "factory")));
}

/* CONFIG: KafkaSpoutConfig(ref BUILDER), or a BUILDER itself. */
static gboolean read_config(spout_builder *b, const json_t *ref, GError **error)
{
  const char *id;
  const json_t *bean = gust_object_def_deref(b->context, ref, &id, error);
  if (!bean) return FALSE;
  if (is_builder(bean)) return read_builder(b, bean, id, error);
  json_t *args = gust_object_def_constructor_args(bean);
  if (!gust_object_def_class_is(bean, "KafkaSpoutConfig") || json_array_size(args) != 1 ||
      !gust_object_def_is_ref(json_array_get(args, 0)))
    return gust_builtin_class_refuse(
        error,
        "KafkaSpout takes a KafkaSpoutConfig: component '%s' (%s) must be a "
        "KafkaSpoutConfig with constructorArgs [ref: BUILDER], or a %s",
        id, gust_object_def_class(bean), BUILDER_CLASS);
  if (json_array_size(gust_object_def_config_methods(bean)) ||
      json_array_size(json_object_get(bean, "properties")))
    return gust_builtin_class_refuse(
        error, "KafkaSpoutConfig '%s': configure the builder, not the built config", id);
  const char *builder_id;
  const json_t *builder =
      gust_object_def_deref(b->context, json_array_get(args, 0), &builder_id, error);
  if (!builder) return FALSE;
  if (!is_builder(builder))
    return gust_builtin_class_refuse(
        error, "KafkaSpoutConfig '%s' is built from component '%s', a %s; expected a %s", id,
        builder_id, gust_object_def_class(builder), BUILDER_CLASS);
  return read_builder(b, builder, builder_id, error);
}

static gboolean configure_kafka_spout(gust_component *component, const json_t *definition,
                                      const gust_builtin_class_context *context, GError **error)
{
  static const char *const record_fields[] = {"topic", "partition", "offset", "key", "value", NULL};
  static const char *const value_fields[] = {"value", NULL};
  if (!gust_object_def_refuse_properties_and_factory(definition, error)) return FALSE;
  json_t *args = gust_object_def_constructor_args(definition);
  if (json_array_size(args) != 1 || !gust_object_def_is_ref(json_array_get(args, 0)) ||
      json_array_size(gust_object_def_config_methods(definition)))
    return gust_builtin_class_refuse(
        error, "KafkaSpout takes one constructor argument, a ref to a KafkaSpoutConfig "
               "component (and no config methods)");
  spout_builder b = {.context = context, .conf = default_conf()};
  if (!read_config(&b, json_array_get(args, 0), error)) {
    json_decref(b.conf);
    return FALSE;
  }
  gboolean value_only =
      g_str_equal(json_string_value(json_object_get(b.conf, "record.translator")), "value-only");
  gust_component_set_conf_value(component, GUST_KAFKA_SPOUT_CONF, b.conf);
  gust_component_set_impl(component, gust_impl_new_builtin(gust_kafka_spout_class.class_name));
  return gust_component_declare_stream(component, GUST_DEFAULT_STREAM,
                                       value_only ? value_fields : record_fields, FALSE, error);
}

GUST_BUILTIN_RUNTIME(gust_kafka_spout_def); /* compat/kafka/ */

const gust_builtin_class gust_kafka_spout_class = {
    .class_name = "org.apache.storm.kafka.spout.KafkaSpout",
    .kind = GUST_COMPONENT_SPOUT,
    .impl_kind = GUST_IMPL_BUILTIN,
    .configure = configure_kafka_spout,
    .runtime = &gust_kafka_spout_def,
};
