/* topology.h — the Storm topology model: components, streams, inputs,
 * groupings and how each component is implemented.
 *
 * The model mirrors Storm's Thrift StormTopology / ComponentCommon so that
 * every loader (Flux YAML, Thrift, a C builder) fills the same structure:
 *
 *   gust_topology      name, topology conf (JSON object), components in
 *                      insertion order, named object definitions ("beans")
 *   gust_component     id, spout or bolt, parallelism (executors), task count,
 *                      component conf, declared output streams, inputs,
 *                      implementation spec, optional source location
 *   gust_stream        a declared output stream: ordered fields + direct flag
 *   gust_input         (source component, stream id) -> grouping
 *   gust_grouping      SHUFFLE, FIELDS(f..), ALL, GLOBAL, NONE, DIRECT,
 *                      LOCAL_OR_SHUFFLE, PARTIAL_KEY(f..), CUSTOM(class)
 *   gust_impl          NATIVE | MULTILANG | BUILTIN | JAVA (tagged struct)
 *
 * Building never checks Storm's rules (beyond what keeps the structure
 * consistent); gust_topology_validate() does, as a separate call, because a
 * native component's output streams are only known once the runtime has
 * opened its shared object and called gust_component_declare_stream().
 *
 * Native components: a component implemented in C names its shared object
 * and the symbol of its operation table.  Flux spells it as the className
 * "native:PATH:SYMBOL" (PATH relative to the Flux file's directory unless
 * absolute); gust_impl_new_native() takes the resolved path.
 *
 * Ownership: gust_topology_new() returns a topology the caller frees with
 * gust_topology_free(); components, streams and inputs belong to it and die
 * with it.  Functions documented "(steals)" take ownership of their argument,
 * also when they fail.  Returned strings and JSON are borrowed unless
 * documented otherwise.  Nothing here is thread-safe: build on one thread,
 * then only read from any number of threads.
 */
#ifndef GUST_TOPOLOGY_H
#define GUST_TOPOLOGY_H

#include <glib.h>
#include <jansson.h>

G_BEGIN_DECLS

#define GUST_DEFAULT_STREAM "default"

typedef struct gust_topology gust_topology;
typedef struct gust_component gust_component;
typedef struct gust_stream gust_stream;
typedef struct gust_input gust_input;
typedef struct gust_grouping gust_grouping;

typedef enum {
  GUST_COMPONENT_SPOUT,
  GUST_COMPONENT_BOLT,
} gust_component_kind;

const char *gust_component_kind_name(gust_component_kind kind); /* "spout" / "bolt" */

/* Where a definition came from, for error messages.  line 0 = unknown. */
typedef struct {
  char *file;
  guint line;
} gust_location;

/* ---- Implementation spec ------------------------------------------------- */

typedef enum {
  GUST_IMPL_NATIVE,    /* C shared object + symbol of its operation table */
  GUST_IMPL_MULTILANG, /* subprocess speaking Storm's multilang protocol */
  GUST_IMPL_BUILTIN,   /* a Java class gust implements itself */
  GUST_IMPL_JAVA,      /* any other Java class: not runnable, refused by validation */
  GUST_IMPL_JVM,       /* a Java component run by the JVM host (`gust jar`) */
} gust_impl_kind;

const char *gust_impl_kind_name(gust_impl_kind kind);

/* A tagged struct: read the member named by kind directly.  Build it with
 * the constructors below (they copy their arguments), free it with
 * gust_impl_free().  All strings are owned by the struct. */
typedef struct {
  gust_impl_kind kind;
  union {
    struct {
      char *library; /* path of the shared object, absolute once loaded from Flux */
      char *symbol;  /* C identifier of the operation table */
    } native;
    struct {
      char **argv;         /* NULL-terminated, at least one element; never a shell string */
      char *resources_dir; /* working directory of the subprocess; NULL = the worker's own */
      char **env;          /* extra "NAME=VALUE" entries (setEnv), NULL-terminated, or NULL */
    } multilang;
    struct {
      char *class_name;
    } builtin;
    struct {
      char *class_name;
    } java;
    struct {
      char *class_name; /* the component's class, for messages */
    } jvm;
  };
} gust_impl;

gust_impl *gust_impl_new_native(const char *library, const char *symbol);
gust_impl *gust_impl_new_multilang(const char *const *argv, const char *resources_dir,
                                   const char *const *env);
