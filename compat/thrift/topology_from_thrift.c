/* topology_from_thrift.c — a submitted StormTopology (+ its conf JSON)
 * becomes compat's gust_topology, ready for the runtime.
 *
 * Steps, each failing with a message that names the component:
 *   1. the topology conf (a JSON object); beans that gust's own submitter
 *      carried under GUST_THRIFT_CONF_FLUX_BEANS are taken out of it;
 *   2. spouts, then bolts, each sorted by id (Thrift maps have no order):
 *      the ComponentObject gives the implementation — `shell` -> multilang,
 *      `java_object` -> a built-in class, `serialized_java` -> the JVM host
 *      the caller gives (gust_java_host), else refused with the class found
 *      in the bytes — then json_conf, parallelism_hint and
 *      the declared streams;
 *   3. inputs with their groupings (PartialKeyGrouping, as gust's
 *      custom_object or as the real storm-client's custom_serialized
 *      bytes, partial_key_serialized.c, becomes the native partial-key
 *      grouping; any other custom_serialized grouping keeps its bytes
 *      for the JVM host);
 *   4. the model's validation (gust_topology_validate), whose message names
 *      the component and the rule.
 * Refusals of what gust cannot host are GUST_STORM_THRIFT_ERROR_UNSUPPORTED
 * and report the Java class, so that a JVM host can take those later.
 * Runs on the caller's thread; reads the Thrift objects only.
 */
#include <gust/builtin_class.h>
#include <gust/storm_thrift.h>

#include "thrift_private.h"

#include <string.h>

#define PARTIAL_KEY_CLASS "org.apache.storm.grouping.PartialKeyGrouping"
#define BASIC_BOLT_EXECUTOR "org.apache.storm.topology.BasicBoltExecutor"

typedef struct {
  gust_topology *topology;
  const char *resources_dir;
  const gust_java_host *java; /* NULL: serialized_java is refused */
  char **refused_class;
} build;

static gboolean invalid(GError **error, const char *format, ...) G_GNUC_PRINTF(2, 3);
static gboolean invalid(GError **error, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  g_propagate_error(error,
                    g_error_new_valist(GUST_STORM_THRIFT_ERROR,
                                       GUST_STORM_THRIFT_ERROR_INVALID_TOPOLOGY, format, args));
  va_end(args);
  return FALSE;
}

static gboolean unsupported(build *b, const char *class_name, GError **error, const char *format,
                            ...) G_GNUC_PRINTF(4, 5);
static gboolean unsupported(build *b, const char *class_name, GError **error, const char *format,
                            ...)
{
  va_list args;
  va_start(args, format);
  g_propagate_error(error, g_error_new_valist(GUST_STORM_THRIFT_ERROR,
                                              GUST_STORM_THRIFT_ERROR_UNSUPPORTED, format, args));
  va_end(args);
  if (b->refused_class && class_name && !*b->refused_class)
    *b->refused_class = g_strdup(class_name);
  return FALSE;
}

static json_t *parse_object(const char *text, const char *what, GError **error)
{
  json_error_t json_error;
  json_t *value = json_loads(text, JSON_DECODE_ANY, &json_error);
  if (!value) {
    invalid(error, "%s is not valid JSON: %s (line %d, column %d)", what, json_error.text,
            json_error.line, json_error.column);
    return NULL;
  }
  if (!json_is_object(value)) {
    json_decref(value);
    invalid(error, "%s must be a JSON object", what);
    return NULL;
  }
  return value;
}

/* ---- implementations ------------------------------------------------------ */

static gboolean shell_impl(build *b, gust_component *component,
                           const GustStormShellComponent *shell, GError **error)
{
  const char *command = shell->execution_command;
  if (!command || !*command)
    return invalid(error, "component '%s': its shell component has no execution_command",
                   gust_component_id(component));
  const char *argv[3] = {command, shell->script && *shell->script ? shell->script : NULL, NULL};
  gust_component_set_impl(component, gust_impl_new_multilang(argv, b->resources_dir, NULL));
  return TRUE;
}

static json_t *java_arg_to_json(const GustStormJavaObjectArg *arg)
{
  if (arg->__isset_int_arg) return json_integer(arg->int_arg);
  if (arg->__isset_long_arg) return json_integer(arg->long_arg);
  if (arg->__isset_string_arg) return json_string(arg->string_arg ? arg->string_arg : "");
  if (arg->__isset_bool_arg) return json_boolean(arg->bool_arg);
  if (arg->__isset_double_arg) return json_real(arg->double_arg);
  return NULL; /* binary_arg, or nothing set */
}

