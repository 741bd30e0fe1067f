/* test_stats_replies.c — the statistics methods' replies against Storm's.
 *
 * A known heartbeat (a worker's gust_runtime_stats_json() output for a
 * topology like the recorded fx-java: spout sentences, bolts split x2 and
 * count, with system streams, ticks and errors) is turned into
 * TopologyInfo, TopologyPageInfo, ComponentPageInfo (a bolt and a spout)
 * and SupervisorPageInfo, written as the reply of their method, and walked
 * field by field: every (field-id path, Thrift type) the real Storm 2.6.0
 * Nimbus sent in the recorded reply (tests/fixtures/storm-2.6.0,
 * f-stats-python and f-monitor) must be in ours.  Values differ and are
 * not compared here; the sums are checked on the known numbers below.
 */
#include "stats_known.h"

#include <gust/storm_thrift.h>
#include <string.h>

/* ---- shapes: "path=type" of every value in a binary-protocol struct ---- */

typedef struct {
  const guint8 *p;
  gsize len, pos;
} cursor;

static gboolean need(cursor *c, gsize n)
{
  return c->len - c->pos >= n;
}

static gint64 read_be(cursor *c, int bytes)
{
  g_assert_true(need(c, (gsize)bytes));
  guint64 v = 0;
  for (int i = 0; i < bytes; i++)
    v = v << 8 | c->p[c->pos++];
  if (bytes < 8 && (v >> (bytes * 8 - 1)) & 1) v |= ~0ULL << (bytes * 8); /* sign */
  return (gint64)v;
}

static void walk(cursor *c, int type, const char *path, GHashTable *out, int depth);

static void walk_struct(cursor *c, const char *path, GHashTable *out, int depth)
{
  for (;;) {
    int type = (int)read_be(c, 1);
    if (type == 0) return;
    int id = (int)read_be(c, 2);
    g_autofree char *sub = g_strdup_printf("%s.%d", path, id);
    walk(c, type, sub, out, depth + 1);
  }
}

static void walk(cursor *c, int type, const char *path, GHashTable *out, int depth)
{
  g_assert_cmpint(depth, <, 64);
  g_hash_table_add(out, g_strdup_printf("%s=%d", path, type));
  switch (type) {
  case 2:
  case 3:
    c->pos += 1;
    break;
  case 4:
  case 10:
    c->pos += 8;
    break;
  case 6:
    c->pos += 2;
    break;
  case 8:
    c->pos += 4;
    break;
  case 11:
    c->pos += (gsize)read_be(c, 4);
    break;
  case 12:
    walk_struct(c, path, out, depth);
    break;
  case 13: {
    int kt = (int)read_be(c, 1), vt = (int)read_be(c, 1);
    gint64 n = read_be(c, 4);
    g_autofree char *k = g_strdup_printf("%s{k}", path), *v = g_strdup_printf("%s{v}", path);
    for (gint64 i = 0; i < n; i++) {
      walk(c, kt, k, out, depth + 1);
      walk(c, vt, v, out, depth + 1);
    }
    break;
  }
  case 14:
  case 15: {
    int et = (int)read_be(c, 1);
    gint64 n = read_be(c, 4);
    g_autofree char *e = g_strdup_printf("%s[]", path);
    for (gint64 i = 0; i < n; i++)
      walk(c, et, e, out, depth + 1);
    break;
  }
  default:
    g_error("unknown Thrift type %d at %s", type, path);
  }
  g_assert_true(c->pos <= c->len);
}

/* The shape of a reply message (framed when framed). */
static GHashTable *shape_of(const guint8 *data, gsize len, gboolean framed)
{
  gust_thrift_message m;
  GError *error = NULL;
  g_assert_true(gust_thrift_message_parse(data, len, framed, len, &m, &error));
  g_assert_no_error(error);
  g_assert_cmpint(m.type, ==, GUST_THRIFT_REPLY);
  gsize body_len;
  cursor c = {.p = g_bytes_get_data(m.body, &body_len)};
  c.len = body_len;
  GHashTable *out = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  walk_struct(&c, "", out, 0);
  gust_thrift_message_clear(&m);
  return out;
}

