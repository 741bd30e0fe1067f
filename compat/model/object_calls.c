/* object_calls.c — reading a Flux object definition the way Flux builds
 * the Java object, for built-in classes configured through beans (the
 * Kafka spout's KafkaSpoutConfig.Builder, the KafkaBolt's selectors,
 * mappers and producer Properties).
 *
 * Flux constructs the object, then applies its `properties` (each one a
 * setter: name "foo" calls setFoo(value)), then its `configMethods`, in
 * file order.  gust_object_def_calls() flattens both into one list of
 * {name, args} calls in that order, so a configure function handles
 * `properties: [{name: groupId, value: g}]` and
 * `configMethods: [{name: setGroupId, args: [g]}]` alike.
 *
 * References ({ref: id}) resolve against the beans of the topology being
 * built (gust_builtin_class_context.topology).  Enum constants come as bare
 * names ("EARLIEST"); a qualified "FirstPollOffsetStrategy.EARLIEST" is read
 * as its last part.  Nothing here keeps state; results are borrowed from
 * the definitions unless documented otherwise.  Runs on the loader's
 * thread.
 */
#include "known_classes.h"

#include <stdlib.h>
#include <string.h>

gboolean gust_object_def_is_ref(const json_t *value)
{
  return json_is_object(value) && json_object_size(value) == 1 &&
         json_is_string(json_object_get(value, "ref"));
}

const json_t *gust_object_def_deref(const gust_builtin_class_context *context, const json_t *value,
                                    const char **id, GError **error)
{
  const char *ref = json_string_value(json_object_get(value, "ref"));
  const json_t *bean =
      context && context->topology && ref ? gust_topology_bean(context->topology, ref) : NULL;
  if (id) *id = ref;
  if (!bean)
    g_set_error(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS,
                "the reference '%s' names no component (bean) under 'components'", ref ? ref : "?");
  return bean;
}

const char *gust_object_def_class(const json_t *definition)
{
  const char *class_name = json_string_value(json_object_get(definition, "className"));
  return class_name ? class_name : "";
}

gboolean gust_object_def_class_is(const json_t *definition, const char *short_name)
{
  const char *class_name = gust_object_def_class(definition);
  const char *tail = strrchr(class_name, '.');
  tail = tail ? tail + 1 : class_name;
  return g_str_equal(tail, short_name);
}

/* "firstPollOffsetStrategy" -> "setFirstPollOffsetStrategy" */
static char *setter_name(const char *property)
{
  char *name = g_strdup_printf("set%s", property);
  name[3] = g_ascii_toupper(name[3]);
  return name;
}

json_t *gust_object_def_calls(const json_t *definition)
{
  json_t *calls = json_array();
  json_t *item;
  size_t i;
  json_array_foreach(json_object_get(definition, "properties"), i, item)
  {
    const char *name = json_string_value(json_object_get(item, "name"));
    json_t *value = json_object_get(item, "value");
    json_t *ref = json_object_get(item, "ref");
    if (!name) continue;
    char *setter = setter_name(name);
    json_t *arg = ref ? json_pack("{sO}", "ref", ref) : json_incref(value ? value : json_null());
    json_array_append_new(calls, json_pack("{ss s[o]}", "name", setter, "args", arg));
    g_free(setter);
  }
  json_array_foreach(gust_object_def_config_methods(definition), i, item)
  {
    json_t *args = json_object_get(item, "args");
    json_t *name = json_object_get(item, "name");
    json_t *call = json_object();
    json_object_set_new(call, "name", name ? json_incref(name) : json_null());
    json_object_set_new(call, "args", json_is_array(args) ? json_incref(args) : json_array());
    json_array_append_new(calls, call);
  }
  return calls;
}

const char *gust_json_enum_name(const json_t *value)
{
  const char *text = json_string_value(value);
  if (!text) return NULL;
  const char *dot = strrchr(text, '.');
  return dot ? dot + 1 : text;
}

