/* jvm_grouping_ahead.c — a multilang emitter's custom groupings, asked
 * a batch at a time.
 *
 * Before a batch of the child's messages is applied (ml_child.c), each
 * grouping of the task with two or more of the batch's emits on its
 * stream gets one frame of CHOOSE records for them, answered in one
 * frame, in order, and kept (grouping_task.ahead); routing an emit then
 * finds its choice again by its values (the batch's, alive until the batch
 * is done) instead of asking.  An emit the collector drops before routing
 * leaves its choice unused: passed over.  After the batch what is left is
 * dropped.  Runs on the emitting task's thread.
 */
#define G_LOG_DOMAIN "gust-jvm"

#include "jvm_grouping_private.h"

void grouping_forget_ahead(grouping_task *st)
{
  if (!st->ahead) return;
  for (guint i = 0; i < st->ahead->len; i++)
    g_free(g_array_index(st->ahead, ahead_choice, i).error);
  g_array_set_size(st->ahead, 0);
  g_array_set_size(st->ahead_tasks, 0);
  st->ahead_next = 0;
}

/* Reads the answers to n CHOOSE records into st->ahead, for values[i].
 * FALSE (reported) when the answer is broken. */
static gboolean read_ahead(rt_custom_grouping *g, int task_index, jr *r,
                           const fc_value *const *values, size_t n)
{
  grouping_task *st = &g->tasks[task_index];
  for (size_t i = 0; i < n; i++) {
    uint8_t kind = 0;
    ahead_choice a = {.values = values[i], .first = st->ahead_tasks->len};
    jr_u8(r, &kind);
    if (kind == JW_CHOSEN) {
      if (!jr_i32(r, &a.n) || a.n < 0 || (size_t)a.n > (size_t)(r->end - r->p) / 4) break;
      for (int32_t k = 0; k < a.n; k++) {
        int32_t task;
        jr_i32(r, &task);
        g_array_append_val(st->ahead_tasks, task);
      }
    } else if (kind == JW_CHOOSE_FAILED) {
      const char *text;
      uint32_t len;
      if (!jr_str(r, &text, &len)) break;
      a.n = -1;
      a.error = g_strndup(text, len);
    } else {
      break;
    }
    g_array_append_val(st->ahead, a);
  }
  if (st->ahead->len == n) return TRUE;
  grouping_report(g, task_index, "the JVM host's answer to a batch of choices is broken");
  grouping_forget_ahead(st);
  return FALSE;
}

void rt_custom_groupings_ask_ahead(gust_collector *c, const rt_stream *const *streams,
                                   const fc_value *const *values, const uint32_t *n_values,
                                   size_t n)
{
  if (G_LIKELY(!c->comp->custom_out)) return;
  int task_index = fc_task_subtask(c->task);
  g_autofree const fc_value **asked = g_new(const fc_value *, MAX(n, 1));
  for (guint i = 0; i < c->comp->custom_out->len; i++) {
    rt_custom_grouping *g = g_ptr_array_index(c->comp->custom_out, i);
    grouping_task *st = &g->tasks[task_index];
    if (g->in_jvm) continue;
    if (!st->ahead) {
      st->ahead = g_array_new(FALSE, FALSE, sizeof(ahead_choice));
      st->ahead_tasks = g_array_new(FALSE, FALSE, sizeof(int32_t));
    }
    grouping_forget_ahead(st);
    size_t n_asked = 0;
    for (size_t e = 0; e < n; e++)
      if (streams[e] == g->stream) asked[n_asked++] = values[e];
    /* one emit is asked as it is routed, as ever; a closed connection
     * fails each emit as choose() finds it */
    if (n_asked < 2 || !grouping_connected(g, task_index)) continue;
    jw_begin(st->conn.out);
    for (size_t e = 0; e < n; e++)
      if (streams[e] == g->stream)
        grouping_write_choose(st->conn.out, g, task_index, values[e], n_values[e]);
    jr answer;
    GError *error = NULL;
    if (!jvm_conn_call(&st->conn, &answer, &error)) {
      grouping_lost(g, task_index, error);
      g_error_free(error);
      continue;
    }
    read_ahead(g, task_index, &answer, asked, n_asked);
  }
}

void rt_custom_groupings_forget_ahead(gust_collector *c)
{
  if (G_LIKELY(!c->comp->custom_out)) return;
  int task_index = fc_task_subtask(c->task);
  for (guint i = 0; i < c->comp->custom_out->len; i++)
    grouping_forget_ahead(
        &((rt_custom_grouping *)g_ptr_array_index(c->comp->custom_out, i))->tasks[task_index]);
}

gboolean grouping_chosen_ahead(rt_custom_grouping *g, int task_index, const fc_record *rec,
                               int32_t *subtasks, size_t max, size_t *n)
{
  grouping_task *st = &g->tasks[task_index];
  while (st->ahead && st->ahead_next < st->ahead->len) {
    ahead_choice *a = &g_array_index(st->ahead, ahead_choice, st->ahead_next++);
    if (a->values != rec->values) continue;
    *n = 0;
    if (a->n < 0) {
      grouping_report(g, task_index, a->error);
      return TRUE;
    }
    for (int32_t k = 0; k < a->n; k++)
      if (!grouping_add_chosen(g, task_index, g_array_index(st->ahead_tasks, int32_t, a->first + k),
                               subtasks, max, n)) {
        *n = 0;
        return TRUE;
      }
    st->failed = false;
    return TRUE;
  }
  return FALSE;
}
