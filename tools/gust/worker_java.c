/* worker_java.c — a worker's Java components (see worker_java.h).
 *
 * The stored topology's `serialized_java` components go to one JVM
 * (gust-storm.jar, SLF4J, Thrift and the topology's stormjar.jar on its
 * class path), which deserializes each once and says what it is: a
 * ShellBolt/ShellSpout becomes a multilang component with the command
 * from its serialized fields and the jar's resources/ folder as working
 * directory (gust's multilang host runs it); any other spout or bolt a
 * Java component that the same JVM hosts, task by task, as under
 * `gust jar --local`.  A topology with a custom grouping (custom_serialized)
 * gets the JVM even without Java components: the grouping runs there
 * (compat/jvm/jvm_grouping.c).  Runs on the worker's main thread.
 */
#define G_LOG_DOMAIN "gust-worker"

#include "worker_java.h"

#include "jvm_command_line.h"
#include "worker_childopts.h"

#include <string.h>

typedef struct {
  GHashTable *loaded; /* id -> gust_jvm_component */
  const char *resources_dir;
} loaded_components;

static gboolean host_component(void *data, gust_component *component, const char *class_name,
                               const char *wrapped, const guint8 *bytes, gsize len, GError **error)
{
  loaded_components *l = data;
  const gust_jvm_component *c = g_hash_table_lookup(l->loaded, gust_component_id(component));
  if (!c) {
    g_set_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_UNSUPPORTED,
                "the JVM did not load it");
    return FALSE;
  }
  if (c->error) { /* "is not a bolt (IBolt)", "cannot be deserialized: ..." */
    const char *named = g_strcmp0(c->class_name, "?") ? c->class_name
                        : wrapped                     ? wrapped
                                                      : class_name;
    g_set_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_UNSUPPORTED, "%s %s", named,
                c->error);
    return FALSE;
  }
  if (c->shell)
    gust_component_set_impl(component,
                            gust_impl_new_multilang((const char *const *)c->shell, l->resources_dir,
                                                    (const char *const *)c->env));
  else
    gust_component_set_impl(component, gust_impl_new_jvm(c->class_name));
  return TRUE;
}

static void add_serialized(GArray *out, GHashTable *table, gboolean spouts)
{
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, table);
  while (g_hash_table_iter_next(&it, &key, &value)) {
    const GustStormComponentObject *o = spouts ? ((GustStormSpoutSpec *)value)->spout_object
                                               : ((GustStormBolt *)value)->bolt_object;
    if (!o || !o->__isset_serialized_java || !o->serialized_java) continue;
    gust_jvm_serialized s = {.id = key,
                             .spout = spouts,
                             .bytes = o->serialized_java->data,
                             .len = o->serialized_java->len};
    g_array_append_val(out, s);
  }
}

static gust_jvm *start_jvm(const GArray *components, const char *stormdist, json_t *daemon_conf,
                           const json_t *conf, const gust_worker_identity *who, GHashTable **loaded,
                           GError **error)
{
  g_autofree char *jar = g_build_filename(stormdist, "stormjar.jar", NULL);
  if (!g_file_test(jar, G_FILE_TEST_IS_REGULAR)) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                "the topology has Java components or custom groupings and its jar %s is missing",
                jar);
    return NULL;
  }
  const char *java = json_string_value(json_object_get(daemon_conf, "storm.gust.java"));
  const char *opts = json_string_value(json_object_get(daemon_conf, "storm.gust.worker.jvm.opts"));
  gint start_secs = (gint)json_integer_value(
      json_object_get(daemon_conf, "supervisor.worker.start.timeout.secs"));
  g_autofree char *class_path = gust_jvm_class_path(jar);
  g_autoptr(GPtrArray) jvm_options = gust_jvm_option_words(opts, NULL);
  guint daemon_words = jvm_options->len - 1;
  gust_worker_childopts_append(jvm_options, daemon_conf, conf, who);
  if (jvm_options->len - 1 > daemon_words) {
    g_autofree char *added = g_strjoinv(" ", (char **)jvm_options->pdata + daemon_words);
    g_message("the JVM host gets worker.childopts, topology.worker.childopts and the GC ones: %s",
              added);
  }
  gust_jvm_options jo = {.java = java,
                         .class_path = class_path,
                         .jvm_options = (const char *const *)jvm_options->pdata};
  g_message("starting the JVM host for %u Java component(s) and the custom groupings: %s",
            components->len, class_path);
  return gust_jvm_start_stored(&jo, (const gust_jvm_serialized *)(void *)components->data,
                               components->len, (start_secs > 0 ? start_secs : 120) * 1000, loaded,
                               error);
}

/* Whether a bolt subscribes with a Java-serialized grouping (a custom one:
 * the JVM host runs it even when no component is Java). */
static gboolean has_serialized_grouping(const GustStormStormTopology *thrift)
{
  GHashTableIter bolts, inputs;
  gpointer key, value, stream, grouping;
  g_hash_table_iter_init(&bolts, thrift->bolts);
  while (g_hash_table_iter_next(&bolts, &key, &value)) {
    GustStormComponentCommon *common = ((GustStormBolt *)value)->common;
    if (!common || !common->inputs) continue;
    g_hash_table_iter_init(&inputs, common->inputs);
    while (g_hash_table_iter_next(&inputs, &stream, &grouping))
      if (((GustStormGrouping *)grouping)->__isset_custom_serialized) return TRUE;
  }
  return FALSE;
}

gust_topology *gust_worker_topology(const GustStormStormTopology *thrift, const char *name,
                                    const json_t *conf, const char *stormdist, json_t *daemon_conf,
                                    const gust_worker_identity *who, gust_jvm **jvm, GError **error)
{
  g_autofree char *conf_json = json_dumps(conf, JSON_COMPACT);
  *jvm = NULL;
  g_autofree char *resources = g_build_filename(stormdist, "resources", NULL);
  g_autoptr(GArray) serialized = g_array_new(FALSE, FALSE, sizeof(gust_jvm_serialized));
  add_serialized(serialized, thrift->spouts, TRUE);
  add_serialized(serialized, thrift->bolts, FALSE);
  if (serialized->len == 0 && !has_serialized_grouping(thrift))
    return gust_topology_from_thrift(thrift, name, conf_json, resources, NULL, error);
  loaded_components l = {NULL, resources};
  *jvm = start_jvm(serialized, stormdist, daemon_conf, conf, who, &l.loaded, error);
  if (!*jvm) return NULL;
  gust_java_host host = {host_component, &l};
  gust_topology *t =
      gust_topology_from_thrift_hosted(thrift, name, conf_json, resources, &host, NULL, error);
  g_hash_table_unref(l.loaded);
  if (!t) g_clear_pointer(jvm, gust_jvm_free);
  return t;
}
