/* jvm_private.h — the JVM component host's pieces (Java spouts and bolts
 * run in one JVM per `gust jar` run; its Java side is java/host/).
 *
 *   jvm_wire.c      the binary wire format: frames of records, values
 *   jvm_conn.c      one task's connection to the JVM: a Unix socket, one
 *                   frame out and its answer back per call
 *   jvm_bolt.c      the engine operator for Java bolts (batched per turn)
 *   jvm_spout.c     the component definition for Java spouts (hosted by
 *                   spout_host.c)
 *   jvm_open.c      the OPEN record: what a task knows of the topology
 *   jvm_topology.c  a submitted topology's description -> gust_topology
 *   jvm_launch.c    starting the JVM for `gust jar`, its control pipe
 *   jvm_stored.c    the JVM of a worker: a stored topology's components
 *   jvm_boundary.c  what crossing the boundary costs (GUST_JVM_BOUNDARY_STATS)
 *   jvm_grouping.c  custom groupings: an emitting task asks the JVM where
 *                   each tuple goes
 *   jvm_local.c     which streams the JVM routes between its Java bolts
 *
 * Wire format (Wire.java is the Java side).  A frame is a little-endian
 * u32 byte count and that many bytes: records, each a one-byte kind and
 * its fields — integers little-endian, strings a u32 length and UTF-8
 * bytes, values a one-byte tag (JW_V_*) and their content.  Every frame a
 * task's connection sends is answered by exactly one frame — which may end
 * with TASK_IDS_QUERY: the JVM asks which tasks some of the call's emits
 * went to (Java's emit returns them), gust answers with a TASK_IDS frame,
 * and the JVM's next frame goes on with the same call.
 *
 * OPEN lists every stream as [number, component, name, fields, subscribed,
 * local, subscriptions];
 * a task does not write the EMIT records of its non-direct emits without a
 * message id on a stream nobody subscribes to (they would reach no task;
 * their task ids are the empty list): its answer counts them per stream in
 * an UNROUTED record instead, for the emitted statistics.
 *
 * Each stream's seventh item lists who subscribes to it: [component,
 * grouping kind name ("SHUFFLE", "FIELDS", ...), fields].
 *
 * A stream's sixth item says whether it is local (jvm_local.c): its
 * emitting tasks route it themselves, to the subscribers the seventh item
 * lists, and its emits never reach gust: the emitting task hands each tuple to the
 * consumer task in the JVM and counts it (LOCAL_EMITS), the consumer counts
 * what it executed, acked and failed (LOCAL_COUNTS).
 *
 * Threads.  A connection belongs to its task: it is used only on the
 * task's turn (and by open/close, on the thread the engine runs them on).
 */
#ifndef GUST_JVM_PRIVATE_H
#define GUST_JVM_PRIVATE_H

#include "runtime_private.h"

#include <string.h>

/* value tags */
enum {
  JW_V_NULL = 0,
  JW_V_FALSE = 1,
  JW_V_TRUE = 2,
  JW_V_I64 = 3,
  JW_V_F64 = 4,
  JW_V_STR = 5,
  JW_V_BYTES = 6,
  JW_V_LIST = 7,
  JW_V_MAP = 8,
};

/* records gust -> task */
enum {
  JW_OPEN = 'O',       /* topology, component, task id, tasks, streams, conf, custom
                          groupings (jvm_write_task_groupings) */
  JW_TUPLE = 'T',      /* id u64, source task i32, stream i32, n u32, values */
  JW_TUPLE_NEXT = 'P', /* n u32, values: the tuple after the TUPLE or TUPLE_NEXT right
                          before it (id one more, same source task and stream) */
  JW_NEXT = 'N',       /* times i32: call nextTuple up to that often, while it emits */
  JW_SPOUT_ACK = 'A',  /* key i64 */
  JW_SPOUT_FAIL = 'F', /* key i64 */
  JW_ACTIVATE = 'a',
  JW_DEACTIVATE = 'd',
  JW_CLOSE = 'C',
  JW_FLUSH = 'f', /* nothing to call: the answer brings what waits (local routes' counts and
                     settles, other threads' emits) */
};