/* Every entry of Storm's reply is in ours: a field Storm sends that we
 * leave out, or send with another type, fails. */
static void assert_shape_covers_under(const char *fixture, const char *method, gpointer success,
                                      const char *prefix)
{
  g_autofree char *path = g_build_filename(GUST_STORM_FIXTURES, fixture, NULL);
  g_autofree char *storm_bytes = NULL;
  gsize storm_len = 0;
  GError *error = NULL;
  g_assert_true(g_file_get_contents(path, &storm_bytes, &storm_len, &error));
  g_assert_no_error(error);
  GHashTable *storm = shape_of((const guint8 *)storm_bytes, storm_len, TRUE);

  const gust_nimbus_method *m = gust_nimbus_method_lookup(method);
  g_assert_nonnull(m);
  gpointer result = g_object_new(m->result_type(), "success", success, NULL);
  GBytes *ours_bytes =
      gust_thrift_message_encode(method, GUST_THRIFT_REPLY, 1, result, FALSE, G_MAXSIZE, &error);
  g_assert_no_error(error);
  gsize ours_len;
  const guint8 *ours_data = g_bytes_get_data(ours_bytes, &ours_len);
  GHashTable *ours = shape_of(ours_data, ours_len, FALSE);

  guint missing = 0;
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init(&it, storm);
  while (g_hash_table_iter_next(&it, &key, NULL))
    if (g_str_has_prefix(key, prefix) && !g_hash_table_contains(ours, key)) {
      g_test_message("%s: Storm sends %s, gust does not", fixture, (char *)key);
      missing++;
    }
  g_assert_cmpuint(missing, ==, 0);
  g_assert_cmpuint(g_hash_table_size(storm), >, 10); /* the fixture was read */
  g_hash_table_destroy(storm);
  g_hash_table_destroy(ours);
  g_bytes_unref(ours_bytes);
  g_object_unref(result);
}

static void assert_shape_covers(const char *fixture, const char *method, gpointer success)
{
  assert_shape_covers_under(fixture, method, success, "");
}

/* ---- the tests ---- */

static void test_topology_info_has_every_field_storm_sends(void)
{
  known k;
  known_init(&k);
  GustStormTopologyInfo *info = gust_stats_topology_info(&k.t, GUST_STATS_ERRORS_ALL);
  assert_shape_covers("f-stats-python/12-s2c-getTopologyInfo.bin", "getTopologyInfo", info);
  assert_shape_covers("f-stats-python/14-s2c-getTopologyInfoWithOpts.bin",
                      "getTopologyInfoWithOpts", info);
  assert_shape_covers("f-stats-python/34-s2c-getTopologyInfo.bin", "getTopologyInfo", info);
  assert_shape_covers("f-monitor/04-s2c-getTopologyInfoByNameWithOpts.bin",
                      "getTopologyInfoByNameWithOpts", info);
  /* the values: four executors, errors kept per component, the record */
  g_assert_cmpuint(info->executors->len, ==, 4);
  g_assert_cmpstr(info->name, ==, "fx-java");
  g_assert_cmpint(info->uptime_secs, ==, 300);
  GPtrArray *split_errors = g_hash_table_lookup(info->errors, "split");
  g_assert_cmpuint(split_errors->len, ==, 2);
  g_assert_cmpstr(((GustStormErrorInfo *)g_ptr_array_index(split_errors, 1))->error, ==, "second");
  g_assert_cmpuint(((GPtrArray *)g_hash_table_lookup(info->errors, "count"))->len, ==, 0);
  g_object_unref(info);
  info = gust_stats_topology_info(&k.t, GUST_STATS_ERRORS_ONE);
  split_errors = g_hash_table_lookup(info->errors, "split");
  g_assert_cmpuint(split_errors->len, ==, 1);
  g_assert_cmpstr(((GustStormErrorInfo *)g_ptr_array_index(split_errors, 0))->error, ==, "second");
  g_object_unref(info);
  known_clear(&k);
}

