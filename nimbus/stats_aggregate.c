/* stats_aggregate.c — sums over the executors in the workers' heartbeats.
 *
 * An executor (compat/runtime/stats_json.c) has, per window, counts by
 * output stream (emitted, transferred; spouts also acked, failed,
 * complete_ms_avg) and, for bolts, by input component and stream (acked,
 * failed, executed, process_ms_avg, execute_ms_avg).  Sums weight each
 * mean by its count, as Storm aggregates its executors' stats, and take
 * Storm's capacity (executed x execute latency over the window's time, at
 * most the executor's uptime) of the busiest executor.
 * Pure functions on borrowed JSON; any thread.
 */
#include "stats_view.h"

#include <stdlib.h>
#include <string.h>

const char *const gust_stats_windows[4] = {"600", "10800", "86400", ":all-time"};

int64_t gust_stats_int(json_t *o, const char *key)
{
  json_t *v = json_object_get(o, key);
  return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

const char *gust_stats_string(json_t *o, const char *key, const char *fallback)
{
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : fallback;
}

gboolean gust_stats_is_system(const char *id)
{
  return id && g_str_has_prefix(id, "__");
}

static int64_t count_of(json_t *v)
{
  return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static double mean_of(json_t *v)
{
  return json_is_number(v) ? json_number_value(v) : 0;
}

/* executor[field][window] */
static json_t *window_of(json_t *executor, const char *field, const char *window)
{
  return json_object_get(json_object_get(executor, field), window);
}

static gboolean stream_wanted(const char *stream, const gust_stats_filter *f)
{
  if (!f->include_sys && gust_stats_is_system(stream)) return FALSE;
  return !f->output_stream || !strcmp(f->output_stream, stream);
}

static void add_outputs(gust_stats_sums *s, json_t *x, gboolean spout, const gust_stats_filter *f)
{
  const char *stream;
  json_t *v;
  json_object_foreach(window_of(x, "emitted", f->window), stream, v)
  {
    if (!stream_wanted(stream, f)) continue;
    s->emitted += count_of(v);
    s->transferred += count_of(json_object_get(window_of(x, "transferred", f->window), stream));
    if (!spout) continue;
    int64_t acked = count_of(json_object_get(window_of(x, "acked", f->window), stream));
    s->acked += acked;
    s->failed += count_of(json_object_get(window_of(x, "failed", f->window), stream));
    s->complete_total +=
        acked * mean_of(json_object_get(window_of(x, "complete_ms_avg", f->window), stream));
    s->complete_weight += acked;
  }
}

static json_t *input_value(json_t *x, const char *field, const char *window, const char *comp,
                           const char *stream)
{
  return json_object_get(json_object_get(window_of(x, field, window), comp), stream);
}

/* Returns execute-latency total of this executor's inputs (for capacity). */
static double add_inputs(gust_stats_sums *s, json_t *x, const gust_stats_filter *f)
{
  double busy_ms = 0;
  const char *comp;
  json_t *streams;
  json_object_foreach(window_of(x, "executed", f->window), comp, streams)
  {
    if (!f->include_sys && gust_stats_is_system(comp)) continue;
    if (f->input_component && strcmp(f->input_component, comp)) continue;
    const char *stream;
    json_t *v;
    json_object_foreach(streams, stream, v)
    {
      if (!f->include_sys && gust_stats_is_system(stream)) continue;
      if (f->input_stream && strcmp(f->input_stream, stream)) continue;
      int64_t executed = count_of(v);
      s->executed += executed;
      s->acked += count_of(input_value(x, "acked", f->window, comp, stream));
      s->failed += count_of(input_value(x, "failed", f->window, comp, stream));
      double execute =
          executed * mean_of(input_value(x, "execute_ms_avg", f->window, comp, stream));
      s->execute_total += execute;
      s->process_total +=
          executed * mean_of(input_value(x, "process_ms_avg", f->window, comp, stream));
      s->execute_weight += executed;
      s->process_weight += executed;
      busy_ms += execute;
    }
  }
  return busy_ms;
}

void gust_stats_sums_add(gust_stats_sums *s, json_t *x, const gust_stats_filter *f)
{
  gboolean spout = !g_strcmp0(json_string_value(json_object_get(x, "type")), "spout");
  s->executors++;
  int64_t first = count_of(json_object_get(x, "task_start"));
  int64_t last = count_of(json_object_get(x, "task_end"));
  s->tasks += last >= first ? (int)MIN(last - first + 1, G_MAXINT / 2) : 1;
  if (!f->inputs_only) add_outputs(s, x, spout, f);
  if (spout || f->outputs_only) return;
  double busy_ms = add_inputs(s, x, f);
  int64_t uptime = count_of(json_object_get(x, "uptime_secs"));
  int64_t span = !strcmp(f->window, ":all-time") ? uptime : MIN(uptime, atoll(f->window));
  if (span > 0) s->capacity = MAX(s->capacity, busy_ms / (span * 1000.0));
}

void gust_stats_foreach_executor(const gust_stats_topology *t, gust_stats_executor_fn fn,
                                 gpointer data)
{
  size_t i, k;
  json_t *beat, *x;
  json_array_foreach(t->beats, i, beat)
  {
    json_array_foreach(json_object_get(json_object_get(beat, "stats"), "executors"), k, x)
    {
      if (json_is_object(x) && json_is_string(json_object_get(x, "component"))) fn(x, beat, data);
    }
  }
}

static gint by_time(gconstpointer a, gconstpointer b)
{
  const GustStormErrorInfo *x = *(GustStormErrorInfo *const *)a,
                           *y = *(GustStormErrorInfo *const *)b;
  return (x->error_time_secs > y->error_time_secs) - (x->error_time_secs < y->error_time_secs);
}

GPtrArray *gust_stats_component_errors(const gust_stats_topology *t, const char *component)
{
  GPtrArray *out = g_ptr_array_new_with_free_func(g_object_unref);
  size_t i, k;
  json_t *beat, *e;
  json_array_foreach(t->beats, i, beat)
  {
    json_t *errors =
        json_object_get(json_object_get(json_object_get(beat, "stats"), "errors"), component);
    json_array_foreach(json_object_get(errors, "last"), k, e)
    {
      const char *text = json_string_value(json_object_get(e, "error"));
      const char *host = json_string_value(json_object_get(beat, "host"));
      if (!host) host = json_string_value(json_object_get(e, "host"));
      json_t *port = json_object_get(beat, "port");
      if (!json_is_integer(port)) port = json_object_get(e, "port");
      GustStormErrorInfo *info = g_object_new(GUST_STORM_TYPE_ERROR_INFO, NULL);
      info->error = g_strdup(text ? text : "");
      info->error_time_secs = (gint32)count_of(json_object_get(e, "time_secs"));
      info->host = g_strdup(host ? host : "");
      info->__isset_host = TRUE;
      info->port = (gint32)count_of(port);
      info->__isset_port = TRUE;
      g_ptr_array_add(out, info);
    }
  }
  g_ptr_array_sort(out, by_time);
  if (out->len > 10) g_ptr_array_remove_range(out, 0, out->len - 10);
  return out;
}

static void add_component_id(json_t *x, json_t *beat, gpointer data)
{
  g_hash_table_add(data, (gpointer)json_string_value(json_object_get(x, "component")));
}

static gint by_string(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *gust_stats_component_ids(const gust_stats_topology *t)
{
  GHashTable *ids = g_hash_table_new(g_str_hash, g_str_equal);
  gust_stats_foreach_executor(t, add_component_id, ids);
  const char *id;
  json_t *v;
  json_object_foreach(json_object_get(t->storm, "component_executors"), id, v)
      g_hash_table_add(ids, (gpointer)id);
  GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init(&it, ids);
  while (g_hash_table_iter_next(&it, &key, NULL))
    g_ptr_array_add(out, g_strdup(key));
  g_hash_table_destroy(ids);
  g_ptr_array_sort(out, by_string);
  return out;
}

gust_stats_sums gust_stats_unreported(const gust_stats_topology *t, const char *component)
{
  int n = (int)gust_stats_int(json_object_get(t->storm, "component_executors"), component);
  return (gust_stats_sums){.executors = n, .tasks = n};
}