/* The Flux-style definition of a java_object: the one gust's submitter
 * carried in json_conf, or className + constructorArgs from the JavaObject. */
static json_t *java_definition(const gust_component *component, const GustStormJavaObject *object,
                               json_t *carried, GError **error)
{
  const char *class_name = object->full_class_name;
  if (carried) {
    const char *carried_class = json_string_value(json_object_get(carried, "className"));
    if (!json_is_object(carried) || g_strcmp0(carried_class, class_name) != 0) {
      invalid(error, "component '%s': %s in its json_conf does not define class %s",
              gust_component_id(component), GUST_THRIFT_CONF_FLUX_DEFINITION, class_name);
      return NULL;
    }
    return json_incref(carried);
  }
  json_t *args = json_array();
  for (guint i = 0; object->args_list && i < object->args_list->len; i++) {
    json_t *value = java_arg_to_json(g_ptr_array_index(object->args_list, i));
    if (!value) {
      json_decref(args);
      invalid(error,
              "component '%s': argument %u of %s is binary or empty; gust's built-in classes "
              "take int, long, string, bool and double arguments",
              gust_component_id(component), i + 1, class_name);
      return NULL;
    }
    json_array_append_new(args, value);
  }
  return json_pack("{s:s, s:o}", "className", class_name, "constructorArgs", args);
}

static gboolean java_object_impl(build *b, gust_component *component,
                                 const GustStormJavaObject *object, json_t *carried, GError **error)
{
  const char *class_name = object->full_class_name ? object->full_class_name : "";
  const gust_builtin_class *row = gust_builtin_class_lookup(class_name);
  if (!row) {
    char *known = gust_builtin_class_names(gust_component_get_kind(component), GUST_IMPL_BUILTIN);
    unsupported(b, class_name, error,
                "component '%s': Java class %s is not one gust implements, and Java components "
                "need gust's JVM host; use a shell (multilang) component or one of: %s",
                gust_component_id(component), class_name, known);
    g_free(known);
    return FALSE;
  }
  json_t *definition = java_definition(component, object, carried, error);
  if (!definition) return FALSE;
  gust_builtin_class_context context = {.topology = b->topology, .resources_dir = b->resources_dir};
  GError *local = NULL;
  gboolean ok = gust_builtin_class_apply(row, component, definition, &context, &local);
  if (ok)
    gust_component_set_definition(component, definition);
  else {
    json_decref(definition);
    invalid(error, "component '%s': %s", gust_component_id(component), local->message);
    g_error_free(local);
  }
  return ok;
}

static gboolean serialized_java_impl(build *b, gust_component *component, const GByteArray *bytes,
                                     GError **error)
{
  const guint8 *data = bytes ? bytes->data : NULL;
  gsize len = bytes ? bytes->len : 0;
  g_autofree char *class_name = gust_java_serialized_class_name(data, len);
  g_autofree char *wrapped = NULL;
  if (class_name && g_str_equal(class_name, BASIC_BOLT_EXECUTOR))
    wrapped = gust_java_serialized_next_class_name(data, len, class_name);
  g_autofree char *what =
      !class_name ? g_strdup_printf("%u bytes of Java-serialized object without a class "
                                    "descriptor",
                                    bytes ? bytes->len : 0)
      : wrapped   ? g_strdup_printf("a Java-serialized %s (wrapping %s)", class_name, wrapped)
                  : g_strdup_printf("a Java-serialized %s", class_name);
  if (!b->java)
    return unsupported(b, wrapped ? wrapped : class_name, error,
                       "component '%s' is %s; Java components need gust's JVM host, which "
                       "this Nimbus does not have. Submit shell (multilang) components or "
                       "built-in classes (java_object) instead",
                       gust_component_id(component), what);
  if (!class_name)
    return unsupported(b, NULL, error, "component '%s' is %s", gust_component_id(component), what);
  GError *local = NULL;
  if (b->java->host(b->java->data, component, class_name, wrapped, data, len, &local)) return TRUE;
  unsupported(b, wrapped ? wrapped : class_name, error, "component '%s' is %s: %s",
              gust_component_id(component), what, local->message);
  g_error_free(local);
  return FALSE;
}

static gboolean set_implementation(build *b, gust_component *component,
                                   const GustStormComponentObject *object, json_t *carried,
                                   GError **error)
{
  if (object->__isset_shell) return shell_impl(b, component, object->shell, error);
  if (object->__isset_java_object)
    return java_object_impl(b, component, object->java_object, carried, error);
  if (object->__isset_serialized_java)
    return serialized_java_impl(b, component, object->serialized_java, error);
  return invalid(error,
                 "component '%s': its ComponentObject sets none of serialized_java, "
                 "shell, java_object",
                 gust_component_id(component));
}

