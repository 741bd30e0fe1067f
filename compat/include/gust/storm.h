/* storm.h — the C API for native Storm components: spouts and bolts
 * written in C, built as shared objects and loaded by gust with dlopen.
 *
 * A shared object exports one `const gust_component_def` per component,
 * under any symbol name.  A Flux file names it with the className
 *
 *     native:PATH:SYMBOL      e.g.  native:libwordcount.so:split_bolt
 *
 * where PATH is relative to the Flux file's directory unless absolute.
 *
 * Life of a component instance (one per Storm task), all on the task's
 * own thread, never two calls at once:
 *
 *   declare_outputs (once per component, before the topology is validated)
 *   open            (spout open / bolt prepare; returns the instance state)
 *   spouts: activate, next_tuple*, ack, fail, deactivate
 *   bolts:  execute*  (tick tuples arrive through execute too)
 *   close           (spout close / bolt cleanup)
 *
 * Values are fc_value (gust/fc_value.h): null, bool, i64, f64, string,
 * bytes, list, map.  Values handed to an emit are copied, so they may live
 * on the stack.  A gust_tuple and the values it holds are valid during the
 * callback that received it; to ack or anchor to it later, keep a
 * gust_tuple_copy().  A collector is valid during the callback it is
 * passed to.
 *
 * Every emit returns (or fills in) the Storm task ids the tuple went to.
 */
#ifndef GUST_STORM_H
#define GUST_STORM_H

#include <gust/fc_value.h>
#include <jansson.h>

G_BEGIN_DECLS

#define GUST_NATIVE_ABI 1
/* The Storm release whose APIs, Flux format and multilang protocol gust follows. */
#define GUST_STORM_VERSION "2.6.0"
#define GUST_DEFAULT_STREAM "default"

typedef struct gust_tuple gust_tuple;
typedef struct gust_collector gust_collector;
typedef struct gust_context gust_context;
typedef struct gust_declarer gust_declarer;

typedef enum { GUST_DEF_SPOUT = 1, GUST_DEF_BOLT = 2 } gust_def_kind;

typedef struct gust_component_def {
  uint32_t abi; /* GUST_NATIVE_ABI */
  gust_def_kind kind;
  /* Declares the output streams; conf is the component's configuration
   * (topology conf overlaid with the component's). May be NULL. */
  void (*declare_outputs)(gust_declarer *declarer, const json_t *conf);
  /* Spout open / bolt prepare. Sets *state. FALSE + *error to refuse. */
  gboolean (*open)(const gust_context *context, void **state, GError **error);
  /* Bolts: one input tuple. Ack or fail it (now or later). FALSE + *error
   * fails the task, which stops the topology with that error. */
  gboolean (*execute)(void *state, const gust_tuple *input, gust_collector *out, GError **error);
  /* Spouts: emit zero or more tuples. */
  gboolean (*next_tuple)(void *state, gust_collector *out, GError **error);
  /* Spouts: a reliable emit's tuple tree completed / failed or timed out. */
  void (*ack)(void *state, gust_collector *out, const fc_value *msg_id);
  void (*fail)(void *state, gust_collector *out, const fc_value *msg_id);
  void (*activate)(void *state);
  void (*deactivate)(void *state);
  void (*close)(void *state);

  /* Checkpoints (reliability "checkpoint"); each may be NULL.
   * snapshot: append to out what a restart needs to resume (a spout: its
   * position, e.g. Kafka offsets; a stateful bolt: its state); called on
   * the task's thread when checkpoint_id reaches the task.  After a
   * restart, open() finds those bytes with gust_context_restored_state().
   * checkpoint_complete: checkpoint_id is complete and durable; side
   * effects that must wait for it (committing offsets, flushing a sink)
   * happen now. */
  gboolean (*snapshot)(void *state, uint64_t checkpoint_id, GByteArray *out, GError **error);
  void (*checkpoint_complete)(void *state, gust_collector *out, uint64_t checkpoint_id);
} gust_component_def;

/* ---- declaring outputs ---- */