gust_impl *gust_impl_new_builtin(const char *class_name);
gust_impl *gust_impl_new_java(const char *class_name);
gust_impl *gust_impl_new_jvm(const char *class_name);
gust_impl *gust_impl_copy(const gust_impl *impl);
void gust_impl_free(gust_impl *impl); /* NULL is fine */

/* ---- Groupings ----------------------------------------------------------- */

typedef enum {
  GUST_GROUPING_SHUFFLE,
  GUST_GROUPING_FIELDS, /* at least one field */
  GUST_GROUPING_ALL,
  GUST_GROUPING_GLOBAL, /* Thrift: fields with an empty list */
  GUST_GROUPING_NONE,
  GUST_GROUPING_DIRECT, /* the source stream must be declared direct */
  GUST_GROUPING_LOCAL_OR_SHUFFLE,
  GUST_GROUPING_PARTIAL_KEY, /* fields; an empty list keys on the whole tuple, as Storm does */
  GUST_GROUPING_CUSTOM,      /* a Java CustomStreamGrouping, run in the JVM host: its
                                Java serialization or its Flux object definition */
} gust_grouping_kind;

const char *gust_grouping_kind_name(gust_grouping_kind kind); /* "SHUFFLE", "FIELDS", ... */

/* For the kinds without arguments (not FIELDS, PARTIAL_KEY or CUSTOM). */
gust_grouping *gust_grouping_new(gust_grouping_kind kind);
/* kind is FIELDS or PARTIAL_KEY; fields is NULL-terminated (NULL = none); copied. */
gust_grouping *gust_grouping_new_fields(gust_grouping_kind kind, const char *const *fields);
gust_grouping *gust_grouping_new_custom(const char *class_name);
gust_grouping *gust_grouping_copy(const gust_grouping *grouping);
void gust_grouping_free(gust_grouping *grouping); /* NULL is fine */

gust_grouping_kind gust_grouping_get_kind(const gust_grouping *grouping);
/* NULL-terminated field list (empty, never NULL); *n_fields if not NULL. */
const char *const *gust_grouping_fields(const gust_grouping *grouping, guint *n_fields);
const char *gust_grouping_custom_class(const gust_grouping *grouping); /* NULL unless CUSTOM */
/* A CUSTOM grouping's instance: its Java serialization (referenced), or
 * the Flux object definition it is built from (className,
 * constructorArgs, ...; referenced).  Setting one clears the other. */
void gust_grouping_set_custom_object(gust_grouping *grouping, GBytes *serialized);
void gust_grouping_set_custom_definition(gust_grouping *grouping, json_t *definition);
GBytes *gust_grouping_custom_object(const gust_grouping *grouping);     /* NULL: none */
json_t *gust_grouping_custom_definition(const gust_grouping *grouping); /* NULL: none */

/* ---- Topology ------------------------------------------------------------ */

/* name may be NULL (validation then refuses the topology).  Can't fail. */
gust_topology *gust_topology_new(const char *name);
void gust_topology_free(gust_topology *topology); /* NULL is fine */

const char *gust_topology_name(const gust_topology *topology);
void gust_topology_set_name(gust_topology *topology, const char *name);

/* The topology conf, a JSON object (never NULL).  Borrowed; callers may
 * modify it in place while building. */
json_t *gust_topology_conf(const gust_topology *topology);
/* (steals) conf must be a JSON object; replaces the whole conf. */
void gust_topology_set_conf(gust_topology *topology, json_t *conf);
/* (steals value) sets one key. */
void gust_topology_set_conf_value(gust_topology *topology, const char *key, json_t *value);

/* Adds a component with parallelism 1, no streams, no inputs, no
 * implementation.  Never fails: a duplicate id is kept (lookup returns the
 * first) and reported by gust_topology_validate(), with both locations. */
gust_component *gust_topology_add_component(gust_topology *topology, const char *id,
                                            gust_component_kind kind);
guint gust_topology_n_components(const gust_topology *topology);
gust_component *gust_topology_component(const gust_topology *topology, guint index);
gust_component *gust_topology_lookup(const gust_topology *topology, const char *id); /* or NULL */
gboolean gust_topology_has_native_components(const gust_topology *topology);

/* Component ids in Java String order (UTF-16 code units; byte order for
 * ASCII), the order in which Storm hands out task ids 1..N, each component
 * a contiguous block.  System components the runtime adds (__acker, ...)
 * take part in that numbering too; they are not in the model.  Returns a
 * new NULL-terminated array of borrowed strings: free it with g_free(). */
const char **gust_topology_component_ids_sorted(const gust_topology *topology);