/* records task -> gust */
enum {
  JW_READY = 'K',           /* the task opened: JVM pid i64, groupings (jvm_read_task_groupings) */
  JW_OPEN_FAILED = 'X',     /* text */
  JW_EMIT = 'E',            /* stream i32, direct task i32 (-1), key i64 (spouts; 0: unreliable),
                               n anchors u32, anchor ids u64..., n u32, values, and on a
                               custom-grouped stream the choices (jvm_read_choices) */
  JW_EMIT_AGAIN = 'e',      /* n u32, values (choices as EMIT's): an emit with the stream, direct
                               task, key and anchors of the frame's last EMIT (one with at most
                               one anchor) */
  JW_ACK = 'A',             /* tuple id u64 */
  JW_FAIL = 'F',            /* tuple id u64 */
  JW_ERROR = 'R',           /* text: a reported error or an exception with its stack trace */
  JW_METRIC = 'M',          /* name, value: a registered metric's reading (a number or a map) */
  JW_RESET_TIMEOUT = 't',   /* tuple id u64: OutputCollector.resetTimeout */
  JW_ACK_RUN = 'B',         /* first tuple id u64, n u32: acks of ids first .. first + n - 1 */
  JW_UNROUTED = 'U',        /* stream i32, n u32: emits the task dropped itself (below) */
  JW_LOCAL_EMITS = 'l',     /* stream i32, n u32: emits delivered over local routes (below) */
  JW_LOCAL_COUNTS = 'L',    /* stream i32, executed u32, acked u32, failed u32: tuples of that
                               stream this task got over local routes */
  JW_ACK_FAILED_TREE = 'G', /* tuple id u64: the bolt acked it, but a tuple it sent over a
                               local route failed: counted acked, its trees fail */
};

/* the task ids an emit went to, asked in the middle of a call */
enum {
  /* task -> gust: n u32, emit indices i32... (counted from 0 over the
   * call's EMIT and EMIT_AGAIN records); the last record of its frame */
  JW_TASK_IDS_QUERY = 'W',
  /* gust -> task, answering it: n u32, then per emit n ids u32, task ids i32...;
   * the JVM's next frame goes on with the call */
  JW_TASK_IDS = 'w',
};

/* control records, JVM -> gust (jvm_launch.c) */
enum {
  JW_SUBMIT = 'S',    /* description (a map value) */
  JW_KILL = 'K',      /* topology name */
  JW_MAIN_DONE = 'M', /* status i32, error text */
  JW_LOADED = 'L',    /* a map value: component id -> [class, shell, env, error] */
};

/* ---- writing (jvm_wire.c) ---- */

/* Starts a frame in out (clears it; room for the length). */
void jw_begin(GString *out);
/* Sets the frame's length.  Can't fail. */
void jw_end(GString *out);

/* Appends n bytes: in place while the string has room (the common case:
 * a frame's buffer is reused and rarely grows), through GLib otherwise. */
static inline void jw_bytes(GString *out, const void *p, size_t n)
{
  if (G_LIKELY(out->allocated_len - out->len > n)) {
    memcpy(out->str + out->len, p, n);
    out->len += n;
    out->str[out->len] = 0;
  } else {
    g_string_append_len(out, p, (gssize)n);
  }
}

/* Room for n more bytes at the end of out (its length unchanged): write
 * them there, then jw_advance(out, n). */
static inline uint8_t *jw_room(GString *out, size_t n)
{
  if (G_UNLIKELY(out->allocated_len - out->len <= n)) {
    size_t len = out->len;
    g_string_set_size(out, len + n);
    out->len = len;
  }
  return (uint8_t *)out->str + out->len;
}

static inline void jw_advance(GString *out, size_t n)
{
  out->len += n;
  out->str[out->len] = 0;
}

static inline void jw_u8(GString *out, uint8_t v)
{
  jw_bytes(out, &v, 1);
}

static inline void jw_i32(GString *out, int32_t v)
{
  uint32_t le = GUINT32_TO_LE((uint32_t)v);
  jw_bytes(out, &le, 4);
}

static inline void jw_i64(GString *out, int64_t v)
{
  uint64_t le = GUINT64_TO_LE((uint64_t)v);
  jw_bytes(out, &le, 8);
}

void jw_str(GString *out, const char *s, size_t len);
void jw_value(GString *out, const fc_value *v);
/* A JSON value as a wire value (objects as maps, integers as i64). */
void jw_json(GString *out, const json_t *v);

/* ---- reading (jvm_wire.c) ---- */

/* A cursor over a received frame.  Every read checks the bounds: FALSE
 * once the frame is shorter than its records say (error then says so). */
typedef struct {
  const uint8_t *p, *end;
  const char *error;      /* static text, set by the first failed read */
  uint64_t *decode_ticks; /* an answer's: where its decoding time adds up (NULL: not measured) */
} jr;

