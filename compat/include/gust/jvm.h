/* jvm.h — Java topologies: the JVM that `gust jar` starts runs the user's
 * main with gust's Storm API jar and the topology jar on its class path;
 * the topology its StormSubmitter (or LocalCluster) submits comes back
 * as a gust_topology whose Java components (GUST_IMPL_JVM) the same JVM
 * hosts — pass gust_jvm_socket() as gust_runtime_options.jvm_socket.
 *
 * The JVM writes its messages on a control pipe (its descriptor 3);
 * gust_jvm_next_event() reads them on the caller's thread.  Closing the
 * JVM's standard input (gust_jvm_stop) ends it.
 */
#ifndef GUST_JVM_H
#define GUST_JVM_H

#include <gust/topology.h>
#include <stdint.h>

G_BEGIN_DECLS

typedef struct gust_jvm gust_jvm;

typedef struct {
  const char *java;        /* the java program; NULL: "java" on PATH */
  const char *class_path;  /* gust-storm.jar, SLF4J, Thrift and the topology jar, ':'-separated */
  const char *main_class;  /* the user's class with main() */
  const char *const *args; /* main's arguments, NULL-terminated (NULL: none) */
  const char *const *jvm_options; /* before the class path, NULL-terminated (NULL: none) */
} gust_jvm_options;

/* Starts the JVM.  NULL + error if it cannot be started. */
gust_jvm *gust_jvm_start(const gust_jvm_options *options, GError **error);
/* The socket the JVM serves Java tasks on. */
const char *gust_jvm_socket(const gust_jvm *jvm);
GPid gust_jvm_pid(const gust_jvm *jvm);

typedef enum {
  GUST_JVM_EVENT_NONE,      /* nothing within the timeout */
  GUST_JVM_EVENT_SUBMIT,    /* topology: the submitted topology (the caller owns it) */
  GUST_JVM_EVENT_KILL,      /* text: the topology a LocalCluster killed */
  GUST_JVM_EVENT_MAIN_DONE, /* status: 0 when main returned; text: why it did not */
  GUST_JVM_EVENT_EXITED,    /* the JVM ended; text says how */
  GUST_JVM_EVENT_LOADED,    /* components: what each stored component is */
} gust_jvm_event_kind;

typedef struct {
  gust_jvm_event_kind kind;
  gust_topology *topology;
  gboolean inactive; /* SUBMIT: Storm's SubmitOptions asked for initial status INACTIVE */
  int status;
  char *text;
  GHashTable *components; /* LOADED: id -> gust_jvm_component */
} gust_jvm_event;

/* Waits up to timeout_ms for the JVM's next message.  FALSE + error for a
 * message that cannot be read or a topology that cannot be built from it
 * (the JVM keeps running). */
gboolean gust_jvm_next_event(gust_jvm *jvm, int timeout_ms, gust_jvm_event *event, GError **error);
/* Frees what the event holds (a topology not taken: set it NULL first). */
void gust_jvm_event_clear(gust_jvm_event *event);
/* Ends the JVM: closes its standard input, waits up to grace_ms for it
 * to exit, then kills it.  Returns how it ended ("exited with code 0");
 * free with g_free(). */
char *gust_jvm_stop(gust_jvm *jvm, int grace_ms);
/* Starts the JVM again after it ended (the EXITED event; one still
 * running is killed first), with the components only: it runs
 * gust.jvm.StoredTopology on the components the first JVM kept at
 * submission (or those gust_jvm_keep_components() named), not the user's
 * main, and serves the same socket.  Its LOADED and MAIN_DONE events
 * follow as from a worker's JVM.  FALSE + error if it cannot start or no
 * components were kept. */
gboolean gust_jvm_relaunch(gust_jvm *jvm, GError **error);
/* After the EXITED event: logs how the JVM ended and schedules
 * gust_jvm_relaunch() — at once, or, for a JVM started again that died
 * within 10 s, after 1 s, then twice as long each time (up to 30 s), so a
 * component that kills its JVM as it opens does not spin.  Until then
 * gust_jvm_next_event() reports nothing.  Can't fail. */
void gust_jvm_schedule_relaunch(gust_jvm *jvm, const char *how);
/* Starts the JVM again when a scheduled relaunch is due; TRUE when there
 * is nothing to do yet or it started, FALSE + error if it cannot. */
gboolean gust_jvm_relaunch_when_due(gust_jvm *jvm, GError **error);
/* For a run's loop, every 100 ms or so, while a stored topology's JVM
 * hosts its Java parts: takes the JVM's next event without waiting (1 ms;
 * a failure to read it is logged), schedules the relaunch of a JVM that
 * ended and starts it when due.  FALSE + error when it cannot start. */
gboolean gust_jvm_tend(gust_jvm *jvm, GError **error);
/* The file of components a relaunch hands the JVM (the caller's file is
 * taken over: gust_jvm_free() removes it). */
void gust_jvm_keep_components(gust_jvm *jvm, const char *path);
/* Stops the JVM if it runs and frees everything; NULL is fine. */
void gust_jvm_free(gust_jvm *jvm);

/* ---- a worker's JVM: the Java components of a topology stored by Nimbus ---- */

/* One `serialized_java` component of a stored topology. */
typedef struct {
  const char *id;
  gboolean spout;
  const guint8 *bytes; /* Java serialization of the spout or bolt */
  gsize len;
} gust_jvm_serialized;

/* What the JVM found a stored component to be. */
typedef struct {
  char *class_name; /* its class (a BasicBoltExecutor's: the basic bolt's) */
  char **shell;     /* a ShellBolt/ShellSpout's command (NULL-terminated), or NULL */
  char **env;       /* its setEnv as "NAME=VALUE" strings, or NULL */
  char *error;      /* why it cannot be hosted (with the Java stack trace), or NULL */
  /* A Flux definition's component only (gust_jvm_flux_definition): */
  json_t *streams; /* what it declares: [[id, direct, [fields...]], ...], or NULL */
  json_t *conf;    /* its getComponentConfiguration(), an object, or NULL */
} gust_jvm_component;

/* In place of a component's Java-serialized bytes (gust_jvm_serialized):
 * the Flux object definition of a spout or bolt naming a Java class
 * (gust_component_definition) with the topology's beans, from which the
 * JVM builds the object as Storm's Flux does (FluxObjects.java), for the
 * stored JVM and for every task.  g_bytes_unref it. */
GBytes *gust_jvm_flux_definition(const gust_topology *topology, const gust_component *component);
/* The same for any object definition (a CUSTOM grouping's customClass). */
GBytes *gust_jvm_flux_object(const gust_topology *topology, const json_t *definition);

/* Starts the JVM that hosts a stored topology's Java components
 * (options->main_class and args are ignored: the JVM runs
 * gust.jvm.StoredTopology), hands it the components and waits up to
 * timeout_ms until it has deserialized each: *loaded gets a table
 * id -> gust_jvm_component (g_hash_table_unref).  NULL + error when the
 * JVM cannot start, ends, or does not answer in time. */
gust_jvm *gust_jvm_start_stored(const gust_jvm_options *options,
                                const gust_jvm_serialized *components, guint n, int timeout_ms,
                                GHashTable **loaded, GError **error);

/* The topology a SUBMIT message describes (the bytes after its kind), and
 * in *inactive (when not NULL) whether it asks to start deactivated.
 * NULL + error (naming what is wrong) if it is malformed. */
gust_topology *gust_jvm_topology_from_description(const uint8_t *data, size_t len,
                                                  gboolean *inactive, GError **error);

G_END_DECLS

#endif
