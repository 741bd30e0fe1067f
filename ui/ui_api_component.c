/* ui_api_component.c — Storm UI's /topology/:id/component/:component:
 * the component's stats per window (spoutSummary or boltStats), its
 * input and output streams over the asked window, one row per executor,
 * and its last errors (componentErrors). */
#include "ui_api.h"

static json_t *window_row(const gust_ui_component *c, gust_ui_window w, int64_t uptime)
{
  ui_api_totals ct;
  ui_api_component_totals(c, w, &ct);
  g_autofree char *pretty = ui_api_window_hint((gust_ui_window)w);
  json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "window", gust_ui_window_names[w],
                        "windowPretty", pretty, "emitted", (json_int_t)ct.emitted, "transferred",
                        (json_int_t)ct.transferred, "acked", (json_int_t)ct.acked, "failed",
                        (json_int_t)ct.failed);
  if (c->is_spout) {
    json_object_set_new(o, "completeLatency", json_real(ct.complete_ms));
    json_object_set_new(o, "lastError", json_string(""));
    if (c->errors->len) {
      const gust_ui_error_info *e = g_ptr_array_index(c->errors, c->errors->len - 1);
      g_autofree char *text =
          g_utf8_substring(e->message, 0, MIN(g_utf8_strlen(e->message, -1), 200));
      json_object_set_new(o, "lastError", json_string(text));
    }
  } else {
    json_object_set_new(o, "executeLatency", ui_api_float_str(ct.execute_ms));
    json_object_set_new(o, "executed", json_integer((json_int_t)ct.executed));
    json_object_set_new(o, "processLatency", ui_api_float_str(ct.process_ms));
    json_object_set_new(o, "capacity", ui_api_float_str(ui_api_capacity(c, w, uptime)));
  }
  return o;
}

/* One row per (input or output) stream, added over the tasks. */
static void stream_rows(const gust_ui_component *c, gust_ui_window w, json_t *inputs,
                        json_t *outputs)
{
  GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (int i = 0; i < c->n_tasks; i++)
    for (int k = 0; k < c->tasks[i].n_streams; k++) {
      const gust_ui_stream *st = &c->tasks[i].streams[k];
      char *key = g_strdup_printf("%d\x1f%s\x1f%s", st->is_input,
                                  st->component ? st->component : "", st->stream);
      json_t *row = g_hash_table_lookup(seen, key);
      if (!row) {
        if (st->is_input) {
          g_autofree char *encoded = g_uri_escape_string(st->component, NULL, FALSE);
          row = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:f, s:f}", "component", st->component,
                          "encodedComponentId", encoded, "stream", st->stream, "executed",
                          (json_int_t)0, "acked", (json_int_t)0, "failed", (json_int_t)0,
                          "executeLatency", 0.0, "processLatency", 0.0);
          json_array_append_new(inputs, row);
        } else {
          row = json_pack("{s:s, s:I, s:I}", "stream", st->stream, "emitted", (json_int_t)0,
                          "transferred", (json_int_t)0);
          if (c->is_spout) {
            json_object_set_new(row, "acked", json_integer(0));
            json_object_set_new(row, "failed", json_integer(0));
            json_object_set_new(row, "completeLatency", json_real(0));
          }
          json_array_append_new(outputs, row);
        }
        g_hash_table_insert(seen, key, row);
      } else
        g_free(key);
#define ADD(field, value)                                                                          \
  json_object_set_new(                                                                             \
      row, field,                                                                                  \
      json_integer(json_integer_value(json_object_get(row, field)) + (json_int_t)(value)))
#define ADD_REAL(field, value)                                                                     \
  json_object_set_new(row, field, json_real(json_real_value(json_object_get(row, field)) + (value)))
      if (st->is_input) {
        ADD("executed", st->executed[w]);
        ADD("acked", st->acked[w]);
        ADD("failed", st->failed[w]);
        ADD_REAL("executeLatency", st->execute_ms[w] * st->executed[w]);
        ADD_REAL("processLatency", st->process_ms[w] * st->executed[w]);
      } else {
        ADD("emitted", st->emitted[w]);
        ADD("transferred", st->transferred[w]);
        if (c->is_spout) {
          ADD("acked", st->acked[w]);
          ADD("failed", st->failed[w]);
          ADD_REAL("completeLatency", st->complete_ms[w] * st->acked[w]);
        }
      }
#undef ADD
#undef ADD_REAL
    }
  g_hash_table_unref(seen);
  /* the weighted sums become means, as Storm's floatStr text */
  size_t i;
  json_t *row;
  json_array_foreach(inputs, i, row)
  {
    double n = (double)json_integer_value(json_object_get(row, "executed"));
    double e = json_real_value(json_object_get(row, "executeLatency"));
    double p = json_real_value(json_object_get(row, "processLatency"));
    json_object_set_new(row, "executeLatency", ui_api_float_str(n ? e / n : 0));
    json_object_set_new(row, "processLatency", ui_api_float_str(n ? p / n : 0));
  }
  json_array_foreach(outputs, i, row)
  {
    if (!c->is_spout) continue;
    double n = (double)json_integer_value(json_object_get(row, "acked"));
    double l = json_real_value(json_object_get(row, "completeLatency"));
    json_object_set_new(row, "completeLatency", ui_api_float_str(n ? l / n : 0));
  }
}

