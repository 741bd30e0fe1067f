/* ml_private.h — the multilang host's pieces, shared by the files of
 * compat/multilang/ (Storm's ShellBolt / ShellSpout / ShellProcess).
 *
 *   ml_reader.c     child -> parent: any message's JSON text -> ml_msg (YAJL,
 *                   SAX); the protocol's definition
 *   ml_reader_fast.c  ... the common messages, read directly, as ml_reader.c would
 *   ml_reader_check.c the two readers compared on one text (tests, fuzzing)
 *   ml_encode.c     parent -> child: tuples, commands, task ids, as JSON text
 *   ml_handshake.c  the first message: conf, pidDir, context
 *   ml_process.c    one subprocess: spawn (argv, cwd, env), its reader thread
 *                   (stdout -> parsed batches, stderr -> log + tail), reaping
 *   ml_child.c      a task's subprocess over its life: writes, applying the
 *                   messages common to spouts and bolts, deaths, restarts
 *   ml_held.c       the tuples a bolt's child holds, by id
 *   ml_bolt.c       the engine operator for multilang bolts
 *   ml_spout.c      the component definition for multilang spouts (hosted by
 *                   spout_host.c, which keeps the reliability bookkeeping)
 *
 * Threads.  Everything but the reader thread runs on the task's own turn.
 * The reader thread owns the stdout/stderr descriptors, the parser and the
 * stderr tail; it hands parsed batches to the task through the process's
 * queue (pthread mutex + condition) and wakes the task with one mailbox
 * message (MSG_MULTILANG_WAKE) per empty -> non-empty transition.  The
 * task reads the stderr tail only after joining the reader.
 */
#ifndef GUST_ML_PRIVATE_H
#define GUST_ML_PRIVATE_H

#include "runtime_private.h"

#include <pthread.h>
#include <string.h>

/* ---- text ---- */

/* The first byte in [s, end) that a JSON string cannot hold as is (a
 * quote, a backslash, a control character) or that is not ASCII; end if
 * none.  Eight bytes a step: strings are scanned for every tuple.  In a
 * step's mask the lowest flagged byte is always a real stop (the borrows
 * of the zero-byte test only run upwards), so on little-endian machines
 * its position is the stop's. */
static inline const char *ml_plain_run(const char *s, const char *end)
{
  const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
  while (end - s >= 8) {
    uint64_t x, q, b;
    memcpy(&x, s, 8);
    q = x ^ (ones * '"');
    b = x ^ (ones * '\\');
    uint64_t stop = (x | ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b)) & highs;
    if (stop) {
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
      return s + (__builtin_ctzll(stop) >> 3);
#else
      break;
#endif
    }
    s += 8;
  }
  while (s < end) {
    unsigned char c = (unsigned char)*s;
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
    s++;
  }
  return s;
}

/* memcmp(a, b, n) == 0 for short texts (a shape's literals, tuple ids),
 * without a call: eight (or four) bytes a step, the last step overlapping
 * the one before. */
static inline bool ml_same_bytes(const char *a, const char *b, size_t n)
{
  if (n < 8) {
    if (n < 4) {
      for (size_t i = 0; i < n; i++)
        if (a[i] != b[i]) return false;
      return true;
    }
    uint32_t x, y, x2, y2;
    memcpy(&x, a, 4);
    memcpy(&y, b, 4);
    memcpy(&x2, a + n - 4, 4);
    memcpy(&y2, b + n - 4, 4);
    return ((x ^ y) | (x2 ^ y2)) == 0;
  }
  uint64_t x, y;
  for (size_t i = 0; i + 8 <= n; i += 8) {
    memcpy(&x, a + i, 8);
    memcpy(&y, b + i, 8);
    if (x != y) return false;
  }
  memcpy(&x, a + n - 8, 8);
  memcpy(&y, b + n - 8, 8);
  return x == y;
}

/* ---- messages from the child (ml_reader.c, ml_reader_fast.c) ---- */

/* An id as the child wrote it: a string (its text, unescaped), or any
 * other JSON value as JSON text (numbers keep every digit). */
typedef struct {
  const char *text; /* NUL-terminated; NULL: absent or null */
  uint32_t len;
  bool is_string;
} ml_raw;

/* The id as JSON text (strings quoted), appended to out. */
void ml_raw_append_json(GString *out, const ml_raw *raw);

typedef enum {
  ML_MSG_EMIT,
  ML_MSG_ACK,
  ML_MSG_FAIL,
  ML_MSG_LOG,
  ML_MSG_ERROR,
  ML_MSG_SYNC,
  ML_MSG_METRICS,
  ML_MSG_PID, /* the handshake's answer */
} ml_msg_kind;