/* fields is NULL-terminated. direct: the stream takes only direct emits. */
void gust_declare_stream(gust_declarer *declarer, const char *stream, const char *const *fields,
                         gboolean direct);

/* ---- context ---- */

const char *gust_context_topology_name(const gust_context *context);
const char *gust_context_component_id(const gust_context *context);
int gust_context_task_id(const gust_context *context);    /* Storm task id, from 1 */
int gust_context_task_index(const gust_context *context); /* 0 .. tasks-1 within the component */
/* The Storm task ids of a component (sorted), or NULL if unknown. */
const int *gust_context_component_tasks(const gust_context *context, const char *component,
                                        size_t *n_tasks);
/* The component of a task id, or NULL. */
const char *gust_context_task_component(const gust_context *context, int task_id);
/* The component's configuration (topology conf overlaid with its own). */
const json_t *gust_context_conf(const gust_context *context);
/* The bytes this task's snapshot() wrote into the checkpoint the topology
 * was restored from, or NULL (a fresh start, nothing was written, or the
 * component's parallelism changed: see below). */
const uint8_t *gust_context_restored_state(const gust_context *context, size_t *len);
/* When the component resumes with another number of tasks than it had:
 * how many tasks it had (0 otherwise), and what each of them wrote, so that
 * every new task can take its share (a Kafka spout: the offsets of the
 * partitions it now reads). */
size_t gust_context_restored_task_count(const gust_context *context);
const uint8_t *gust_context_restored_task_state(const gust_context *context, size_t old_index,
                                                size_t *len);

/* ---- input tuples ---- */

const char *gust_tuple_source_component(const gust_tuple *tuple); /* "__system" for ticks */
int gust_tuple_source_task(const gust_tuple *tuple);              /* -1 for ticks */
const char *gust_tuple_stream(const gust_tuple *tuple);
size_t gust_tuple_size(const gust_tuple *tuple);
const fc_value *gust_tuple_get(const gust_tuple *tuple, size_t index); /* NULL past the end */
const fc_value *gust_tuple_get_by_field(const gust_tuple *tuple, const char *field); /* or NULL */
const char *const *gust_tuple_fields(const gust_tuple *tuple); /* NULL-terminated */
gboolean gust_tuple_is_tick(const gust_tuple *tuple);
/* A copy that outlives the callback (values and tracking ids); free it with
 * gust_tuple_free() once acked or failed. */
gust_tuple *gust_tuple_copy(const gust_tuple *tuple);
void gust_tuple_free(gust_tuple *tuple);

/* ---- bolt collector ---- */

/* Emits values on stream (NULL: "default"), anchored to n_anchors input
 * tuples (0: unanchored).  Writes up to max_task_ids receiver task ids into
 * task_ids (may be NULL) and returns the number of receivers. */
size_t gust_emit(gust_collector *out, const char *stream, const gust_tuple *const *anchors,
                 size_t n_anchors, const fc_value *values, size_t n_values, int *task_ids,
                 size_t max_task_ids);
/* Emits to one task of a direct stream. FALSE if the task does not
 * subscribe to the stream with a direct grouping. */
gboolean gust_emit_direct(gust_collector *out, int task_id, const char *stream,
                          const gust_tuple *const *anchors, size_t n_anchors,
                          const fc_value *values, size_t n_values);
void gust_ack(gust_collector *out, const gust_tuple *input);
void gust_fail(gust_collector *out, const gust_tuple *input);
/* Reports an error for the component (logged and counted; the task goes on). */
void gust_report_error(gust_collector *out, const char *format, ...) G_GNUC_PRINTF(2, 3);

/* ---- spout collector ---- */

/* Emits values on stream (NULL: "default").  msg_id non-NULL makes the emit
 * reliable: the spout later gets exactly one ack or fail for it. */
size_t gust_spout_emit(gust_collector *out, const char *stream, const fc_value *values,
                       size_t n_values, const fc_value *msg_id, int *task_ids, size_t max_task_ids);
gboolean gust_spout_emit_direct(gust_collector *out, int task_id, const char *stream,
                                const fc_value *values, size_t n_values, const fc_value *msg_id);

G_END_DECLS

#endif