/* Task count as Nimbus computes it: "topology.tasks" from the topology conf
 * merged with the component conf (component wins), else the parallelism;
 * capped by "topology.max.task.parallelism" from the same merge.  Values
 * are read as gust/conf.h reads ints; invalid ones count as unset here
 * (validation reports them). */
gint gust_topology_component_tasks(const gust_topology *topology, const gust_component *component);

/* Named object definitions (Flux "components:", addressed by {ref: id}),
 * kept as their parsed JSON so that built-in classes can interpret them
 * later.  (steals definition); replaces an existing one with the same id. */
void gust_topology_add_bean(gust_topology *topology, const char *id, json_t *definition);
json_t *gust_topology_bean(const gust_topology *topology, const char *id); /* or NULL */
/* Bean ids in insertion order: a new NULL-terminated array of borrowed
 * strings; g_free() it. */
const char **gust_topology_bean_ids(const gust_topology *topology);

/* ---- Component ----------------------------------------------------------- */

const char *gust_component_id(const gust_component *component);
gust_component_kind gust_component_get_kind(const gust_component *component);

gint gust_component_parallelism(const gust_component *component); /* executors, default 1 */
void gust_component_set_parallelism(gust_component *component, gint parallelism);

/* "topology.tasks" of the component conf when it is a valid int (gust/conf.h),
 * else the parallelism.  Use gust_topology_component_tasks() for the count
 * the runtime assigns. */
gint gust_component_tasks(const gust_component *component);
/* Writes "topology.tasks" into the component conf, as Storm's setNumTasks. */
void gust_component_set_tasks(gust_component *component, gint tasks);

/* The component conf, a JSON object (never NULL; empty by default). */
json_t *gust_component_conf(const gust_component *component);
void gust_component_set_conf_value(gust_component *component, const char *key,
                                   json_t *value); /* (steals value) */

const gust_impl *gust_component_impl(const gust_component *component);    /* or NULL */
void gust_component_set_impl(gust_component *component, gust_impl *impl); /* (steals) */

/* The object definition the component was declared with (Flux: className,
 * constructorArgs, properties, configMethods, factory, factoryArgs), for
 * the host to interpret.  NULL if none. */
json_t *gust_component_definition(const gust_component *component);
void gust_component_set_definition(gust_component *component, json_t *definition); /* (steals) */

const gust_location *gust_component_location(const gust_component *component); /* or NULL */
void gust_component_set_location(gust_component *component, const char *file, guint line);

/* Declares an output stream.  fields is NULL-terminated (NULL = no fields),
 * copied.  Fails (GUST_TOPOLOGY_ERROR_DUPLICATE_STREAM) when the component
 * already declares stream_id.  Field and id rules are checked by
 * validation, not here. */
gboolean gust_component_declare_stream(gust_component *component, const char *stream_id,
                                       const char *const *fields, gboolean direct, GError **error);
guint gust_component_n_streams(const gust_component *component);
const gust_stream *gust_component_stream(const gust_component *component, guint index);
const gust_stream *gust_component_lookup_stream(const gust_component *component,
                                                const char *stream_id); /* or NULL */

const char *gust_stream_id(const gust_stream *stream);
const char *const *gust_stream_fields(const gust_stream *stream); /* NULL-terminated */
guint gust_stream_n_fields(const gust_stream *stream);
gint gust_stream_field_index(const gust_stream *stream, const char *field); /* -1 if absent */
gboolean gust_stream_is_direct(const gust_stream *stream);

/* Subscribes the component to (source_id, stream_id) with a grouping
 * (steals grouping).  Fails (GUST_TOPOLOGY_ERROR_DUPLICATE_INPUT) when it
 * already subscribes to that pair.  Whether the source exists is checked
 * by validation.  Returns the new input, owned by the component. */
gust_input *gust_component_add_input(gust_component *component, const char *source_id,
                                     const char *stream_id, gust_grouping *grouping,
                                     GError **error);
guint gust_component_n_inputs(const gust_component *component);
const gust_input *gust_component_input(const gust_component *component, guint index);
const gust_input *gust_component_lookup_input(const gust_component *component,
                                              const char *source_id,
                                              const char *stream_id); /* or NULL */

const char *gust_input_source(const gust_input *input);
const char *gust_input_stream(const gust_input *input);
const gust_grouping *gust_input_grouping(const gust_input *input);
const gust_location *gust_input_location(const gust_input *input); /* or NULL */
void gust_input_set_location(gust_input *input, const char *file, guint line);

/* ---- Validation ---------------------------------------------------------- */