static json_t *executor_row(const gust_ui_snapshot *s, const gust_ui_component *c,
                            const gust_ui_task *t, gust_ui_window w, int64_t uptime)
{
  ui_api_totals tt;
  ui_api_task_totals(t, w, &tt);
  g_autofree char *id = g_strdup_printf("[%d-%d]", t->task_id, t->task_id);
  g_autofree char *encoded = g_uri_escape_string(id, NULL, FALSE);
  g_autofree char *pretty = ui_api_pretty_secs(t->uptime_secs);
  json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:s, s:i, s:I, s:I, s:I, s:I, s:s}", "id", id,
                        "encodedId", encoded, "uptime", pretty, "uptimeSeconds",
                        (json_int_t)t->uptime_secs, "host", s->host, "port", 0, "emitted",
                        (json_int_t)tt.emitted, "transferred", (json_int_t)tt.transferred, "acked",
                        (json_int_t)tt.acked, "failed", (json_int_t)tt.failed, "workerLogLink", "");
  if (c->is_spout) {
    json_object_set_new(o, "completeLatency", ui_api_float_str(tt.complete_ms));
  } else {
    int64_t secs = t->uptime_secs > 0 ? t->uptime_secs : uptime;
    json_object_set_new(o, "capacity",
                        ui_api_float_str(secs > 0 ? MIN(t->busy_ns / 1e9 / secs, 1.0) : 0));
    json_object_set_new(o, "executeLatency", ui_api_float_str(tt.execute_ms));
    json_object_set_new(o, "executed", json_integer((json_int_t)tt.executed));
    json_object_set_new(o, "processLatency", ui_api_float_str(tt.process_ms));
  }
  /* gust's own: the engine's view of the task */
  json_object_set_new(o, "backpressureSeconds", json_real(t->backpressure_ns / 1e9));
  json_object_set_new(o, "queuedRecords", json_integer((json_int_t)t->queued_records));
  json_object_set_new(
      o, "queueFill",
      json_real(t->queue_capacity ? (double)t->queued_batches / t->queue_capacity : 0));
  return o;
}

json_t *ui_api_component(const gust_ui_snapshot *s, const char *id, const char *component,
                         gust_ui_window window, gboolean sys, GError **error)
{
  const gust_ui_topology *t = ui_api_find_topology(s, id, error);
  if (!t) return NULL;
  const gust_ui_component *c = NULL;
  for (int i = 0; i < t->n_components && !c; i++)
    if (strcmp(t->components[i].id, component) == 0) c = &t->components[i];
  if (!c) {
    g_set_error(error, GUST_UI_ERROR, GUST_UI_ERROR_NOT_ALIVE, "topology %s has no component '%s'",
                id, component);
    return NULL;
  }
  int64_t now = s->time_us / G_USEC_PER_SEC;
  json_t *windows = json_array(), *inputs = json_array(), *outputs = json_array();
  json_t *executors = json_array(), *errors = json_array();
  for (int w = 0; w < GUST_UI_N_WINDOWS; w++)
    json_array_append_new(windows, window_row(c, (gust_ui_window)w, t->uptime_secs));
  stream_rows(c, window, inputs, outputs);
  for (int i = 0; i < c->n_tasks; i++)
    json_array_append_new(executors, executor_row(s, c, &c->tasks[i], window, t->uptime_secs));
  for (guint i = 0; i < c->errors->len; i++)
    json_array_append_new(errors, ui_api_error_entry(g_ptr_array_index(c->errors, i), now));
  const char *w = gust_ui_window_names[window];
  g_autofree char *hint = ui_api_window_hint(window);
  g_autofree char *encoded = g_uri_escape_string(c->id, NULL, FALSE);
  g_autofree char *encoded_topology = g_uri_escape_string(t->id, NULL, FALSE);
  json_t *o = json_pack(
      "{s:n, s:s, s:s, s:s, s:i, s:i, s:n, s:n, s:n, s:n, s:n, s:s, s:s, s:s, s:s, s:s, s:s, "
      "s:b, s:f, s:b, s:b, s:[], s:o, s:o, s:o}",
      "user", "id", c->id, "encodedId", encoded, "name", t->name, "executors", c->executors,
      "tasks", c->n_tasks, "requestedMemOnHeap", "requestedMemOffHeap", "requestedCpu",
      "requestedGenericResources", "schedulerDisplayResource", "topologyId", t->id,
      "topologyStatus", t->status, "encodedTopologyId", encoded_topology, "window", w,
      "componentType", c->is_spout ? "spout" : "bolt", "windowHint", hint, "debug", 0,
      "samplingPct", 10.0, "profilingAndDebuggingCapable", 0, "profileActionEnabled", 0,
      "profilerActive", "outputStats", outputs, "executorStats", executors, "componentErrors",
      errors);
  ui_api_with_display_resource(o);
  json_object_set_new(o, c->is_spout ? "spoutSummary" : "boltStats", windows);
  if (c->is_spout)
    json_decref(inputs);
  else
    json_object_set_new(o, "inputStats", inputs);
  return o;
}
