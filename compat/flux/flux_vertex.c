/* flux_vertex.c — spout, bolt and component (bean) definitions.
 *
 * Every definition carries a Java-style object definition (className,
 * constructorArgs, properties, configMethods, factory, factoryArgs).  Its
 * shape is checked here, with line numbers, and it is kept as JSON on the
 * component (gust_component_definition) or as a topology bean, so hosts
 * and built-in classes can interpret it later.
 *
 * A spout or bolt then gets its implementation from the className:
 *   "native:PATH:SYMBOL"       -> NATIVE, PATH resolved against the
 *                                 directory of the file that defines it;
 *   a class in known_classes   -> that class's configure function
 *                                 (built-in or multilang shell wrapper);
 *   anything else              -> JAVA, which validation refuses.
 * Then, in the order Storm's builder applies them: resources
 * (onHeapMemoryLoad, offHeapMemoryLoad, cpuLoad -> component conf),
 * numTasks (-> "topology.tasks"), parallelism, and the "config" map.
 */
#include "flux_private.h"

#include "known_classes.h"

#include <string.h>

static const char *const bean_keys[] = {
    "id",          "className", "constructorArgs", "properties", "configMethods", "factory",
    "factoryArgs", NULL,
};

static const char *const vertex_keys[] = {
    "id",
    "className",
    "constructorArgs",
    "properties",
    "configMethods",
    "factory",
    "factoryArgs",
    "parallelism",
    "numTasks",
    "onHeapMemoryLoad",
    "offHeapMemoryLoad",
    "cpuLoad",
    "config",
    NULL,
};

static const char *const object_def_keys[] = {
    "constructorArgs", "properties", "configMethods", "factory", "factoryArgs", NULL,
};

static const char *const property_keys[] = {"name", "value", "ref", NULL};
static const char *const config_method_keys[] = {"name", "args", NULL};

static const char native_prefix[] = "native:";

static gboolean check_list(const flux_node *node, const char *key, const char *what,
                           const char *file, GError **error)
{
  if (node->type == FLUX_NODE_SEQUENCE) return TRUE;
  return flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, node->line, "%s: %s must be a list", what,
                   key);
}

/* Checks a list of maps, each with a 'name' and only the allowed keys. */
static gboolean check_named_maps(const flux_node *list, const char *key, const char *const *allowed,
                                 const char *what, const char *file, GError **error)
{
  if (!check_list(list, key, what, file, error)) return FALSE;
  char *list_what = g_strdup_printf("%s: %s", what, key);
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < list->items->len; i++) {
    const flux_node *item = g_ptr_array_index(list->items, i);
    const char *name;
    if (item->type != FLUX_NODE_MAPPING)
      ok = flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, item->line,
                     "%s: each entry must be a map", list_what);
    else if (!flux_node_get(item, "name"))
      ok = flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, item->line,
                     "%s: each entry needs a 'name'", list_what);
    else
      ok = flux_node_check_keys(item, allowed, list_what, file, error) &&
           flux_node_text(flux_node_get(item, "name"), "a name", file, &name, error);
  }
  g_free(list_what);
  return ok;
}