typedef struct {
  /* (ordered for size: one is written per message, 80 bytes) */
  ml_raw id;              /* emit: spout message id; ack/fail: the tuple id; metrics: params */
  const char *stream;     /* emit; NULL = "default" */
  const ml_raw *anchors;  /* emit (bolts) */
  const fc_value *values; /* emit: the tuple */
  const char *text;       /* log / error: msg; metrics: name */
  int64_t task;           /* emit: the direct target (-1 if not an int64) */
  int64_t pid;            /* pid */
  ml_msg_kind kind;
  uint32_t n_anchors;
  uint32_t n_values;
  uint8_t level;      /* log: 0 trace .. 4 error; default 2 */
  bool direct;        /* emit: "task" was given */
  bool need_task_ids; /* emit; default true */
} ml_msg;

/* What the reader hands over: the messages of one read, or the end. */
typedef enum {
  ML_END_NONE,
  ML_END_EOF,      /* stdout closed: the child exited or closed it */
  ML_END_PROTOCOL, /* the child broke the protocol; error says how */
} ml_end;

typedef struct {
  ml_msg *msgs; /* n_msgs of them */
  guint n_msgs, msgs_cap;
  GString *text;  /* the messages' text: most strings point into it */
  fc_arena arena; /* what else the messages point to */
  size_t bytes;   /* input bytes they came from */
  ml_end end;
  char *error; /* ML_END_PROTOCOL */
} ml_batch;

ml_batch *ml_batch_new(void);
void ml_batch_free(ml_batch *b);
/* A new message slot at the end of b. */
ml_msg *ml_batch_add(ml_batch *b);

/* The common messages (emit, ack, fail, sync; flat tuples; no escapes),
 * read directly (ml_reader_fast.c).  text: one message (framed FALSE:
 * nothing but white space may follow it) or the stream from a message's
 * start (framed TRUE: its "\nend\n" line must follow at once).  TRUE:
 * *msg is complete, its strings in text (NUL-terminated in place), its
 * arrays in arena, and *used says how many bytes it took (with the end
 * line when framed).  FALSE: not a message it takes, or not all there
 * yet; text is unchanged and the general reader (after line framing)
 * must read it.  Whatever it takes, it reads as ml_parse_general would. */
gboolean ml_fast_parse(char *text, size_t len, bool framed, fc_arena *arena, ml_msg *msg,
                       size_t *used);

typedef struct ml_parser ml_parser;
ml_parser *ml_parser_new(void);
void ml_parser_free(ml_parser *p);
/* Parses one message (the text before its "end" line) and appends it to
 * batch: by the fast reader if it takes it, else by the general one.
 * FALSE + *error (a sentence naming what is wrong, with the start of the
 * text) on malformed JSON, text after the message's object, or a message
 * the protocol does not have; the parser is unusable after that.  text
 * must stay as long as the batch: strings without escapes point into it
 * (the readers end them with a NUL in place of their closing quote). */
gboolean ml_parse_message(ml_parser *p, char *text, size_t len, ml_batch *batch, char **error);
/* The same, always by the general reader: the protocol's definition. */
gboolean ml_parse_general(ml_parser *p, char *text, size_t len, ml_batch *batch, char **error);

/* What a JSON number's text (matching JSON's grammar) holds: an int64
 * (*i), an integer too big for one (its digits are kept as text), or a
 * real (*f; any length).  Both readers classify numbers with it.  Can't
 * fail. */
typedef enum { ML_NUM_INT, ML_NUM_BIG, ML_NUM_REAL } ml_number_kind;
ml_number_kind ml_number_value(const char *s, size_t len, int64_t *i, double *f);

/* Reads buf (any bytes, taken as the text of one message before its end
 * line) with the fast reader, unframed and framed, and with the general
 * reader, and compares: whatever the fast reader takes, the general
 * reader must take, giving the same message (kind, fields, ids, values
 * with their types), and what it declines it must leave unchanged.  TRUE
 * if they agree; FALSE + *why (a description of the difference) if not.
 * Allocates per call; for tests and fuzzing targets. */
gboolean ml_read_differential(const char *buf, size_t len, char **why);
/* Everything a message says, as one line of text (for comparisons and
 * test messages).  Free with g_free(). */
char *ml_msg_describe(const ml_msg *m);

/* ---- messages to the child (ml_encode.c) ---- */

