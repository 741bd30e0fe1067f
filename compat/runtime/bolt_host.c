/* bolt_host.c — the engine operator that hosts one bolt task.
 *
 * Each record becomes a gust_tuple view (no copy) handed to the bolt's
 * execute(); tick tuples come from a periodic engine timer and go through
 * execute() too (stream __tick of __system, task -1, one value: the
 * frequency; never tracked).  Execute latency is sampled (one call in
 * LATENCY_SAMPLE) to keep clock reads off most tuples.  Everything here
 * runs on the task's own turn.
 */
#include "context.h"
#include "state_host.h"

#include <string.h>

enum { LATENCY_SAMPLE = 16 };

typedef struct {
  rt_component *comp;
  gust_context ctx;
  gust_collector out;
  void *instance;
  uint64_t n_executed;
} bolt_host;

static gboolean bolt_open(fc_task *task, void *data, void **state, GError **error)
{
  rt_component *comp = data;
  bolt_host *h = g_new0(bolt_host, 1);
  h->comp = comp;
  rt_context_init(&h->ctx, comp->rt, comp, fc_task_subtask(task));
  rt_collector_init(&h->out, comp->rt, comp, task);
  *state = h;
  h->ctx.state = rt_state_new(comp->conf, fc_task_name(task), fc_task_subtask(task),
                              fc_task_parallelism(task), error);
  if (!h->ctx.state || !rt_context_restore(&h->ctx, error) ||
      (comp->def->open && !comp->def->open(&h->ctx, &h->instance, error))) {
    g_prefix_error(error, "bolt %s (task %d) failed to prepare: ", comp->id,
                   gust_context_task_id(&h->ctx));
    rt_state_free(h->ctx.state);
    rt_context_clear(&h->ctx);
    rt_collector_clear(&h->out);
    g_free(h);
    *state = NULL;
    return FALSE;
  }
  if (comp->tick_secs > 0) fc_task_timer_add(task, (uint32_t)comp->tick_secs * 1000, TRUE);
  return TRUE;
}

static gboolean execute(bolt_host *h, gust_tuple *tuple, GError **error)
{
  rt_component *comp = h->comp;
  bool sample = (h->n_executed++ % LATENCY_SAMPLE) == 0;
  int64_t t0 = sample ? fc_now_ns() : 0;
  tuple->started_ns = t0; /* an ack of it (or of its copy) measures process latency */
  if (!comp->def->execute(h->instance, tuple, &h->out, error)) {
    g_prefix_error(error, "bolt %s (task %d) failed: ", comp->id, gust_context_task_id(&h->ctx));
    return FALSE;
  }
  uint32_t stream = tuple->stream->id;
  if (sample) rt_stream_latency(comp, h->out.stats, stream, RT_STAT_EXECUTE_NS, fc_now_ns() - t0);
  rt_stream_add(comp, h->out.stats, stream, RT_STAT_EXECUTED, 1);
  return TRUE;
}

static gboolean bolt_process(fc_task *task, void *state, const fc_record *rec, GError **error)
{
  bolt_host *h = state;
  gust_tuple tuple = rt_tuple_of_record(h->comp->rt, rec);
  rt_defer_crossed_roots(h->comp->rt, task, rec);
  return execute(h, &tuple, error);
}

static gboolean bolt_timer(fc_task *task, void *state, uint32_t timer_id, GError **error)
{
  bolt_host *h = state;
  fc_value freq = fc_i64(h->comp->tick_secs);
  gust_tuple tick = {
      .stream = h->comp->rt->tick_stream,
      .source_task = -1,
      .n_values = 1,
      .values = &freq,
  };
  return execute(h, &tick, error);
}

static gboolean bolt_turn_end(fc_task *task, void *state, GError **error)
{
  rt_collector_flush(&((bolt_host *)state)->out);
  return TRUE;
}

static gboolean bolt_snapshot(fc_task *task, void *state, uint64_t checkpoint_id, fc_snapshot *out,
                              GError **error)
{
  bolt_host *h = state;
  g_autoptr(GByteArray) bytes = g_byte_array_new();
  if ((h->comp->def->snapshot &&
       !h->comp->def->snapshot(h->instance, checkpoint_id, bytes, error)) ||
      !rt_state_write_task_snapshot(h->ctx.state, bytes->data, bytes->len, out, error)) {
    g_prefix_error(error, "bolt %s (task %d) snapshot failed: ", h->comp->id,
                   gust_context_task_id(&h->ctx));
    return FALSE;
  }
  return TRUE;
}

static void bolt_checkpoint_complete(fc_task *task, void *state, uint64_t checkpoint_id)
{
  bolt_host *h = state;
  if (h->comp->def->checkpoint_complete)
    h->comp->def->checkpoint_complete(h->instance, &h->out, checkpoint_id);
}

static void bolt_close(fc_task *task, void *state)
{
  bolt_host *h = state;
  if (!h) return;
  if (h->comp->def->close && h->instance) h->comp->def->close(h->instance);
  rt_state_free(h->ctx.state);
  rt_context_clear(&h->ctx);
  rt_collector_clear(&h->out);
  g_free(h);
}

const fc_operator rt_bolt_operator = {
    .open = bolt_open,
    .process = bolt_process,
    .timer = bolt_timer,
    .close = bolt_close,
    .turn_end = bolt_turn_end,
    .snapshot = bolt_snapshot,
    .checkpoint_complete = bolt_checkpoint_complete,
};
