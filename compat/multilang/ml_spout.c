/* ml_spout.c — multilang spouts (Storm's ShellSpout) as a component
 * definition run by spout_host.c, which keeps what every spout needs:
 * pending reliable emits, acks and fails from ackers or checkpoints,
 * timeouts, max.spout.pending, deactivation at stop.
 *
 * The protocol is synchronous: one command at a time (next, ack, fail,
 * activate, deactivate), answered by the child's emits and a final sync.
 * Nothing here blocks: a callback sends the next command when none is
 * outstanding and returns; the child's answer wakes the task
 * (MSG_MULTILANG_WAKE, which spout_host ignores, but the turn runs
 * produce() and so next_tuple()), and the following callback applies it.
 * Commands wait in `commands` (acks and fails in the order spout_host
 * settles them, activate/deactivate as they come); "next" is sent only
 * when nothing else waits, and, like Storm's sleep wait strategy, not
 * within 1 ms of a "next" that emitted nothing.
 *
 * A reliable emit's message id travels as bytes "<generation>:<JSON of the
 * id>", so that an ack comes back to the child with exactly the id it
 * sent (any JSON, any integer size), and never to a later process than
 * the one that emitted it.  The silence timeout applies while a command is
 * outstanding.  When the process dies its outstanding and queued commands
 * are dropped, and so are its emits in flight (rt_spout_drop_in_flight:
 * they stop counting against topology.max.spout.pending, so the successor
 * emits at once); its successor is activated again.  At the cap spout_host
 * does not call next_tuple(): rt_multilang_spout_watch() looks for the
 * death instead.  Everything here runs on the task's turn.
 */
#define G_LOG_DOMAIN "gust-multilang"

#include "context.h"
#include "ml_private.h"

#include <string.h>

#define IDLE_NEXT_DELAY_NS (G_GINT64_CONSTANT(1000000))
#define CLOSE_WAIT_NS (G_GINT64_CONSTANT(1000) * 1000000)

typedef struct {
  rt_component *comp;
  ml_child child;
  gust_collector *out; /* spout_host's; the same for the task's life */
  GQueue commands;     /* framed command texts (char*) waiting to be sent */
  bool active;
  bool closing;   /* the task's output has ended: emits can no longer go */
  bool watching;  /* rt_multilang_spout_watch() runs: no command is sent */
  bool settling;  /* in ack() or fail(): spout_host may be walking what is in flight */
  bool drop_owed; /* a process died during ack() or fail(): its emits are dropped at the
                     next next_tuple() or watch, and no command goes out until then */
  bool awaiting_sync;
  bool command_is_next;
  int64_t command_sent_ns;
  uint64_t emits_in_command;
  int64_t next_not_before_ns;
  int *task_ids;
  size_t max_task_ids;
} ml_spout;

static void queue_command(ml_spout *h, const char *command, const char *id_json)
{
  GString *text = g_string_new(NULL);
  ml_encode_command(text, command, id_json);
  g_queue_push_tail(&h->commands, g_string_free(text, FALSE));
}

/* Sends the next command if none is outstanding. */
static void send_command(ml_spout *h)
{
  if (h->awaiting_sync || h->watching || h->drop_owed || !ml_child_is_up(&h->child)) return;
  char *text = g_queue_pop_head(&h->commands);
  if (text) {
    g_string_append(h->child.wbuf, text);
    g_free(text);
    h->command_is_next = false;
  } else if (h->active && fc_now_ns() >= h->next_not_before_ns) {
    ml_encode_command(h->child.wbuf, "next", NULL);
    h->command_is_next = true;
  } else {
    return;
  }
  h->awaiting_sync = true;
  h->command_sent_ns = fc_now_ns();
  h->emits_in_command = 0;
}

/* ---- the child's messages ---- */

