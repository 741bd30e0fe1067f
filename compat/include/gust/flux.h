/* flux.h — loading Storm Flux YAML topology definitions.
 *
 * gust_flux_load_file() reads a Flux file the way `storm jar ... Flux`
 * does and returns a gust_topology (see topology.h).  Supported:
 *   name, config, components (kept as bean definitions addressable by
 *   {ref: id}), spouts, bolts (id, className, constructorArgs, properties,
 *   configMethods, factory, factoryArgs, parallelism, numTasks,
 *   onHeapMemoryLoad, offHeapMemoryLoad, cpuLoad, config), streams (from,
 *   to, grouping: type ALL, CUSTOM, DIRECT, SHUFFLE, LOCAL_OR_SHUFFLE,
 *   FIELDS, GLOBAL, NONE; streamId, args, customClass), includes.
 *
 * What a className becomes:
 *   "native:PATH:SYMBOL"  a C component: PATH is the shared object,
 *        relative to the directory of the Flux file that names it unless
 *        absolute (stored absolute); SYMBOL its operation table.  The .so
 *        is not opened here.
 *   org.apache.storm.flux.wrappers.spouts.FluxShellSpout,
 *   org.apache.storm.flux.wrappers.bolts.FluxShellBolt
 *        a multilang subprocess: constructorArgs (command[]) or (command[],
 *        outputFields[]); configMethods setDefaultStream, setNamedStream,
 *        addComponentConfig, changeChildCWD, setEnv.
 *   org.apache.storm.testing.TestWordSpout, ...TestWordCounter,
 *   org.apache.storm.flux.wrappers.bolts.LogInfoBolt
 *        built-in: gust implements them.
 *   any other class   kept as a JAVA component; validation refuses it with
 *        a message naming the class and the alternatives.
 *   CUSTOM grouping with customClass org.apache.storm.grouping.PartialKeyGrouping
 *        becomes PARTIAL_KEY; its fields come from its constructorArgs: a
 *        {ref:} to an org.apache.storm.tuple.Fields bean (as in Storm) or,
 *        as a gust shorthand, a list of field names.  No arguments: the
 *        whole tuple is the key.
 *
 * Where gust differs from Flux, on purpose:
 *   - Substitution (${key}, ${key[N]} from the --filter properties file,
 *     ${ENV-NAME} with --env-filter) is done on the raw text, line by line,
 *     as in Storm 2.4+, but every placeholder of a line is replaced and an
 *     unresolved placeholder is an ERROR naming the line and placeholder
 *     (Storm logs a warning and leaves it).  Lines that are only a comment
 *     are left alone.
 *   - Include paths are relative to the including file (Storm: to the
 *     working directory); includes with resource: true are refused (there
 *     is no classpath); includes inside an included file are ignored with
 *     a warning, as in Flux.
 *   - Duplicate ids within one list, duplicate keys in a map and two
 *     streams with the same from/to/streamId are errors (Flux keeps the
 *     last one).  Unknown keys are errors, as they are for Flux.
 *   - numTasks below 0 is an error (Flux treats it as unset); numTasks 0
 *     is allowed, as in Storm.
 *   - topologySource and workerHooks are refused: they are Java code.
 *   - A bolt that is no stream's "to" is left out, as Flux does, but with
 *     a g_warning naming it (log domain "gust-flux").
 *
 * Validation: the loader validates the topology it built
 * (gust_topology_validate()), except that for inputs whose source is a
 * native component the stream, field and direct checks are skipped (their
 * streams are declared only once the runtime opens the shared object).
 * When gust_topology_has_native_components() is TRUE the caller must
 * declare the native streams and call gust_topology_validate() again.
 *
 * Errors: NULL and a GError in GUST_FLUX_ERROR (reading, YAML, schema,
 * substitution) or GUST_TOPOLOGY_ERROR (validation); messages begin with
 * "file:line: " and name the component, e.g.
 *   wordcount.yaml:14: stream from 'spout' to 'split': unknown component 'spout'
 */
#ifndef GUST_FLUX_H
#define GUST_FLUX_H

#include <gust/topology.h>

G_BEGIN_DECLS

#define GUST_FLUX_ERROR (gust_flux_error_quark())
GQuark gust_flux_error_quark(void);

typedef enum {
  GUST_FLUX_ERROR_IO,           /* a file cannot be read */
  GUST_FLUX_ERROR_SYNTAX,       /* not YAML (libyaml's problem, line, column) */
  GUST_FLUX_ERROR_PROPERTIES,   /* a malformed --filter properties file */
  GUST_FLUX_ERROR_SUBSTITUTION, /* a ${...} placeholder that cannot be resolved */
  GUST_FLUX_ERROR_SCHEMA,       /* YAML that is not a Flux topology (key, type, value) */
  GUST_FLUX_ERROR_REFERENCE,    /* a stream, ref or include naming something absent */
  GUST_FLUX_ERROR_UNSUPPORTED,  /* valid Flux gust cannot run: topologySource, ... */
} gust_flux_error;

typedef struct {
  /* --filter: a Java .properties file for ${key} and ${key[N]}; NULL = none. */
  const char *properties_file;
  /* --env-filter: resolve ${ENV-NAME}. */
  gboolean env_filter;
  /* Environment for ${ENV-NAME} as "NAME=VALUE" strings (NULL-terminated);
   * NULL = the process environment. */
  const char *const *environment;
  /* Working directory of multilang components; NULL = "resources/" beside
   * the Flux file if that directory exists, else the file's directory. */
  const char *resources_dir;
  /* Build the topology without validating it (the caller validates, e.g.
   * gust_topology_validate_all() to report every problem at once). */
  gboolean skip_validation;
} gust_flux_options;

/* Loads and validates a Flux file.  opts may be NULL (all defaults).
 * Returns a new topology (gust_topology_free()) or NULL with *error set. */
gust_topology *gust_flux_load_file(const char *path, const gust_flux_options *opts, GError **error);

/* Same for text already in memory.  display_name is used in messages, and
 * its directory resolves relative paths (includes, native libraries,
 * resources). */
gust_topology *gust_flux_load_string(const char *text, const char *display_name,
                                     const gust_flux_options *opts, GError **error);

/* Java .properties parsing (what --filter reads): "key=value", "key: value"
 * or "key value"; # and ! comments; a trailing backslash continues the
 * line; \t \n \r \f \uXXXX escapes; leading whitespace of keys and values
 * is trimmed.  Text is read as UTF-8 (Java reads ISO-8859-1).  Returns a
 * new table of strings (g_hash_table_unref()) or NULL with
 * GUST_FLUX_ERROR_IO / GUST_FLUX_ERROR_PROPERTIES. */
GHashTable *gust_properties_load_file(const char *path, GError **error);
GHashTable *gust_properties_parse(const char *text, const char *display_name, GError **error);

/* A YAML file of settings (Storm's storm.yaml): a mapping of keys to
 * values, typed as a Flux "config:" block is (YAML 1.1: 6627 is an int,
 * true a bool, quoted text a string).  An empty text is an empty mapping.
 * Returns a new JSON object (json_decref()); key_lines, when not NULL,
 * receives a new table (g_hash_table_unref()) of each top-level key ->
 * its line as GUINT_TO_POINTER.  NULL with GUST_FLUX_ERROR_SYNTAX or
 * _SCHEMA ("file:line: ...") when the text is not YAML or not a mapping. */
json_t *gust_yaml_settings_parse(const char *text, const char *display_name, GHashTable **key_lines,
                                 GError **error);

G_END_DECLS

#endif /* GUST_FLUX_H */
