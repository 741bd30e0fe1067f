/* stats_component_page.c — Storm's ComponentPageInfo: one component's
 * aggregates in every window, and in the window asked per input stream
 * (bolts, by GlobalStreamId), per output stream and per executor, with
 * its last errors.  Pure: borrowed JSON in, a new object out.
 */
#include "stats_view.h"

#include <string.h>

typedef struct {
  const char *component;
  const char *window;
  gboolean include_sys;
  gboolean found, spout;
  gust_stats_sums windows[4];
  GHashTable *inputs;   /* "comp\nstream" -> gust_stats_sums* */
  GHashTable *outputs;  /* stream -> gust_stats_sums* */
  GPtrArray *executors; /* GustStormExecutorAggregateStats* */
} component_walk;

static gust_stats_sums *sums_for(GHashTable *table, const char *key)
{
  gust_stats_sums *s = g_hash_table_lookup(table, key);
  if (!s) g_hash_table_insert(table, g_strdup(key), s = g_new0(gust_stats_sums, 1));
  return s;
}

static void walk_streams(component_walk *w, json_t *x)
{
  const char *key;
  json_t *v;
  json_object_foreach(json_object_get(json_object_get(x, "emitted"), w->window), key, v)
  {
    if (!w->include_sys && gust_stats_is_system(key)) continue;
    gust_stats_filter f = {.window = w->window,
                           .include_sys = w->include_sys,
                           .output_stream = key,
                           .outputs_only = TRUE};
    gust_stats_sums_add(sums_for(w->outputs, key), x, &f);
  }
  if (w->spout) return;
  json_t *streams;
  json_object_foreach(json_object_get(json_object_get(x, "executed"), w->window), key, streams)
  {
    if (!w->include_sys && gust_stats_is_system(key)) continue;
    const char *stream;
    json_object_foreach(streams, stream, v)
    {
      if (!w->include_sys && gust_stats_is_system(stream)) continue;
      gust_stats_filter f = {.window = w->window,
                             .include_sys = w->include_sys,
                             .input_component = key,
                             .input_stream = stream,
                             .inputs_only = TRUE};
      g_autofree char *id = g_strdup_printf("%s\n%s", key, stream);
      gust_stats_sums_add(sums_for(w->inputs, id), x, &f);
    }
  }
}

static void walk_executor(json_t *x, json_t *beat, gpointer data)
{
  component_walk *w = data;
  if (g_strcmp0(json_string_value(json_object_get(x, "component")), w->component)) return;
  w->found = TRUE;
  w->spout = !g_strcmp0(json_string_value(json_object_get(x, "type")), "spout");
  for (int k = 0; k < 4; k++) {
    gust_stats_filter f = {.window = gust_stats_windows[k], .include_sys = w->include_sys};
    gust_stats_sums_add(&w->windows[k], x, &f);
  }
  gust_stats_filter f = {.window = w->window, .include_sys = w->include_sys};
  gust_stats_sums one = {0};
  gust_stats_sums_add(&one, x, &f);
  GustStormExecutorAggregateStats *e = g_object_new(GUST_STORM_TYPE_EXECUTOR_AGGREGATE_STATS, NULL);
  if (e->exec_summary) g_object_unref(e->exec_summary);
  e->exec_summary = gust_stats_executor_summary(x, beat), e->__isset_exec_summary = TRUE;
  if (e->stats) g_object_unref(e->stats);
  e->stats = gust_stats_aggregate(&one, w->spout, FALSE), e->__isset_stats = TRUE;
  g_ptr_array_add(w->executors, e);
  walk_streams(w, x);
}