/* Each appends one framed message ("<json>\nend\n") to out. */
void ml_encode_tuple(GString *out, uint64_t id, const char *comp, int task, const char *stream,
                     const fc_value *values, uint32_t n_values);
/* The same in two parts: what a tuple's source (component, task, stream)
 * makes of the message, kept by a bolt that gets many from one source,
 * and a message with it. */
void ml_encode_tuple_source(GString *out, const char *comp, int task, const char *stream);
void ml_encode_tuple_from(GString *out, uint64_t id, const GString *source, const fc_value *values,
                          uint32_t n_values);
/* comp NULL writes "comp": null (heartbeats). */
void ml_encode_heartbeat(GString *out, uint64_t id);
/* id: raw JSON (NULL: ""). */
void ml_encode_command(GString *out, const char *command, const char *id_json);
void ml_encode_task_ids(GString *out, const int *task_ids, size_t n);
/* A JSON string literal of s (len bytes), escaped; invalid UTF-8 is replaced. */
void ml_encode_string(GString *out, const char *s, size_t len);
void ml_encode_value(GString *out, const fc_value *v);

/* ---- the handshake (ml_handshake.c) ---- */

/* The framed first message for a task of comp.  Cannot fail. */
char *ml_handshake_text(rt_component *comp, int task_index, const char *pid_dir);

/* ---- one subprocess (ml_process.c) ---- */

typedef struct ml_process ml_process;

typedef struct {
  char **argv;
  const char *cwd;   /* NULL: ours */
  char **envp;       /* the whole environment */
  const char *label; /* "component (task N)", for logs */
  fc_job *job;       /* woken: MSG_MULTILANG_WAKE to engine task `task` (NULL: none) */
  int task;
} ml_spawn_spec;

/* Starts argv with pipes and its reader thread.  NULL + error if it cannot
 * be started.  Owned by the caller: ml_process_free(). */
ml_process *ml_process_spawn(const ml_spawn_spec *spec, GError **error);
GPid ml_process_pid(const ml_process *p);
int64_t ml_process_started_ns(const ml_process *p);
/* Monotonic time of the child's last output on stdout (start time before). */
int64_t ml_process_last_output_ns(ml_process *p);
/* Takes every batch the reader queued (oldest first) into out. */
void ml_process_take(ml_process *p, GQueue *out);
/* Gives an applied batch back for the reader to fill again (or frees it). */
void ml_process_recycle(ml_process *p, ml_batch *b);
/* Waits until a batch is queued, the reader ended, or deadline (fc_now_ns
 * clock) passed.  TRUE if something is queued. */
gboolean ml_process_wait(ml_process *p, int64_t deadline_ns);
/* Writes what the pipe takes now, without blocking or raising SIGPIPE.
 * Returns bytes written, 0 if the pipe is full, -1 if the child's stdin is
 * gone (it exited or closed it). */
gssize ml_process_write(ml_process *p, const char *buf, size_t len);
/* Waits up to timeout_ms for room in the pipe. */
void ml_process_wait_writable(ml_process *p, int timeout_ms);
/* Asks for a MSG_MULTILANG_WAKE when the pipe has room (once). */
void ml_process_watch_writable(ml_process *p);
void ml_process_kill(ml_process *p);
/* Ends the child (closes its stdin, waits up to grace_ms for it to exit,
 * then kills it), joins the reader and reaps it.  Returns a sentence on
 * how it ended ("exited with code 1", "was killed by signal 9"). */
char *ml_process_reap(ml_process *p, int grace_ms);
/* The last lines the child wrote on stderr ("" if none); after reap. */
const char *ml_process_stderr_tail(const ml_process *p);
void ml_process_free(ml_process *p);

/* ---- a bolt's held tuples (ml_held.c) ---- */

/* A tuple sent to the child and not yet settled: what acking and
 * anchoring need (its stream, source task, tracking tags; no values). */
typedef struct {
  uint64_t id;
  gust_tuple tuple;   /* tracking view */
  int64_t started_ns; /* 0 unless sampled for latency */
  bool reported;      /* checkpoint mode: its roots were reported held at a barrier */
  uint64_t tags[];
} ml_held_tuple;

typedef struct {
  ml_held_tuple **slots; /* capacity (a power of two) slots, by id */
  size_t capacity;
  uint64_t base;      /* the oldest id the ring may hold */
  uint64_t next;      /* one past the newest id added */
  GHashTable *parked; /* &id -> ml_held_tuple*: ids below base still held */
  guint count;
  ml_held_tuple *free; /* spare entries, linked through their first word */
  guint n_free;
} ml_held;

