/* object_def.c — reading Java object definitions kept as JSON.
 *
 * Flux describes every object as {className, constructorArgs, properties,
 * configMethods, factory, factoryArgs}; loaders keep that shape verbatim
 * (references stay {ref: id} / {reflist: [...]}).  The configure functions
 * of the known classes use these helpers to pick arguments out of it.
 * Nothing here allocates except gust_json_to_strv().
 */
#include "known_classes.h"

#include <string.h>

const char *gust_object_def_short_name(const char *class_name)
{
  const char *dot = strrchr(class_name, '.');
  return dot ? dot + 1 : class_name;
}

/* NULL when absent or not an array.  Jansson's json_array_size() and
 * json_array_get() accept NULL, so callers read NULL as an empty list. */
static json_t *array_member(const json_t *definition, const char *key)
{
  json_t *value = json_object_get(definition, key);
  return json_is_array(value) ? value : NULL;
}

json_t *gust_object_def_constructor_args(const json_t *definition)
{
  return array_member(definition, "constructorArgs");
}

json_t *gust_object_def_config_methods(const json_t *definition)
{
  return array_member(definition, "configMethods");
}

gboolean gust_object_def_refuse_properties_and_factory(const json_t *definition, GError **error)
{
  const char *class_name = json_string_value(json_object_get(definition, "className"));
  const char *name = gust_object_def_short_name(class_name ? class_name : "?");
  json_t *properties = json_object_get(definition, "properties");
  if (json_array_size(properties) > 0) {
    const char *property =
        json_string_value(json_object_get(json_array_get(properties, 0), "name"));
    g_set_error(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS,
                "%s has no settable property '%s'", name, property ? property : "?");
    return FALSE;
  }
  json_t *factory = json_object_get(definition, "factory");
  if (factory && !json_is_null(factory)) {
    g_set_error(error, GUST_TOPOLOGY_ERROR, GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS,
                "%s has no factory method '%s'", name,
                json_is_string(factory) ? json_string_value(factory) : "?");
    return FALSE;
  }
  return TRUE;
}

char **gust_json_to_strv(const json_t *value)
{
  if (!json_is_array(value)) return NULL;
  gsize n = json_array_size(value);
  char **strv = g_new0(char *, n + 1);
  for (gsize i = 0; i < n; i++) {
    const json_t *item = json_array_get(value, i);
    if (!json_is_string(item)) {
      g_strfreev(strv);
      return NULL;
    }
    strv[i] = g_strdup(json_string_value(item));
  }
  return strv;
}