static void emit(ml_spout *h, const ml_msg *m)
{
  if (h->closing) {
    g_debug("%s: emit after the spout's output ended: dropped", h->child.label);
    if (m->need_task_ids && !m->direct) ml_encode_task_ids(h->child.wbuf, NULL, 0);
    return;
  }
  fc_value msg_id, *id = NULL;
  GString *bytes = NULL;
  if (m->id.text) {
    bytes = g_string_new(NULL);
    g_string_printf(bytes, "%u:", h->child.generation);
    ml_raw_append_json(bytes, &m->id);
    msg_id = fc_bytes(bytes->str, (uint32_t)bytes->len);
    id = &msg_id;
  }
  h->emits_in_command++;
  if (m->direct) {
    if (m->task < 1 || m->task > G_MAXINT ||
        !gust_spout_emit_direct(h->out, (int)m->task, m->stream, m->values, m->n_values, id))
      gust_report_error(h->out,
                        "direct emit on stream '%s' to task %" G_GINT64_FORMAT
                        ", which does not subscribe to it directly: dropped",
                        m->stream ? m->stream : GUST_DEFAULT_STREAM, m->task);
  } else {
    size_t n = gust_spout_emit(h->out, m->stream, m->values, m->n_values, id,
                               m->need_task_ids ? h->task_ids : NULL, h->max_task_ids);
    if (m->need_task_ids) ml_encode_task_ids(h->child.wbuf, h->task_ids, MIN(n, h->max_task_ids));
  }
  if (bytes) g_string_free(bytes, TRUE);
}

static gboolean spout_apply(void *host, const ml_msg *m, GError **error)
{
  ml_spout *h = host;
  switch (m->kind) {
  case ML_MSG_EMIT:
    emit(h, m);
    return TRUE;
  case ML_MSG_SYNC:
    if (h->awaiting_sync) {
      h->awaiting_sync = false;
      if (h->command_is_next && !h->emits_in_command)
        h->next_not_before_ns = fc_now_ns() + IDLE_NEXT_DELAY_NS;
      send_command(h);
    }
    return TRUE;
  default:
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_FAILED,
                "sent \"%s\", which a spout may not send", m->kind == ML_MSG_ACK ? "ack" : "fail");
    return FALSE;
  }
}

/* Drops the dead process's emits in flight (see the top).  Only while
 * spout_host walks none of them: not from ack() or fail(). */
static void drop_dead_emits(ml_spout *h)
{
  h->drop_owed = false;
  uint64_t dropped = h->out ? rt_spout_drop_in_flight(h->out) : 0;
  if (dropped)
    g_message("multilang %s: the process's %" G_GUINT64_FORMAT
              " pending message(s) are dropped with it",
              h->child.label, dropped);
}

static void spout_lost(void *host)
{
  ml_spout *h = host;
  h->awaiting_sync = false;
  g_queue_clear_full(&h->commands, g_free);
  if (h->settling)
    h->drop_owed = true; /* the successor gets no "next", so emits nothing, until then */
  else
    drop_dead_emits(h);
}

static void spout_started(void *host)
{
  ml_spout *h = host;
  if (h->active && h->child.generation > 1) queue_command(h, "activate", NULL);
}

static const ml_host_ops spout_ops = {
    .apply = spout_apply,
    .lost = spout_lost,
    .started = spout_started,
};

/* Applies what arrived, sends what is due, writes.  FALSE + error if the
 * task must fail. */
static gboolean turn(ml_spout *h, gust_collector *out, GError **error)
{
  h->out = h->child.out = out;
  if (!ml_child_pump(&h->child, error)) return FALSE;
  ml_child_check(&h->child, h->awaiting_sync ? h->command_sent_ns : -1);
  send_command(h);
  if (!ml_child_flush(&h->child, error)) return FALSE;
  if (!h->child.fatal) return TRUE;
  g_propagate_error(error, g_error_copy(h->child.fatal));
  return FALSE;
}

/* spout_host does not call next_tuple() now (the max.spout.pending cap):
 * applies what the process sent, so that its death is seen (spout_lost
 * then drops its emits in flight), and starts a new one when due, without
 * sending a command. */
void rt_multilang_spout_watch(void *state, gust_collector *out)
{
  ml_spout *h = state;
  GError *error = NULL;
  h->out = h->child.out = out;
  if (h->drop_owed) drop_dead_emits(h);
  h->watching = true;
  if (ml_child_pump(&h->child, &error)) {
    ml_child_check(&h->child, h->awaiting_sync ? h->command_sent_ns : -1);
    ml_child_write(&h->child);
  } else { /* the next next_tuple() fails the task with it */
    g_debug("%s: %s", h->child.label, error->message);
    g_error_free(error);
  }
  h->watching = false;
}

