/* ml_bolt.c — the engine operator hosting one multilang bolt task
 * (Storm's ShellBolt): asynchronous, tuples in, emits/acks/fails out.
 *
 * process(): each input gets a fresh id (a decimal string on the wire;
 * ids count up and are never reused, even across restarts), is kept in
 * `inflight` (ml_held.c) with what acking and anchoring need (its stream,
 * source task and tracking tags; not its values), and is encoded into the write
 * buffer.  Tick tuples are sent the same way (comp "__system", task -1,
 * stream "__tick"); a heartbeat tuple (stream "__heartbeat", comp null)
 * goes out every second and is not kept.  turn_end() writes what the pipe
 * takes (one write, nothing waits); the rest stays buffered and the reader
 * thread says when there is room.  While more than
 * topology.shellbolt.max.pending inputs (default 100, as Storm) wait
 * unwritten, the task holds its input (fc_task_hold_input): upstream feels
 * back-pressure and no scheduler thread waits for the child.
 *
 * The child's messages arrive through the mailbox (MSG_MULTILANG_WAKE)
 * and are applied on the task's turn: emit (anchored to any kept ids,
 * direct or not; the receivers' task ids are written back unless
 * need_task_ids is false or the emit is direct), ack and fail (through
 * the collector, so tracking works as for native bolts), sync (nothing:
 * any output counts as a heartbeat).  An ack, fail or anchor naming an id
 * the bolt does not hold is reported as an error and skipped (Storm would
 * kill the worker).
 *
 * When the process dies every kept tuple is failed (acker mode: the
 * spouts see fail), and until its successor runs, inputs are failed at
 * once.  A checkpoint barrier never waits for the child and never fails
 * what it holds: the snapshot reports the roots of the tracked tuples the
 * child still holds to the spout tasks that own them (before the snapshot
 * is acknowledged, so before the checkpoint can complete), and each such
 * tuple's ack later releases them; the spouts ack those messages only then
 * (or fail them after topology.message.timeout.secs), as Storm's acker
 * would.  At end of input the bolt waits briefly for the child to finish
 * what it holds.  Everything here runs on the task's turn.
 */
#define G_LOG_DOMAIN "gust-multilang"

#include "context.h"
#include "ml_private.h"

#include <string.h>

enum { HEARTBEAT_MS = 1000, LATENCY_SAMPLE = 16 };
#define FINISH_WAIT_NS (G_GINT64_CONSTANT(5) * 1000000000)

typedef ml_held_tuple inflight;

typedef struct {
  rt_component *comp;
  fc_task *task;
  gust_context ctx;
  gust_collector out;
  ml_child child;
  ml_held inflight;
  inflight *last;     /* the entry lookup() found last, or NULL */
  char last_text[20]; /* the id text it was found by */
  uint32_t last_len;
  uint64_t next_id;
  uint32_t heartbeat_timer, tick_timer, restart_timer;
  int *task_ids;
  size_t max_task_ids;
  /* inputs written into the child's buffer but not yet into its pipe: the
   * stream positions where they end (a ring, oldest first) */
  uint64_t *unsent;
  size_t unsent_head, unsent_count, unsent_cap;
  size_t max_pending; /* topology.shellbolt.max.pending: more holds the input */
  /* the encoded source of the last input (most come from one source) */
  GString *source;
  const rt_stream *source_stream;
  int source_task;
} ml_bolt;

/* ---- ids ---- */

/* The tuple id in an ack, fail or anchor: "123" (as sent) or 123. */
static bool tuple_id_of(const ml_raw *raw, uint64_t *id)
{
  if (!raw->text || raw->len == 0 || raw->len > 20) return false;
  uint64_t v = 0;
  for (uint32_t i = 0; i < raw->len; i++) { /* (this runs for every emit) */
    unsigned d = (unsigned)(unsigned char)raw->text[i] - '0';
    if (d > 9) return false;
    if (i < 19) /* 19 digits cannot overflow */
      v = v * 10 + d;
    else if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, d, &v))
      return false;
  }
  *id = v;
  return true;
}

/* Emits of one input usually name it one after the other, then its ack:
 * the last entry found is tried first, by the text of its id (no digits
 * to convert again). */
static inflight *lookup(ml_bolt *h, const ml_raw *raw)
{
  if (h->last && raw->text && raw->len == h->last_len &&
      ml_same_bytes(raw->text, h->last_text, raw->len))
    return h->last;
  uint64_t id;
  if (!tuple_id_of(raw, &id)) return NULL;
  h->last = ml_held_find(&h->inflight, id);
  if (h->last) {
    memcpy(h->last_text, raw->text, raw->len); /* tuple_id_of took at most 20 bytes */
    h->last_len = raw->len;
  }
  return h->last;
}

