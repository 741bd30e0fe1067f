/* stats_topology_info.c — Storm's TopologyInfo (getTopologyInfo and its
 * variants) from the workers' heartbeats: one ExecutorSummary per
 * executor with its ExecutorStats (emitted and transferred per window and
 * stream, SpoutStats or BoltStats), the last errors of every component,
 * and the topology's record.  Every required field is written; the
 * optional ones Storm 2.6 sends (component_debug, storm_version, owner,
 * replication_count) too.  Pure: borrowed JSON in, a new object out.
 */
#include "stats_view.h"

#include <string.h>

static GHashTable *string_map(void)
{
  return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

static GHashTable *gsid_map(void)
{
  return g_hash_table_new_full(g_direct_hash, g_direct_equal, g_object_unref, g_free);
}

/* A map value of the generated structs: a new gdouble or gint64. */
static gpointer boxed(json_t *v, gboolean doubles)
{
  if (doubles) {
    gdouble *d = g_new(gdouble, 1);
    *d = json_is_number(v) ? json_number_value(v) : 0;
    return d;
  }
  gint64 *n = g_new(gint64, 1);
  *n = json_is_integer(v) ? json_integer_value(v) : 0;
  return n;
}

/* into[window] = {stream: value} for the windows of by_window[window][stream]. */
static void copy_by_stream(GHashTable *into, json_t *by_window, gboolean doubles)
{
  for (int w = 0; w < 4; w++) {
    GHashTable *inner = string_map();
    const char *stream;
    json_t *v;
    json_object_foreach(json_object_get(by_window, gust_stats_windows[w]), stream, v)
        g_hash_table_insert(inner, g_strdup(stream), boxed(v, doubles));
    g_hash_table_insert(into, g_strdup(gust_stats_windows[w]), inner);
  }
}

/* into[window] = {GlobalStreamId: value} from by_window[window][component][stream]. */
static void copy_by_gsid(GHashTable *into, json_t *by_window, gboolean doubles)
{
  for (int w = 0; w < 4; w++) {
    GHashTable *inner = gsid_map();
    const char *comp;
    json_t *streams;
    json_object_foreach(json_object_get(by_window, gust_stats_windows[w]), comp, streams)
    {
      const char *stream;
      json_t *v;
      json_object_foreach(streams, stream, v)
      {
        GustStormGlobalStreamId *id = g_object_new(GUST_STORM_TYPE_GLOBAL_STREAM_ID, NULL);
        id->componentId = g_strdup(comp);
        id->streamId = g_strdup(stream);
        g_hash_table_insert(inner, id, boxed(v, doubles));
      }
    }
    g_hash_table_insert(into, g_strdup(gust_stats_windows[w]), inner);
  }
}

static GustStormExecutorStats *executor_stats(json_t *x)
{
  GustStormExecutorStats *s = g_object_new(GUST_STORM_TYPE_EXECUTOR_STATS, NULL);
  copy_by_stream(s->emitted, json_object_get(x, "emitted"), FALSE);
  copy_by_stream(s->transferred, json_object_get(x, "transferred"), FALSE);
  GustStormExecutorSpecificStats *specific = s->specific;
  if (!g_strcmp0(gust_stats_string(x, "type", ""), "spout")) {
    GustStormSpoutStats *spout = specific->spout; /* made by the struct's instance init */
    copy_by_stream(spout->acked, json_object_get(x, "acked"), FALSE);
    copy_by_stream(spout->failed, json_object_get(x, "failed"), FALSE);
    copy_by_stream(spout->complete_ms_avg, json_object_get(x, "complete_ms_avg"), TRUE);
    specific->__isset_spout = TRUE;
  } else {
    GustStormBoltStats *bolt = specific->bolt; /* made by the struct's instance init */
    copy_by_gsid(bolt->acked, json_object_get(x, "acked"), FALSE);
    copy_by_gsid(bolt->failed, json_object_get(x, "failed"), FALSE);
    copy_by_gsid(bolt->process_ms_avg, json_object_get(x, "process_ms_avg"), TRUE);
    copy_by_gsid(bolt->executed, json_object_get(x, "executed"), FALSE);
    copy_by_gsid(bolt->execute_ms_avg, json_object_get(x, "execute_ms_avg"), TRUE);
    specific->__isset_bolt = TRUE;
  }
  s->rate = 1.0; /* gust counts every tuple: Storm's sampling rate of 100 % */
  return s;
}

/* An ExecutorSummary without stats (ComponentPageInfo's exec_summary uses it too). */
GustStormExecutorSummary *gust_stats_executor_summary(json_t *x, json_t *beat)
{
  GustStormExecutorSummary *e = g_object_new(GUST_STORM_TYPE_EXECUTOR_SUMMARY, NULL);
  e->executor_info->task_start = (gint32)gust_stats_int(x, "task_start");
  e->executor_info->task_end = (gint32)gust_stats_int(x, "task_end");
  e->component_id = g_strdup(gust_stats_string(x, "component", ""));
  e->host = g_strdup(gust_stats_string(beat, "host", ""));
  e->port = (gint32)gust_stats_int(beat, "port");
  e->uptime_secs = (gint32)gust_stats_int(x, "uptime_secs");
  return e;
}

static void add_executor(json_t *x, json_t *beat, gpointer data)
{
  GustStormTopologyInfo *info = data;
  GustStormExecutorSummary *e = gust_stats_executor_summary(x, beat);
  g_object_unref(e->stats);
  e->stats = executor_stats(x);
  e->__isset_stats = TRUE;
  g_ptr_array_add(info->executors, e);
}

/* Fills the members every topology struct shares from the record. */
const char *gust_stats_topology_name(const gust_stats_topology *t)
{
  return gust_stats_string(t->storm, "name", t->id);
}

gint32 gust_stats_topology_uptime(const gust_stats_topology *t)
{
  int64_t launched = gust_stats_int(t->storm, "launch_time_secs");
  return launched > 0 && t->now_secs > launched ? (gint32)MIN(t->now_secs - launched, G_MAXINT32)
                                                : 0;
}

GustStormTopologyInfo *gust_stats_topology_info(const gust_stats_topology *t,
                                                gust_stats_errors errors)
{
  GustStormTopologyInfo *info = g_object_new(GUST_STORM_TYPE_TOPOLOGY_INFO, NULL);
  info->id = g_strdup(t->id);
  info->name = g_strdup(gust_stats_topology_name(t));
  info->uptime_secs = gust_stats_topology_uptime(t);
  info->status = g_strdup(gust_stats_string(t->storm, "status", "ACTIVE"));
  gust_stats_foreach_executor(t, add_executor, info);
  GPtrArray *ids = gust_stats_component_ids(t);
  for (guint i = 0; i < ids->len; i++) {
    const char *comp = g_ptr_array_index(ids, i);
    GPtrArray *list = gust_stats_component_errors(t, comp);
    if (errors == GUST_STATS_ERRORS_NONE)
      g_ptr_array_set_size(list, 0);
    else if (errors == GUST_STATS_ERRORS_ONE && list->len > 1)
      g_ptr_array_remove_range(list, 0, list->len - 1); /* the latest */
    g_hash_table_insert(info->errors, g_strdup(comp), list);
  }
  g_ptr_array_unref(ids);
  info->__isset_component_debug = TRUE; /* empty: gust has no per-component debug sampling */
  g_free(info->storm_version);
  info->storm_version = g_strdup(GUST_STATS_STORM_VERSION);
  info->__isset_storm_version = TRUE;
  g_free(info->owner);
  info->owner = g_strdup(gust_stats_string(t->storm, "owner", ""));
  info->__isset_owner = TRUE;
  info->replication_count = 1;
  info->__isset_replication_count = TRUE;
  return info;
}