#define GUST_TOPOLOGY_ERROR (gust_topology_error_quark())
GQuark gust_topology_error_quark(void);

typedef enum {
  GUST_TOPOLOGY_ERROR_INVALID_NAME,           /* topology name missing or with / . : \ */
  GUST_TOPOLOGY_ERROR_INVALID_ID,             /* empty component id, or one starting with "__" */
  GUST_TOPOLOGY_ERROR_DUPLICATE_ID,           /* two components share an id */
  GUST_TOPOLOGY_ERROR_NO_SPOUT,               /* a topology needs at least one spout */
  GUST_TOPOLOGY_ERROR_SPOUT_WITH_INPUTS,      /* spouts may not subscribe to streams */
  GUST_TOPOLOGY_ERROR_INVALID_PARALLELISM,    /* parallelism < 1, or more tasks than allowed */
  GUST_TOPOLOGY_ERROR_INVALID_CONF,           /* a conf value of the wrong type or range */
  GUST_TOPOLOGY_ERROR_INVALID_STREAM,         /* reserved/empty stream id, bad field list */
  GUST_TOPOLOGY_ERROR_DUPLICATE_STREAM,       /* gust_component_declare_stream() twice */
  GUST_TOPOLOGY_ERROR_DUPLICATE_INPUT,        /* gust_component_add_input() twice */
  GUST_TOPOLOGY_ERROR_UNKNOWN_COMPONENT,      /* input from a component that does not exist */
  GUST_TOPOLOGY_ERROR_UNKNOWN_STREAM,         /* input from a stream the source does not declare */
  GUST_TOPOLOGY_ERROR_UNKNOWN_FIELD,          /* grouping on a field the stream does not declare */
  GUST_TOPOLOGY_ERROR_DIRECT_MISMATCH,        /* DIRECT on a plain stream or vice versa */
  GUST_TOPOLOGY_ERROR_UNSUPPORTED_GROUPING,   /* CUSTOM groupings */
  GUST_TOPOLOGY_ERROR_UNSUPPORTED_CLASS,      /* a Java class gust cannot run */
  GUST_TOPOLOGY_ERROR_MISSING_IMPLEMENTATION, /* a component without a gust_impl */
  GUST_TOPOLOGY_ERROR_INVALID_ARGUMENTS,      /* arguments a known class does not accept */
} gust_topology_error;

typedef enum {
  GUST_VALIDATE_DEFAULT = 0,
  /* Inputs whose source is a native component: check that the source
   * exists, skip the stream, field and direct checks (its streams are not
   * declared yet).  The Flux loader uses this; the runtime validates again
   * with GUST_VALIDATE_DEFAULT after declaring native streams. */
  GUST_VALIDATE_SKIP_NATIVE_STREAMS = 1 << 0,
} gust_validate_flags;

/* Checks the rules Storm enforces at submission (and a few gust adds):
 *  - the topology has a name without / . : \ and at least one spout;
 *  - component ids are non-empty, unique and do not start with "__";
 *  - every component has an implementation; JAVA classes, unknown built-in
 *    classes and CUSTOM groupings are refused with what to use instead;
 *  - parallelism >= 1; tasks >= 0 (0 is allowed, as in Storm: the
 *    component then runs no task); topology.tasks,
 *    topology.max.task.parallelism and topology.tick.tuple.freq.secs are
 *    integers where given;
 *  - stream ids are non-empty and do not start with "__"; a stream's field
 *    names are non-empty and distinct;
 *  - spouts have no inputs; every input names an existing component and a
 *    stream it declares; FIELDS/PARTIAL_KEY name declared fields (of that
 *    stream, stricter than Storm which accepts any stream's fields); DIRECT
 *    only on direct streams and only DIRECT on direct streams.
 * Stops at the first broken rule: returns FALSE and sets an error in
 * GUST_TOPOLOGY_ERROR naming the component (and file:line when known). */
gboolean gust_topology_validate(const gust_topology *topology, GError **error);
gboolean gust_topology_validate_with_flags(const gust_topology *topology, gust_validate_flags flags,
                                           GError **error);
/* The same rules, without stopping: every broken one (a component with
 * several stops at its first), in the order gust_topology_validate()
 * checks them.  Returns a new array of GError* (g_ptr_array_unref() frees
 * it and them); empty when the topology is valid.  Can't fail. */
GPtrArray *gust_topology_validate_all(const gust_topology *topology, gust_validate_flags flags);

G_END_DECLS

#endif /* GUST_TOPOLOGY_H */
