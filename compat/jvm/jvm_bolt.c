/* jvm_bolt.c — the engine operator hosting one Java bolt task in the JVM
 * host: tuples are batched per turn, one frame each way.
 *
 * process(): each input gets a fresh id (ids count up, never reused), is
 * kept (ml_held.c: its stream, source task and tracking tags, not its
 * values) and is appended to the frame as a TUPLE record (a TUPLE_NEXT,
 * its values only, when it follows a tuple of the same task and stream);
 * tick tuples go the same way with id 0 (nothing to ack).  turn_end()
 * sends the frame and asks for another turn (fc_task_again), which reads
 * and applies the answer: meanwhile the scheduler thread runs other
 * tasks' turns while the JVM executes the tuples.  At most one frame is
 * awaited: anything added to the frame (an input, a tick) first waits for
 * the answer awaited, as do a barrier, the end of the input and close.
 * An answer holds the bolt's emits (anchored to any kept ids, direct or
 * not), acks and fails (through the collector, so tracking works as for
 * native bolts), and reported errors (an exception from execute is one,
 * with its Java stack trace; the JVM side then fails the input unless it
 * was settled).  A frame that grows past BATCH_BYTES is sent before the
 * turn ends, so nothing buffers without bound.  A tuple the Java bolt
 * keeps to ack later stays kept across turns.
 *
 * Checkpoint mode: at a barrier the frame is sent and answered; the roots of the
 * tracked tuples the Java bolt still holds are then posted to their spout
 * tasks before the snapshot is acknowledged (as ml_bolt.c does), and each
 * such tuple's ack releases them.
 *
 * When the JVM is gone (it exited, was killed or ran out of memory) or
 * does not answer within topology.subprocess.timeout.secs (it is then
 * killed), every kept tuple fails (acker mode: the spouts see fail), the
 * error is reported with the component, task and what happened, and the
 * task stays up: until it has opened again in the JVM gust starts next
 * (tried every JVM_REOPEN_MS on a timer, a fresh instance from the
 * component's serialized form, prepared again), inputs fail at once, as
 * a multilang bolt's do while its process restarts.  Everything here
 * runs on the task's turn.
 */
#define G_LOG_DOMAIN "gust-jvm"

#include "context.h"
#include "jvm_private.h"
#include "ml_private.h"

enum { BATCH_BYTES = 256 * 1024 };
/* A task linked to local routes (jvm_local.c) that was sent nothing for
 * this long is sent a FLUSH, so that what its JVM side holds for gust (the
 * counts of local tuples, acks that waited for a local tree, emits of the
 * bolt's own threads) does not wait for an input that may not come. */
enum { LOCAL_FLUSH_MS = 100 };

typedef struct {
  rt_component *comp;
  fc_task *task;
  gust_context ctx;
  gust_collector out;
  jvm_conn conn;
  ml_held held;
  uint64_t next_id;
  /* the last tuple record: a tuple after it (id one more, same source
   * task and stream) is a TUPLE_NEXT while it ends the frame (at last_end) */
  size_t last_end;
  uint64_t last_id;
  int32_t last_source;
  uint32_t last_stream;
  fc_arena arena; /* an answer's lists, maps and anchor ids */
  const gust_tuple **anchors;
  size_t anchors_cap;
  bool awaiting;      /* the frame was sent; its answer is not read yet */
  bool down;          /* the JVM died: not open until reopen succeeds */
  bool reopen_failed; /* a reopen's failure was reported */
  uint32_t reopen_timer;
  uint32_t flush_timer; /* linked to local routes: LOCAL_FLUSH_MS (0: none) */
  bool sent;            /* a frame went since the flush timer last fired */
} jvm_bolt;

static void bolt_free(jvm_bolt *h)
{
  ml_held_clear(&h->held);
  jvm_conn_close(&h->conn);
  fc_arena_clear(&h->arena);
  g_free(h->anchors);
  rt_context_clear(&h->ctx);
  rt_collector_clear(&h->out);
  g_free(h);
}