/* ---- conf, parallelism, streams --------------------------------------------- */

static gboolean set_component_conf(gust_component *component,
                                   const GustStormComponentCommon *common, json_t **carried,
                                   GError **error)
{
  *carried = NULL;
  if (!common->__isset_json_conf || !common->json_conf) return TRUE;
  char *what = g_strdup_printf("component '%s': json_conf", gust_component_id(component));
  json_t *conf = parse_object(common->json_conf, what, error);
  g_free(what);
  if (!conf) return FALSE;
  *carried = json_incref(json_object_get(conf, GUST_THRIFT_CONF_FLUX_DEFINITION));
  json_object_del(conf, GUST_THRIFT_CONF_FLUX_DEFINITION);
  const char *key;
  json_t *value;
  json_object_foreach(conf, key, value)
      gust_component_set_conf_value(component, key, json_incref(value));
  json_decref(conf);
  return TRUE;
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of a string-keyed hash table, sorted; g_ptr_array_unref. */
static GPtrArray *sorted_keys(GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_new();
  GHashTableIter it;
  gpointer key;
  if (table) {
    g_hash_table_iter_init(&it, table);
    while (g_hash_table_iter_next(&it, &key, NULL))
      g_ptr_array_add(keys, key);
  }
  g_ptr_array_sort(keys, compare_strings);
  return keys;
}

static gboolean same_fields(const gust_stream *stream, const GPtrArray *fields)
{
  guint n = fields ? fields->len : 0;
  if (gust_stream_n_fields(stream) != n) return FALSE;
  for (guint i = 0; i < n; i++)
    if (g_strcmp0(gust_stream_fields(stream)[i], g_ptr_array_index(fields, i)) != 0) return FALSE;
  return TRUE;
}

/* Declares the Thrift streams; those a built-in class already declared
 * must agree with it. */
static gboolean declare_streams(gust_component *component, const GustStormComponentCommon *common,
                                GError **error)
{
  GPtrArray *ids = sorted_keys(common->streams);
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < ids->len; i++) {
    const char *id = g_ptr_array_index(ids, i);
    const GustStormStreamInfo *info = g_hash_table_lookup(common->streams, id);
    const gust_stream *declared = gust_component_lookup_stream(component, id);
    if (declared) {
      if (!same_fields(declared, info->output_fields) ||
          gust_stream_is_direct(declared) != info->direct)
        ok = invalid(error,
                     "component '%s': stream '%s' is declared differently from what its class "
                     "declares",
                     gust_component_id(component), id);
      continue;
    }
    GPtrArray *fields = g_ptr_array_new();
    for (guint f = 0; info->output_fields && f < info->output_fields->len; f++)
      g_ptr_array_add(fields, g_ptr_array_index(info->output_fields, f));
    g_ptr_array_add(fields, NULL);
    GError *local = NULL;
    ok = gust_component_declare_stream(component, id, (const char *const *)fields->pdata,
                                       info->direct, &local);
    if (!ok) {
      invalid(error, "component '%s': %s", gust_component_id(component), local->message);
      g_error_free(local);
    }
    g_ptr_array_unref(fields);
  }
  g_ptr_array_unref(ids);
  return ok;
}

static gboolean add_component(build *b, const char *id, gust_component_kind kind,
                              const GustStormComponentObject *object,
                              const GustStormComponentCommon *common, GError **error)
{
  gust_component *component = gust_topology_add_component(b->topology, id, kind);
  json_t *carried = NULL;
  gboolean ok = set_component_conf(component, common, &carried, error) &&
                set_implementation(b, component, object, carried, error) &&
                declare_streams(component, common, error);
  json_decref(carried);
  if (ok && common->__isset_parallelism_hint)
    gust_component_set_parallelism(component, common->parallelism_hint);
  return ok;
}

/* ---- inputs ------------------------------------------------------------------ */

static gust_grouping *partial_key(build *b, const char *where, const GustStormJavaObject *object,
                                  GError **error)
{
  GPtrArray *fields = g_ptr_array_new();
  for (guint i = 0; object->args_list && i < object->args_list->len; i++) {
    const GustStormJavaObjectArg *arg = g_ptr_array_index(object->args_list, i);
    if (!arg->__isset_string_arg) {
      g_ptr_array_unref(fields);
      invalid(error, "%s: %s takes field names (string arguments) only", where, PARTIAL_KEY_CLASS);
      return NULL;
    }
    g_ptr_array_add(fields, arg->string_arg);
  }
  g_ptr_array_add(fields, NULL);
  gust_grouping *grouping =
      gust_grouping_new_fields(GUST_GROUPING_PARTIAL_KEY, (const char *const *)fields->pdata);
  g_ptr_array_unref(fields);
  return grouping;
}