void ml_held_init(ml_held *t);
void ml_held_clear(ml_held *t);
/* Keeps view (not its values) under id, which must be above every id
 * added before. */
ml_held_tuple *ml_held_add(ml_held *t, uint64_t id, const gust_tuple *view);
ml_held_tuple *ml_held_find(const ml_held *t, uint64_t id);
void ml_held_remove(ml_held *t, ml_held_tuple *e);
void ml_held_remove_all(ml_held *t);
guint ml_held_count(const ml_held *t);
/* Calls fn for each held tuple until it returns FALSE; fn may change an
 * entry but not add or remove any.  FALSE if fn stopped it. */
gboolean ml_held_foreach(ml_held *t, gboolean (*fn)(ml_held_tuple *e, void *data), void *data);
/* Checkpoint mode, at a barrier: posts the roots of every tracked tuple
 * held and not yet reported to the spout tasks that own them (before the
 * snapshot is acknowledged, so the checkpoint's completion does not ack
 * those messages; the tuples' acks release them later). */
void ml_held_report_at_barrier(ml_held *t, gust_collector *out);

/* ---- a task's subprocess over its life (ml_child.c) ---- */

typedef struct ml_child ml_child;

/* What the host (bolt or spout) does with the messages only it knows. */
typedef struct {
  /* emit, ack, fail, sync.  FALSE + *error: a protocol violation that
   * ends the process (it is restarted). */
  gboolean (*apply)(void *host, const ml_msg *msg, GError **error);
  /* The process died: fail what it held. */
  void (*lost)(void *host);
  /* A new process was started (its handshake is queued). */
  void (*started)(void *host);
} ml_host_ops;

struct ml_child {
  rt_component *comp;
  int task_index;
  gust_collector *out; /* set by the host before any call that may report */
  const ml_host_ops *ops;
  void *host;
  char *label; /* "component (task N)" */
  char *handshake;
  char *pid_dir;
  char **envp;
  fc_job *job;
  int engine_task;
  int64_t timeout_ns; /* subprocess silence limit */

  ml_process *proc;    /* NULL while down */
  unsigned generation; /* processes started so far */
  bool handshake_done; /* the current process answered with its pid */
  bool closing;        /* the task is closing: no more restarts */
  bool ever_ready;     /* some process of this task completed the handshake */
  int64_t child_pid;
  int failures_in_a_row;
  int64_t restart_at_ns; /* while down: when to start again */
  GString *wbuf;         /* to the child: ml_child_write() / ml_child_flush() */
  size_t wbuf_sent;      /* its first bytes already in the pipe */
  /* bytes that have left the write buffer over the task's life: written
   * into a process's pipe, or dropped with a process that died; a stream
   * position, so that a host can tell what has left */
  uint64_t taken_total;
  GError *fatal; /* the first process could not start: the task fails */
};

/* Prepares the child and starts the first process.  FALSE + error if it
 * cannot be started at all (the task then fails to open). */
gboolean ml_child_init(ml_child *c, rt_component *comp, int task_index, fc_job *job,
                       int engine_task, const ml_host_ops *ops, void *host, GError **error);
/* Stops the process (stdin closed, then killed after a grace period) and
 * frees everything. */
void ml_child_clear(ml_child *c);
gboolean ml_child_is_up(const ml_child *c);
/* Applies what the reader has queued.  FALSE + error when the task must
 * fail (its first process died before the handshake). */
gboolean ml_child_pump(ml_child *c, GError **error);
/* Writes what the pipe takes of the buffered messages now, without
 * waiting.  Returns the bytes still to write (0: all sent, or the
 * process's stdin is gone and its death will be reported). */
size_t ml_child_write(ml_child *c);
/* Writes the buffered messages, waiting for room in the pipe while
 * applying what the child sends meanwhile.  A child that neither reads nor
 * writes for the timeout is killed.  Same return as pump. */
gboolean ml_child_flush(ml_child *c, GError **error);
/* Flushes and applies the child's messages until done(host) or deadline.
 * Same return as pump. */
gboolean ml_child_wait_until(ml_child *c, gboolean (*done)(void *host), int64_t deadline_ns,
                             GError **error);
/* Kills the process if it has been silent longer than the timeout while
 * expected to talk (since `since_ns`); restarts it when due. */
void ml_child_check(ml_child *c, int64_t since_ns);
/* Kills the current process for reason; its end is reported. */
void ml_child_kill(ml_child *c, const char *reason);
/* Nanoseconds until a pending restart (0: none pending or due now). */
int64_t ml_child_restart_delay_ns(const ml_child *c);

#endif
