/* topology_to_thrift.c — a Flux-built gust_topology becomes the
 * StormTopology and conf JSON that `gust submit` sends to Nimbus.
 *
 * What each implementation becomes (gust_topology_from_thrift undoes it):
 *   MULTILANG with one program and at most one script, run in the
 *             topology's resources directory, no extra environment
 *                     -> `shell` {execution_command, script};
 *   MULTILANG otherwise, BUILTIN, JAVA
 *                     -> `java_object` of the definition's className, with
 *                        its constructor arguments when they are plain
 *                        values, and the whole Flux definition carried in
 *                        json_conf under GUST_THRIFT_CONF_FLUX_DEFINITION
 *                        (properties, config methods and {ref}s do not fit
 *                        a JavaObject); the topology's beans travel in the
 *                        conf under GUST_THRIFT_CONF_FLUX_BEANS;
 *   NATIVE            -> refused: the shared object is on this machine only;
 *   JVM               -> refused: the object lives in this machine's JVM host.
 * Groupings map one to one; PARTIAL_KEY becomes custom_object
 * PartialKeyGrouping with the field names as string arguments.
 * Runs on the caller's thread; the topology is only read.
 */
#include <gust/storm_thrift.h>

#define PARTIAL_KEY_CLASS "org.apache.storm.grouping.PartialKeyGrouping"

static void strv_into(GPtrArray *array, const char *const *strv)
{
  for (; strv && *strv; strv++)
    g_ptr_array_add(array, g_strdup(*strv));
}

static char *dump(json_t *value)
{
  return json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

/* ---- implementations ------------------------------------------------------ */

static gboolean fits_shell(const gust_impl *impl)
{
  if (impl->kind != GUST_IMPL_MULTILANG || impl->multilang.env || !impl->multilang.resources_dir)
    return FALSE;
  guint n = g_strv_length(impl->multilang.argv);
  return n >= 1 && n <= 2;
}

static GustStormJavaObjectArg *java_arg(const json_t *value)
{
  GustStormJavaObjectArg *arg = g_object_new(GUST_STORM_TYPE_JAVA_OBJECT_ARG, NULL);
  if (json_is_integer(value)) {
    json_int_t n = json_integer_value(value);
    if (n >= G_MININT32 && n <= G_MAXINT32) {
      arg->int_arg = (gint32)n;
      arg->__isset_int_arg = TRUE;
    } else {
      arg->long_arg = n;
      arg->__isset_long_arg = TRUE;
    }
  } else if (json_is_real(value)) {
    arg->double_arg = json_real_value(value);
    arg->__isset_double_arg = TRUE;
  } else if (json_is_string(value)) {
    arg->string_arg = g_strdup(json_string_value(value));
    arg->__isset_string_arg = TRUE;
  } else if (json_is_boolean(value)) {
    arg->bool_arg = json_is_true(value);
    arg->__isset_bool_arg = TRUE;
  } else {
    g_object_unref(arg);
    return NULL;
  }
  return arg;
}

/* className + constructor arguments, all of them or none (a JavaObject
 * cannot hold lists, maps or references). */
static void fill_java_object(GustStormJavaObject *object, const char *class_name,
                             const json_t *definition)
{
  object->full_class_name = g_strdup(class_name);
  const json_t *args = json_object_get(definition, "constructorArgs");
  size_t i;
  const json_t *value;
  json_array_foreach(args, i, value)
  {
    GustStormJavaObjectArg *arg = java_arg(value);
    if (!arg) {
      g_ptr_array_set_size(object->args_list, 0);
      return;
    }
    g_ptr_array_add(object->args_list, arg);
  }
}

static const char *impl_class(const gust_component *component, const gust_impl *impl)
{
  const char *from_definition =
      json_string_value(json_object_get(gust_component_definition(component), "className"));
  if (from_definition) return from_definition;
  if (impl->kind == GUST_IMPL_BUILTIN) return impl->builtin.class_name;
  if (impl->kind == GUST_IMPL_JAVA) return impl->java.class_name;
  return NULL;
}

/* Fills the ComponentObject; *carry gets the definition to carry in
 * json_conf (a new reference) or NULL. */
static gboolean fill_component_object(const gust_component *component,
                                      GustStormComponentObject *object, json_t **carry,
                                      GError **error)
{
  const gust_impl *impl = gust_component_impl(component);
  const char *id = gust_component_id(component);
  *carry = NULL;
  if (!impl || impl->kind == GUST_IMPL_NATIVE) {
    g_set_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_NOT_SENDABLE,
                "component '%s' is %s; only multilang (shell) components and the Java classes "
                "gust implements can be submitted to a cluster",
                id,
                impl ? "a native C component (its shared object exists on this machine only)"
                     : "without an implementation");
    return FALSE;
  }
  if (impl->kind == GUST_IMPL_JVM) {
    g_set_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_NOT_SENDABLE,
                "component '%s' is a Java component (%s) run by gust's JVM host; only multilang "
                "(shell) components and the Java classes gust implements can be submitted this way",
                id, impl->jvm.class_name ? impl->jvm.class_name : "unknown class");
    return FALSE;
  }
  if (fits_shell(impl)) {
    object->shell->execution_command = g_strdup(impl->multilang.argv[0]);
    object->shell->__isset_execution_command = TRUE;
    object->shell->script = g_strdup(impl->multilang.argv[1] ? impl->multilang.argv[1] : "");
    object->shell->__isset_script = TRUE;
    object->__isset_shell = TRUE;
    return TRUE;
  }
  const char *class_name = impl_class(component, impl);
  json_t *definition = gust_component_definition(component);
  if (!class_name) {
    g_set_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_NOT_SENDABLE,
                "component '%s' runs a multilang command that a Thrift shell component cannot "
                "describe (one program and one script, in the resources directory, no extra "
                "environment) and has no Flux definition to send instead",
                id);
    return FALSE;
  }
  fill_java_object(object->java_object, class_name, definition);
  object->__isset_java_object = TRUE;
  if (definition) *carry = json_incref(definition);
  return TRUE;
}