static void forget(ml_bolt *h, inflight *e)
{
  if (h->last == e) h->last = NULL;
  ml_held_remove(&h->inflight, e);
}

static char *raw_json(const ml_raw *raw)
{
  GString *s = g_string_new(NULL);
  ml_raw_append_json(s, raw);
  return g_string_free(s, FALSE);
}

static inflight *keep(ml_bolt *h, const gust_tuple *view)
{
  inflight *e = ml_held_add(&h->inflight, ++h->next_id, view);
  if (e->id % LATENCY_SAMPLE == 0) e->started_ns = fc_now_ns();
  return e;
}

/* ---- the inputs not yet in the pipe ---- */

static void unsent_push(ml_bolt *h)
{
  if (h->unsent_count == h->unsent_cap) { /* grow, unwrapping the ring */
    size_t cap = MAX(2 * h->unsent_cap, 64);
    uint64_t *ring = g_new(uint64_t, cap);
    for (size_t i = 0; i < h->unsent_count; i++)
      ring[i] = h->unsent[(h->unsent_head + i) % h->unsent_cap];
    g_free(h->unsent);
    h->unsent = ring;
    h->unsent_cap = cap;
    h->unsent_head = 0;
  }
  ml_child *c = &h->child;
  uint64_t end = c->taken_total + (c->wbuf->len - c->wbuf_sent);
  h->unsent[(h->unsent_head + h->unsent_count) % h->unsent_cap] = end;
  h->unsent_count++;
}

/* Forgets the inputs that have left the child's buffer (written, or
 * dropped with a process that died); how many have not. */
static size_t unsent(ml_bolt *h)
{
  while (h->unsent_count && h->unsent[h->unsent_head] <= h->child.taken_total) {
    h->unsent_head = (h->unsent_head + 1) % h->unsent_cap;
    h->unsent_count--;
  }
  return h->unsent_count;
}

/* Writes what the child's stdin takes now.  More than max_pending inputs
 * left unwritten hold the task's input (Storm's ShellBolt blocks execute()
 * then); a full pipe asks the reader for a wake when there is room.
 * Nothing here waits. */
static void send_some(ml_bolt *h)
{
  size_t left = ml_child_write(&h->child);
  bool over = unsent(h) >= h->max_pending;
  if (over != (bool)fc_task_input_held(h->task)) fc_task_hold_input(h->task, over);
  if (left) ml_process_watch_writable(h->child.proc);
}

/* ---- applying the child's messages ---- */

static void emit(ml_bolt *h, const ml_msg *m)
{
  const gust_tuple *few[8];
  const gust_tuple **anchors =
      m->n_anchors <= G_N_ELEMENTS(few)
          ? few
          : fc_arena_alloc(fc_task_scratch(h->task), m->n_anchors * sizeof *anchors);
  size_t n_anchors = 0;
  for (uint32_t i = 0; i < m->n_anchors; i++) {
    inflight *e = lookup(h, &m->anchors[i]);
    if (e) {
      anchors[n_anchors++] = &e->tuple;
    } else {
      g_autofree char *id = raw_json(&m->anchors[i]);
      gust_report_error(&h->out,
                        "emit anchored to tuple id %s, which the bolt does not hold "
                        "(already acked or failed, or never sent): anchor dropped",
                        id);
    }
  }
  if (m->direct) {
    if (m->task < 1 || m->task > G_MAXINT ||
        !gust_emit_direct(&h->out, (int)m->task, m->stream, anchors, n_anchors, m->values,
                          m->n_values))
      gust_report_error(&h->out,
                        "direct emit on stream '%s' to task %" G_GINT64_FORMAT
                        ", which does not subscribe to it directly: dropped",
                        m->stream ? m->stream : GUST_DEFAULT_STREAM, m->task);
    return;
  }
  size_t n = gust_emit(&h->out, m->stream, anchors, n_anchors, m->values, m->n_values,
                       m->need_task_ids ? h->task_ids : NULL, h->max_task_ids);
  if (m->need_task_ids) ml_encode_task_ids(h->child.wbuf, h->task_ids, MIN(n, h->max_task_ids));
}