GustStormComponentPageInfo *gust_stats_component_page(const gust_stats_topology *t,
                                                      const char *component, const char *window,
                                                      gboolean include_sys)
{
  component_walk w = {
      .component = component,
      .window = window,
      .include_sys = include_sys,
      .inputs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
      .outputs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
      .executors = g_ptr_array_new_with_free_func(g_object_unref),
  };
  gust_stats_foreach_executor(t, walk_executor, &w);
  GustStormComponentPageInfo *p = NULL;
  const char *type = json_string_value(json_object_get(t->components, component));
  if (!w.found && !type) goto done;
  if (!w.found) { /* submitted, not reported by any heartbeat yet: zeros */
    w.spout = !strcmp(type, "spout");
    for (int k = 0; k < 4; k++)
      w.windows[k] = gust_stats_unreported(t, component);
  }
  p = g_object_new(GUST_STORM_TYPE_COMPONENT_PAGE_INFO, NULL);
  p->component_id = g_strdup(component);
  p->component_type = w.spout ? GUST_STORM_COMPONENT_TYPE_SPOUT : GUST_STORM_COMPONENT_TYPE_BOLT;
  p->topology_id = g_strdup(t->id), p->__isset_topology_id = TRUE;
  p->topology_name = g_strdup(gust_stats_topology_name(t)), p->__isset_topology_name = TRUE;
  p->num_executors = w.windows[0].executors, p->__isset_num_executors = TRUE;
  p->num_tasks = w.windows[0].tasks, p->__isset_num_tasks = TRUE;
  for (int k = 0; k < 4; k++)
    g_hash_table_insert(p->window_to_stats, g_strdup(gust_stats_windows[k]),
                        gust_stats_aggregate(&w.windows[k], w.spout, FALSE));
  p->__isset_window_to_stats = TRUE;
  GHashTableIter it;
  gpointer key, value;
  if (!w.spout) {
    g_hash_table_iter_init(&it, w.inputs);
    while (g_hash_table_iter_next(&it, &key, &value)) {
      char **parts = g_strsplit(key, "\n", 2);
      GustStormGlobalStreamId *id = g_object_new(GUST_STORM_TYPE_GLOBAL_STREAM_ID, NULL);
      id->componentId = g_strdup(parts[0]);
      id->streamId = g_strdup(parts[1] ? parts[1] : "");
      g_strfreev(parts);
      gust_stats_sums *s = value;
      s->executors = w.windows[0].executors, s->tasks = w.windows[0].tasks;
      g_hash_table_insert(p->gsid_to_input_stats, id, gust_stats_aggregate(s, FALSE, FALSE));
    }
    p->__isset_gsid_to_input_stats = TRUE;
  }
  g_hash_table_iter_init(&it, w.outputs);
  while (g_hash_table_iter_next(&it, &key, &value)) {
    gust_stats_sums *s = value;
    s->executors = w.windows[0].executors, s->tasks = w.windows[0].tasks;
    g_hash_table_insert(p->sid_to_output_stats, g_strdup(key),
                        gust_stats_aggregate(s, w.spout, FALSE));
  }
  p->__isset_sid_to_output_stats = TRUE;
  g_ptr_array_extend_and_steal(p->exec_stats, g_steal_pointer(&w.executors));
  p->__isset_exec_stats = TRUE;
  GPtrArray *errors = gust_stats_component_errors(t, component);
  g_ptr_array_extend_and_steal(p->errors, errors);
  p->__isset_errors = TRUE;
  p->topology_status = g_strdup(json_string_value(json_object_get(t->storm, "status"))
                                    ? json_string_value(json_object_get(t->storm, "status"))
                                    : "ACTIVE");
  p->__isset_topology_status = TRUE;
  g_hash_table_insert(p->resources_map, g_strdup("onheap.memory.mb"),
                      g_memdup2(&(gdouble){128.0}, sizeof(gdouble)));
  g_hash_table_insert(p->resources_map, g_strdup("offheap.memory.mb"),
                      g_memdup2(&(gdouble){0.0}, sizeof(gdouble)));
  g_hash_table_insert(p->resources_map, g_strdup("cpu.pcore.percent"),
                      g_memdup2(&(gdouble){10.0}, sizeof(gdouble)));
  p->__isset_resources_map = TRUE;
done:
  if (w.executors) g_ptr_array_unref(w.executors);
  g_hash_table_destroy(w.inputs);
  g_hash_table_destroy(w.outputs);
  return p;
}
