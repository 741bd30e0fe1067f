/* ui_api_topology.c — Storm UI's topology replies: /topology/:id (its
 * stats per window, spouts, bolts, workers, conf), /topology/:id/metrics
 * (Storm 1.x's per-stream arrays), /topology-workers/:id and
 * /topology/:id/lag. */
#include "ui_api.h"

#include <gust/storm.h>

static json_t *topology_stats(const gust_ui_topology *t)
{
  json_t *list = json_array();
  for (int w = 0; w < GUST_UI_N_WINDOWS; w++) {
    ui_api_totals sum = {0};
    double complete = 0;
    for (int i = 0; i < t->n_components; i++) {
      const gust_ui_component *c = &t->components[i];
      if (c->is_system) continue;
      ui_api_totals ct;
      ui_api_component_totals(c, (gust_ui_window)w, &ct);
      sum.emitted += ct.emitted;
      sum.transferred += ct.transferred;
      if (!c->is_spout) continue;
      sum.acked += ct.acked; /* a topology's acked and failed are its spouts' */
      sum.failed += ct.failed;
      complete += ct.complete_ms * ct.acked;
    }
    g_autofree char *pretty = ui_api_window_hint((gust_ui_window)w);
    json_array_append_new(
        list, json_pack("{s:s, s:s, s:I, s:I, s:o, s:I, s:I}", "windowPretty", pretty, "window",
                        gust_ui_window_names[w], "emitted", (json_int_t)sum.emitted, "transferred",
                        (json_int_t)sum.transferred, "completeLatency",
                        ui_api_float_str(sum.acked ? complete / sum.acked : 0), "acked",
                        (json_int_t)sum.acked, "failed", (json_int_t)sum.failed));
  }
  return list;
}

static json_t *common_stats(const gust_ui_component *c, const ui_api_totals *ct)
{
  return json_pack("{s:i, s:i, s:I, s:I, s:I, s:I}", "executors", c->executors, "tasks", c->n_tasks,
                   "emitted", (json_int_t)ct->emitted, "transferred", (json_int_t)ct->transferred,
                   "acked", (json_int_t)ct->acked, "failed", (json_int_t)ct->failed);
}

static json_t *spout_entry(const gust_ui_component *c, gust_ui_window w, int64_t now)
{
  ui_api_totals ct;
  ui_api_component_totals(c, w, &ct);
  json_t *o = common_stats(c, &ct);
  g_autofree char *encoded = g_uri_escape_string(c->id, NULL, FALSE);
  json_object_set_new(o, "spoutId", json_string(c->id));
  json_object_set_new(o, "encodedSpoutId", json_string(encoded));
  json_object_set_new(o, "completeLatency", ui_api_float_str(ct.complete_ms));
  ui_api_last_error(o, c, now);
  return o;
}

static json_t *bolt_entry(const gust_ui_component *c, gust_ui_window w, int64_t now, int64_t uptime)
{
  ui_api_totals ct;
  ui_api_component_totals(c, w, &ct);
  json_t *o = common_stats(c, &ct);
  g_autofree char *encoded = g_uri_escape_string(c->id, NULL, FALSE);
  json_object_set_new(o, "boltId", json_string(c->id));
  json_object_set_new(o, "encodedBoltId", json_string(encoded));
  json_object_set_new(o, "capacity", ui_api_float_str(ui_api_capacity(c, w, uptime)));
  json_object_set_new(o, "executeLatency", ui_api_float_str(ct.execute_ms));
  json_object_set_new(o, "executed", json_integer((json_int_t)ct.executed));
  json_object_set_new(o, "processLatency", ui_api_float_str(ct.process_ms));
  ui_api_last_error(o, c, now);
  return o;
}

static json_t *worker_entry(const gust_ui_snapshot *s, const gust_ui_topology *t)
{
  json_t *num_tasks = json_object();
  int executors = 0;
  for (int i = 0; i < t->n_components; i++) {
    json_object_set_new(num_tasks, t->components[i].id, json_integer(t->components[i].n_tasks));
    executors += t->components[i].executors;
  }
  g_autofree char *uptime = ui_api_pretty_secs(t->uptime_secs);
  g_autofree char *supervisor = g_strdup_printf("%s-local", s->host);
  return json_pack("{s:s, s:s, s:i, s:s, s:s, s:i, s:f, s:f, s:f, s:o, s:s, s:I, s:s, s:s}",
                   "supervisorId", supervisor, "host", s->host, "port", 0, "topologyId", t->id,
                   "topologyName", t->name, "executorsTotal", executors, "assignedMemOnHeap", 0.0,
                   "assignedMemOffHeap", 0.0, "assignedCpu", 0.0, "componentNumTasks", num_tasks,
                   "uptime", uptime, "uptimeSeconds", (json_int_t)t->uptime_secs, "workerLogLink",
                   "", "owner", g_get_user_name());
}

