/* jvm_spout.c — Java spouts as a component definition run by
 * spout_host.c, which keeps what every spout needs: pending reliable
 * emits, acks and fails from ackers or checkpoints, timeouts,
 * max.spout.pending, deactivation at stop.
 *
 * next_tuple() sends one frame: the acks, fails, activations and
 * deactivations that came since the last one (ack() and the others only
 * queue their record: no call crosses to the JVM on its own), then NEXT
 * with how many nextTuple() calls the JVM may make in a row — while each
 * emits, up to the room left under topology.max.spout.pending (at most
 * NEXT_BURST, and for at most 1 ms: a spout that sleeps in nextTuple is
 * called once).  The answer's emits are applied in this call.  A reliable
 * emit's message id stays in the JVM; gust carries the key the JVM gave
 * it (an i64), and an ack or fail hands the key back.  close() sends what
 * is queued and CLOSE; what the spout emits then is dropped.
 *
 * A JVM that is gone or silent past topology.subprocess.timeout.secs
 * (then killed) is reported with the component, task and what happened;
 * the task stays up and opens again (a fresh instance, opened again) in
 * the JVM gust starts next, tried at most every JVM_REOPEN_MS from
 * next_tuple().  The dead instance's message ids died with it: its emits
 * in flight are dropped from spout_host's count at once
 * (rt_spout_drop_in_flight), so the new instance emits as soon as it is
 * open; rt_jvm_spout_watch() notices a JVM that died while the spout sat
 * at topology.max.spout.pending (next_tuple() is not called then).  Every
 * key also carries the instance's generation in its top 16 bits, and an
 * ack or fail of an earlier generation's emit is dropped instead of
 * reaching the new instance, whose keys count from 1 again.  Everything
 * here runs on the task's turn.
 */
#define G_LOG_DOMAIN "gust-jvm"

#include "context.h"
#include "jvm_private.h"

#include <poll.h>

enum { NEXT_BURST = 512, KEY_BITS = 48 };

typedef struct {
  rt_component *comp;
  jvm_conn conn;
  fc_arena arena;
  GString *queued;     /* records for the next frame */
  gust_collector *out; /* spout_host's, the same for the task's life; NULL before next_tuple */
  bool closing;
  int task_index;
  bool down;          /* the JVM died: not open until reopen succeeds */
  bool reopen_failed; /* a reopen's failure was reported */
  bool deactivated;   /* the last of activate/deactivate was deactivate */
  int64_t reopen_at_us;
  int64_t generation; /* how many times the task opened again */
} jvm_spout;

static gboolean jvm_spout_open(const gust_context *ctx, void **state, GError **error)
{
  jvm_spout *h = g_new0(jvm_spout, 1);
  h->comp = ctx->comp;
  h->task_index = ctx->task_index;
  h->queued = g_string_new(NULL);
  fc_arena_init(&h->arena, 16 * 1024);
  if (!jvm_task_open(&h->conn, ctx->comp, ctx->task_index, error)) {
    jvm_conn_close(&h->conn);
    fc_arena_clear(&h->arena);
    g_string_free(h->queued, TRUE);
    g_free(h);
    return FALSE;
  }
  *state = h;
  return TRUE;
}

static gboolean emit(void *host, const rt_stream *s, int direct_task, int64_t key,
                     const uint64_t *ids, uint32_t n_ids, const fc_value *values, uint32_t n_values,
                     int *task_ids, size_t max_task_ids, size_t *n_task_ids, GError **error)
{
  jvm_spout *h = host;
  if (h->closing || !h->out) return TRUE;
  fc_value msg_id = fc_i64(key ? (h->generation << KEY_BITS) | key : 0);
  const fc_value *id = key ? &msg_id : NULL;
  if (direct_task >= 0)
    gust_spout_emit_direct(h->out, direct_task, s->name, values, n_values, id);
  else
    *n_task_ids = gust_spout_emit(h->out, s->name, values, n_values, id, task_ids, max_task_ids);
  return TRUE;
}

static void settle(void *host, uint64_t id, gboolean acked)
{
  jvm_spout *h = host;
  if (h->out)
    gust_report_error(h->out, "a spout cannot ack or fail tuples (id %" G_GUINT64_FORMAT ")", id);
}

static const jvm_answer_ops spout_ops = {.emit = emit, .settle = settle};

/* The JVM died or hung: the instance's emits in flight go with it, and
 * the task waits for the next JVM. */
static void lost(jvm_spout *h, const GError *error)
{
  guint dropped = h->out ? (guint)rt_spout_drop_in_flight(h->out) : 0;
  jvm_task_lost(&h->conn, h->comp, h->task_index, error, dropped);
  h->down = true;
  g_string_truncate(h->queued, 0); /* settles for the dead instance */
  h->reopen_at_us = g_get_monotonic_time() + JVM_REOPEN_MS * 1000;
}

static void try_reopen(jvm_spout *h)
{
  if (g_get_monotonic_time() < h->reopen_at_us) return;
  h->reopen_at_us = g_get_monotonic_time() + JVM_REOPEN_MS * 1000;
  if (!jvm_task_reopen(&h->conn, h->comp, h->task_index, &h->reopen_failed)) return;
  h->down = false;
  h->generation = (h->generation + 1) & 0x7fff;
  g_string_truncate(h->queued, 0);
  if (h->deactivated) jw_u8(h->queued, JW_DEACTIVATE); /* the new instance as the old one was */
}