char *gust_json_scalar_text(const json_t *value)
{
  if (json_is_string(value)) return g_strdup(json_string_value(value));
  if (json_is_true(value)) return g_strdup("true");
  if (json_is_false(value)) return g_strdup("false");
  if (json_is_number(value)) {
    char *dumped = json_dumps(value, JSON_ENCODE_ANY);
    char *text = g_strdup(dumped);
    free(dumped);
    return text;
  }
  return NULL;
}

/* Stores key=value (a scalar) into out, as text. */
static gboolean put_entry(json_t *out, const char *key, const json_t *value, const char *what,
                          GError **error)
{
  char *text = gust_json_scalar_text(value);
  if (!text) {
    g_set_error(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS,
                "%s: the value of '%s' must be a string, number or boolean", what, key);
    return FALSE;
  }
  json_object_set_new(out, key, json_string(text));
  g_free(text);
  return TRUE;
}

static gboolean put_all(json_t *out, const json_t *map, const char *what, GError **error)
{
  const char *key;
  json_t *value;
  json_object_foreach((json_t *)map, key, value)
  {
    if (!put_entry(out, key, value, what, error)) return FALSE;
  }
  return TRUE;
}

/* A java.util.Properties / HashMap bean: constructorArgs [] or [map], then
 * put(k, v), setProperty(k, v), putAll(map) calls. */
static gboolean read_map_bean(const gust_builtin_class_context *context, const json_t *bean,
                              const char *id, json_t *out, GError **error)
{
  g_autofree char *what = g_strdup_printf("component '%s' (%s)", id, gust_object_def_class(bean));
  json_t *args = gust_object_def_constructor_args(bean);
  if (json_array_size(args) > 1 ||
      (json_array_size(args) == 1 && !json_is_object(json_array_get(args, 0)))) {
    g_set_error(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS,
                "%s: a map is built with no constructor argument or one map", what);
    return FALSE;
  }
  if (json_array_size(args) == 1 && !put_all(out, json_array_get(args, 0), what, error))
    return FALSE;
  json_t *methods = gust_object_def_config_methods(bean);
  json_t *call;
  size_t i;
  json_array_foreach(methods, i, call)
  {
    const char *name = json_string_value(json_object_get(call, "name"));
    json_t *call_args = json_object_get(call, "args");
    gsize n = json_array_size(call_args);
    gboolean ok;
    if (name && (g_str_equal(name, "put") || g_str_equal(name, "setProperty")) && n == 2 &&
        json_is_string(json_array_get(call_args, 0)))
      ok = put_entry(out, json_string_value(json_array_get(call_args, 0)),
                     json_array_get(call_args, 1), what, error);
    else if (name && g_str_equal(name, "putAll") && n == 1)
      ok = gust_object_def_read_map(context, json_array_get(call_args, 0), out, what, error);
    else {
      g_set_error(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS,
                  "%s: config method '%s' with %zu arguments is not understood (use "
                  "put(key, value), setProperty(key, value) or putAll(map))",
                  what, name ? name : "?", n);
      ok = FALSE;
    }
    if (!ok) return FALSE;
  }
  return TRUE;
}

gboolean gust_object_def_read_map(const gust_builtin_class_context *context, const json_t *value,
                                  json_t *out, const char *what, GError **error)
{
  if (json_is_object(value) && !gust_object_def_is_ref(value))
    return put_all(out, value, what, error);
  if (!gust_object_def_is_ref(value)) {
    g_set_error(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS,
                "%s: expected a map of settings or a reference to a java.util.Properties "
                "component",
                what);
    return FALSE;
  }
  const char *id;
  const json_t *bean = gust_object_def_deref(context, value, &id, error);
  if (!bean) return FALSE;
  if (!gust_object_def_class_is(bean, "Properties") && !gust_object_def_class_is(bean, "HashMap") &&
      !gust_object_def_class_is(bean, "Map") && !gust_object_def_class_is(bean, "LinkedHashMap")) {
    g_set_error(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS,
                "%s: component '%s' is a %s; expected java.util.Properties or a java.util map",
                what, id, gust_object_def_class(bean));
    return FALSE;
  }
  return read_map_bean(context, bean, id, out, error);
}