json_t *ui_api_topology(const gust_ui_snapshot *s, const char *id, gust_ui_window window,
                        gboolean sys, GError **error)
{
  const gust_ui_topology *t = ui_api_find_topology(s, id, error);
  if (!t) return NULL;
  int64_t now = s->time_us / G_USEC_PER_SEC;
  json_t *o = ui_api_topology_map(t);
  json_t *spouts = json_array(), *bolts = json_array();
  for (int i = 0; i < t->n_components; i++) {
    const gust_ui_component *c = &t->components[i];
    if (c->is_system && !sys) continue;
    if (c->is_spout)
      json_array_append_new(spouts, spout_entry(c, window, now));
    else
      json_array_append_new(bolts, bolt_entry(c, window, now, t->uptime_secs));
  }
  const char *w = gust_ui_window_names[window];
  g_autofree char *hint = ui_api_window_hint(window);
  json_t *timeout = json_object_get(t->conf, "topology.message.timeout.secs");
  json_object_set_new(o, "user", json_null());
  json_object_set_new(o, "window", json_string(w));
  json_object_set_new(o, "windowHint", json_string(hint));
  json_object_set_new(o, "msgTimeout",
                      json_integer(json_is_integer(timeout) ? json_integer_value(timeout) : 30));
  json_object_set_new(o, "configuration", json_deep_copy(t->conf));
  json_object_set_new(o, "visualizationTable", json_array());
  ui_api_with_display_resource(o);
  json_object_set_new(o, "bugtracker-url", json_null());
  json_object_set_new(o, "central-log-url", json_null());
  json_object_set_new(o, "topologyStats", topology_stats(t));
  json_object_set_new(o, "workers", json_pack("[o]", worker_entry(s, t)));
  json_object_set_new(o, "spouts", spouts);
  json_object_set_new(o, "bolts", bolts);
  json_object_set_new(o, "debug",
                      json_boolean(json_is_true(json_object_get(t->conf, "topology.debug"))));
  json_object_set_new(o, "samplingPct", json_real(10));
  /* gust's own: what Storm UI lacks */
  json_object_set_new(o, "restarts", json_integer(t->restarts));
  return o;
}

/* ---- /topology/:id/metrics: per stream, Storm 1.x's shape ---- */

typedef struct {
  json_t *emitted, *transferred, *acked, *failed, *executed, *complete, *process, *execute;
} stream_lists;

static void add_value(json_t *list, const char *component, const char *stream, json_t *value)
{
  json_t *o = json_pack("{s:s, s:o}", "stream_id", stream, "value", value);
  if (component) json_object_set_new(o, "component_id", json_string(component));
  json_array_append_new(list, o);
}

static json_t *component_metrics(const gust_ui_component *c, gust_ui_window w)
{
  /* rows with the same (component, stream) are added over the tasks */
  GHashTable *rows = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  GPtrArray *order = g_ptr_array_new();
  for (int i = 0; i < c->n_tasks; i++)
    for (int k = 0; k < c->tasks[i].n_streams; k++) {
      const gust_ui_stream *st = &c->tasks[i].streams[k];
      char *key = g_strdup_printf("%d\x1f%s\x1f%s", st->is_input,
                                  st->component ? st->component : "", st->stream);
      gust_ui_stream *sum = g_hash_table_lookup(rows, key);
      if (!sum) {
        sum = g_new0(gust_ui_stream, 1);
        sum->is_input = st->is_input;
        sum->component = st->component;
        sum->stream = st->stream;
        g_hash_table_insert(rows, key, sum);
        g_ptr_array_add(order, sum);
      } else
        g_free(key);
      sum->emitted[w] += st->emitted[w];
      sum->transferred[w] += st->transferred[w];
      sum->acked[w] += st->acked[w];
      sum->failed[w] += st->failed[w];
      sum->executed[w] += st->executed[w];
      sum->complete_ms[w] += st->complete_ms[w] * st->acked[w];
      sum->process_ms[w] += st->process_ms[w] * st->executed[w];
      sum->execute_ms[w] += st->execute_ms[w] * st->executed[w];
    }
  stream_lists l = {json_array(), json_array(), json_array(), json_array(),
                    json_array(), json_array(), json_array(), json_array()};
  for (guint i = 0; i < order->len; i++) {
    const gust_ui_stream *r = g_ptr_array_index(order, i);
    /* spouts' acks are counted per output stream; bolts' per input stream */
    const char *from = r->is_input ? r->component : c->id;
    if (!r->is_input) {
      add_value(l.emitted, NULL, r->stream, json_integer((json_int_t)r->emitted[w]));
      add_value(l.transferred, NULL, r->stream, json_integer((json_int_t)r->transferred[w]));
    }
    if (r->acked[w] || r->is_input || c->is_spout)
      add_value(l.acked, from, r->stream, json_integer((json_int_t)r->acked[w]));
    if (r->failed[w] || r->is_input || c->is_spout)
      add_value(l.failed, from, r->stream, json_integer((json_int_t)r->failed[w]));
    if (c->is_spout) {
      add_value(l.complete, from, r->stream,
                ui_api_float_str(r->acked[w] ? r->complete_ms[w] / r->acked[w] : 0));
    } else if (r->executed[w] || r->is_input) {
      double n = r->executed[w];
      add_value(l.executed, from, r->stream, json_integer((json_int_t)r->executed[w]));
      add_value(l.process, from, r->stream, ui_api_float_str(n ? r->process_ms[w] / n : 0));
      add_value(l.execute, from, r->stream, ui_api_float_str(n ? r->execute_ms[w] / n : 0));
    }
  }
  g_ptr_array_unref(order);
  g_hash_table_unref(rows);
  json_t *o = json_pack("{s:s, s:o, s:o, s:o, s:o}", "id", c->id, "emitted", l.emitted,
                        "transferred", l.transferred, "acked", l.acked, "failed", l.failed);
  if (c->is_spout) {
    json_object_set_new(o, "complete_ms_avg", l.complete);
    json_decref(l.executed);
    json_decref(l.process);
    json_decref(l.execute);
  } else {
    json_object_set_new(o, "process_ms_avg", l.process);
    json_object_set_new(o, "executed", l.executed);
    json_object_set_new(o, "executed_ms_avg", l.execute);
    json_decref(l.complete);
  }
  return o;
}

