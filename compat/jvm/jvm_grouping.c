/* jvm_grouping.c — custom groupings: a user's Java CustomStreamGrouping
 * decides where each tuple of a stream goes, for emitters of any kind
 * (native, multilang or Java).
 *
 * One rt_custom_grouping per CUSTOM input (made at setup, kept across
 * job restarts); its engine edge is FC_PART_CHOOSER with choose() below,
 * which takes the emit's choice from where it came: a Java emitter's
 * came with its EMIT record (jvm_grouping_java.c), a multilang emitter's
 * may have been asked ahead for its batch (jvm_grouping_ahead.c); else it
 * is asked now, over the task's grouping connection.
 *
 * A task that is not Java has its own grouping connection to the JVM
 * host, opened on the task's open (rt_collector_init): the first frame is
 * GROUPING_OPEN — what OPEN tells a task (jvm_write_task_context), then
 * the stream's number, the subscribing component, its target task ids,
 * the grouping's class and instance (Java serialization, or a Flux
 * object definition, jvm_flux.c); the JVM builds the instance, calls
 * prepare(context, stream, targets) and answers READY or OPEN_FAILED.
 * Then each emit on the stream is one frame, one CHOOSE record (the
 * emitting task id and the values) answered CHOSEN (the task ids, each
 * one of the targets: the JVM checks, and so does this file) or
 * CHOOSE_FAILED (chooseTasks threw, returned null or a task that is not
 * a target: the text says which, with the Java stack trace).  The tuple
 * goes to every chosen task: 0, 1 or several, each its own edge in acker
 * mode (collector.c).
 *
 * Failures never stop the topology: a failed choice is reported (the
 * emitting component and task, the stream, the class, what happened) and
 * the collector fails the tuple's tree (rt_custom_grouping_failed).  A
 * JVM that is gone or silent (a silent one is killed) closes the
 * connection; until the JVM gust starts next serves it again (tried at
 * most every JVM_REOPEN_MS, at an emit), the stream's tuples fail.
 *
 * Threads: a grouping's per-task state is used only on that task's
 * thread (open, emit, close); the rest is fixed at setup.
 */
#define G_LOG_DOMAIN "gust-jvm"

#include "jvm_grouping_private.h"

#include <gust/jvm.h>

static void grouping_free(gpointer p)
{
  rt_custom_grouping *g = p;
  for (int t = 0; t < g->source->n_tasks; t++) {
    jvm_conn_close(&g->tasks[t].conn);
    g_free(g->tasks[t].chosen);
    g_free(g->tasks[t].choice_error);
    grouping_forget_ahead(&g->tasks[t]);
    if (g->tasks[t].ahead) g_array_free(g->tasks[t].ahead, TRUE);
    if (g->tasks[t].ahead_tasks) g_array_free(g->tasks[t].ahead_tasks, TRUE);
  }
  g_free(g->tasks);
  g_bytes_unref(g->instance);
  g_free(g);
}