static gboolean check_object_def_shape(const flux_node *node, const char *what, const char *file,
                                       GError **error)
{
  const flux_node *value;
  const char *text;
  if ((value = flux_node_get(node, "constructorArgs")) && !flux_node_is_null(value) &&
      !check_list(value, "constructorArgs", what, file, error))
    return FALSE;
  if ((value = flux_node_get(node, "factoryArgs")) && !flux_node_is_null(value) &&
      !check_list(value, "factoryArgs", what, file, error))
    return FALSE;
  if ((value = flux_node_get(node, "factory")) && !flux_node_is_null(value) &&
      !flux_node_text(value, "factory", file, &text, error))
    return FALSE;
  if ((value = flux_node_get(node, "properties")) && !flux_node_is_null(value)) {
    if (!check_named_maps(value, "properties", property_keys, what, file, error)) return FALSE;
    for (guint i = 0; i < value->items->len; i++) {
      const flux_node *property = g_ptr_array_index(value->items, i);
      if (!flux_node_get(property, "value") == !flux_node_get(property, "ref"))
        return flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, property->line,
                         "%s: a property has either a 'value' or a 'ref'", what);
    }
  }
  if ((value = flux_node_get(node, "configMethods")) && !flux_node_is_null(value)) {
    if (!check_named_maps(value, "configMethods", config_method_keys, what, file, error))
      return FALSE;
    for (guint i = 0; i < value->items->len; i++) {
      const flux_node *args = flux_node_get(g_ptr_array_index(value->items, i), "args");
      if (args && !flux_node_is_null(args) && !check_list(args, "args", what, file, error))
        return FALSE;
    }
  }
  return TRUE;
}

/* The definition as JSON: className plus whichever object keys are set. */
json_t *flux_object_definition(const flux_context *context, const flux_node *node, const char *what,
                               const char *file, GError **error)
{
  const flux_node *class_node = flux_node_get(node, "className");
  const char *class_name;
  if (!class_node) {
    flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, node->line, "%s has no 'className'", what);
    return NULL;
  }
  if (!flux_node_text(class_node, "className", file, &class_name, error) ||
      !check_object_def_shape(node, what, file, error))
    return NULL;
  json_t *definition = json_pack("{ss}", "className", class_name);
  for (const char *const *key = object_def_keys; *key; key++) {
    const flux_node *value = flux_node_get(node, *key);
    if (!value || flux_node_is_null(value)) continue;
    json_t *json = flux_node_to_json(context, value, file, error);
    if (!json) {
      json_decref(definition);
      return NULL;
    }
    json_object_set_new(definition, *key, json);
  }
  return definition;
}

gboolean flux_build_bean(const flux_context *context, gust_topology *topology,
                         const flux_entry *entry, GError **error)
{
  char *what = g_strdup_printf("component '%s'", entry->id);
  json_t *definition = NULL;
  gboolean ok =
      flux_node_check_keys(entry->node, bean_keys, what, entry->file, error) &&
      (definition = flux_object_definition(context, entry->node, what, entry->file, error));
  if (ok) gust_topology_add_bean(topology, entry->id, definition);
  g_free(what);
  return ok;
}

/* "native:PATH:SYMBOL" -> NATIVE implementation. */
static gboolean set_native_impl(gust_component *component, const char *class_name, const char *what,
                                const char *file, guint line, GError **error)
{
  const char *spec = class_name + strlen(native_prefix);
  const char *colon = strrchr(spec, ':');
  if (!colon || colon == spec || !colon[1])
    return flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, line,
                     "%s: className '%s' must have the form native:PATH:SYMBOL", what, class_name);
  char *path = g_strndup(spec, colon - spec);
  char *dir = g_path_get_dirname(file);
  char *base = g_canonicalize_filename(dir, NULL); /* relative to the working directory */
  char *library = g_canonicalize_filename(path, base);
  gust_component_set_impl(component, gust_impl_new_native(library, colon + 1));
  g_free(library);
  g_free(base);
  g_free(dir);
  g_free(path);
  return TRUE;
}

static gboolean set_implementation(const flux_context *context, const gust_topology *topology,
                                   gust_component *component, const json_t *definition,
                                   const char *what, const char *file, guint line, GError **error)
{
  const char *class_name = json_string_value(json_object_get(definition, "className"));
  if (g_str_has_prefix(class_name, native_prefix))
    return set_native_impl(component, class_name, what, file, line, error);
  const gust_builtin_class *row = gust_builtin_class_lookup(class_name);
  if (!row) {
    gust_component_set_impl(component, gust_impl_new_java(class_name));
    return TRUE;
  }
  gust_builtin_class_context class_context = {
      .topology = topology,
      .resources_dir = context->resources_dir,
  };
  if (!gust_builtin_class_apply(row, component, definition, &class_context, error)) {
    g_prefix_error(error, "%s:%u: %s: ", file, line, what);
    return FALSE;
  }
  return TRUE;
}

