/* builtin_class.c — the registry of Java classes gust runs without a JVM
 * (see <gust/builtin_class.h> for how a row is laid out and how its
 * runtime half is found).
 *
 * The list below holds pointers to the rows, each defined by the module
 * that implements its class; class names are spelled only in the rows.
 * Constant: nothing is registered at run time.  Any other class becomes a
 * GUST_IMPL_JAVA component that validation refuses, listing the classes of
 * this registry as alternatives.
 */
#include "known_classes.h"

static const gust_builtin_class *const builtin_classes[] = {
    &gust_test_word_spout_class, &gust_test_word_counter_class, &gust_log_info_bolt_class,
    &gust_kafka_spout_class,     &gust_kafka_bolt_class,        &gust_flux_shell_spout_class,
    &gust_flux_shell_bolt_class,
};

const gust_builtin_class *const *gust_builtin_classes(gsize *n)
{
  *n = G_N_ELEMENTS(builtin_classes);
  return builtin_classes;
}

const gust_builtin_class *gust_builtin_class_lookup(const char *class_name)
{
  if (!class_name) return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS(builtin_classes); i++)
    if (g_str_equal(builtin_classes[i]->class_name, class_name)) return builtin_classes[i];
  return NULL;
}

gboolean gust_builtin_class_apply(const gust_builtin_class *row, gust_component *component,
                                  const json_t *definition,
                                  const gust_builtin_class_context *context, GError **error)
{
  if (row->kind != gust_component_get_kind(component))
    return gust_builtin_class_refuse(error, "%s is a %s class; it cannot be used as a %s",
                                     row->class_name, gust_component_kind_name(row->kind),
                                     gust_component_kind_name(gust_component_get_kind(component)));
  return row->configure(component, definition, context, error);
}

char *gust_builtin_class_names(gust_component_kind kind, gust_impl_kind impl_kind)
{
  GString *names = g_string_new(NULL);
  for (gsize i = 0; i < G_N_ELEMENTS(builtin_classes); i++) {
    if (builtin_classes[i]->kind != kind || builtin_classes[i]->impl_kind != impl_kind) continue;
    if (names->len) g_string_append(names, ", ");
    g_string_append(names, builtin_classes[i]->class_name);
  }
  return g_string_free(names, FALSE);
}

gboolean gust_builtin_class_refuse(GError **error, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  g_propagate_error(error, g_error_new_valist(GUST_TOPOLOGY_ERROR,
                                              GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS, format, args));
  va_end(args);
  return FALSE;
}