gboolean rt_custom_groupings_setup(gust_runtime *rt, GError **error)
{
  rt->custom_groupings = g_ptr_array_new_with_free_func(grouping_free);
  for (guint i = 0; i < rt->n_comps; i++) {
    rt_component *c = &rt->comps[i];
    for (guint k = 0; k < gust_component_n_inputs(c->model); k++) {
      const gust_input *in = gust_component_input(c->model, k);
      const gust_grouping *grouping = gust_input_grouping(in);
      if (gust_grouping_get_kind(grouping) != GUST_GROUPING_CUSTOM) continue;
      const char *class_name = gust_grouping_custom_class(grouping);
      if (!rt->jvm_socket) {
        g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_CONFIG,
                    "stream '%s' from '%s' to '%s': the custom grouping %s runs in the JVM "
                    "host, and this run has none: give the topology's jar (gust local FILE "
                    "--jar JAR) or run it with gust jar",
                    gust_input_stream(in), gust_input_source(in), c->id, class_name);
        return FALSE;
      }
      rt_custom_grouping *g = g_new0(rt_custom_grouping, 1);
      g->rt = rt;
      g->target = c;
      g->source = g_hash_table_lookup(rt->comp_by_id, gust_input_source(in));
      g->stream = rt_stream_of(g->source, gust_input_stream(in));
      g->class_name = class_name;
      GBytes *serialized = gust_grouping_custom_object(grouping);
      g->instance = serialized ? g_bytes_ref(serialized)
                               : gust_jvm_flux_object(rt->topology,
                                                      gust_grouping_custom_definition(grouping));
      g->in_jvm = gust_component_impl(g->source->model)->kind == GUST_IMPL_JVM;
      g->tasks = g_new0(grouping_task, g->source->n_tasks);
      for (int t = 0; t < g->source->n_tasks; t++)
        g->tasks[t].conn.fd = -1;
      g_ptr_array_add(rt->custom_groupings, g);
      if (!g->source->custom_out) g->source->custom_out = g_ptr_array_new();
      g_ptr_array_add(g->source->custom_out, g);
    }
  }
  return TRUE;
}

void rt_custom_groupings_free(gust_runtime *rt)
{
  for (guint i = 0; i < rt->n_comps; i++)
    if (rt->comps[i].custom_out) g_ptr_array_free(rt->comps[i].custom_out, TRUE);
  if (rt->custom_groupings) g_ptr_array_free(rt->custom_groupings, TRUE);
}

void grouping_report(rt_custom_grouping *g, int task_index, const char *what)
{
  grouping_task *st = &g->tasks[task_index];
  int task = g->source->storm_task_ids[task_index];
  g_autofree char *text = g_strdup_printf("custom grouping %s of stream '%s' (to '%s'): %s",
                                          g->class_name, g->stream->name, g->target->id, what);
  rt_report_error(g->source, task, text);
  int64_t now = g_get_monotonic_time();
  if (++st->reports > LOGGED_IN_FULL && now - st->logged_at_us < LOG_EVERY_US) {
    st->not_logged++;
    return;
  }
  if (st->not_logged)
    g_warning("%s (task %d): %s (and %" G_GUINT64_FORMAT " more since the last one logged)",
              g->source->id, task, text, st->not_logged);
  else
    g_warning("%s (task %d): %s", g->source->id, task, text);
  st->logged_at_us = now;
  st->not_logged = 0;
}

void grouping_write(GString *out, rt_custom_grouping *g)
{
  jw_i32(out, (int32_t)g->stream->id);
  jw_str(out, g->target->id, strlen(g->target->id));
  jw_i32(out, g->target->n_tasks);
  for (int t = 0; t < g->target->n_tasks; t++)
    jw_i32(out, g->target->storm_task_ids[t]);
  jw_str(out, g->class_name, strlen(g->class_name));
  gsize len;
  const char *bytes = g_bytes_get_data(g->instance, &len);
  jw_str(out, bytes, len);
}

static void write_grouping_open(GString *out, rt_custom_grouping *g, int task_index)
{
  jw_begin(out);
  jw_u8(out, JW_GROUPING_OPEN);
  jvm_write_task_context(out, g->source, task_index);
  grouping_write(out, g);
}