static gboolean bolt_open(fc_task *task, void *data, void **state, GError **error)
{
  rt_component *comp = data;
  jvm_bolt *h = g_new0(jvm_bolt, 1);
  h->comp = comp;
  h->task = task;
  rt_context_init(&h->ctx, comp->rt, comp, fc_task_subtask(task));
  rt_collector_init(&h->out, comp->rt, comp, task);
  ml_held_init(&h->held);
  fc_arena_init(&h->arena, 16 * 1024);
  if (!jvm_task_open(&h->conn, comp, fc_task_subtask(task), error)) {
    g_prefix_error(error, "bolt %s failed to prepare: ", comp->id);
    bolt_free(h);
    *state = NULL;
    return FALSE;
  }
  jw_begin(h->conn.out);
  if (comp->tick_secs > 0) fc_task_timer_add(task, (uint32_t)comp->tick_secs * 1000, TRUE);
  if (comp->jvm_locally_fed || comp->jvm_local_out)
    h->flush_timer = fc_task_timer_add(task, LOCAL_FLUSH_MS, TRUE);
  *state = h;
  return TRUE;
}

static gboolean emit(void *host, const rt_stream *s, int direct_task, int64_t key,
                     const uint64_t *ids, uint32_t n_ids, const fc_value *values, uint32_t n_values,
                     int *task_ids, size_t max_task_ids, size_t *n_task_ids, GError **error)
{
  jvm_bolt *h = host;
  if (n_ids > h->anchors_cap) {
    h->anchors_cap = MAX(n_ids, 2 * h->anchors_cap);
    h->anchors = g_renew(const gust_tuple *, h->anchors, h->anchors_cap);
  }
  uint32_t n = 0;
  for (uint32_t i = 0; i < n_ids; i++) {
    ml_held_tuple *e = ids[i] ? ml_held_find(&h->held, ids[i]) : NULL;
    if (e)
      h->anchors[n++] = &e->tuple;
    else if (ids[i])
      gust_report_error(&h->out,
                        "emit anchored to tuple id %" G_GUINT64_FORMAT
                        ", which the bolt no longer holds (already acked or failed): "
                        "the anchor is dropped",
                        ids[i]);
  }
  if (direct_task >= 0)
    gust_emit_direct(&h->out, direct_task, s->name, h->anchors, n, values, n_values);
  else
    *n_task_ids =
        gust_emit(&h->out, s->name, h->anchors, n, values, n_values, task_ids, max_task_ids);
  return TRUE;
}

static void settle(void *host, uint64_t id, gboolean acked)
{
  jvm_bolt *h = host;
  ml_held_tuple *e = ml_held_find(&h->held, id);
  if (!e) {
    gust_report_error(&h->out,
                      "%s of tuple id %" G_GUINT64_FORMAT
                      ", which the bolt does not hold (already acked or failed): ignored",
                      acked ? "ack" : "fail", id);
    return;
  }
  if (acked) {
    gust_ack(&h->out, &e->tuple);
    if (e->reported) rt_collector_hold(&h->out, &e->tuple, -1);
  } else {
    gust_fail(&h->out, &e->tuple);
  }
  ml_held_remove(&h->held, e);
}

/* OutputCollector.resetTimeout of a tuple the bolt holds (one it settled
 * already has nothing to reset). */
static void reset_timeout(void *host, uint64_t id)
{
  jvm_bolt *h = host;
  ml_held_tuple *e = ml_held_find(&h->held, id);
  if (e) rt_collector_reset_timeout(&h->out, &e->tuple);
}

/* A tuple the Java bolt acked whose local tree failed (jvm_local.c): its
 * trees fail before its ack. */
static void fail_tree(void *host, uint64_t id)
{
  jvm_bolt *h = host;
  ml_held_tuple *e = ml_held_find(&h->held, id);
  if (e) rt_collector_fail_tree(&h->out, &e->tuple);
}

static const jvm_answer_ops bolt_ops = {
    .emit = emit, .settle = settle, .reset_timeout = reset_timeout, .fail_tree = fail_tree};

static gboolean fail_held(ml_held_tuple *e, void *data)
{
  jvm_bolt *h = data;
  gust_fail(&h->out, &e->tuple);
  return TRUE;
}

/* The JVM died or hung: what the bolt held fails, the task waits for the
 * next JVM. */
static void lost(jvm_bolt *h, const GError *error)
{
  guint n = ml_held_count(&h->held);
  ml_held_foreach(&h->held, fail_held, h);
  ml_held_remove_all(&h->held);
  rt_collector_flush(&h->out);
  jvm_task_lost(&h->conn, h->comp, fc_task_subtask(h->task), error, n);
  h->down = true;
  h->awaiting = false;
  jw_begin(h->conn.out);
  if (!h->reopen_timer) h->reopen_timer = fc_task_timer_add(h->task, JVM_REOPEN_MS, TRUE);
}

