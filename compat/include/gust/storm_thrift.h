/* storm_thrift.h — Storm's Thrift structs to bytes and back, Thrift
 * messages, and Storm topologies (StormTopology) to gust's model and back.
 *
 * The types come from compat/thrift/storm.thrift, compiled at build time by
 * `thrift --gen c_glib` (library gust_storm_thrift; header
 * "gust_storm_nimbus.h", which includes "gust_storm_storm_types.h").
 * Every Storm struct X is the GObject type GustStormX (GUST_STORM_TYPE_X),
 * every Nimbus method m has GustStormNimbusMArgs / GustStormNimbusMResult.
 * They are ThriftStruct subclasses: create with g_object_new(), free with
 * g_object_unref(); their public members are plain fields, optional ones
 * with an __isset_<name> flag.
 *
 * Encoding is Thrift's binary protocol with strict message headers, as
 * Storm's Nimbus and clients use it (framed: a 4-byte big-endian length
 * before each message).  Decoding treats its input as untrusted: sizes are
 * checked before anything is allocated, nesting is bounded, a truncated or
 * malformed buffer fails with an error naming the struct and the byte
 * offset; required fields missing also fail (as in Storm's Java readers).
 *
 * Thread-safety: no shared state; use each object from one thread at a time.
 */
#ifndef GUST_STORM_THRIFT_H
#define GUST_STORM_THRIFT_H

#include <glib.h>
#include <jansson.h>
#include <gust/topology.h>
#include "gust_storm_nimbus.h"

G_BEGIN_DECLS

#define GUST_STORM_THRIFT_ERROR (gust_storm_thrift_error_quark())
GQuark gust_storm_thrift_error_quark(void);

typedef enum {
  GUST_STORM_THRIFT_ERROR_MALFORMED, /* not a valid encoding of the expected struct/message */
  GUST_STORM_THRIFT_ERROR_TOO_LARGE, /* bigger than the limit given */
  GUST_STORM_THRIFT_ERROR_ENCODE,    /* the struct could not be written (e.g. over the limit) */
  /* topology_from_thrift: the topology breaks a rule (Nimbus answers
   * InvalidTopologyException with the message). */
  GUST_STORM_THRIFT_ERROR_INVALID_TOPOLOGY,
  /* topology_from_thrift: a component gust cannot host (Java-serialized,
   * unknown Java class, custom grouping); the message names component and class. */
  GUST_STORM_THRIFT_ERROR_UNSUPPORTED,
  /* topology_to_thrift: a component that cannot be sent (native C). */
  GUST_STORM_THRIFT_ERROR_NOT_SENDABLE,
} gust_storm_thrift_error;

/* Works around thrift_c_glib 0.17's ThriftApplicationException, whose
 * finalize leaks GObject's data of every instance.  Idempotent and
 * thread-safe; the codec calls it itself.  Call it before creating
 * ThriftApplicationExceptions by other means (e.g. a generated processor
 * answering an unknown method). */
void gust_thrift_init(void);

/* ---- Structs <-> bytes ---------------------------------------------------- */

/* Serializes any generated struct.  Returns new bytes (g_bytes_unref), or
 * NULL with GUST_STORM_THRIFT_ERROR_ENCODE when the encoding would exceed
 * max_len bytes or a member is invalid (e.g. a NULL required string). */
GBytes *gust_thrift_encode(gpointer thrift_struct, gsize max_len, GError **error);

/* Decodes exactly `len` bytes into a new object of `type` (a generated
 * struct type, e.g. GUST_STORM_TYPE_STORM_TOPOLOGY).  Fails
 * (GUST_STORM_THRIFT_ERROR_TOO_LARGE) when len > max_len, and
 * (_MALFORMED) on anything else wrong, including bytes left after the
 * struct.  Returns a new reference, or NULL. */
gpointer gust_thrift_decode(GType type, const void *data, gsize len, gsize max_len, GError **error);
gpointer gust_thrift_decode_bytes(GType type, GBytes *bytes, gsize max_len, GError **error);

/* ---- Messages -------------------------------------------------------------- */

/* Thrift message types (the low byte of a strict header). */
typedef enum {
  GUST_THRIFT_CALL = 1,
  GUST_THRIFT_REPLY = 2,
  GUST_THRIFT_EXCEPTION = 3,
  GUST_THRIFT_ONEWAY = 4,
} gust_thrift_message_type;

/* A decoded message header and where its body (the <method>_args or
 * <method>_result struct, or a TApplicationException) is. */
typedef struct {
  char *method;
  gust_thrift_message_type type;
  gint32 seqid;
  GBytes *body; /* the bytes after the header, up to the end of the message */
} gust_thrift_message;

/* Parses a message: with `framed`, data starts with the 4-byte big-endian
 * length, which must equal the bytes that follow (and be at most
 * max_frame); without, data is the message itself.  Strict headers
 * (0x8001 version) and old non-strict ones (name length first) are both
 * accepted, as Storm's server accepts them.  Fills *message (free its
 * members with gust_thrift_message_clear()); FALSE + error on a malformed,
 * truncated or oversize message. */
gboolean gust_thrift_message_parse(const void *data, gsize len, gboolean framed, gsize max_frame,
                                   gust_thrift_message *message, GError **error);
void gust_thrift_message_clear(gust_thrift_message *message);

/* Encodes a message with a strict header and `body` (any generated struct,
 * or a ThriftApplicationException) after it; with `framed`, the length
 * prefix first.  NULL + GUST_STORM_THRIFT_ERROR_ENCODE if it would exceed
 * max_len (the prefix counts). */