static void settle(ml_bolt *h, const ml_msg *m)
{
  inflight *e = lookup(h, &m->id);
  if (!e) {
    g_autofree char *id = raw_json(&m->id);
    gust_report_error(&h->out,
                      "%s of tuple id %s, which the bolt does not hold (already acked "
                      "or failed, or never sent): ignored",
                      m->kind == ML_MSG_ACK ? "ack" : "fail", id);
    return;
  }
  if (m->kind == ML_MSG_ACK) {
    gust_ack(&h->out, &e->tuple);
    if (e->reported) rt_collector_hold(&h->out, &e->tuple, -1); /* sent at the turn's end */
  } else {
    gust_fail(&h->out, &e->tuple);
  }
  if (e->started_ns) { /* the subprocess's time is both what execute and process measure */
    int64_t took = fc_now_ns() - e->started_ns;
    uint32_t stream = e->tuple.stream->id;
    rt_stream_latency(h->comp, h->out.stats, stream, RT_STAT_PROCESS_NS, took);
    rt_stream_latency(h->comp, h->out.stats, stream, RT_STAT_EXECUTE_NS, took);
  }
  forget(h, e);
}

static gboolean bolt_apply(void *host, const ml_msg *m, GError **error)
{
  ml_bolt *h = host;
  switch (m->kind) {
  case ML_MSG_EMIT:
    emit(h, m);
    return TRUE;
  case ML_MSG_ACK:
  case ML_MSG_FAIL:
    settle(h, m);
    return TRUE;
  default: /* sync: its arrival was the point */
    return TRUE;
  }
}

static gboolean fail_held(inflight *e, void *data)
{
  ml_bolt *h = data;
  gust_fail(&h->out, &e->tuple);
  return TRUE;
}

/* The process died: fail everything it held. */
static void bolt_lost(void *host)
{
  ml_bolt *h = host;
  h->last = NULL;
  ml_held_foreach(&h->inflight, fail_held, h);
  ml_held_remove_all(&h->inflight);
  if (fc_task_input_held(h->task)) fc_task_hold_input(h->task, FALSE); /* its buffer went too */
}

static const ml_host_ops bolt_ops = {
    .apply = bolt_apply,
    .lost = bolt_lost,
};

/* ---- restarts ---- */

static void schedule_restart(ml_bolt *h)
{
  int64_t delay = ml_child_restart_delay_ns(&h->child);
  if (!ml_child_is_up(&h->child) && delay > 0 && !h->restart_timer)
    h->restart_timer = fc_task_timer_add(h->task, (uint32_t)(delay / 1000000) + 1, FALSE);
}

static gboolean pump(ml_bolt *h, GError **error)
{
  gboolean ok = ml_child_pump(&h->child, error);
  schedule_restart(h);
  return ok;
}

/* ---- the operator ---- */

static void bolt_free(ml_bolt *h)
{
  ml_child_clear(&h->child);
  ml_held_clear(&h->inflight);
  g_string_free(h->source, TRUE);
  g_free(h->unsent);
  rt_collector_clear(&h->out);
  g_free(h->task_ids);
  g_free(h);
}

static gboolean bolt_open(fc_task *task, void *data, void **state, GError **error)
{
  rt_component *comp = data;
  ml_bolt *h = g_new0(ml_bolt, 1);
  h->comp = comp;
  h->task = task;
  rt_context_init(&h->ctx, comp->rt, comp, fc_task_subtask(task));
  rt_collector_init(&h->out, comp->rt, comp, task);
  ml_held_init(&h->inflight);
  h->source = g_string_new(NULL);
  h->max_pending = (size_t)gust_conf_int(comp->conf, "topology.shellbolt.max.pending");
  h->max_task_ids = fc_task_max_routes(task) + 1;
  h->task_ids = g_new(int, h->max_task_ids);
  if (!ml_child_init(&h->child, comp, fc_task_subtask(task), fc_task_job(task), fc_task_id(task),
                     &bolt_ops, h, error)) {
    bolt_free(h);
    return FALSE;
  }
  h->child.out = &h->out;
  h->heartbeat_timer = fc_task_timer_add(task, HEARTBEAT_MS, TRUE);
  if (comp->tick_secs > 0)
    h->tick_timer = fc_task_timer_add(task, (uint32_t)comp->tick_secs * 1000, TRUE);
  *state = h;
  return TRUE;
}