/* ---- common: inputs, streams, parallelism, conf ---------------------------------- */

static GustStormGrouping *grouping_to_thrift(const gust_grouping *grouping)
{
  GustStormGrouping *g = g_object_new(GUST_STORM_TYPE_GROUPING, NULL);
  switch (gust_grouping_get_kind(grouping)) {
  case GUST_GROUPING_SHUFFLE:
    g->__isset_shuffle = TRUE;
    break;
  case GUST_GROUPING_FIELDS:
    strv_into(g->fields, gust_grouping_fields(grouping, NULL));
    g->__isset_fields = TRUE;
    break;
  case GUST_GROUPING_GLOBAL:
    g->__isset_fields = TRUE; /* an empty field list */
    break;
  case GUST_GROUPING_ALL:
    g->__isset_all = TRUE;
    break;
  case GUST_GROUPING_NONE:
    g->__isset_none = TRUE;
    break;
  case GUST_GROUPING_DIRECT:
    g->__isset_direct = TRUE;
    break;
  case GUST_GROUPING_LOCAL_OR_SHUFFLE:
    g->__isset_local_or_shuffle = TRUE;
    break;
  case GUST_GROUPING_PARTIAL_KEY: {
    g->custom_object->full_class_name = g_strdup(PARTIAL_KEY_CLASS);
    for (const char *const *f = gust_grouping_fields(grouping, NULL); *f; f++) {
      GustStormJavaObjectArg *arg = g_object_new(GUST_STORM_TYPE_JAVA_OBJECT_ARG, NULL);
      arg->string_arg = g_strdup(*f);
      arg->__isset_string_arg = TRUE;
      g_ptr_array_add(g->custom_object->args_list, arg);
    }
    g->__isset_custom_object = TRUE;
    break;
  }
  case GUST_GROUPING_CUSTOM: {
    GBytes *serialized = gust_grouping_custom_object(grouping);
    if (serialized) {
      gsize len;
      const guint8 *data = g_bytes_get_data(serialized, &len);
      if (!g->custom_serialized) g->custom_serialized = g_byte_array_new();
      g_byte_array_append(g->custom_serialized, data, (guint)len);
      g->__isset_custom_serialized = TRUE;
      break;
    }
    g->custom_object->full_class_name = g_strdup(gust_grouping_custom_class(grouping));
    g->__isset_custom_object = TRUE;
    break;
  }
  }
  return g;
}

