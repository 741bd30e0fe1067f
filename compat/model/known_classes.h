/* known_classes.h — Java class names gust understands without a JVM
 * (private to libgust_topology: used by the model's validation and by the
 * loaders).
 *
 * Each entry says what the class is (spout or bolt), how gust runs it
 * (BUILTIN: implemented in C by gust; MULTILANG: Flux's shell wrappers,
 * which become a subprocess), and a configure function that reads the
 * object definition — {className, constructorArgs, configMethods,
 * properties, factory, factoryArgs} as JSON, the shape Flux uses — and
 * turns it into the component's implementation, output streams and conf,
 * exactly as the Java class would declare them.
 */
#ifndef GUST_KNOWN_CLASSES_H
#define GUST_KNOWN_CLASSES_H

#include <gust/kafka.h>
#include <gust/topology.h>

typedef struct {
  /* The topology being built: its beans resolve {ref: id} arguments
   * (gust_topology_bean), e.g. a Kafka spout's config builder. */
  const gust_topology *topology;
  /* Working directory for multilang subprocesses (absolute), or NULL. */
  const char *resources_dir;
} gust_known_class_context;

/* Sets the implementation, declares streams, adds component conf.  On
 * failure sets GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS with a message that
 * does not repeat the component id (the caller adds it and the location). */
typedef gboolean (*gust_known_class_configure_fn)(gust_component *component,
                                                  const json_t *definition,
                                                  const gust_known_class_context *context,
                                                  GError **error);

/* Sets GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS with the formatted message
 * and returns FALSE: the configure functions' way to refuse. */
gboolean gust_known_class_refuse(GError **error, const char *format, ...) G_GNUC_PRINTF(2, 3);

typedef struct {
  const char *class_name;
  gust_component_kind kind;
  gust_impl_kind impl_kind; /* GUST_IMPL_BUILTIN or GUST_IMPL_MULTILANG */
  gust_known_class_configure_fn configure;
} gust_known_class;

const gust_known_class *gust_known_class_lookup(const char *class_name); /* or NULL */

/* Checks the kind, then runs the class's configure function. */
gboolean gust_known_class_apply(const gust_known_class *known, gust_component *component,
                                const json_t *definition, const gust_known_class_context *context,
                                GError **error);

/* "a, b, c": the names of the known classes of one kind and one impl kind.
 * Newly allocated. */
char *gust_known_class_names(gust_component_kind kind, gust_impl_kind impl_kind);

/* The shell wrappers' configure functions (shell_wrappers.c). */
gboolean gust_shell_wrapper_configure(gust_component *component, const json_t *definition,
                                      const gust_known_class_context *context, GError **error);

/* The Kafka classes (kafka_spout_class.c, kafka_bolt_class.c): they read
 * their bean graph into one normalized JSON object in the component conf
 * under GUST_KAFKA_SPOUT_CONF / GUST_KAFKA_BOLT_CONF, which the runtime's
 * Kafka spout and bolt read (compat/kafka/). */
gboolean gust_kafka_spout_configure(gust_component *component, const json_t *definition,
                                    const gust_known_class_context *context, GError **error);
gboolean gust_kafka_bolt_configure(gust_component *component, const json_t *definition,
                                   const gust_known_class_context *context, GError **error);

/* ---- object definitions read as Flux builds them (object_calls.c) ---- */

/* TRUE when value is {ref: id}. */
gboolean gust_object_def_is_ref(const json_t *value);
/* The bean {ref: id} names (borrowed); *id (may be NULL) gets the id.  NULL
 * and an error when no such bean exists. */
const json_t *gust_object_def_deref(const gust_known_class_context *context, const json_t *value,
                                    const char **id, GError **error);
/* The className, "" when absent. */
const char *gust_object_def_class(const json_t *definition);
/* TRUE when the class's short name (after the last '.') is short_name;
 * nested classes keep their '$' ("KafkaSpoutConfig$Builder"). */
gboolean gust_object_def_class_is(const json_t *definition, const char *short_name);
/* properties (as setter calls) then configMethods: a new JSON array of
 * {name, args}, in the order Flux applies them.  The caller decrefs it. */
json_t *gust_object_def_calls(const json_t *definition);
/* An enum constant's name ("EARLIEST" for "X.EARLIEST"), or NULL when not
 * a string. */
const char *gust_json_enum_name(const json_t *value);
/* A scalar as text (newly allocated), NULL for arrays, objects, null. */
char *gust_json_scalar_text(const json_t *value);
/* Reads a Java map argument into out (string values): an inline map, or a
 * {ref} to a java.util.Properties / HashMap bean filled with put(k, v),
 * setProperty(k, v) or putAll(map).  what prefixes error messages. */
gboolean gust_object_def_read_map(const gust_known_class_context *context, const json_t *value,
                                  json_t *out, const char *what, GError **error);

/* ---- helpers over object definitions (object_def.c) ---- */

/* Short class name for messages: the part after the last '.'. */
const char *gust_object_def_short_name(const char *class_name);
/* constructorArgs as an array (borrowed), or NULL when absent: Jansson's
 * json_array_size()/json_array_get() read NULL as an empty array. */
json_t *gust_object_def_constructor_args(const json_t *definition);
/* configMethods, likewise. */
json_t *gust_object_def_config_methods(const json_t *definition);
/* Fails when the definition uses properties or a factory, which none of the
 * known classes accept. */
gboolean gust_object_def_refuse_properties_and_factory(const json_t *definition, GError **error);
/* A JSON array of strings as a new NULL-terminated vector; NULL if value is
 * not an array or holds anything but strings. */
char **gust_json_to_strv(const json_t *value);

#endif /* GUST_KNOWN_CLASSES_H */
