/* storm_sample_classes.c — the model side of Storm's sample components:
 * org.apache.storm.testing.TestWordSpout and TestWordCounter (storm-core)
 * and org.apache.storm.flux.wrappers.bolts.LogInfoBolt (flux-wrappers),
 * which tutorials and Flux examples name.
 *
 * Each row checks the constructors the Java class has and declares the
 * streams its declareOutputFields() declares; the runtime side (what the
 * tasks do) is compat/runtime/builtin_components.c, which defines the
 * symbols the rows name.
 */
#include "known_classes.h"

static gboolean refuse_config_methods(const json_t *definition, const char *name, GError **error)
{
  json_t *methods = gust_object_def_config_methods(definition);
  if (json_array_size(methods) == 0) return TRUE;
  const char *method = json_string_value(json_object_get(json_array_get(methods, 0), "name"));
  return gust_builtin_class_refuse(error, "%s has no config method '%s'", name,
                                   method ? method : "?");
}

/* The checks every sample class shares: no properties, factory or
 * config methods, and at most max_args constructor arguments. */
static gboolean check_plain_class(const json_t *definition, const gust_builtin_class *row,
                                  gsize max_args, const char *constructors, GError **error)
{
  const char *name = gust_object_def_short_name(row->class_name);
  if (!gust_object_def_refuse_properties_and_factory(definition, error) ||
      !refuse_config_methods(definition, name, error))
    return FALSE;
  gsize n = json_array_size(gust_object_def_constructor_args(definition));
  if (n > max_args)
    return gust_builtin_class_refuse(error,
                                     "%s has the constructor%s %s; it cannot take %zu arguments",
                                     name, max_args ? "s" : "", constructors, n);
  return TRUE;
}

/* ---- TestWordSpout ---- */

static gboolean configure_test_word_spout(gust_component *component, const json_t *definition,
                                          const gust_builtin_class_context *context, GError **error)
{
  static const char *const fields[] = {"word", NULL};
  const gust_builtin_class *row = &gust_test_word_spout_class;
  const char *constructors = "() and (boolean isDistributed)";
  if (!check_plain_class(definition, row, 1, constructors, error)) return FALSE;
  json_t *is_distributed = json_array_get(gust_object_def_constructor_args(definition), 0);
  if (is_distributed && !json_is_boolean(is_distributed))
    return gust_builtin_class_refuse(
        error, "TestWordSpout has the constructors %s; its argument must be true or false",
        constructors);
  /* A non-distributed TestWordSpout asks for at most one task. */
  if (json_is_false(is_distributed))
    gust_component_set_conf_value(component, "topology.max.task.parallelism", json_integer(1));
  gust_component_set_impl(component, gust_impl_new_builtin(row->class_name));
  return gust_component_declare_stream(component, GUST_DEFAULT_STREAM, fields, FALSE, error);
}

GUST_BUILTIN_RUNTIME(gust_test_word_spout_def);

const gust_builtin_class gust_test_word_spout_class = {
    .class_name = "org.apache.storm.testing.TestWordSpout",
    .kind = GUST_COMPONENT_SPOUT,
    .impl_kind = GUST_IMPL_BUILTIN,
    .configure = configure_test_word_spout,
    .runtime = &gust_test_word_spout_def,
};

/* ---- TestWordCounter ---- */

static gboolean configure_test_word_counter(gust_component *component, const json_t *definition,
                                            const gust_builtin_class_context *context,
                                            GError **error)
{
  static const char *const fields[] = {"word", "count", NULL};
  const gust_builtin_class *row = &gust_test_word_counter_class;
  if (!check_plain_class(definition, row, 0, "()", error)) return FALSE;
  gust_component_set_impl(component, gust_impl_new_builtin(row->class_name));
  return gust_component_declare_stream(component, GUST_DEFAULT_STREAM, fields, FALSE, error);
}

GUST_BUILTIN_RUNTIME(gust_test_word_counter_def);

const gust_builtin_class gust_test_word_counter_class = {
    .class_name = "org.apache.storm.testing.TestWordCounter",
    .kind = GUST_COMPONENT_BOLT,
    .impl_kind = GUST_IMPL_BUILTIN,
    .configure = configure_test_word_counter,
    .runtime = &gust_test_word_counter_def,
};

/* ---- LogInfoBolt ---- */

static gboolean configure_log_info_bolt(gust_component *component, const json_t *definition,
                                        const gust_builtin_class_context *context, GError **error)
{
  const gust_builtin_class *row = &gust_log_info_bolt_class;
  if (!check_plain_class(definition, row, 0, "()", error)) return FALSE;
  gust_component_set_impl(component, gust_impl_new_builtin(row->class_name));
  return TRUE; /* logs every tuple, declares no output */
}

GUST_BUILTIN_RUNTIME(gust_log_info_bolt_def);

const gust_builtin_class gust_log_info_bolt_class = {
    .class_name = "org.apache.storm.flux.wrappers.bolts.LogInfoBolt",
    .kind = GUST_COMPONENT_BOLT,
    .impl_kind = GUST_IMPL_BUILTIN,
    .configure = configure_log_info_bolt,
    .runtime = &gust_log_info_bolt_def,
};
