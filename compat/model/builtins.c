/* builtins.c — the table of Java classes gust runs without a JVM.
 *
 * Flux files name Java classes.  Those listed here run anyway:
 *   BUILTIN    gust implements the class itself (a C stand-in with the
 *              same output streams and the same component conf);
 *   MULTILANG  Flux's shell wrappers, which only describe a subprocess
 *              (interpreted in shell_wrappers.c).
 * Any other class becomes a GUST_IMPL_JAVA component that validation
 * refuses, listing the alternatives from this table.
 *
 * To add a class: write its configure function —
 * check the constructor arguments the Java class accepts, set the
 * implementation, declare the streams its declareOutputFields() declares,
 * add what its getComponentConfiguration() returns — and add a row to
 * known_classes[].  The table is constant: no registration at run time.
 */
#include "known_classes.h"

#include <string.h>

static gboolean refuse_config_methods(const json_t *definition, const char *name, GError **error)
{
  json_t *methods = gust_object_def_config_methods(definition);
  if (json_array_size(methods) == 0) return TRUE;
  const char *method = json_string_value(json_object_get(json_array_get(methods, 0), "name"));
  g_set_error(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS,
              "%s has no config method '%s'", name, method ? method : "?");
  return FALSE;
}

/* The checks every built-in class shares: no properties, factory or
 * config methods, and at most max_args constructor arguments. */
static gboolean check_plain_builtin(const json_t *definition, const char *class_name,
                                    gsize max_args, const char *constructors, GError **error)
{
  const char *name = gust_object_def_short_name(class_name);
  if (!gust_object_def_refuse_properties_and_factory(definition, error) ||
      !refuse_config_methods(definition, name, error))
    return FALSE;
  gsize n = json_array_size(gust_object_def_constructor_args(definition));
  if (n > max_args) {
    g_set_error(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS,
                "%s has the constructor%s %s; it cannot take %zu arguments", name,
                max_args ? "s" : "", constructors, n);
    return FALSE;
  }
  return TRUE;
}

static gboolean configure_test_word_spout(gust_component *component, const json_t *definition,
                                          const gust_known_class_context *context, GError **error)
{
  static const char *const class_name = "org.apache.storm.testing.TestWordSpout";
  static const char *const fields[] = {"word", NULL};
  const char *constructors = "() and (boolean isDistributed)";
  if (!check_plain_builtin(definition, class_name, 1, constructors, error)) return FALSE;
  json_t *is_distributed = json_array_get(gust_object_def_constructor_args(definition), 0);
  if (is_distributed && !json_is_boolean(is_distributed)) {
    g_set_error(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS,
                "TestWordSpout has the constructors %s; its argument must be true or false",
                constructors);
    return FALSE;
  }
  /* A non-distributed TestWordSpout asks for at most one task. */
  if (json_is_false(is_distributed))
    gust_component_set_conf_value(component, "topology.max.task.parallelism", json_integer(1));
  gust_component_set_impl(component, gust_impl_new_builtin(class_name));
  return gust_component_declare_stream(component, GUST_DEFAULT_STREAM, fields, FALSE, error);
}

static gboolean configure_test_word_counter(gust_component *component, const json_t *definition,
                                            const gust_known_class_context *context, GError **error)
{
  static const char *const class_name = "org.apache.storm.testing.TestWordCounter";
  static const char *const fields[] = {"word", "count", NULL};
  if (!check_plain_builtin(definition, class_name, 0, "()", error)) return FALSE;
  gust_component_set_impl(component, gust_impl_new_builtin(class_name));
  return gust_component_declare_stream(component, GUST_DEFAULT_STREAM, fields, FALSE, error);
}

static gboolean configure_log_info_bolt(gust_component *component, const json_t *definition,
                                        const gust_known_class_context *context, GError **error)
{
  static const char *const class_name = "org.apache.storm.flux.wrappers.bolts.LogInfoBolt";
  if (!check_plain_builtin(definition, class_name, 0, "()", error)) return FALSE;
  gust_component_set_impl(component, gust_impl_new_builtin(class_name));
  return TRUE; /* logs every tuple, declares no output */
}

static const gust_known_class known_classes[] = {
    {"org.apache.storm.testing.TestWordSpout", GUST_COMPONENT_SPOUT, GUST_IMPL_BUILTIN,
     configure_test_word_spout},
    {"org.apache.storm.testing.TestWordCounter", GUST_COMPONENT_BOLT, GUST_IMPL_BUILTIN,
     configure_test_word_counter},
    {"org.apache.storm.flux.wrappers.bolts.LogInfoBolt", GUST_COMPONENT_BOLT, GUST_IMPL_BUILTIN,
     configure_log_info_bolt},
    {"org.apache.storm.kafka.spout.KafkaSpout", GUST_COMPONENT_SPOUT, GUST_IMPL_BUILTIN,
     gust_kafka_spout_configure},
    {"org.apache.storm.kafka.bolt.KafkaBolt", GUST_COMPONENT_BOLT, GUST_IMPL_BUILTIN,
     gust_kafka_bolt_configure},
    {"org.apache.storm.flux.wrappers.spouts.FluxShellSpout", GUST_COMPONENT_SPOUT,
     GUST_IMPL_MULTILANG, gust_shell_wrapper_configure},
    {"org.apache.storm.flux.wrappers.bolts.FluxShellBolt", GUST_COMPONENT_BOLT, GUST_IMPL_MULTILANG,
     gust_shell_wrapper_configure},
};

const gust_known_class *gust_known_class_lookup(const char *class_name)
{
  for (gsize i = 0; i < G_N_ELEMENTS(known_classes); i++)
    if (g_str_equal(known_classes[i].class_name, class_name)) return &known_classes[i];
  return NULL;
}

gboolean gust_known_class_apply(const gust_known_class *known, gust_component *component,
                                const json_t *definition, const gust_known_class_context *context,
                                GError **error)
{
  if (known->kind != gust_component_get_kind(component)) {
    g_set_error(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS,
                "%s is a %s class; it cannot be used as a %s", known->class_name,
                gust_component_kind_name(known->kind),
                gust_component_kind_name(gust_component_get_kind(component)));
    return FALSE;
  }
  return known->configure(component, definition, context, error);
}

char *gust_known_class_names(gust_component_kind kind, gust_impl_kind impl_kind)
{
  GString *names = g_string_new(NULL);
  for (gsize i = 0; i < G_N_ELEMENTS(known_classes); i++) {
    if (known_classes[i].kind != kind || known_classes[i].impl_kind != impl_kind) continue;
    if (names->len) g_string_append(names, ", ");
    g_string_append(names, known_classes[i].class_name);
  }
  return g_string_free(names, FALSE);
}

gboolean gust_known_class_refuse(GError **error, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  g_propagate_error(error, g_error_new_valist(GUST_TOPOLOGY_ERROR,
                                              GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS, format, args));
  va_end(args);
  return FALSE;
}