static gint64 window_value(GHashTable *map, const char *window)
{
  gint64 *v = g_hash_table_lookup(map, window);
  g_assert_nonnull(v);
  return *v;
}

static void test_topology_page_has_every_field_storm_sends(void)
{
  known k;
  known_init(&k);
  GustStormTopologyPageInfo *p = gust_stats_topology_page(&k.t, ":all-time", FALSE);
  assert_shape_covers("f-stats-python/22-s2c-getTopologyPageInfo.bin", "getTopologyPageInfo", p);
  /* without system streams: 1000 + 2 * (600 + 400 + 2000) emitted */
  g_assert_cmpint(window_value(p->topology_stats->window_to_emitted, "600"), ==, 7000);
  g_assert_cmpint(window_value(p->topology_stats->window_to_acked, ":all-time"), ==, 990);
  GustStormComponentAggregateStats *split = g_hash_table_lookup(p->id_to_bolt_agg_stats, "split");
  g_assert_nonnull(split);
  g_assert_cmpint(split->common_stats->num_executors, ==, 2);
  g_assert_cmpint(split->specific_stats->bolt->executed, ==, 1000);
  /* weighted by executed: (600 * 1 + 400 * 2) / 1000 */
  g_assert_cmpfloat_with_epsilon(split->specific_stats->bolt->execute_latency_ms, 1.4, 1e-9);
  g_assert_cmpstr(split->last_error->error, ==, "second");
  g_assert_cmpint(p->num_executors, ==, 4);
  g_assert_null(g_hash_table_lookup(p->id_to_bolt_agg_stats, "__system"));
  g_object_unref(p);
  /* with system streams the ack streams and ticks count */
  p = gust_stats_topology_page(&k.t, "600", TRUE);
  g_assert_cmpint(window_value(p->topology_stats->window_to_emitted, "600"), ==,
                  7000 + 1000 + 3000);
  split = g_hash_table_lookup(p->id_to_bolt_agg_stats, "split");
  g_assert_cmpint(split->specific_stats->bolt->executed, ==, 1010);
  g_object_unref(p);
  known_clear(&k);
}

static void test_component_pages_have_every_field_storm_sends(void)
{
  known k;
  known_init(&k);
  GustStormComponentPageInfo *p = gust_stats_component_page(&k.t, "split", ":all-time", FALSE);
  g_assert_nonnull(p);
  assert_shape_covers("f-stats-python/24-s2c-getComponentPageInfo.bin", "getComponentPageInfo", p);
  g_assert_cmpint(p->component_type, ==, GUST_STORM_COMPONENT_TYPE_BOLT);
  g_assert_cmpuint(g_hash_table_size(p->gsid_to_input_stats), ==, 1); /* no __tick */
  g_assert_cmpuint(g_hash_table_size(p->sid_to_output_stats), ==, 1); /* no __ack_ack */
  g_assert_cmpuint(p->exec_stats->len, ==, 2);
  g_assert_cmpuint(p->errors->len, ==, 2);
  g_object_unref(p);
  p = gust_stats_component_page(&k.t, "sentences", ":all-time", FALSE);
  assert_shape_covers("f-stats-python/26-s2c-getComponentPageInfo.bin", "getComponentPageInfo", p);
  g_assert_cmpint(p->component_type, ==, GUST_STORM_COMPONENT_TYPE_SPOUT);
  GustStormComponentAggregateStats *out = g_hash_table_lookup(p->sid_to_output_stats, "default");
  g_assert_cmpint(out->common_stats->acked, ==, 990);
  g_assert_cmpfloat_with_epsilon(out->specific_stats->spout->complete_latency_ms, 2.5, 1e-9);
  g_object_unref(p);
  g_assert_null(gust_stats_component_page(&k.t, "nope", "600", FALSE));
  /* a submitted component no heartbeat reports yet: zeros, its type */
  k.t.components = json_pack("{s:s, s:s, s:s, s:s}", "sentences", "spout", "split", "bolt", "count",
                             "bolt", "audit", "bolt");
  json_object_set_new(json_object_get(k.storm, "component_executors"), "audit", json_integer(3));
  p = gust_stats_component_page(&k.t, "audit", "600", FALSE);
  g_assert_nonnull(p);
  g_assert_cmpint(p->component_type, ==, GUST_STORM_COMPONENT_TYPE_BOLT);
  g_assert_cmpint(p->num_executors, ==, 3);
  g_object_unref(p);
  GustStormTopologyPageInfo *page = gust_stats_topology_page(&k.t, "600", FALSE);
  GustStormComponentAggregateStats *audit =
      g_hash_table_lookup(page->id_to_bolt_agg_stats, "audit");
  g_assert_nonnull(audit);
  g_assert_cmpint(audit->common_stats->emitted, ==, 0);
  g_assert_cmpint(page->num_executors, ==, 4 + 3);
  g_object_unref(page);
  json_decref(k.t.components);
  known_clear(&k);
}