/* Sends the frame and applies the answer.  FALSE + error for an answer
 * gust cannot read; a JVM that is gone or silent is lost() instead. */
static gboolean call(jvm_spout *h, GError **error)
{
  jr answer;
  GError *call_error = NULL;
  if (!jvm_conn_call(&h->conn, &answer, &call_error)) {
    if (h->closing) {
      g_propagate_error(error, call_error);
      return FALSE;
    }
    lost(h, call_error);
    g_error_free(call_error);
    return TRUE;
  }
  if (!h->out) return TRUE; /* nothing opened a collector: nothing to apply */
  if (jvm_apply_answer(&h->conn, &answer, h->comp, h->out, &h->arena, &spout_ops, h, &call_error))
    return TRUE;
  if (h->conn.fd >= 0 || h->closing) { /* a broken answer, or the JVM went at close */
    g_propagate_error(error, call_error);
    return FALSE;
  }
  lost(h, call_error); /* the JVM went while it asked for task ids */
  g_error_free(call_error);
  return TRUE;
}

static void begin_frame(jvm_spout *h)
{
  jw_begin(h->conn.out);
  g_string_append_len(h->conn.out, h->queued->str, (gssize)h->queued->len);
  g_string_truncate(h->queued, 0);
}

/* How many nextTuple() calls may follow each other now. */
static int burst(const jvm_spout *h, const gust_collector *out)
{
  if (h->comp->max_pending <= 0) return NEXT_BURST;
  int64_t in_flight = (int64_t)(g_hash_table_size(out->pending) + out->ledger.n_open);
  return (int)CLAMP(h->comp->max_pending - in_flight, 1, NEXT_BURST);
}

static gboolean jvm_spout_next(void *state, gust_collector *out, GError **error)
{
  jvm_spout *h = state;
  h->out = out;
  if (h->down) try_reopen(h);
  if (h->down) return TRUE;
  begin_frame(h);
  jw_u8(h->conn.out, JW_NEXT);
  jw_i32(h->conn.out, burst(h, out));
  return call(h, error);
}

/* Between calls the JVM sends nothing: a connection that is readable or
 * hung up was closed by a JVM that died. */
static gboolean closed_by_jvm(const jvm_conn *c)
{
  struct pollfd p = {.fd = c->fd, .events = POLLIN};
  return c->fd >= 0 && poll(&p, 1, 0) > 0 && p.revents;
}

void rt_jvm_spout_watch(void *state, gust_collector *out)
{
  jvm_spout *h = state;
  h->out = out;
  if (h->down || h->closing || !closed_by_jvm(&h->conn)) return;
  GError *error = g_error_new(GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
                              "%s: the JVM host is gone (it closed the connection)", h->conn.label);
  lost(h, error);
  g_error_free(error);
}

static void queue_settle(jvm_spout *h, const fc_value *msg_id, uint8_t kind)
{
  if (msg_id->type != FC_I64) return; /* every reliable emit here carries an i64 key */
  if (h->down || msg_id->u.i >> KEY_BITS != h->generation) return; /* a dead instance's */
  jw_u8(h->queued, kind);
  jw_i64(h->queued, msg_id->u.i & ((G_GINT64_CONSTANT(1) << KEY_BITS) - 1));
}

static void jvm_spout_ack(void *state, gust_collector *out, const fc_value *msg_id)
{
  queue_settle(state, msg_id, JW_SPOUT_ACK);
}

static void jvm_spout_fail(void *state, gust_collector *out, const fc_value *msg_id)
{
  queue_settle(state, msg_id, JW_SPOUT_FAIL);
}

static void jvm_spout_activate(void *state)
{
  ((jvm_spout *)state)->deactivated = false;
  jw_u8(((jvm_spout *)state)->queued, JW_ACTIVATE);
}

static void jvm_spout_deactivate(void *state)
{
  ((jvm_spout *)state)->deactivated = true;
  jw_u8(((jvm_spout *)state)->queued, JW_DEACTIVATE);
}

static void jvm_spout_close(void *state)
{
  jvm_spout *h = state;
  GError *error = NULL;
  h->closing = true;
  begin_frame(h);
  jw_u8(h->conn.out, JW_CLOSE);
  if (h->conn.fd >= 0 && !call(h, &error)) {
    g_warning("spout %s: close: %s", h->comp->id, error->message);
    g_error_free(error);
  }
  jvm_conn_close(&h->conn);
  fc_arena_clear(&h->arena);
  g_string_free(h->queued, TRUE);
  g_free(h);
}

const gust_component_def rt_jvm_spout_def = {
    .abi = GUST_NATIVE_ABI,
    .kind = GUST_DEF_SPOUT,
    .open = jvm_spout_open,
    .next_tuple = jvm_spout_next,
    .ack = jvm_spout_ack,
    .fail = jvm_spout_fail,
    .activate = jvm_spout_activate,
    .deactivate = jvm_spout_deactivate,
    .close = jvm_spout_close,
};
