/* kafka_bolt_class.c — org.apache.storm.kafka.bolt.KafkaBolt from its Flux
 * definition, read into one normalized JSON object (component conf key
 * GUST_KAFKA_BOLT_CONF) that compat/kafka/kafka_bolt.c runs:
 *
 *   {"props": {producer settings as strings},
 *    "topic.selector": {"kind": "default", "topic": T}
 *                    | {"kind": "field-name", "field": F, "default": T}
 *                    | {"kind": "field-index", "index": I, "default": T},
 *    "mapper": {"key.field": K, "message.field": M},
 *    "fire.and.forget": bool, "async": bool}
 *
 * The bolt is built with no constructor argument, then (properties or
 * configMethods, in Flux's order):
 *   withTopicSelector("topic") or withTopicSelector(ref SELECTOR) where
 *     SELECTOR is DefaultTopicSelector(topic),
 *     FieldNameTopicSelector(field, defaultTopic) or
 *     FieldIndexTopicSelector(index, defaultTopic);
 *   withTupleToKafkaMapper(ref FieldNameBasedTupleToKafkaMapper() or
 *     (keyField, messageField)); default fields "key" and "message";
 *   withProducerProperties(ref java.util.Properties bean filled with
 *     put/setProperty, or an inline map);
 *   setFireAndForget(bool), setAsync(bool).
 * Without a selector the runtime uses the conf key "topic", as KafkaBolt
 * does.  The bolt declares no output.  It asks for a tick every second
 * (topology.tick.tuple.freq.secs 1, unless its own conf sets one later):
 * delivery reports are collected, and tuples acked, on ticks when no
 * input arrives.  Runs on the loader's thread; no state survives the call.
 */
#include "known_classes.h"

typedef struct {
  const gust_builtin_class_context *context;
  json_t *conf;
} bolt_builder;

static gboolean read_selector(bolt_builder *b, const json_t *arg, GError **error)
{
  if (json_is_string(arg)) {
    json_object_set_new(b->conf, "topic.selector",
                        json_pack("{ss sO}", "kind", "default", "topic", arg));
    return TRUE;
  }
  const char *id = "?";
  const json_t *bean =
      gust_object_def_is_ref(arg) ? gust_object_def_deref(b->context, arg, &id, error) : NULL;
  if (gust_object_def_is_ref(arg) && !bean) return FALSE;
  json_t *args = gust_object_def_constructor_args(bean);
  const json_t *a0 = json_array_get(args, 0), *a1 = json_array_get(args, 1);
  gsize n = json_array_size(args);
  json_t *selector = NULL;
  if (gust_object_def_class_is(bean, "DefaultTopicSelector") && n == 1 && json_is_string(a0))
    selector = json_pack("{ss sO}", "kind", "default", "topic", a0);
  else if (gust_object_def_class_is(bean, "FieldNameTopicSelector") && n == 2 &&
           json_is_string(a0) && json_is_string(a1))
    selector = json_pack("{ss sO sO}", "kind", "field-name", "field", a0, "default", a1);
  else if (gust_object_def_class_is(bean, "FieldIndexTopicSelector") && n == 2 &&
           json_is_integer(a0) && json_integer_value(a0) >= 0 && json_is_string(a1))
    selector = json_pack("{ss sO sO}", "kind", "field-index", "index", a0, "default", a1);
  if (!selector)
    return gust_builtin_class_refuse(
        error,
        "KafkaBolt: withTopicSelector takes a topic name or a ref to a "
        "DefaultTopicSelector(topic), FieldNameTopicSelector(field, defaultTopic) or "
        "FieldIndexTopicSelector(index, defaultTopic)%s%s%s",
        bean ? " (component '" : "", bean ? id : "", bean ? "' is not one)" : "");
  json_object_set_new(b->conf, "topic.selector", selector);
  return TRUE;
}