GBytes *gust_thrift_message_encode(const char *method, gust_thrift_message_type type, gint32 seqid,
                                   gpointer body, gboolean framed, gsize max_len, GError **error);

/* ---- Nimbus methods -------------------------------------------------------- */

/* A Nimbus method: its name on the wire and the GTypes of its
 * <method>_args and <method>_result structs (call the functions). */
typedef struct {
  const char *name;
  GType (*args_type)(void);
  GType (*result_type)(void);
} gust_nimbus_method;

/* Every method of service Nimbus (55, Storm 2.6); *n gets the count. */
const gust_nimbus_method *gust_nimbus_methods(gsize *n);
/* The method of that name, or NULL if Nimbus has none (e.g. the
 * beginFileDownload that Storm 2 removed). */
const gust_nimbus_method *gust_nimbus_method_lookup(const char *name);

/* ---- Topologies ------------------------------------------------------------ */

/* Builds compat's model of a submitted topology and validates it:
 *  - name: the topology name (submitTopology's first argument);
 *  - conf_json: the topology conf, a JSON object (jsonConf), or NULL;
 *  - resources_dir: working directory of multilang components (the jar's
 *    extracted resources/), absolute, or NULL.
 * Components: `shell` -> multilang (argv = execution_command, script);
 * `java_object` -> the built-in class of that name (gust/builtin_class.h)
 * configured with its JavaObjectArg arguments (or with the Flux definition
 * gust_topology_to_thrift carried in json_conf); `serialized_java` ->
 * refused (gust_topology_from_thrift_hosted hands them to a JVM host).  Groupings: every Thrift
 * grouping; PartialKeyGrouping (custom_object or custom_serialized) becomes the native
 * partial-key grouping, any other custom_serialized grouping keeps its bytes (run by the JVM
 * host), a custom_object of another class is refused.  Component json_conf
 * becomes the component conf (topology.tasks, topology.tick.tuple.freq.secs, ...), parallelism_hint
 * the parallelism (1 when unset). Returns the topology (gust_topology_free), or NULL with
 *  - GUST_STORM_THRIFT_ERROR_UNSUPPORTED for a component or grouping gust
 *    cannot host: the message names the component and the Java class (read
 *    from the serialized bytes for serialized_java), and *refused_class
 *    (if not NULL) gets that class, newly allocated;
 *  - GUST_STORM_THRIFT_ERROR_INVALID_TOPOLOGY for a broken rule: the
 *    message names the component and the rule (validation's message);
 * both are meant for an InvalidTopologyException. */
gust_topology *gust_topology_from_thrift(const GustStormStormTopology *topology, const char *name,
                                         const char *conf_json, const char *resources_dir,
                                         char **refused_class, GError **error);

/* Where `serialized_java` components go: host() sets the component's
 * implementation (gust_component_set_impl) for the Java object in bytes —
 * of class class_name, wrapping the class `wrapped` when it is a
 * BasicBoltExecutor (else NULL) — or fails with an error message naming
 * why (the caller adds the component and the class). */
typedef struct {
  gboolean (*host)(void *data, gust_component *component, const char *class_name,
                   const char *wrapped, const guint8 *bytes, gsize len, GError **error);
  void *data;
} gust_java_host;

/* gust_topology_from_thrift() with `serialized_java` components handed to
 * java (NULL: refused as gust_topology_from_thrift does).  A component
 * java->host() refuses is GUST_STORM_THRIFT_ERROR_UNSUPPORTED naming the
 * component, its class and the reason. */
gust_topology *gust_topology_from_thrift_hosted(const GustStormStormTopology *topology,
                                                const char *name, const char *conf_json,
                                                const char *resources_dir,
                                                const gust_java_host *java, char **refused_class,
                                                GError **error);

/* The class name in a Java-serialized object (the class descriptor after
 * the 0xACED0005 stream header), newly allocated, or NULL if the bytes do
 * not start with one. */
char *gust_java_serialized_class_name(const void *data, gsize len);

/* The first class descriptor's name after the one named `after` (NULL:
 * from the start) anywhere in the bytes, newly allocated, or NULL: for a
 * wrapper such as BasicBoltExecutor, the class it wraps.  A scan, not a
 * parse; for messages only. */
char *gust_java_serialized_next_class_name(const void *data, gsize len, const char *after);

/* Builds the StormTopology `gust submit` sends for a (validated) Flux
 * topology: multilang components as `shell` (when their command is one
 * program and one script, without extra environment) and every other
 * Flux-defined component as `java_object` of its class with its
 * definition carried in the component's json_conf, so that
 * gust_topology_from_thrift() rebuilds the same topology.  *conf_json gets
 * the topology conf as JSON (g_free).  NULL + GUST_STORM_THRIFT_ERROR_NOT_SENDABLE
 * for a native C component (its shared object is on this machine only). */
GustStormStormTopology *gust_topology_to_thrift(const gust_topology *topology, char **conf_json,
                                                GError **error);

/* Component json_conf / topology conf keys by which gust_topology_to_thrift
 * carries Flux definitions; gust_topology_from_thrift removes them again. */
#define GUST_THRIFT_CONF_FLUX_DEFINITION "topology.gust.flux.definition"
#define GUST_THRIFT_CONF_FLUX_BEANS "topology.gust.flux.beans"

G_END_DECLS

#endif /* GUST_STORM_THRIFT_H */
