/* test_stats_source.c — the statistics methods' data path on a real
 * ZooKeeper server: a worker's heartbeat under /workerbeats/<id>/ and a
 * supervisor under /supervisors/ are read back through the Nimbus's
 * connection (a node that is not JSON is skipped), turned into
 * TopologyInfo, and an unknown topology is not alive.  Without a
 * connection the replies are built with no executors.
 */
#include "cluster_test.h"
#include "stats_known.h"
#include "stats_source.h"

/* A Nimbus context with one topology in its table (what submitTopology
 * leaves there), and cluster as its ZooKeeper connection. */
static gust_nimbus *nimbus_with_topology(gust_cluster *cluster, const char *id)
{
  gust_nimbus *n = g_new0(gust_nimbus, 1);
  g_mutex_init(&n->lock);
  n->topologies = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                        (GDestroyNotify)gust_nimbus_topology_free);
  gust_nimbus_topology *t = g_new0(gust_nimbus_topology, 1);
  t->id = g_strdup(id);
  t->name = g_strdup("fx-java");
  t->status = g_strdup("ACTIVE");
  t->owner = g_strdup("root");
  t->launch_time_secs = g_get_real_time() / G_USEC_PER_SEC - 60;
  t->topology = g_object_new(GUST_STORM_TYPE_STORM_TOPOLOGY, NULL);
  t->conf = json_pack("{s:i}", "topology.workers", 1);
  g_hash_table_insert(n->topologies, t->id, t);
  n->cluster = cluster;
  return n;
}

static void nimbus_free(gust_nimbus *n)
{
  g_hash_table_destroy(n->topologies);
  g_mutex_clear(&n->lock);
  g_free(n);
}

static void put_json(gust_cluster *c, const char *path, json_t *value)
{
  GError *error = NULL;
  g_assert_true(gust_cluster_put_json(c, path, value, GUST_NODE_PERSISTENT, &error));
  g_assert_no_error(error);
  json_decref(value);
}

static void test_heartbeats_and_supervisors_are_read_from_zookeeper(void)
{
  g_autofree char *root = cluster_test_new_root();
  gust_cluster *c = cluster_test_connect(root);
  const char *id = "fx-java-1-1764799900";
  gust_nimbus *n = nimbus_with_topology(c, id);
  put_json(c, "/workerbeats/fx-java-1-1764799900/sup-1-6700", known_beat());
  GError *error = NULL;
  g_assert_true(gust_cluster_put(c, "/workerbeats/fx-java-1-1764799900/sup-2-6701", "not json", 8,
                                 GUST_NODE_PERSISTENT, NULL, &error));
  g_assert_no_error(error);
  known k;
  known_init(&k);
  put_json(c, "/supervisors/sup-1", json_incref(json_array_get(k.supervisors, 0)));
  known_clear(&k);

  gust_stats_loaded l;
  g_assert_true(gust_stats_load(n, id, NULL, &l));
  g_assert_cmpuint(json_array_size(l.beats), ==, 1); /* the one that is not JSON skipped */
  GustStormTopologyInfo *info = gust_stats_topology_info(&l.view, GUST_STATS_ERRORS_ALL);
  g_assert_cmpuint(info->executors->len, ==, 4);
  g_assert_cmpstr(info->name, ==, "fx-java");
  g_assert_cmpint(info->uptime_secs, >=, 60);
  GustStormExecutorSummary *e = g_ptr_array_index(info->executors, 0);
  g_assert_cmpstr(e->host, ==, "127.0.0.1");
  g_assert_cmpint(e->port, ==, 6700);
  g_object_unref(info);
  gust_stats_loaded_clear(&l);

  g_assert_true(gust_stats_load(n, NULL, "fx-java", &l)); /* by name */
  gust_stats_loaded_clear(&l);
  g_assert_false(gust_stats_load(n, "other-1-1", NULL, &l));

  GPtrArray *supervisors = g_ptr_array_new_with_free_func(g_object_unref);
  gust_nimbus_add_supervisor_summaries(n, supervisors);
  g_assert_cmpuint(supervisors->len, ==, 1);
  g_assert_cmpstr(((GustStormSupervisorSummary *)g_ptr_array_index(supervisors, 0))->supervisor_id,
                  ==, "sup-1");
  g_ptr_array_unref(supervisors);

  /* without ZooKeeper: the topology, no executors */
  n->cluster = NULL;
  g_assert_true(gust_stats_load(n, id, NULL, &l));
  g_assert_cmpuint(json_array_size(l.beats), ==, 0);
  gust_stats_loaded_clear(&l);
  nimbus_free(n);
  gust_cluster_free(c);
}

int main(int argc, char **argv)
{
  cluster_test_init(&argc, &argv);
  g_test_add_func("/nimbus/stats/heartbeats_and_supervisors_are_read_from_zookeeper",
                  test_heartbeats_and_supervisors_are_read_from_zookeeper);
  return g_test_run();
}