/* The first field of the stream an input reads (NULL if unknown yet). */
static const char *source_first_field(build *b, const GustStormGlobalStreamId *source)
{
  const gust_component *component = gust_topology_lookup(b->topology, source->componentId);
  const gust_stream *stream =
      component ? gust_component_lookup_stream(component, source->streamId) : NULL;
  return stream && gust_stream_n_fields(stream) ? gust_stream_fields(stream)[0] : NULL;
}

static gust_grouping *grouping_from_thrift(build *b, const char *where,
                                           const GustStormGlobalStreamId *source,
                                           const GustStormGrouping *g, GError **error)
{
  if (g->__isset_fields) {
    if (!g->fields || g->fields->len == 0) return gust_grouping_new(GUST_GROUPING_GLOBAL);
    const char **fields = g_new0(const char *, g->fields->len + 1);
    memcpy(fields, g->fields->pdata, g->fields->len * sizeof *fields);
    gust_grouping *grouping = gust_grouping_new_fields(GUST_GROUPING_FIELDS, fields);
    g_free(fields);
    return grouping;
  }
  if (g->__isset_shuffle) return gust_grouping_new(GUST_GROUPING_SHUFFLE);
  if (g->__isset_all) return gust_grouping_new(GUST_GROUPING_ALL);
  if (g->__isset_none) return gust_grouping_new(GUST_GROUPING_NONE);
  if (g->__isset_direct) return gust_grouping_new(GUST_GROUPING_DIRECT);
  if (g->__isset_local_or_shuffle) return gust_grouping_new(GUST_GROUPING_LOCAL_OR_SHUFFLE);
  if (g->__isset_custom_object) {
    const char *class_name = g->custom_object->full_class_name;
    if (g_strcmp0(class_name, PARTIAL_KEY_CLASS) == 0)
      return partial_key(b, where, g->custom_object, error);
    unsupported(b, class_name, error,
                "%s: custom grouping %s is not one gust implements (it knows %s); use a "
                "fields, shuffle, all, global, none, direct or local-or-shuffle grouping",
                where, class_name ? class_name : "(no class)", PARTIAL_KEY_CLASS);
    return NULL;
  }
  if (g->__isset_custom_serialized) {
    const GByteArray *bytes = g->custom_serialized;
    char *class_name =
        gust_java_serialized_class_name(bytes ? bytes->data : NULL, bytes ? bytes->len : 0);
    if (g_strcmp0(class_name, PARTIAL_KEY_CLASS) == 0) {
      g_free(class_name);
      return gust_partial_key_from_serialized(bytes->data, bytes->len,
                                              source_first_field(b, source), where, error);
    }
    if (!class_name) {
      invalid(error, "%s: its custom grouping's bytes are not a Java-serialized object", where);
      return NULL;
    }
    gust_grouping *grouping = gust_grouping_new_custom(class_name);
    GBytes *serialized = g_bytes_new(bytes->data, bytes->len);
    gust_grouping_set_custom_object(grouping, serialized);
    g_bytes_unref(serialized);
    g_free(class_name);
    return grouping;
  }
  invalid(error, "%s: the grouping sets no field", where);
  return NULL;
}

static gint compare_stream_ids(gconstpointer a, gconstpointer b)
{
  const GustStormGlobalStreamId *x = *(GustStormGlobalStreamId *const *)a;
  const GustStormGlobalStreamId *y = *(GustStormGlobalStreamId *const *)b;
  int c = g_strcmp0(x->componentId, y->componentId);
  return c ? c : g_strcmp0(x->streamId, y->streamId);
}

static gboolean add_inputs(build *b, const char *id, const GustStormComponentCommon *common,
                           GError **error)
{
  gust_component *component = gust_topology_lookup(b->topology, id);
  GPtrArray *sources = g_ptr_array_new();
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init(&it, common->inputs);
  while (g_hash_table_iter_next(&it, &key, NULL))
    g_ptr_array_add(sources, key);
  g_ptr_array_sort(sources, compare_stream_ids);
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < sources->len; i++) {
    const GustStormGlobalStreamId *source = g_ptr_array_index(sources, i);
    char *where = g_strdup_printf("component '%s' input from '%s' stream '%s'", id,
                                  source->componentId, source->streamId);
    gust_grouping *grouping =
        grouping_from_thrift(b, where, source, g_hash_table_lookup(common->inputs, source), error);
    GError *local = NULL;
    ok = grouping && gust_component_add_input(component, source->componentId, source->streamId,
                                              grouping, &local);
    if (local) {
      invalid(error, "%s: %s", where, local->message);
      g_error_free(local);
    }
    g_free(where);
  }
  g_ptr_array_unref(sources);
  return ok;
}