gboolean jr_u8(jr *r, uint8_t *v);
gboolean jr_i32(jr *r, int32_t *v);
gboolean jr_i64(jr *r, int64_t *v);
/* A string in place (not NUL-terminated). */
gboolean jr_str(jr *r, const char **s, uint32_t *len);
/* A value; strings and bytes point into the frame, lists and maps are in
 * arena.  Nesting deeper than 64 is refused. */
gboolean jr_value(jr *r, fc_arena *arena, fc_value *v);
/* A value as a JSON value (new reference); bytes (Java objects) become null.
 * NULL when the frame is broken. */
json_t *jr_json(jr *r);

/* ---- one task's connection (jvm_conn.c) ---- */

typedef struct {
  int fd;              /* -1: closed */
  char *label;         /* "component (task N)" */
  int64_t timeout_ms;  /* an answer taking longer fails the call */
  int64_t deadline_us; /* the call's, set when its frame is sent */
  int64_t jvm_pid;     /* the JVM's process id, from READY (0: not known) */
  int task_index;      /* a task's connection: the task's index in its component */
  bool timed_out;      /* the last call failed for want of an answer */
  GString *out;        /* the frame being built: jw_begin() .. records */
  /* boundary counters (jvm_boundary.c), summed while measure is set */
  bool measure;
  uint64_t encode_ticks, decode_ticks, calls;
  int64_t transfer_ns;
  rt_jvm_boundary *totals; /* where they go at close (NULL: nowhere) */
  uint8_t *in;             /* bytes read: the last answer's frame, then any read ahead */
  size_t in_cap;
  size_t in_have; /* bytes in `in` */
  size_t in_next; /* where the frame after the last answer starts */
  /* the receivers of the call's emits so far, for a TASK_IDS_QUERY: one
   * emit's after another in ids; emit i's end at ends[i] */
  struct {
    int *ids;
    uint32_t *ends;
    size_t n_ids, ids_cap, n_emits, ends_cap;
  } sent;
  /* the answer frame's last EMIT, which an EMIT_AGAIN repeats (stream -1: none) */
  struct {
    int32_t stream, direct;
    int64_t key;
    uint32_t n_anchors; /* 0 or 1 */
    uint64_t anchor;
  } last_emit;
} jvm_conn;

/* Connects to the JVM host's socket.  FALSE + error if it cannot. */
gboolean jvm_conn_open(jvm_conn *c, const char *socket_path, const char *label, int64_t timeout_ms,
                       GError **error);
/* Sends the frame in c->out and reads the answer into *answer (valid
 * until the next call).  FALSE + error when the JVM is gone (the
 * connection closed) or does not answer in time. */
gboolean jvm_conn_call(jvm_conn *c, jr *answer, GError **error);
/* The two halves of a call, for a caller that does other work while the
 * JVM answers: send the frame, later receive its answer (by the same
 * deadline).  FALSE + error as for jvm_conn_call. */
gboolean jvm_conn_send(jvm_conn *c, GError **error);
gboolean jvm_conn_receive(jvm_conn *c, jr *answer, GError **error);
void jvm_conn_close(jvm_conn *c);
/* After a call failed: a JVM that did not answer in time is killed
 * (SIGKILL; gust_jvm_relaunch then starts another), so a hung one does
 * not stay.  Returns what it did ("; the JVM hung: ..." or ""), for the
 * error report.  Can't fail. */
const char *jvm_conn_end_hung(jvm_conn *c);

/* ---- boundary counters (jvm_boundary.c) ---- */

/* A cycle count: cheap enough to read around every record. */
static inline uint64_t jvm_ticks(void)
{
#if defined(__x86_64__) || defined(__i386__)
  return __builtin_ia32_rdtsc();
#else
  return (uint64_t)g_get_monotonic_time() * 1000;
#endif
}
/* Encoding and decoding are timed for one tuple, and one answer, in
 * JVM_SAMPLE_EVERY (counted per connection) and their sums scaled up:
 * timing every record would cost as much as the work timed. */
enum { JVM_SAMPLE_EVERY = 8 };
/* The calling thread's CPU time. */
int64_t jvm_thread_cpu_ns(void);
/* Adds c's counters to b (b NULL or c not measuring: nothing).  Any thread. */
void jvm_boundary_add(rt_jvm_boundary *b, const jvm_conn *c);