/* ---- the definition ---- */

static gboolean ml_spout_open(const gust_context *ctx, void **state, GError **error)
{
  rt_component *comp = ctx->comp;
  ml_spout *h = g_new0(ml_spout, 1);
  h->comp = comp;
  g_queue_init(&h->commands);
  h->max_task_ids = (size_t)comp->rt->n_tasks + 1;
  h->task_ids = g_new(int, h->max_task_ids);
  if (!ml_child_init(&h->child, comp, ctx->task_index, comp->rt->job,
                     comp->first_task + ctx->task_index, &spout_ops, h, error)) {
    ml_child_clear(&h->child);
    g_free(h->task_ids);
    g_free(h);
    return FALSE;
  }
  *state = h;
  return TRUE;
}

static gboolean ml_spout_next_tuple(void *state, gust_collector *out, GError **error)
{
  ml_spout *h = state;
  if (h->drop_owed) drop_dead_emits(h);
  return turn(h, out, error);
}

/* Acks and fails go back only to the process that emitted the message. */
static void settle(ml_spout *h, gust_collector *out, const fc_value *msg_id, const char *command)
{
  const char *bytes = (const char *)msg_id->u.bytes;
  const char *colon = msg_id->type == FC_BYTES ? memchr(bytes, ':', msg_id->len) : NULL;
  if (colon) {
    g_autofree char *gen = g_strndup(bytes, (gsize)(colon - bytes));
    if (g_ascii_strtoull(gen, NULL, 10) == h->child.generation && ml_child_is_up(&h->child)) {
      g_autofree char *id = g_strndup(colon + 1, msg_id->len - (gsize)(colon + 1 - bytes));
      queue_command(h, command, id);
    }
  }
  GError *error = NULL;
  h->settling = true;
  gboolean ok = turn(h, out, &error);
  h->settling = false;
  if (!ok) { /* spout_host cannot fail from here: the next next_tuple will */
    g_debug("%s: %s", h->child.label, error->message);
    g_error_free(error);
  }
}

static void ml_spout_ack(void *state, gust_collector *out, const fc_value *msg_id)
{
  settle(state, out, msg_id, "ack");
}

static void ml_spout_fail(void *state, gust_collector *out, const fc_value *msg_id)
{
  settle(state, out, msg_id, "fail");
}

static void ml_spout_activate(void *state)
{
  ml_spout *h = state;
  h->active = true;
  queue_command(h, "activate", NULL);
}

static void ml_spout_deactivate(void *state)
{
  ml_spout *h = state;
  h->active = false;
  queue_command(h, "deactivate", NULL);
  GError *error = NULL;
  if (h->out && !turn(h, h->out, &error)) { /* tell it now; next_tuple() no longer runs */
    g_debug("%s: %s", h->child.label, error->message);
    g_error_free(error);
  }
}

static gboolean settled(void *host)
{
  ml_spout *h = host;
  send_command(h);
  return !h->awaiting_sync && g_queue_is_empty(&h->commands);
}

static void ml_spout_close(void *state)
{
  ml_spout *h = state;
  GError *error = NULL;
  h->closing = h->child.closing = true;
  if (h->out && ml_child_is_up(&h->child) &&
      !ml_child_wait_until(&h->child, settled, fc_now_ns() + CLOSE_WAIT_NS, &error)) {
    g_debug("%s: %s", h->child.label, error->message);
    g_error_free(error);
  }
  ml_child_clear(&h->child);
  g_queue_clear_full(&h->commands, g_free);
  g_free(h->task_ids);
  g_free(h);
}

const gust_component_def rt_multilang_spout_def = {
    .abi = GUST_NATIVE_ABI,
    .kind = GUST_DEF_SPOUT,
    .open = ml_spout_open,
    .next_tuple = ml_spout_next_tuple,
    .ack = ml_spout_ack,
    .fail = ml_spout_fail,
    .activate = ml_spout_activate,
    .deactivate = ml_spout_deactivate,
    .close = ml_spout_close,
};