static void test_supervisor_page_has_every_field_storm_sends(void)
{
  known k;
  known_init(&k);
  GustStormSupervisorPageInfo *p =
      gust_stats_supervisor_page(k.supervisors, &k.t, 1, "sup-1", NULL, k.t.now_secs);
  assert_shape_covers("f-stats-python/28-s2c-getSupervisorPageInfo.bin", "getSupervisorPageInfo",
                      p);
  g_assert_cmpuint(p->supervisor_summaries->len, ==, 1);
  g_assert_cmpuint(p->worker_summaries->len, ==, 1);
  GustStormWorkerSummary *w = g_ptr_array_index(p->worker_summaries, 0);
  g_assert_cmpint(w->num_executors, ==, 4);
  g_object_unref(p);
  known_clear(&k);
}

/* getClusterInfo's supervisors (field 1 of ClusterSummary) */
static void test_cluster_supervisors_have_every_field_storm_sends(void)
{
  known k;
  known_init(&k);
  GustStormClusterSummary *c = g_object_new(GUST_STORM_TYPE_CLUSTER_SUMMARY, NULL);
  g_ptr_array_add(c->supervisors,
                  gust_stats_supervisor_summary(json_array_get(k.supervisors, 0), k.t.now_secs));
  assert_shape_covers_under("f-stats-python/04-s2c-getClusterInfo.bin", "getClusterInfo", c,
                            ".0.1");
  GustStormSupervisorSummary *s = g_ptr_array_index(c->supervisors, 0);
  g_assert_cmpint(s->num_workers, ==, 2);
  g_assert_cmpint(s->num_used_workers, ==, 1);
  g_assert_cmpint(s->uptime_secs, ==, 1200);
  g_object_unref(c);
  known_clear(&k);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/nimbus/stats/topology_info_has_every_field_storm_sends",
                  test_topology_info_has_every_field_storm_sends);
  g_test_add_func("/nimbus/stats/topology_page_has_every_field_storm_sends",
                  test_topology_page_has_every_field_storm_sends);
  g_test_add_func("/nimbus/stats/component_pages_have_every_field_storm_sends",
                  test_component_pages_have_every_field_storm_sends);
  g_test_add_func("/nimbus/stats/supervisor_page_has_every_field_storm_sends",
                  test_supervisor_page_has_every_field_storm_sends);
  g_test_add_func("/nimbus/stats/cluster_supervisors_have_every_field_storm_sends",
                  test_cluster_supervisors_have_every_field_storm_sends);
  return g_test_run();
}