/* ---- the OPEN record (jvm_open.c) ---- */

/* What OPEN says after its kind (the topology's name, the component, the
 * task id, every component's task ids, the streams, the conf); a grouping
 * connection's open says the same of its emitting task.  Can't fail. */
void jvm_write_task_context(GString *out, rt_component *comp, int task_index);
/* Opens the task's connection and its Java instance: sends OPEN for task
 * task_index of comp, expects READY.  FALSE + error (with the Java stack
 * trace when the instance failed to open). */
gboolean jvm_task_open(jvm_conn *c, rt_component *comp, int task_index, GError **error);
/* Applies the records common to spouts and bolts' answers; emits are
 * handed to emit(), acks and fails to settle(), metrics to the runtime's
 * component metrics (rt_report_metric; dropped while out is NULL).  A
 * TASK_IDS_QUERY is answered over c (the receivers emit() wrote for those
 * emits) and the JVM's next frame of the call applied in turn.  FALSE +
 * error if the answer is malformed, or if that exchange failed (the JVM
 * is gone or silent: c is closed then, c->fd < 0). */
typedef struct {
  /* Writes up to max_task_ids receivers (Storm task ids) of a non-direct
   * emit into task_ids and their count into *n_task_ids. */
  gboolean (*emit)(void *host, const rt_stream *s, int direct_task, int64_t key,
                   const uint64_t *anchors, uint32_t n_anchors, const fc_value *values,
                   uint32_t n_values, int *task_ids, size_t max_task_ids, size_t *n_task_ids,
                   GError **error);
  void (*settle)(void *host, uint64_t id, gboolean acked);
  void (*reset_timeout)(void *host, uint64_t id); /* NULL: not for this kind of task */
  void (*fail_tree)(void *host, uint64_t id);     /* its trees fail (NULL: as reset_timeout) */
} jvm_answer_ops;
gboolean jvm_apply_answer(jvm_conn *c, jr *answer, rt_component *comp, gust_collector *out,
                          fc_arena *arena, const jvm_answer_ops *ops, void *host, GError **error);
/* The socket path and answer timeout for comp's tasks. */
int64_t jvm_timeout_ms(const rt_component *comp);

/* ---- local routes (jvm_local.c) ---- */

/* The ids of the bolts comp feeds over local routes, ", "-separated (to
 * g_free), or NULL when none. */
char *jvm_local_consumers(const rt_component *comp);

/* ---- a task whose JVM died (jvm_open.c) ---- */

/* How often a task whose JVM died tries to open itself in the next one. */
enum { JVM_REOPEN_MS = 200 };
/* Reports that the task's JVM call failed (error: component, task and
 * what happened) with how many in-flight tuples failed (a spout: how many
 * pending messages were dropped), kills a hung JVM, and closes the
 * connection.  Can't fail. */
void jvm_task_lost(jvm_conn *c, rt_component *comp, int task_index, const GError *error,
                   guint n_failed);
/* Tries to open the task again in the JVM started after the last one
 * died: TRUE once it is open; FALSE while that JVM is not serving yet or
 * the open failed (reported once per death).  Can't fail otherwise. */
gboolean jvm_task_reopen(jvm_conn *c, rt_component *comp, int task_index, bool *reported);

/* ---- a Java emitter's custom groupings (jvm_grouping.c) ---- */

/* After OPEN's task context: the custom groupings of the component's
 * streams (comp->custom_out), each as GROUPING_OPEN describes one.  Can't
 * fail. */
void jvm_write_task_groupings(GString *out, rt_component *comp);
/* After READY's process id: per grouping, u8 0 (built) or 1 and why not
 * (reported as the grouping's error).  FALSE if the answer is broken. */
gboolean jvm_read_task_groupings(jr *r, rt_component *comp, int task_index);
/* After the values of an emit on stream s (comp->custom_out not NULL):
 * per grouping of s, in OPEN's order, i32 n and n task ids, or -1 and
 * why the choice failed, or -2 (not built); kept for the routing of that
 * emit.  FALSE (r->error set when it says why) if the record is broken. */
gboolean jvm_read_choices(jr *r, rt_component *comp, int task_index, const rt_stream *s);

/* ---- a stored topology's components (jvm_stored.c) ---- */

/* Reads a LOADED record's value into a table id -> gust_jvm_component.
 * NULL + error if it is malformed. */
GHashTable *jvm_loaded_read(const uint8_t *data, size_t len, GError **error);

#endif
