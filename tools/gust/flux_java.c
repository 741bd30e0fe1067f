/* flux_java.c — the Java classes of a Flux topology (see flux_java.h).
 *
 * Each GUST_IMPL_JAVA component's definition travels to the JVM as the
 * bytes of a stored component (gust_jvm_flux_definition), so the JVM
 * that a worker starts for a topology submitted to Nimbus and the one
 * started here read them the same way (StoredTopology.java): it builds
 * each once to learn its class, streams and configuration, and every task
 * builds its own instance from the same definition.  A topology with a
 * custom grouping gets the JVM even when no component is Java: each
 * emitting task builds its grouping there (compat/jvm/jvm_grouping.c).
 */
#define G_LOG_DOMAIN "gust-flux"

#include "flux_java.h"

#include "jvm_command_line.h"

#include <gust/flux.h>
#include <gust/storm_thrift.h>

enum { LOAD_TIMEOUT_MS = 120 * 1000 };

static gboolean fail(GError **error, const gust_component *c, const char *format, ...)
    G_GNUC_PRINTF(3, 4);

static gboolean fail(GError **error, const gust_component *c, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  g_autofree char *text = g_strdup_vprintf(format, args);
  va_end(args);
  const gust_location *at = gust_component_location(c);
  g_autofree char *where = !at        ? g_strdup("")
                           : at->line ? g_strdup_printf("%s:%u: ", at->file, at->line)
                                      : g_strdup_printf("%s: ", at->file);
  g_set_error(error, GUST_FLUX_ERROR, GUST_FLUX_ERROR_UNSUPPORTED, "%s%s '%s': %s", where,
              gust_component_kind_name(gust_component_get_kind(c)), gust_component_id(c), text);
  return FALSE;
}

/* The streams the JVM says the component declares. */
static gboolean declare_streams(gust_component *c, const json_t *streams, GError **error)
{
  size_t i;
  json_t *s;
  json_array_foreach(streams, i, s)
  {
    json_t *fields = json_array_get(s, 2);
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    size_t j;
    json_t *f;
    json_array_foreach(fields, j, f) g_ptr_array_add(names, (gpointer)json_string_value(f));
    g_ptr_array_add(names, NULL);
    const char *id = json_string_value(json_array_get(s, 0));
    if (!id || !gust_component_declare_stream(c, id, (const char *const *)names->pdata,
                                              json_is_true(json_array_get(s, 1)), error))
      return error && *error ? FALSE : fail(error, c, "the JVM's list of its streams is malformed");
  }
  return TRUE;
}

/* Storm's builder: getComponentConfiguration() first, then the Flux file's config over it. */
static void apply_conf(gust_component *c, const json_t *conf)
{
  if (!conf) return;
  json_t *merged = json_deep_copy(conf);
  json_object_update(merged, gust_component_conf(c));
  json_object_update(gust_component_conf(c), merged);
  json_decref(merged);
}

static gboolean host_loaded(gust_component *c, const gust_jvm_component *loaded, GError **error)
{
  const char *class_name = gust_component_impl(c)->java.class_name;
  if (!loaded) return fail(error, c, "class '%s': the JVM did not load it", class_name);
  if (loaded->error) return fail(error, c, "class '%s' %s", class_name, loaded->error);
  if (loaded->shell) {
    gust_component_set_impl(c, gust_impl_new_multilang((const char *const *)loaded->shell, NULL,
                                                       (const char *const *)loaded->env));
  } else {
    gust_component_set_impl(c, gust_impl_new_jvm(loaded->class_name));
  }
  apply_conf(c, loaded->conf);
  return !loaded->streams || declare_streams(c, loaded->streams, error);
}

/* Whether a subscription has a custom grouping (built and run by the JVM
 * host even when no component is Java). */
static gboolean has_custom_grouping(const gust_topology *topology)
{
  for (guint i = 0; i < gust_topology_n_components(topology); i++) {
    const gust_component *c = gust_topology_component(topology, i);
    for (guint k = 0; k < gust_component_n_inputs(c); k++)
      if (gust_grouping_get_kind(gust_input_grouping(gust_component_input(c, k))) ==
          GUST_GROUPING_CUSTOM)
        return TRUE;
  }
  return FALSE;
}

