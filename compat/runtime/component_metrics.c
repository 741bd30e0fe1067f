/* component_metrics.c — the numbers components report about themselves
 * (a multilang subprocess's "metrics" command, a Java task's IMetric), kept for
 * monitoring: the last value of each (component, task, name, key), as a gauge.
 *
 * Task threads set values; monitoring threads (the UI's sampler) copy
 * them.  One mutex guards the table; a set is a hash lookup under it, and
 * components report metrics seldom (Storm's metrics consumers poll every
 * topology.builtin.metrics.bucket.size.secs, 60 s).  The table holds at
 * most MAX_SERIES series: a component inventing names without end cannot
 * grow the worker's memory; what does not fit is dropped and logged once.
 */
#include "runtime_private.h"

#include <string.h>

enum { MAX_SERIES = 10000 };

static void metric_free(gpointer p)
{
  gust_component_metric *m = p;
  g_free(m->name);
  g_free(m->key);
  g_free(m);
}

void rt_set_component_metric(gust_runtime *rt, const rt_component *comp, int task, const char *name,
                             const char *key, double value)
{
  /* \x1f separates the parts; a key present is marked apart from none */
  g_autofree char *id = g_strdup_printf("%s\x1f%d\x1f%s\x1f%c%s", comp->id, task, name,
                                        key ? 'k' : '-', key ? key : "");
  pthread_mutex_lock(&rt->metrics_lock);
  if (!rt->component_metrics)
    rt->component_metrics = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, metric_free);
  gust_component_metric *m = g_hash_table_lookup(rt->component_metrics, id);
  if (m)
    m->value = value;
  else if (g_hash_table_size(rt->component_metrics) < MAX_SERIES) {
    m = g_new(gust_component_metric, 1);
    *m = (gust_component_metric){.component = comp->id,
                                 .task = task,
                                 .name = g_strdup(name),
                                 .key = g_strdup(key),
                                 .value = value};
    g_hash_table_insert(rt->component_metrics, g_steal_pointer(&id), m);
  } else if (!rt->component_metrics_full) {
    rt->component_metrics_full = true;
    g_warning("component metrics: %d series kept already; '%s' of %s (task %d) and any further "
              "new ones are dropped",
              MAX_SERIES, name, comp->id, task);
  }
  pthread_mutex_unlock(&rt->metrics_lock);
}

static void report_at(gust_collector *out, int task, const char *name, const char *key,
                      const json_t *v)
{
  if (json_is_number(v)) {
    rt_set_component_metric(out->rt, out->comp, task, name, key, json_number_value(v));
  } else if (json_is_object(v)) {
    const char *k;
    json_t *item;
    json_object_foreach((json_t *)v, k, item)
    {
      g_autofree char *path = key ? g_strconcat(key, ".", k, NULL) : g_strdup(k);
      report_at(out, task, name, path, item);
    }
  } else {
    g_debug("%s (task %d): metric '%s'%s%s is not a number or a map of numbers: skipped",
            out->comp->id, task, name, key ? " entry " : "", key ? key : "");
  }
}

void rt_report_metric(gust_collector *out, const char *name, const json_t *value)
{
  report_at(out, fc_task_id(out->task) + 1, name, NULL, value);
}

void rt_component_metrics_clear(gust_runtime *rt)
{
  if (rt->component_metrics) g_hash_table_destroy(rt->component_metrics);
  rt->component_metrics = NULL;
}

static gint by_series(gconstpointer a, gconstpointer b)
{
  const gust_component_metric *x = *(gust_component_metric *const *)a;
  const gust_component_metric *y = *(gust_component_metric *const *)b;
  int c = strcmp(x->component, y->component);
  if (!c) c = (x->task > y->task) - (x->task < y->task);
  if (!c) c = strcmp(x->name, y->name);
  if (!c) c = g_strcmp0(x->key, y->key);
  return c;
}

GPtrArray *gust_runtime_component_metrics(gust_runtime *rt)
{
  GPtrArray *out = g_ptr_array_new_with_free_func(metric_free);
  pthread_mutex_lock(&rt->metrics_lock);
  if (rt->component_metrics) {
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, rt->component_metrics);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
      const gust_component_metric *m = value;
      gust_component_metric *copy = g_new(gust_component_metric, 1);
      *copy = (gust_component_metric){.component = m->component,
                                      .task = m->task,
                                      .name = g_strdup(m->name),
                                      .key = g_strdup(m->key),
                                      .value = m->value};
      g_ptr_array_add(out, copy);
    }
  }
  pthread_mutex_unlock(&rt->metrics_lock);
  g_ptr_array_sort(out, by_series);
  return out;
}