/* Sends the frame (when it holds tuples) without waiting for its answer:
 * collect() reads it.  Only while no answer is awaited.  A JVM that is
 * gone is lost(). */
static void send_frame(jvm_bolt *h)
{
  g_assert(!h->awaiting);
  if (h->down || h->conn.out->len <= 4) return;
  GError *call_error = NULL;
  if (!jvm_conn_send(&h->conn, &call_error)) {
    lost(h, call_error);
    g_error_free(call_error);
    return;
  }
  h->awaiting = true;
  h->sent = true;
}

/* Reads and applies the answer to the frame sent (if one is awaited),
 * waiting for it.  FALSE + error for an answer gust cannot read; a JVM
 * that is gone or silent is lost() instead. */
static gboolean collect(jvm_bolt *h, GError **error)
{
  if (!h->awaiting) return TRUE;
  h->awaiting = false;
  jr answer;
  GError *call_error = NULL;
  if (!jvm_conn_receive(&h->conn, &answer, &call_error)) {
    lost(h, call_error);
    g_error_free(call_error);
    return TRUE;
  }
  if (!jvm_apply_answer(&h->conn, &answer, h->comp, &h->out, &h->arena, &bolt_ops, h,
                        &call_error)) {
    if (h->conn.fd < 0) { /* the JVM went while it asked for task ids */
      lost(h, call_error);
      g_error_free(call_error);
      return TRUE;
    }
    g_propagate_error(error, call_error);
    ml_held_foreach(&h->held, fail_held, h);
    ml_held_remove_all(&h->held);
    rt_collector_flush(&h->out);
    return FALSE;
  }
  jw_begin(h->conn.out);
  return TRUE;
}

/* Sends the frame and applies its answer (and any awaited before it). */
static gboolean send_batch(jvm_bolt *h, GError **error)
{
  if (!collect(h, error)) return FALSE;
  send_frame(h);
  return collect(h, error);
}

static void try_reopen(jvm_bolt *h)
{
  if (!jvm_task_reopen(&h->conn, h->comp, fc_task_subtask(h->task), &h->reopen_failed)) return;
  h->down = false;
  jw_begin(h->conn.out);
  fc_task_timer_cancel(h->task, h->reopen_timer);
  h->reopen_timer = 0;
}

static void add_tuple(jvm_bolt *h, uint64_t id, const gust_tuple *t, uint32_t stream)
{
  bool sampled = h->conn.measure && id % JVM_SAMPLE_EVERY == 0;
  uint64_t start = sampled ? jvm_ticks() : 0;
  GString *out = h->conn.out;
  uint8_t *p = jw_room(out, 21);
  uint32_t n_values = GUINT32_TO_LE(t->n_values);
  if (out->len == h->last_end && id == h->last_id + 1 && t->source_task == h->last_source &&
      stream == h->last_stream) {
    p[0] = JW_TUPLE_NEXT;
    memcpy(p + 1, &n_values, 4);
    jw_advance(out, 5);
  } else {
    uint64_t id_le = GUINT64_TO_LE(id);
    uint32_t source = GUINT32_TO_LE((uint32_t)t->source_task), stream_le = GUINT32_TO_LE(stream);
    p[0] = JW_TUPLE;
    memcpy(p + 1, &id_le, 8);
    memcpy(p + 9, &source, 4);
    memcpy(p + 13, &stream_le, 4);
    memcpy(p + 17, &n_values, 4);
    jw_advance(out, 21);
  }
  for (uint32_t i = 0; i < t->n_values; i++)
    jw_value(out, &t->values[i]);
  if (sampled) h->conn.encode_ticks += jvm_ticks() - start;
  h->last_end = out->len;
  h->last_id = id;
  h->last_source = t->source_task;
  h->last_stream = stream;
  rt_stream_add(h->comp, h->out.stats, stream, RT_STAT_EXECUTED, 1);
}

