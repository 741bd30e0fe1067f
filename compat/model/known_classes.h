/* known_classes.h — the built-in classes' rows and the helpers their
 * configure functions share (private to libgust_topology: used by the
 * model's validation, the registry and the loaders).
 *
 * The row type and the registry are in <gust/builtin_class.h>.  Each row
 * below is defined by the module that implements its class; the object
 * definitions the configure functions read are
 * {className, constructorArgs, configMethods, properties, factory,
 * factoryArgs} as JSON, the shape Flux uses.
 */
#ifndef GUST_KNOWN_CLASSES_H
#define GUST_KNOWN_CLASSES_H

#include <gust/builtin_class.h>
#include <gust/kafka.h>
#include <gust/topology.h>

/* Storm's sample components (storm_sample_classes.c). */
extern const gust_builtin_class gust_test_word_spout_class;
extern const gust_builtin_class gust_test_word_counter_class;
extern const gust_builtin_class gust_log_info_bolt_class;
/* Flux's shell wrappers (shell_wrappers.c). */
extern const gust_builtin_class gust_flux_shell_spout_class;
extern const gust_builtin_class gust_flux_shell_bolt_class;
/* The Kafka classes (kafka_spout_class.c, kafka_bolt_class.c): they read
 * their bean graph into one normalized JSON object in the component conf
 * under GUST_KAFKA_SPOUT_CONF / GUST_KAFKA_BOLT_CONF, which the runtime's
 * Kafka spout and bolt read (compat/kafka/). */
extern const gust_builtin_class gust_kafka_spout_class;
extern const gust_builtin_class gust_kafka_bolt_class;

/* ---- object definitions read as Flux builds them (object_calls.c) ---- */

/* TRUE when value is {ref: id}. */
gboolean gust_object_def_is_ref(const json_t *value);
/* The bean {ref: id} names (borrowed); *id (may be NULL) gets the id.  NULL
 * and an error when no such bean exists. */
const json_t *gust_object_def_deref(const gust_builtin_class_context *context, const json_t *value,
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
gboolean gust_object_def_read_map(const gust_builtin_class_context *context, const json_t *value,
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
