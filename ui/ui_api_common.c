/* ui_api_common.c — what the Storm API files share: windows, pretty
 * durations, adding a component's stream rows up, errors. */
#include "ui_api.h"

static const int64_t WINDOW_SECS[GUST_UI_N_WINDOWS] = {600, 10800, 86400, 0};

gboolean ui_api_parse_window(const char *text, gust_ui_window *window, GError **error)
{
  if (!text) text = ":all-time";
  for (int w = 0; w < GUST_UI_N_WINDOWS; w++)
    if (strcmp(text, gust_ui_window_names[w]) == 0) {
      *window = (gust_ui_window)w;
      return TRUE;
    }
  g_set_error(error, GUST_UI_ERROR, GUST_UI_ERROR_BAD_REQUEST,
              "window '%s' is not one of :all-time, 600, 10800, 86400", text);
  return FALSE;
}

char *ui_api_pretty_secs(int64_t secs)
{
  static const struct {
    const char *unit;
    int64_t div;
  } dividers[] = {{"s", 60}, {"m", 60}, {"h", 24}, {"d", 0}};
  GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < G_N_ELEMENTS(dividers) && secs > 0; i++) {
    int64_t part = dividers[i].div ? secs % dividers[i].div : secs;
    g_ptr_array_insert(parts, 0, g_strdup_printf("%" G_GINT64_FORMAT "%s", part, dividers[i].unit));
    secs = dividers[i].div ? secs / dividers[i].div : 0;
  }
  g_ptr_array_add(parts, NULL);
  char *out = g_strjoinv(" ", (char **)parts->pdata);
  g_ptr_array_unref(parts);
  return out;
}

char *ui_api_window_hint(gust_ui_window window)
{
  if (window == GUST_UI_WINDOW_ALL_TIME) return g_strdup("All time");
  return ui_api_pretty_secs(WINDOW_SECS[window]);
}

void ui_api_task_totals(const gust_ui_task *t, gust_ui_window w, ui_api_totals *out)
{
  double complete = 0, execute = 0, process = 0;
  uint64_t executed_in = 0;
  *out = (ui_api_totals){0};
  for (int i = 0; i < t->n_streams; i++) {
    const gust_ui_stream *st = &t->streams[i];
    out->emitted += st->emitted[w];
    out->transferred += st->transferred[w];
    out->acked += st->acked[w];
    out->failed += st->failed[w];
    out->executed += st->executed[w];
    complete += st->complete_ms[w] * st->acked[w];
    execute += st->execute_ms[w] * st->executed[w];
    process += st->process_ms[w] * st->executed[w];
    executed_in += st->executed[w];
  }
  out->complete_ms = out->acked ? complete / out->acked : 0;
  out->execute_ms = executed_in ? execute / executed_in : 0;
  out->process_ms = executed_in ? process / executed_in : 0;
}

void ui_api_component_totals(const gust_ui_component *c, gust_ui_window w, ui_api_totals *out)
{
  double complete = 0, execute = 0, process = 0;
  *out = (ui_api_totals){0};
  for (int i = 0; i < c->n_tasks; i++) {
    ui_api_totals t;
    ui_api_task_totals(&c->tasks[i], w, &t);
    out->emitted += t.emitted;
    out->transferred += t.transferred;
    out->acked += t.acked;
    out->failed += t.failed;
    out->executed += t.executed;
    complete += t.complete_ms * t.acked;
    execute += t.execute_ms * t.executed;
    process += t.process_ms * t.executed;
  }
  out->complete_ms = out->acked ? complete / out->acked : 0;
  out->execute_ms = out->executed ? execute / out->executed : 0;
  out->process_ms = out->executed ? process / out->executed : 0;
}

double ui_api_capacity(const gust_ui_component *c, gust_ui_window w, int64_t uptime_secs)
{
  double busiest = 0;
  for (int i = 0; i < c->n_tasks; i++) {
    const gust_ui_task *t = &c->tasks[i];
    int64_t secs = t->uptime_secs > 0 ? t->uptime_secs : uptime_secs;
    if (secs > 0) busiest = MAX(busiest, t->busy_ns / 1e9 / (double)secs);
  }
  return MIN(busiest, 1.0);
}

json_t *ui_api_float_str(double value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd(text, sizeof text, "%.3f", value);
  return json_string(text);
}

const gust_ui_topology *ui_api_find_topology(const gust_ui_snapshot *s, const char *id,
                                             GError **error)
{
  const gust_ui_topology *t = gust_ui_snapshot_topology(s, id);
  if (!t) g_set_error(error, GUST_UI_ERROR, GUST_UI_ERROR_NOT_ALIVE, "%s", id);
  return t;
}

json_t *ui_api_error_entry(const gust_ui_error_info *e, int64_t now_secs)
{
  return json_pack("{s:I, s:s, s:i, s:s, s:I, s:s}", "errorTime", (json_int_t)e->time_secs,
                   "errorHost", e->host ? e->host : "", "errorPort", e->port, "errorWorkerLogLink",
                   "", "errorLapsedSecs", (json_int_t)(now_secs - e->time_secs), "error",
                   e->message);
}

void ui_api_last_error(json_t *obj, const gust_ui_component *c, int64_t now_secs)
{
  if (!c->errors->len) {
    json_object_set_new(obj, "lastError", json_string(""));
    json_object_set_new(obj, "errorHost", json_string(""));
    json_object_set_new(obj, "errorPort", json_null());
    json_object_set_new(obj, "errorWorkerLogLink", json_string(""));
    json_object_set_new(obj, "errorTime", json_null());
    json_object_set_new(obj, "errorLapsedSecs", json_null());
    return;
  }
  const gust_ui_error_info *e = g_ptr_array_index(c->errors, c->errors->len - 1);
  json_t *entry = ui_api_error_entry(e, now_secs);
  json_object_del(entry, "error");
  json_object_update(obj, entry);
  json_decref(entry);
  /* Storm truncates the last error to 200 characters */
  g_autofree char *text = g_utf8_substring(e->message, 0, MIN(g_utf8_strlen(e->message, -1), 200));
  json_object_set_new(obj, "lastError", json_string(text));
}

json_t *ui_api_operation(const char *id, const char *operation)
{
  return json_pack("{s:s, s:s, s:s}", "topologyOperation", operation, "topologyId", id, "status",
                   "success");
}