/* ---- the topology -------------------------------------------------------------- */

static gboolean take_conf(build *b, const char *conf_json, GError **error)
{
  json_t *conf = conf_json ? parse_object(conf_json, "the topology conf", error) : json_object();
  if (!conf) return FALSE;
  json_t *beans = json_incref(json_object_get(conf, GUST_THRIFT_CONF_FLUX_BEANS));
  json_object_del(conf, GUST_THRIFT_CONF_FLUX_BEANS);
  gust_topology_set_conf(b->topology, conf);
  if (beans && !json_is_object(beans)) {
    json_decref(beans);
    return invalid(error, "%s in the topology conf must be a JSON object",
                   GUST_THRIFT_CONF_FLUX_BEANS);
  }
  const char *id;
  json_t *definition;
  json_object_foreach(beans, id, definition)
      gust_topology_add_bean(b->topology, id, json_incref(definition));
  json_decref(beans);
  return TRUE;
}

static gboolean add_components(build *b, const GustStormStormTopology *t, GError **error)
{
  GPtrArray *spouts = sorted_keys(t->spouts), *bolts = sorted_keys(t->bolts);
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < spouts->len; i++) {
    const char *id = g_ptr_array_index(spouts, i);
    const GustStormSpoutSpec *spout = g_hash_table_lookup(t->spouts, id);
    ok = add_component(b, id, GUST_COMPONENT_SPOUT, spout->spout_object, spout->common, error);
  }
  for (guint i = 0; ok && i < bolts->len; i++) {
    const char *id = g_ptr_array_index(bolts, i);
    const GustStormBolt *bolt = g_hash_table_lookup(t->bolts, id);
    ok = add_component(b, id, GUST_COMPONENT_BOLT, bolt->bolt_object, bolt->common, error);
  }
  for (guint i = 0; ok && i < spouts->len; i++) {
    const char *id = g_ptr_array_index(spouts, i);
    ok = add_inputs(b, id, ((GustStormSpoutSpec *)g_hash_table_lookup(t->spouts, id))->common,
                    error);
  }
  for (guint i = 0; ok && i < bolts->len; i++) {
    const char *id = g_ptr_array_index(bolts, i);
    ok = add_inputs(b, id, ((GustStormBolt *)g_hash_table_lookup(t->bolts, id))->common, error);
  }
  g_ptr_array_unref(spouts);
  g_ptr_array_unref(bolts);
  return ok;
}

static gboolean refuse_unhostable_extras(build *b, const GustStormStormTopology *t, GError **error)
{
  if (t->state_spouts && g_hash_table_size(t->state_spouts) > 0)
    return invalid(error, "the topology has state spouts, which Storm never implemented");
  for (guint i = 0; t->__isset_worker_hooks && t->worker_hooks && i < t->worker_hooks->len; i++) {
    const GByteArray *hook = g_ptr_array_index(t->worker_hooks, i);
    char *class_name = gust_java_serialized_class_name(hook->data, hook->len);
    unsupported(b, class_name, error,
                "the topology has a Java worker hook (%s), which needs gust's JVM host",
                class_name ? class_name : "Java-serialized object");
    g_free(class_name);
    return FALSE;
  }
  return TRUE;
}

gust_topology *gust_topology_from_thrift(const GustStormStormTopology *topology, const char *name,
                                         const char *conf_json, const char *resources_dir,
                                         char **refused_class, GError **error)
{
  return gust_topology_from_thrift_hosted(topology, name, conf_json, resources_dir, NULL,
                                          refused_class, error);
}

gust_topology *gust_topology_from_thrift_hosted(const GustStormStormTopology *topology,
                                                const char *name, const char *conf_json,
                                                const char *resources_dir,
                                                const gust_java_host *java, char **refused_class,
                                                GError **error)
{
  if (refused_class) *refused_class = NULL;
  build b = {gust_topology_new(name), resources_dir, java, refused_class};
  GError *local = NULL;
  gboolean ok = refuse_unhostable_extras(&b, topology, error) && take_conf(&b, conf_json, error) &&
                add_components(&b, topology, error);
  if (ok && !gust_topology_validate(b.topology, &local)) {
    ok = invalid(error, "%s", local->message);
    g_error_free(local);
  }
  if (!ok) g_clear_pointer(&b.topology, gust_topology_free);
  return b.topology;
}