gboolean grouping_open_task(rt_custom_grouping *g, int task_index, bool at_task_open)
{
  grouping_task *st = &g->tasks[task_index];
  GError *error = NULL;
  g_autofree char *label =
      g_strdup_printf("%s (task %d)", g->source->id, g->source->storm_task_ids[task_index]);
  jvm_conn_close(&st->conn);
  if (!jvm_conn_open(&st->conn, g->rt->jvm_socket, label, jvm_timeout_ms(g->source), &error)) {
    if (at_task_open) {
      g_error_free(error);
      jvm_conn_close(&st->conn);
      st->retry_at_us = 0;
      return FALSE;
    }
    goto failed;
  }
  write_grouping_open(st->conn.out, g, task_index);
  jr answer;
  uint8_t kind = 0;
  if (!jvm_conn_call(&st->conn, &answer, &error)) goto failed;
  if (!jr_u8(&answer, &kind) || (kind != JW_READY && kind != JW_OPEN_FAILED)) {
    g_set_error(&error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
                "the JVM host answered its open with something else");
    goto failed;
  }
  if (kind == JW_OPEN_FAILED) {
    const char *text = "";
    uint32_t len = 0;
    jr_str(&answer, &text, &len);
    g_set_error(&error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
                "it could not be built or prepared: %.*s", (int)len, text);
    goto failed;
  }
  if (!jr_i64(&answer, &st->conn.jvm_pid)) st->conn.jvm_pid = 0;
  if (st->ever_opened)
    g_message("%s: custom grouping %s of stream '%s' opened again in the JVM (pid %" G_GINT64_FORMAT
              ")",
              label, g->class_name, g->stream->name, st->conn.jvm_pid);
  st->ever_opened = true;
  st->open_reported = false;
  return TRUE;

failed:
  if (!st->open_reported) {
    grouping_report(g, task_index, error->message);
    st->open_reported = true;
  }
  g_error_free(error);
  jvm_conn_end_hung(&st->conn); /* a JVM that answered READY before, then hung */
  jvm_conn_close(&st->conn);
  st->conn.fd = -1;
  st->retry_at_us = g_get_monotonic_time() + JVM_REOPEN_MS * 1000;
  return FALSE;
}

void rt_custom_groupings_open(gust_collector *c)
{
  if (G_LIKELY(!c->comp->custom_out)) return;
  int task_index = fc_task_subtask(c->task);
  for (guint i = 0; i < c->comp->custom_out->len; i++) {
    rt_custom_grouping *g = g_ptr_array_index(c->comp->custom_out, i);
    if (!g->in_jvm) grouping_open_task(g, task_index, true);
  }
}

void rt_custom_groupings_close(gust_collector *c)
{
  if (G_LIKELY(!c->comp || !c->comp->custom_out)) return;
  int task_index = fc_task_subtask(c->task);
  for (guint i = 0; i < c->comp->custom_out->len; i++) {
    rt_custom_grouping *g = g_ptr_array_index(c->comp->custom_out, i);
    jvm_conn_close(&g->tasks[task_index].conn);
    g->tasks[task_index].conn.fd = -1;
  }
}

bool rt_custom_grouping_failed(gust_collector *c)
{
  if (G_LIKELY(!c->comp->custom_out)) return false;
  int task_index = fc_task_subtask(c->task);
  bool failed = false;
  for (guint i = 0; i < c->comp->custom_out->len; i++) {
    grouping_task *st =
        &((rt_custom_grouping *)g_ptr_array_index(c->comp->custom_out, i))->tasks[task_index];
    failed |= st->failed;
    st->failed = false;
  }
  return failed;
}

void grouping_lost(rt_custom_grouping *g, int task_index, const GError *error)
{
  grouping_task *st = &g->tasks[task_index];
  g_autofree char *what =
      g_strdup_printf("%s%s; the stream's tuples fail until it opens again in the JVM gust "
                      "starts next",
                      error->message, jvm_conn_end_hung(&st->conn));
  grouping_report(g, task_index, what);
  jvm_conn_close(&st->conn);
  st->conn.fd = -1;
  st->open_reported = true; /* the death was reported */
  st->retry_at_us = g_get_monotonic_time() + JVM_REOPEN_MS * 1000;
}

gboolean grouping_connected(rt_custom_grouping *g, int task_index)
{
  grouping_task *st = &g->tasks[task_index];
  return st->conn.fd >= 0 ||
         (g_get_monotonic_time() >= st->retry_at_us && grouping_open_task(g, task_index, false));
}

void grouping_write_choose(GString *out, rt_custom_grouping *g, int task_index,
                           const fc_value *values, uint32_t n_values)
{
  jw_u8(out, JW_CHOOSE);
  jw_i32(out, g->source->storm_task_ids[task_index]);
  jw_i32(out, (int32_t)n_values);
  for (uint32_t i = 0; i < n_values; i++)
    jw_value(out, &values[i]);
}