static gboolean read_mapper(bolt_builder *b, const json_t *arg, GError **error)
{
  const char *id = "?";
  const json_t *bean =
      gust_object_def_is_ref(arg) ? gust_object_def_deref(b->context, arg, &id, error) : NULL;
  if (gust_object_def_is_ref(arg) && !bean) return FALSE;
  json_t *args = gust_object_def_constructor_args(bean);
  gsize n = json_array_size(args);
  if (!gust_object_def_class_is(bean, "FieldNameBasedTupleToKafkaMapper") || (n != 0 && n != 2) ||
      (n == 2 &&
       (!json_is_string(json_array_get(args, 0)) || !json_is_string(json_array_get(args, 1)))))
    return gust_builtin_class_refuse(
        error, "KafkaBolt: withTupleToKafkaMapper takes a ref to a "
               "FieldNameBasedTupleToKafkaMapper() or (keyField, messageField); other mappers "
               "are Java code gust cannot run");
  if (n == 2)
    json_object_set_new(b->conf, "mapper",
                        json_pack("{sO sO}", "key.field", json_array_get(args, 0), "message.field",
                                  json_array_get(args, 1)));
  return TRUE;
}

static gboolean apply_call(bolt_builder *b, const json_t *call, GError **error)
{
  const char *name = json_string_value(json_object_get(call, "name"));
  const json_t *args = json_object_get(call, "args");
  const json_t *arg = json_array_get(args, 0);
  if (!name || json_array_size(args) != 1)
    return gust_builtin_class_refuse(
        error, "KafkaBolt: %s with %zu arguments is not a KafkaBolt method gust knows",
        name ? name : "?", json_array_size(args));
  if (g_str_equal(name, "withTopicSelector")) return read_selector(b, arg, error);
  if (g_str_equal(name, "withTupleToKafkaMapper")) return read_mapper(b, arg, error);
  if (g_str_equal(name, "withProducerProperties")) {
    json_t *props = json_object();
    json_object_set_new(b->conf, "props", props); /* replaces, as KafkaBolt does */
    return gust_object_def_read_map(b->context, arg, props, "KafkaBolt: withProducerProperties",
                                    error);
  }
  if (g_str_equal(name, "setFireAndForget") || g_str_equal(name, "setAsync")) {
    if (!json_is_boolean(arg))
      return gust_builtin_class_refuse(error, "KafkaBolt: %s takes true or false", name);
    json_object_set(b->conf, g_str_equal(name, "setAsync") ? "async" : "fire.and.forget",
                    (json_t *)arg);
    return TRUE;
  }
  if (g_str_equal(name, "withProducerCallback"))
    return gust_builtin_class_refuse(error,
                                     "KafkaBolt: producer callbacks are Java code gust cannot run");
  return gust_builtin_class_refuse(
      error,
      "KafkaBolt: %s is not a KafkaBolt method gust knows (withTopicSelector, "
      "withTupleToKafkaMapper, withProducerProperties, setFireAndForget, setAsync)",
      name);
}

static gboolean configure_kafka_bolt(gust_component *component, const json_t *definition,
                                     const gust_builtin_class_context *context, GError **error)
{
  if (json_object_get(definition, "factory") ||
      json_array_size(gust_object_def_constructor_args(definition)))
    return gust_builtin_class_refuse(
        error, "KafkaBolt has only the constructor (); configure it with "
               "withTopicSelector, withTupleToKafkaMapper and withProducerProperties");
  bolt_builder b = {
      .context = context,
      .conf = json_pack("{s{} s{ss ss} sb sb}", "props", "mapper", "key.field", "key",
                        "message.field", "message", "fire.and.forget", 0, "async", 1),
  };
  json_t *calls = gust_object_def_calls(definition);
  json_t *call;
  gsize i;
  gboolean ok = TRUE;
  json_array_foreach(calls, i, call)
  {
    if (!(ok = apply_call(&b, call, error))) break;
  }
  json_decref(calls);
  if (!ok) {
    json_decref(b.conf);
    return FALSE;
  }
  gust_component_set_conf_value(component, GUST_KAFKA_BOLT_CONF, b.conf);
  if (!json_object_get(gust_component_conf(component), "topology.tick.tuple.freq.secs"))
    gust_component_set_conf_value(component, "topology.tick.tuple.freq.secs", json_integer(1));
  gust_component_set_impl(component, gust_impl_new_builtin(gust_kafka_bolt_class.class_name));
  return TRUE; /* a sink: no output streams */
}

GUST_BUILTIN_RUNTIME(gust_kafka_bolt_def); /* compat/kafka/ */

const gust_builtin_class gust_kafka_bolt_class = {
    .class_name = "org.apache.storm.kafka.bolt.KafkaBolt",
    .kind = GUST_COMPONENT_BOLT,
    .impl_kind = GUST_IMPL_BUILTIN,
    .configure = configure_kafka_bolt,
    .runtime = &gust_kafka_bolt_def,
};