/* Reads the optional integer setting key of the definition "what". */
static gboolean read_int(const flux_context *context, const flux_node *node, const char *key,
                         const char *what, const char *file, gint *out, gboolean *present,
                         GError **error)
{
  const flux_node *value = flux_node_get(node, key);
  *present = value && !flux_node_is_null(value);
  if (!*present) return TRUE;
  char *label = g_strdup_printf("%s: %s", what, key);
  gboolean ok = flux_node_int(context, value, label, file, out, error);
  g_free(label);
  return ok;
}

/* onHeapMemoryLoad, offHeapMemoryLoad, cpuLoad: -1 (or absent) = unset. */
static gboolean apply_resources(const flux_context *context, gust_component *component,
                                const flux_node *node, const char *what, const char *file,
                                GError **error)
{
  gint on_heap = -1, off_heap = -1, cpu = -1;
  gboolean present;
  if (!read_int(context, node, "onHeapMemoryLoad", what, file, &on_heap, &present, error) ||
      !read_int(context, node, "offHeapMemoryLoad", what, file, &off_heap, &present, error) ||
      !read_int(context, node, "cpuLoad", what, file, &cpu, &present, error))
    return FALSE;
  if (on_heap > -1) {
    gust_component_set_conf_value(component, "topology.component.resources.onheap.memory.mb",
                                  json_real(on_heap));
    if (off_heap > -1)
      gust_component_set_conf_value(component, "topology.component.resources.offheap.memory.mb",
                                    json_real(off_heap));
  }
  if (cpu > -1)
    gust_component_set_conf_value(component, "topology.component.cpu.pcore.percent",
                                  json_real(cpu));
  return TRUE;
}

static gboolean apply_settings(const flux_context *context, gust_component *component,
                               const flux_node *node, const char *what, const char *file,
                               GError **error)
{
  gint value;
  gboolean present;
  if (!apply_resources(context, component, node, what, file, error)) return FALSE;
  if (!read_int(context, node, "numTasks", what, file, &value, &present, error)) return FALSE;
  if (present) gust_component_set_tasks(component, value);
  if (!read_int(context, node, "parallelism", what, file, &value, &present, error)) return FALSE;
  if (present) gust_component_set_parallelism(component, value);

  const flux_pair *config = flux_node_get_pair(node, "config");
  if (!config || flux_node_is_null(config->value)) return TRUE;
  if (config->value->type != FLUX_NODE_MAPPING)
    return flux_fail(error, GUST_FLUX_ERROR_SCHEMA, file, config->line,
                     "%s: 'config' must be a map of settings", what);
  json_t *conf = flux_node_to_json(context, config->value, file, error);
  if (!conf) return FALSE;
  json_object_update(gust_component_conf(component), conf);
  json_decref(conf);
  return TRUE;
}

gboolean flux_build_vertex(const flux_context *context, gust_topology *topology,
                           const flux_entry *entry, gust_component_kind kind, GError **error)
{
  const flux_node *node = entry->node;
  char *what = g_strdup_printf("%s '%s'", gust_component_kind_name(kind), entry->id);
  json_t *definition = NULL;
  gboolean ok = flux_node_check_keys(node, vertex_keys, what, entry->file, error) &&
                (definition = flux_object_definition(context, node, what, entry->file, error));
  if (ok) {
    gust_component *component = gust_topology_add_component(topology, entry->id, kind);
    gust_component_set_location(component, entry->file, node->line);
    gust_component_set_definition(component, definition);
    ok = set_implementation(context, topology, component, definition, what, entry->file, node->line,
                            error) &&
         apply_settings(context, component, node, what, entry->file, error);
  }
  g_free(what);
  return ok;
}
