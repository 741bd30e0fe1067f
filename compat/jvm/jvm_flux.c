/* jvm_flux.c — a Flux spout's, bolt's or custom grouping's object
 * definition as the bytes
 * that stand in for its Java serialization (see gust/jvm.h): the magic
 * line FluxObjects.java checks for, the class name and a newline (what
 * gust_java_serialized_class_name() reads), then one wire value, a map of
 * "definition" (the component's) and "components" (every bean of the
 * topology, id -> definition; the JVM builds only those referenced).
 * Stateless; any thread. */
#include "jvm_private.h"

#include <gust/jvm.h>

/* Must equal FluxObjects.MAGIC; never the start of Java serialization. */
static const char flux_magic[] = "gust-flux-definition\n";

GBytes *gust_jvm_flux_object(const gust_topology *topology, const json_t *definition)
{
  json_t *beans = json_object();
  const char **ids = gust_topology_bean_ids(topology);
  for (const char **id = ids; id && *id; id++)
    json_object_set(beans, *id, gust_topology_bean(topology, *id));
  g_free(ids);
  json_t *top = json_pack("{sOso}", "definition", (json_t *)definition, "components", beans);
  GString *out = g_string_new(flux_magic);
  g_string_append_printf(out, "%s\n", json_string_value(json_object_get(definition, "className")));
  jw_json(out, top);
  json_decref(top);
  gsize len = out->len;
  return g_bytes_new_take(g_string_free(out, FALSE), len);
}

GBytes *gust_jvm_flux_definition(const gust_topology *topology, const gust_component *component)
{
  return gust_jvm_flux_object(topology, gust_component_definition(component));
}