static gboolean bolt_process(fc_task *task, void *state, const fc_record *rec, GError **error)
{
  jvm_bolt *h = state;
  if (!collect(h, error)) goto failed; /* the frame is free again */
  gust_tuple view = rt_tuple_of_record(h->comp->rt, rec);
  rt_defer_crossed_roots(h->comp->rt, task, rec);
  if (h->down) {
    gust_fail(&h->out, &view); /* no JVM to give it to: the spout may replay it */
    return TRUE;
  }
  ml_held_tuple *e = ml_held_add(&h->held, ++h->next_id, &view);
  add_tuple(h, e->id, &view, rec->stream);
  if (h->conn.out->len >= BATCH_BYTES) send_frame(h);
  return TRUE;
failed:
  g_prefix_error(error, "bolt %s failed: ", h->comp->id);
  return FALSE;
}

static gboolean bolt_timer(fc_task *task, void *state, uint32_t timer_id, GError **error)
{
  jvm_bolt *h = state;
  if (timer_id == h->reopen_timer) {
    try_reopen(h);
    return TRUE;
  }
  if (timer_id == h->flush_timer) {
    if (!h->sent && !h->down && !h->awaiting && h->conn.out->len <= 4) jw_u8(h->conn.out, JW_FLUSH);
    h->sent = false;
    return TRUE;
  }
  if (!collect(h, error)) {
    g_prefix_error(error, "bolt %s failed: ", h->comp->id);
    return FALSE;
  }
  if (h->down) return TRUE;
  fc_value freq = fc_i64(h->comp->tick_secs);
  gust_tuple tick = {
      .stream = h->comp->rt->tick_stream, .source_task = -1, .n_values = 1, .values = &freq};
  add_tuple(h, 0, &tick, h->comp->rt->tick_stream->id);
  return TRUE;
}

/* The end of a turn: what the answers emitted goes out. */
static gboolean turn_over(jvm_bolt *h, gboolean ok, GError **error)
{
  rt_collector_flush(&h->out);
  if (!ok) g_prefix_error(error, "bolt %s failed: ", h->comp->id);
  return ok;
}

/* A turn's frame is sent, and its answer read in the task's next turn:
 * the scheduler thread runs other tasks' turns while the JVM executes the
 * tuples.  A turn with nothing to send reads the answer awaited. */
static gboolean bolt_turn_end(fc_task *task, void *state, GError **error)
{
  jvm_bolt *h = state;
  gboolean ok = TRUE;
  if (h->awaiting) {
    ok = collect(h, error);
  } else {
    send_frame(h);
    if (h->awaiting) fc_task_again(task);
  }
  return turn_over(h, ok, error);
}

/* The input ended: what is sent is answered before the outputs end. */
static gboolean bolt_finish(fc_task *task, void *state, GError **error)
{
  jvm_bolt *h = state;
  gboolean ok = collect(h, error);
  if (ok && h->flush_timer && !h->down && h->conn.out->len <= 4)
    jw_u8(h->conn.out, JW_FLUSH); /* the last counts of local routes */
  return turn_over(h, ok && send_batch(h, error), error);
}

static gboolean bolt_snapshot(fc_task *task, void *state, uint64_t checkpoint_id, fc_snapshot *out,
                              GError **error)
{
  jvm_bolt *h = state;
  if (!send_batch(h, error)) {
    g_prefix_error(error, "bolt %s failed: ", h->comp->id);
    return FALSE;
  }
  ml_held_report_at_barrier(&h->held, &h->out);
  return TRUE;
}

static void bolt_close(fc_task *task, void *state)
{
  jvm_bolt *h = state;
  if (!h) return;
  GError *error = NULL;
  h->out.closed = true; /* the job is going: what cleanup emits is dropped */
  if (!collect(h, &error)) {
    g_warning("bolt %s: %s", h->comp->id, error->message);
    g_clear_error(&error);
  }
  if (h->conn.fd >= 0) {
    jw_begin(h->conn.out);
    jw_u8(h->conn.out, JW_CLOSE);
    jr answer;
    if (!jvm_conn_call(&h->conn, &answer, &error) ||
        !jvm_apply_answer(&h->conn, &answer, h->comp, &h->out, &h->arena, &bolt_ops, h, &error)) {
      g_warning("bolt %s: cleanup: %s", h->comp->id, error->message);
      g_clear_error(&error);
    }
  }
  bolt_free(h);
}

const fc_operator rt_jvm_bolt_operator = {
    .open = bolt_open,
    .process = bolt_process,
    .timer = bolt_timer,
    .turn_end = bolt_turn_end,
    .finish = bolt_finish,
    .close = bolt_close,
    .snapshot = bolt_snapshot,
};