gboolean gust_flux_java_host(gust_topology *topology, const gust_flux_java_options *options,
                             gust_jvm **jvm, GError **error)
{
  *jvm = NULL;
  g_autoptr(GPtrArray) java = g_ptr_array_new();
  g_autoptr(GPtrArray) definitions = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  g_autoptr(GArray) serialized = g_array_new(FALSE, FALSE, sizeof(gust_jvm_serialized));
  for (guint i = 0; i < gust_topology_n_components(topology); i++) {
    gust_component *c = gust_topology_component(topology, i);
    const gust_impl *impl = gust_component_impl(c);
    if (!impl || impl->kind != GUST_IMPL_JAVA) continue;
    GBytes *definition = gust_jvm_flux_definition(topology, c);
    g_ptr_array_add(definitions, definition);
    g_ptr_array_add(java, c);
    gsize len;
    const guint8 *bytes = g_bytes_get_data(definition, &len);
    gust_jvm_serialized s = {.id = gust_component_id(c),
                             .spout = gust_component_get_kind(c) == GUST_COMPONENT_SPOUT,
                             .bytes = bytes,
                             .len = len};
    g_array_append_val(serialized, s);
  }
  if (java->len == 0 && !has_custom_grouping(topology)) return TRUE;
  if (!g_file_test(options->jar, G_FILE_TEST_IS_REGULAR)) {
    g_set_error(error, GUST_FLUX_ERROR, GUST_FLUX_ERROR_IO, "%s: no such jar", options->jar);
    return FALSE;
  }
  g_autofree char *class_path = gust_jvm_class_path(options->jar);
  g_autoptr(GPtrArray) words =
      gust_jvm_option_words(options->jvm_opts ? options->jvm_opts : GUST_DEFAULT_JVM_OPTS, NULL);
  gust_jvm_options jo = {.java = options->java,
                         .class_path = class_path,
                         .jvm_options = (const char *const *)words->pdata};
  g_message("building %u Java component(s) from the Flux definitions in a JVM (which runs the "
            "custom groupings too): %s",
            java->len, class_path);
  GHashTable *loaded = NULL;
  *jvm = gust_jvm_start_stored(&jo, (const gust_jvm_serialized *)(void *)serialized->data,
                               serialized->len, LOAD_TIMEOUT_MS, &loaded, error);
  if (!*jvm) return FALSE;
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < java->len; i++) {
    gust_component *c = g_ptr_array_index(java, i);
    ok = host_loaded(c, g_hash_table_lookup(loaded, gust_component_id(c)), error);
  }
  g_hash_table_unref(loaded);
  if (!ok) {
    g_free(gust_jvm_stop(*jvm, 1000));
    g_clear_pointer(jvm, gust_jvm_free);
  }
  return ok;
}

gboolean gust_flux_java_prepare_submit(gust_topology *topology,
                                       const gust_flux_java_options *options,
                                       GHashTable **definitions, GError **error)
{
  *definitions = NULL;
  g_autoptr(GPtrArray) java = g_ptr_array_new();
  for (guint i = 0; i < gust_topology_n_components(topology); i++) {
    gust_component *c = gust_topology_component(topology, i);
    const gust_impl *impl = gust_component_impl(c);
    if (impl && impl->kind == GUST_IMPL_JAVA) g_ptr_array_add(java, c);
  }
  gust_jvm *jvm = NULL;
  gboolean ok = gust_flux_java_host(topology, options, &jvm, error) &&
                gust_topology_validate(topology, error);
  if (jvm) {
    g_autofree char *ended = gust_jvm_stop(jvm, 5000);
    g_debug("the JVM %s", ended);
    gust_jvm_free(jvm);
  }
  if (!ok) return FALSE;
  /* custom groupings travel as custom_serialized: their Flux definition's bytes */
  for (guint i = 0; i < gust_topology_n_components(topology); i++) {
    gust_component *c = gust_topology_component(topology, i);
    for (guint k = 0; k < gust_component_n_inputs(c); k++) {
      gust_grouping *g = (gust_grouping *)gust_input_grouping(gust_component_input(c, k));
      json_t *definition = gust_grouping_custom_definition(g);
      if (!definition) continue;
      GBytes *bytes = gust_jvm_flux_object(topology, definition);
      gust_grouping_set_custom_object(g, bytes);
      g_bytes_unref(bytes);
    }
  }
  *definitions =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_bytes_unref);
  for (guint i = 0; i < java->len; i++) {
    gust_component *c = g_ptr_array_index(java, i);
    g_hash_table_insert(*definitions, g_strdup(gust_component_id(c)),
                        gust_jvm_flux_definition(topology, c));
    const char *class_name =
        json_string_value(json_object_get(gust_component_definition(c), "className"));
    gust_component_set_impl(c, gust_impl_new_java(class_name));
  }
  return TRUE;
}

static void put_serialized(GHashTable *components, GHashTable *definitions, gboolean spouts)
{
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, components);
  while (g_hash_table_iter_next(&it, &key, &value)) {
    GBytes *bytes = g_hash_table_lookup(definitions, key);
    if (!bytes) continue;
    GustStormComponentObject *o = spouts ? ((GustStormSpoutSpec *)value)->spout_object
                                         : ((GustStormBolt *)value)->bolt_object;
    if (!o->serialized_java) o->serialized_java = g_byte_array_new();
    g_byte_array_set_size(o->serialized_java, 0);
    g_byte_array_append(o->serialized_java, g_bytes_get_data(bytes, NULL),
                        (guint)g_bytes_get_size(bytes));
    o->__isset_serialized_java = TRUE;
    o->__isset_java_object = FALSE;
    o->__isset_shell = FALSE;
  }
}

void gust_flux_java_put_serialized(GustStormStormTopology *thrift, GHashTable *definitions)
{
  put_serialized(thrift->spouts, definitions, TRUE);
  put_serialized(thrift->bolts, definitions, FALSE);
}