json_t *ui_api_topology_metrics(const gust_ui_snapshot *s, const char *id, gust_ui_window window,
                                gboolean sys, GError **error)
{
  const gust_ui_topology *t = ui_api_find_topology(s, id, error);
  if (!t) return NULL;
  json_t *spouts = json_array(), *bolts = json_array();
  for (int i = 0; i < t->n_components; i++) {
    const gust_ui_component *c = &t->components[i];
    if (c->is_system && !sys) continue;
    json_array_append_new(c->is_spout ? spouts : bolts, component_metrics(c, window));
  }
  const char *w = gust_ui_window_names[window];
  g_autofree char *hint = ui_api_window_hint(window);
  return json_pack("{s:s, s:s, s:o, s:o}", "window", w, "window-hint", hint, "spouts", spouts,
                   "bolts", bolts);
}

json_t *ui_api_topology_workers(const gust_ui_snapshot *s, const char *id, GError **error)
{
  if (!ui_api_find_topology(s, id, error)) return NULL;
  return json_pack("{s:[{s:s, s:i}], s:i, s:s}", "hostPortList", "host", s->host, "port", 0,
                   "logviewerPort", 8000, "logviewerScheme", "http");
}

/* Storm's TopologySpoutLag: per Kafka spout {spoutId, spoutType,
 * spoutLagResult: {topic: {partition: {consumerCommittedOffset,
 * logHeadOffset, lag}}}}, or errorInfo when the lag cannot be read. */
json_t *ui_api_topology_lag(const gust_ui_snapshot *s, const char *id, GError **error)
{
  const gust_ui_topology *t = ui_api_find_topology(s, id, error);
  if (!t) return NULL;
  json_t *out = json_object();
  for (guint i = 0; i < t->lag->len; i++) {
    const gust_ui_partition_lag *l = g_ptr_array_index(t->lag, i);
    json_t *spout = json_object_get(out, l->spout);
    if (!spout) {
      spout = json_pack("{s:s, s:s, s:{}}", "spoutId", l->spout, "spoutType", "KAFKA",
                        "spoutLagResult");
      json_object_set_new(out, l->spout, spout);
    }
    json_t *result = json_object_get(spout, "spoutLagResult");
    json_t *topic = json_object_get(result, l->topic);
    if (!topic) json_object_set_new(result, l->topic, topic = json_object());
    char partition[16];
    g_snprintf(partition, sizeof partition, "%d", l->partition);
    json_object_set_new(
        topic, partition,
        json_pack("{s:I, s:I, s:I}", "consumerCommittedOffset", (json_int_t)l->committed,
                  "logHeadOffset", (json_int_t)l->head, "lag",
                  (json_int_t)(l->head >= 0 && l->committed >= 0 ? l->head - l->committed : -1)));
  }
  for (int i = 0; i < t->n_components; i++) {
    const gust_ui_component *c = &t->components[i];
    if (!c->kafka_spout || json_object_get(out, c->id)) continue;
    json_object_set_new(out, c->id,
                        json_pack("{s:s, s:s, s:s}", "spoutId", c->id, "spoutType", "KAFKA",
                                  "errorInfo",
                                  c->lag_error ? c->lag_error : "the lag has not been read yet"));
  }
  return out;
}
