/* report_nimbus.c — the Nimbus Thrift sampler (report_nimbus.h).
 *
 * Statistics maps are window -> stream -> value; a spout's are keyed by
 * stream name, a bolt's by GlobalStreamId, so values are read through an
 * iterator, never by key.  Averages are combined weighted by their count,
 * as Storm's UI combines executors. */
#include "report_nimbus.h"

#include "nimbus_client.h"
#include "report_series.h"

#include <string.h>

#define ALL_TIME ":all-time"

struct gust_report_nimbus {
  json_t *conf;
  char *topology;
  gust_nimbus_client *client;
  char *address;
};

typedef struct {
  gboolean is_spout;
  int executors;
  double emitted, executed, acked;
  double latency_weighted, latency_weight;
} component_totals;

gust_report_nimbus *gust_report_nimbus_new(const json_t *conf, const char *topology)
{
  gust_report_nimbus *nimbus = g_new0(gust_report_nimbus, 1);
  nimbus->conf = json_deep_copy(conf);
  nimbus->topology = g_strdup(topology);
  return nimbus;
}

void gust_report_nimbus_free(gust_report_nimbus *nimbus)
{
  if (!nimbus) return;
  if (nimbus->client) gust_nimbus_client_free(nimbus->client);
  json_decref(nimbus->conf);
  g_free(nimbus->topology);
  g_free(nimbus->address);
  g_free(nimbus);
}

const char *gust_report_nimbus_address(const gust_report_nimbus *nimbus)
{
  return nimbus->address;
}

/* Sum of the all-time values of a window map; stream-keyed maps skip the
 * system streams ("__ack_init", "__metrics", ...). */
static double all_time_sum(GHashTable *windows, gboolean keyed_by_stream)
{
  GHashTable *streams = windows ? g_hash_table_lookup(windows, ALL_TIME) : NULL;
  if (!streams) return 0;
  double sum = 0;
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, streams);
  while (g_hash_table_iter_next(&it, &key, &value))
    if (!keyed_by_stream || !g_str_has_prefix(key, "__")) sum += (double)*(gint64 *)value;
  return sum;
}

/* The count of counts (a stream-keyed or GlobalStreamId-keyed map) for the
 * same stream as key.  GlobalStreamId keys are distinct objects in each
 * map, so they are matched by their component and stream. */
static const gint64 *count_for(GHashTable *counts, gconstpointer key, gboolean keyed_by_stream)
{
  if (keyed_by_stream) return g_hash_table_lookup(counts, key);
  const GustStormGlobalStreamId *id = key;
  GHashTableIter it;
  gpointer other, value;
  g_hash_table_iter_init(&it, counts);
  while (g_hash_table_iter_next(&it, &other, &value)) {
    const GustStormGlobalStreamId *o = other;
    if (!g_strcmp0(o->componentId, id->componentId) && !g_strcmp0(o->streamId, id->streamId))
      return value;
  }
  return NULL;
}

/* Sum over streams of average × count, for the all-time window. */
static double all_time_weighted(GHashTable *averages, GHashTable *counts, gboolean keyed_by_stream)
{
  GHashTable *avg = averages ? g_hash_table_lookup(averages, ALL_TIME) : NULL;
  GHashTable *n = counts ? g_hash_table_lookup(counts, ALL_TIME) : NULL;
  if (!avg || !n) return 0;
  double sum = 0;
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, avg);
  while (g_hash_table_iter_next(&it, &key, &value)) {
    if (keyed_by_stream && g_str_has_prefix(key, "__")) continue;
    const gint64 *count = count_for(n, key, keyed_by_stream);
    if (count) sum += *(gdouble *)value * (double)*count;
  }
  return sum;
}

static void add_executor(const GustStormExecutorSummary *executor, component_totals *c)
{
  c->executors++;
  const GustStormExecutorStats *stats = executor->__isset_stats ? executor->stats : NULL;
  if (!stats) return;
  c->emitted += all_time_sum(stats->emitted, TRUE);
  const GustStormExecutorSpecificStats *specific = stats->specific;
  if (specific && specific->__isset_spout && specific->spout) {
    const GustStormSpoutStats *spout = specific->spout;
    c->is_spout = TRUE;
    double acked = all_time_sum(spout->acked, TRUE);
    c->acked += acked;
    c->latency_weighted += all_time_weighted(spout->complete_ms_avg, spout->acked, TRUE);
    c->latency_weight += acked;
  } else if (specific && specific->__isset_bolt && specific->bolt) {
    const GustStormBoltStats *bolt = specific->bolt;
    double executed = all_time_sum(bolt->executed, FALSE);
    c->executed += executed;
    c->latency_weighted += all_time_weighted(bolt->execute_ms_avg, bolt->executed, FALSE);
    c->latency_weight += executed;
  }
}

void gust_report_nimbus_read_info(const GustStormTopologyInfo *info, json_t *sample)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
  for (guint i = 0; info->executors && i < info->executors->len; i++) {
    const GustStormExecutorSummary *executor = g_ptr_array_index(info->executors, i);
    if (!executor->component_id || g_str_has_prefix(executor->component_id, "__")) continue;
    component_totals *c = g_hash_table_lookup(by_id, executor->component_id);
    if (!c) g_hash_table_insert(by_id, executor->component_id, c = g_new0(component_totals, 1));
    add_executor(executor, c);
  }
  json_t *components = json_object();
  double tuples = 0, acked = 0, complete_weighted = 0;
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, by_id);
  while (g_hash_table_iter_next(&it, &key, &value)) {
    const component_totals *c = value;
    json_t *row = json_pack("{s:s, s:i, s:f}", "kind", c->is_spout ? "spout" : "bolt", "executors",
                            c->executors, "emitted", c->emitted);
    if (!c->is_spout) json_object_set_new(row, "executed", json_real(c->executed));
    if (c->latency_weight > 0)
      json_object_set_new(row, "latency_ms", json_real(c->latency_weighted / c->latency_weight));
    json_object_set_new(components, key, row);
    if (c->is_spout) {
      tuples += c->emitted;
      acked += c->acked;
      complete_weighted += c->latency_weighted;
    }
  }
  json_object_set_new(sample, "tuples", json_real(tuples));
  json_object_set_new(sample, "acked", json_real(acked));
  if (acked > 0) json_object_set_new(sample, "complete_ms", json_real(complete_weighted / acked));
  json_object_set_new(sample, "components", components);
}

gboolean gust_report_nimbus_sample(gust_report_nimbus *nimbus, json_t *sample, GError **error)
{
  if (!nimbus->client) {
    nimbus->client = gust_nimbus_client_connect(nimbus->conf, error);
    if (!nimbus->client) return FALSE;
    g_free(nimbus->address);
    nimbus->address = g_strdup(gust_nimbus_client_address(nimbus->client));
  }
  GError *call_error = NULL;
  GustStormTopologyInfo *info =
      gust_nimbus_client_topology_info(nimbus->client, nimbus->topology, &call_error);
  if (!info) {
    if (!g_error_matches(call_error, GUST_NIMBUS_CLIENT_ERROR, GUST_NIMBUS_CLIENT_ERROR_DECLARED)) {
      gust_nimbus_client_free(nimbus->client);
      nimbus->client = NULL;
    }
    g_set_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_SOURCE, "Nimbus at %s: %s",
                nimbus->address, call_error->message);
    g_error_free(call_error);
    return FALSE;
  }
  gust_report_nimbus_read_info(info, sample);
  g_object_unref(info);
  return TRUE;
}