static void fill_common(const gust_component *component, GustStormComponentCommon *common,
                        json_t *carry)
{
  for (guint i = 0; i < gust_component_n_inputs(component); i++) {
    const gust_input *input = gust_component_input(component, i);
    GustStormGlobalStreamId *source = g_object_new(GUST_STORM_TYPE_GLOBAL_STREAM_ID, NULL);
    source->componentId = g_strdup(gust_input_source(input));
    source->streamId = g_strdup(gust_input_stream(input));
    g_hash_table_insert(common->inputs, source, grouping_to_thrift(gust_input_grouping(input)));
  }
  for (guint i = 0; i < gust_component_n_streams(component); i++) {
    const gust_stream *stream = gust_component_stream(component, i);
    GustStormStreamInfo *info = g_object_new(GUST_STORM_TYPE_STREAM_INFO, NULL);
    strv_into(info->output_fields, gust_stream_fields(stream));
    info->direct = gust_stream_is_direct(stream);
    g_hash_table_insert(common->streams, g_strdup(gust_stream_id(stream)), info);
  }
  common->parallelism_hint = gust_component_parallelism(component);
  common->__isset_parallelism_hint = TRUE;
  json_t *conf = json_deep_copy(gust_component_conf(component));
  if (carry) json_object_set(conf, GUST_THRIFT_CONF_FLUX_DEFINITION, carry);
  if (json_object_size(conf) > 0) {
    common->json_conf = dump(conf);
    common->__isset_json_conf = TRUE;
  }
  json_decref(conf);
}

static gboolean add_component(GustStormStormTopology *t, const gust_component *component,
                              GError **error)
{
  gboolean spout = gust_component_get_kind(component) == GUST_COMPONENT_SPOUT;
  GObject *spec = g_object_new(spout ? GUST_STORM_TYPE_SPOUT_SPEC : GUST_STORM_TYPE_BOLT, NULL);
  GustStormComponentObject *object =
      spout ? GUST_STORM_SPOUT_SPEC(spec)->spout_object : GUST_STORM_BOLT(spec)->bolt_object;
  GustStormComponentCommon *common =
      spout ? GUST_STORM_SPOUT_SPEC(spec)->common : GUST_STORM_BOLT(spec)->common;
  json_t *carry;
  if (!fill_component_object(component, object, &carry, error)) {
    g_object_unref(spec);
    return FALSE;
  }
  fill_common(component, common, carry);
  json_decref(carry);
  g_hash_table_insert(spout ? t->spouts : t->bolts, g_strdup(gust_component_id(component)), spec);
  return TRUE;
}

static char *conf_with_beans(const gust_topology *topology)
{
  json_t *conf = json_deep_copy(gust_topology_conf(topology));
  const char **ids = gust_topology_bean_ids(topology);
  if (ids[0]) {
    json_t *beans = json_object();
    for (const char **id = ids; *id; id++)
      json_object_set(beans, *id, gust_topology_bean(topology, *id));
    json_object_set_new(conf, GUST_THRIFT_CONF_FLUX_BEANS, beans);
  }
  g_free(ids);
  char *text = dump(conf);
  json_decref(conf);
  return text;
}

GustStormStormTopology *gust_topology_to_thrift(const gust_topology *topology, char **conf_json,
                                                GError **error)
{
  GustStormStormTopology *t = g_object_new(GUST_STORM_TYPE_STORM_TOPOLOGY, NULL);
  for (guint i = 0; i < gust_topology_n_components(topology); i++)
    if (!add_component(t, gust_topology_component(topology, i), error)) {
      g_object_unref(t);
      *conf_json = NULL;
      return NULL;
    }
  *conf_json = conf_with_beans(topology);
  return t;
}
