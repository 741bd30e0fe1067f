/* stats_json.c — the statistics snapshot as JSON: what a worker puts in
 * its ZooKeeper heartbeat (/workerbeats/<topology-id>/<supervisor>-<port>,
 * under "stats") and Nimbus reads back to answer getTopologyInfo and the
 * page infos; the local UI reads it too.
 *
 * Format (version 1).  Windows are Storm's names: "600", "10800",
 * "86400", ":all-time".  Every executor has every window, and in each
 * window every stream it has (zeros included).  Latencies are means in
 * milliseconds (0 without a sample).
 *
 *   {
 *     "format": 1,
 *     "time_secs": 1764820000,      Unix time of the snapshot
 *     "uptime_secs": 42,            since the current job started
 *     "host": "node1", "port": 6700,  the runtime's (port 0: none)
 *     "executors": [                one per task, in task order
 *       {"component": "words", "type": "spout", "task_start": 1, "task_end": 1,
 *        "uptime_secs": 42,
 *        "emitted":         {"600": {"default": 10, ...}, "10800": {...}, "86400": {...},
 *                            ":all-time": {...}},       by output stream
 *        "transferred":     {same shape},               copies sent to receiving tasks
 *        "acked":           {same shape},               spouts: by the stream of the message
 *        "failed":          {same shape},
 *        "complete_ms_avg": {same shape}},
 *       {"component": "count", "type": "bolt", "task_start": 2, "task_end": 2,
 *        "uptime_secs": 42,
 *        "emitted": {...}, "transferred": {...},        by output stream, as above
 *        "acked":          {"600": {"words": {"default": 9}}, ...},  bolts: by input
 *        "failed":         {same shape},                 source component, then stream
 *        "executed":       {same shape},                 (ticks: "__system" / "__tick")
 *        "process_ms_avg": {same shape},
 *        "execute_ms_avg": {same shape}}
 *     ],
 *     "errors": {                   every component, with or without errors
 *       "count": {"total": 12,      reported since the start
 *                 "last": [{"time_secs": 1764819990, "task": 2, "host": "node1",
 *                           "port": 6700, "error": "..."}, ...]}   at most 10, oldest first
 *     }
 *   }
 */
#include <gust/runtime.h>

/* {"600": {...}, ...} with one empty object per window. */
static json_t *windows_object(void)
{
  json_t *o = json_object();
  for (int w = 0; w < GUST_N_WINDOWS; w++)
    json_object_set_new(o, gust_stats_window_name(w), json_object());
  return o;
}

/* The object of window w in field of e, where rows of row's kind go
 * (bolts' input rows: one level more, by source component). */
static json_t *row_target(json_t *e, const char *field, int w, const gust_stream_stats *row)
{
  json_t *by_window = json_object_get(json_object_get(e, field), gust_stats_window_name(w));
  if (!row->is_input) return by_window;
  json_t *by_comp = json_object_get(by_window, row->component);
  if (!by_comp) json_object_set_new(by_window, row->component, by_comp = json_object());
  return by_comp;
}

static void put_count(json_t *e, const char *field, const gust_stream_stats *row, const uint64_t *v)
{
  for (int w = 0; w < GUST_N_WINDOWS; w++)
    json_object_set_new(row_target(e, field, w, row), row->stream, json_integer((json_int_t)v[w]));
}

static void put_mean(json_t *e, const char *field, const gust_stream_stats *row, const double *v)
{
  for (int w = 0; w < GUST_N_WINDOWS; w++)
    json_object_set_new(row_target(e, field, w, row), row->stream, json_real(v[w]));
}

static json_t *executor_json(const gust_executor_stats *x)
{
  static const char *const spout_fields[] = {"emitted", "transferred", "acked", "failed",
                                             "complete_ms_avg"};
  static const char *const bolt_fields[] = {"emitted",  "transferred",    "acked",         "failed",
                                            "executed", "process_ms_avg", "execute_ms_avg"};
  json_t *e = json_pack("{s:s, s:s, s:i, s:i, s:I}", "component", x->component, "type",
                        x->is_spout ? "spout" : "bolt", "task_start", x->task, "task_end", x->task,
                        "uptime_secs", (json_int_t)x->uptime_secs);
  const char *const *fields = x->is_spout ? spout_fields : bolt_fields;
  size_t n_fields = x->is_spout ? G_N_ELEMENTS(spout_fields) : G_N_ELEMENTS(bolt_fields);
  for (size_t f = 0; f < n_fields; f++)
    json_object_set_new(e, fields[f], windows_object());
  for (guint i = 0; i < x->n_streams; i++) {
    const gust_stream_stats *row = &x->streams[i];
    if (!row->is_input) {
      put_count(e, "emitted", row, row->emitted);
      put_count(e, "transferred", row, row->transferred);
    }
    if (x->is_spout && !row->is_input) {
      put_count(e, "acked", row, row->acked);
      put_count(e, "failed", row, row->failed);
      put_mean(e, "complete_ms_avg", row, row->complete_ms_avg);
    } else if (!x->is_spout && row->is_input) {
      put_count(e, "acked", row, row->acked);
      put_count(e, "failed", row, row->failed);
      put_count(e, "executed", row, row->executed);
      put_mean(e, "process_ms_avg", row, row->process_ms_avg);
      put_mean(e, "execute_ms_avg", row, row->execute_ms_avg);
    }
  }
  return e;
}

static json_t *errors_json(const gust_component_errors *c)
{
  json_t *last = json_array();
  for (guint k = 0; k < c->n_errors; k++) {
    const gust_error_info *e = &c->errors[k];
    json_array_append_new(last, json_pack("{s:I, s:i, s:s, s:i, s:s}", "time_secs",
                                          (json_int_t)e->time_secs, "task", e->task, "host",
                                          e->host ? e->host : "", "port", e->port, "error",
                                          e->message ? e->message : ""));
  }
  return json_pack("{s:I, s:o}", "total", (json_int_t)c->total, "last", last);
}

json_t *gust_runtime_stats_to_json(const gust_runtime_stats *s)
{
  json_t *executors = json_array();
  for (guint e = 0; e < s->n_executors; e++)
    json_array_append_new(executors, executor_json(&s->executors[e]));
  json_t *errors = json_object();
  for (guint i = 0; i < s->n_components; i++)
    json_object_set_new(errors, s->components[i].component, errors_json(&s->components[i]));
  return json_pack("{s:i, s:I, s:I, s:s, s:i, s:o, s:o}", "format", 1, "time_secs",
                   (json_int_t)s->time_secs, "uptime_secs", (json_int_t)s->uptime_secs, "host",
                   s->host ? s->host : "", "port", s->port, "executors", executors, "errors",
                   errors);
}
