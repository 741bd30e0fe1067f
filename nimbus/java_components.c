/* java_components.c — what Nimbus checks before it accepts a
 * `serialized_java` component (the worker's JVM host runs it, see
 * compat/jvm/jvm_stored.c): a JVM to run it (storm.gust.java, found on
 * PATH or as a path), and every class the bytes name at their top — the
 * object's class and, for a BasicBoltExecutor, the basic bolt it wraps —
 * present in the uploaded topology jar or in gust's Storm API jar, the two
 * jars a worker's JVM loads classes from.  The bytes themselves are
 * deserialized by the worker's JVM only.  Runs on the calling thread. */
#include "nimbus_private.h"

#include <gust/storm_thrift.h>
#include <zip.h>

#ifndef GUST_STORM_JAR
#error "GUST_STORM_JAR must name the Storm API jar of gust"
#endif

typedef struct {
  const char *java;
  const char *jar;
} java_check;

/* TRUE if jar holds the class file of class_name. */
static gboolean jar_has_class(const char *jar, const char *class_name)
{
  int code = 0;
  zip_t *zip = zip_open(jar, ZIP_RDONLY, &code);
  if (!zip) return FALSE;
  g_autofree char *path = g_strdelimit(g_strdup(class_name), ".", '/');
  g_autofree char *entry = g_strconcat(path, ".class", NULL);
  gboolean found = zip_name_locate(zip, entry, 0) >= 0;
  zip_discard(zip);
  return found;
}

static gboolean class_present(const java_check *check, const char *class_name, GError **error)
{
  if (jar_has_class(check->jar, class_name) || jar_has_class(GUST_STORM_JAR, class_name))
    return TRUE;
  g_set_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_UNSUPPORTED,
              "class %s is neither in the topology jar nor in gust's Storm API (Trident, DRPC, "
              "the Streams API, windowed and stateful bolts are not supported)",
              class_name);
  return FALSE;
}

static gboolean check_component(void *data, gust_component *component, const char *class_name,
                                const char *wrapped, const guint8 *bytes, gsize len, GError **error)
{
  const java_check *check = data;
  g_autofree char *java = g_find_program_in_path(check->java);
  if (!java) {
    g_set_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_UNSUPPORTED,
                "Java components need a JVM, and this Nimbus finds no '%s' (storm.gust.java)",
                check->java);
    return FALSE;
  }
  if (!class_present(check, class_name, error)) return FALSE;
  if (wrapped && !class_present(check, wrapped, error)) return FALSE;
  gust_component_set_impl(component, gust_impl_new_jvm(wrapped ? wrapped : class_name));
  return TRUE;
}

gust_topology *gust_nimbus_topology_model(gust_nimbus *nimbus, const GustStormStormTopology *t,
                                          const char *name, const char *conf_json, const char *jar,
                                          GError **error)
{
  java_check check = {gust_nimbus_conf_string(nimbus->conf, "storm.gust.java", "java"), jar};
  gust_java_host host = {check_component, &check};
  return gust_topology_from_thrift_hosted(t, name, conf_json, NULL, &host, NULL, error);
}