static gboolean bolt_process(fc_task *task, void *state, const fc_record *rec, GError **error)
{
  ml_bolt *h = state;
  gust_tuple view = rt_tuple_of_record(h->comp->rt, rec);
  rt_defer_crossed_roots(h->comp->rt, task, rec);
  rt_stream_add(h->comp, h->out.stats, rec->stream, RT_STAT_EXECUTED, 1);
  if (!ml_child_is_up(&h->child)) {
    gust_fail(&h->out, &view); /* no process to give it to: the spout may replay it */
    return TRUE;
  }
  inflight *e = keep(h, &view);
  if (view.stream != h->source_stream || view.source_task != h->source_task) {
    g_string_truncate(h->source, 0);
    ml_encode_tuple_source(h->source, gust_tuple_source_component(&view), view.source_task,
                           view.stream->name);
    h->source_stream = view.stream;
    h->source_task = view.source_task;
  }
  ml_encode_tuple_from(h->child.wbuf, e->id, h->source, rec->values, rec->n_values);
  unsent_push(h);
  if (h->unsent_count >= h->max_pending) send_some(h);
  return TRUE;
}

static void send_tick(ml_bolt *h)
{
  if (!ml_child_is_up(&h->child)) return;
  fc_value freq = fc_i64(h->comp->tick_secs);
  gust_tuple view = {.stream = h->comp->rt->tick_stream, .source_task = -1};
  inflight *e = keep(h, &view); /* the child may ack it, as storm.py does */
  ml_encode_tuple(h->child.wbuf, e->id, "__system", -1, "__tick", &freq, 1);
  rt_stream_add(h->comp, h->out.stats, view.stream->id, RT_STAT_EXECUTED, 1);
}

static gboolean bolt_timer(fc_task *task, void *state, uint32_t timer_id, GError **error)
{
  ml_bolt *h = state;
  if (timer_id == h->tick_timer) {
    send_tick(h);
  } else if (timer_id == h->restart_timer) {
    h->restart_timer = 0;
    ml_child_check(&h->child, -1);
  } else if (timer_id == h->heartbeat_timer) {
    ml_child_check(&h->child, 0);
    if (ml_child_is_up(&h->child) && h->child.handshake_done)
      ml_encode_heartbeat(h->child.wbuf, ++h->next_id);
  }
  return pump(h, error);
}

static gboolean bolt_message(fc_task *task, void *state, const fc_message *msg, GError **error)
{
  ml_bolt *h = state;
  if (msg->kind != MSG_MULTILANG_WAKE) return TRUE;
  if (!pump(h, error)) return FALSE;
  send_some(h); /* output from the child, or room in its stdin */
  return TRUE;
}

static gboolean bolt_turn_end(fc_task *task, void *state, GError **error)
{
  ml_bolt *h = state;
  rt_collector_flush(&h->out); /* the acks gathered this turn */
  send_some(h);
  schedule_restart(h);
  return TRUE;
}

/* A checkpoint's barrier reached the bolt: it passes at once.  The roots of
 * the tracked tuples the child still holds (sent before the barrier, or
 * waiting to be written) are posted to their spout tasks now, ahead of the
 * snapshot's acknowledgement, so that the checkpoint's completion does not
 * ack those messages; their acks release them later.  The bolt keeps no
 * state of its own. */
static gboolean bolt_snapshot(fc_task *task, void *state, uint64_t checkpoint_id, fc_snapshot *out,
                              GError **error)
{
  ml_bolt *h = state;
  ml_held_report_at_barrier(&h->inflight, &h->out);
  return TRUE;
}

static gboolean is_tick(inflight *e, void *data)
{
  ml_bolt *h = data;
  return e->tuple.stream == h->comp->rt->tick_stream;
}

/* Nothing but tick tuples is left in the child. */
static gboolean emptied(void *host)
{
  ml_bolt *h = host;
  return ml_held_foreach(&h->inflight, is_tick, h);
}

static gboolean bolt_finish(fc_task *task, void *state, GError **error)
{
  ml_bolt *h = state;
  int64_t wait = MIN(h->child.timeout_ns, FINISH_WAIT_NS);
  g_debug("%s: end of input; waiting for the subprocess to settle %u tuples", h->child.label,
          ml_held_count(&h->inflight));
  return ml_child_wait_until(&h->child, emptied, fc_now_ns() + wait, error);
}

static void bolt_close(fc_task *task, void *state)
{
  ml_bolt *h = state;
  if (h) /* (its timers stop with the job; after a cancel they are gone already) */
    bolt_free(h);
}

const fc_operator rt_multilang_bolt_operator = {
    .open = bolt_open,
    .process = bolt_process,
    .timer = bolt_timer,
    .message = bolt_message,
    .turn_end = bolt_turn_end,
    .finish = bolt_finish,
    .close = bolt_close,
    .snapshot = bolt_snapshot,
};