gboolean grouping_add_chosen(rt_custom_grouping *g, int task_index, int32_t task, int32_t *subtasks,
                             size_t max, size_t *n)
{
  int32_t sub = task - g->target->storm_task_ids[0];
  if (sub < 0 || sub >= g->target->n_tasks) {
    g_autofree char *what =
        g_strdup_printf("chooseTasks returned task %d, which is not one of '%s''s tasks %d..%d",
                        task, g->target->id, g->target->storm_task_ids[0],
                        g->target->storm_task_ids[g->target->n_tasks - 1]);
    grouping_report(g, task_index, what);
    return FALSE;
  }
  if (*n < max) subtasks[(*n)++] = sub;
  return TRUE;
}

/* Reads a CHOSEN answer into subtasks.  FALSE (reported) if it is broken
 * or names a task that is not one of the targets. */
static gboolean read_chosen(rt_custom_grouping *g, int task_index, jr *r, int32_t *subtasks,
                            size_t max, size_t *n)
{
  int32_t count;
  if (!jr_i32(r, &count) || count < 0 || (size_t)count > (size_t)(r->end - r->p) / 4) {
    grouping_report(g, task_index, "the JVM host's answer is broken: a bad count of chosen tasks");
    return FALSE;
  }
  *n = 0;
  for (int32_t k = 0; k < count; k++) {
    int32_t task;
    jr_i32(r, &task);
    if (!grouping_add_chosen(g, task_index, task, subtasks, max, n)) return FALSE;
  }
  return TRUE;
}

static size_t choose(fc_task *producer, const fc_record *rec, void *data, int32_t *subtasks,
                     size_t max)
{
  rt_custom_grouping *g = data;
  int task_index = fc_task_subtask(producer);
  grouping_task *st = &g->tasks[task_index];
  st->failed = true; /* until a choice is read */
  if (g->in_jvm) return grouping_chosen_in_jvm(g, task_index, subtasks, max);
  size_t n_ahead;
  if (grouping_chosen_ahead(g, task_index, rec, subtasks, max, &n_ahead)) return n_ahead;
  if (!grouping_connected(g, task_index)) return 0;
  jw_begin(st->conn.out);
  grouping_write_choose(st->conn.out, g, task_index, rec->values, rec->n_values);
  jr answer;
  GError *error = NULL;
  if (!jvm_conn_call(&st->conn, &answer, &error)) {
    grouping_lost(g, task_index, error);
    g_error_free(error);
    return 0;
  }
  uint8_t kind = 0;
  jr_u8(&answer, &kind);
  size_t n = 0;
  if (kind == JW_CHOSEN) {
    if (read_chosen(g, task_index, &answer, subtasks, max, &n)) st->failed = false;
    return st->failed ? 0 : n;
  }
  if (kind == JW_CHOOSE_FAILED) {
    const char *text = "";
    uint32_t len = 0;
    jr_str(&answer, &text, &len);
    g_autofree char *what = g_strndup(text, len);
    grouping_report(g, task_index, what);
  } else {
    grouping_report(g, task_index, "the JVM host answered CHOOSE with something else");
  }
  return 0;
}

fc_edge_spec rt_custom_grouping_edge(gust_runtime *rt, const rt_component *target,
                                     const gust_input *input)
{
  for (guint i = 0; i < rt->custom_groupings->len; i++) {
    rt_custom_grouping *g = g_ptr_array_index(rt->custom_groupings, i);
    if (g->target == target && !strcmp(g->source->id, gust_input_source(input)) &&
        !strcmp(g->stream->name, gust_input_stream(input)))
      return (fc_edge_spec){
          .partitioner = FC_PART_CHOOSER, .stream = g->stream->id, .choose = choose, .key_data = g};
  }
  g_assert_not_reached();
  return (fc_edge_spec){0};
}
