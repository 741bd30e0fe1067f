/* test_cluster_nodes.c — nodes on a real ZooKeeper server: put (create or
 * set, parents created), get, JSON, children, delete, ephemeral and
 * sequential nodes, bad paths, the root, and a server that is not there.
 */
#include "cluster_test.h"

#include <gio/gio.h>
#include <string.h>

static char *get_text(gust_cluster *c, const char *path)
{
  char *data = NULL;
  gsize len = 0;
  GError *error = NULL;
  g_assert_true(gust_cluster_get(c, path, &data, &len, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(strlen(data), ==, len);
  return data;
}

static void assert_missing(gust_cluster *c, const char *path)
{
  char *data = NULL;
  GError *error = NULL;
  g_assert_false(gust_cluster_get(c, path, &data, NULL, &error));
  g_assert_error(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_NOT_FOUND);
  g_assert_nonnull(strstr(error->message, path));
  g_error_free(error);
}

static void test_put_creates_parents_and_overwrites_and_get_reads_back(void)
{
  char *root = cluster_test_new_root();
  gust_cluster *c = cluster_test_connect(root);
  GError *error = NULL;
  g_assert_true(gust_cluster_put(c, "/storms/a/b", "first", 5, GUST_NODE_PERSISTENT, NULL, &error));
  g_assert_no_error(error);
  char *text = get_text(c, "/storms/a/b");
  g_assert_cmpstr(text, ==, "first");
  g_free(text);
  g_assert_true(
      gust_cluster_put(c, "/storms/a/b", "second, longer", 14, GUST_NODE_PERSISTENT, NULL, &error));
  text = get_text(c, "/storms/a/b");
  g_assert_cmpstr(text, ==, "second, longer");
  g_free(text);
  /* A parent made on the way has no data. */
  text = get_text(c, "/storms/a");
  g_assert_cmpstr(text, ==, "");
  g_free(text);
  gust_cluster_free(c);
  g_free(root);
}

static void test_large_values_are_read_whole(void)
{
  char *root = cluster_test_new_root();
  gust_cluster *c = cluster_test_connect(root);
  gsize len = 300 * 1024;
  char *big = g_malloc(len);
  for (gsize i = 0; i < len; i++)
    big[i] = 'a' + (char)(i % 26);
  GError *error = NULL;
  g_assert_true(gust_cluster_put(c, "/big", big, len, GUST_NODE_PERSISTENT, NULL, &error));
  g_assert_no_error(error);
  char *back = NULL;
  gsize back_len = 0;
  g_assert_true(gust_cluster_get(c, "/big", &back, &back_len, &error));
  g_assert_cmpmem(back, back_len, big, len);
  g_free(back);
  g_free(big);
  gust_cluster_free(c);
  g_free(root);
}

/* The node at path reads back as expected. */
static void assert_node_json(gust_cluster *c, const char *path, const json_t *expected)
{
  GError *error = NULL;
  json_t *back = gust_cluster_get_json(c, path, &error);
  g_assert_no_error(error);
  g_assert_true(json_equal(back, expected));
  json_decref(back);
}

static void test_json_round_trips_and_non_json_is_refused_naming_the_node(void)
{
  char *root = cluster_test_new_root();
  gust_cluster *c = cluster_test_connect(root);
  GError *error = NULL;
  json_t *value = json_pack("{s:s, s:i, s:[i,i]}", "name", "wc", "version", 3, "ports", 6700, 6701);
  g_assert_true(
      gust_cluster_put_json(c, "/assignments/wc-1-1", value, GUST_NODE_PERSISTENT, &error));
  g_assert_no_error(error);
  assert_node_json(c, "/assignments/wc-1-1", value);
  json_decref(value);

  g_assert_true(gust_cluster_put(c, "/not-json", "{oops", 5, GUST_NODE_PERSISTENT, NULL, &error));
  g_assert_null(gust_cluster_get_json(c, "/not-json", &error));
  g_assert_error(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_FAILED);
  g_assert_nonnull(strstr(error->message, "/not-json"));
  g_assert_nonnull(strstr(error->message, "JSON"));
  g_clear_error(&error);
  g_assert_null(gust_cluster_get_json(c, "/absent", &error));
  g_assert_error(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_NOT_FOUND);
  g_clear_error(&error);
  gust_cluster_free(c);
  g_free(root);
}

static void test_children_are_sorted_and_a_missing_node_has_none(void)
{
  char *root = cluster_test_new_root();
  gust_cluster *c = cluster_test_connect(root);
  GError *error = NULL;
  const char *names[] = {"/supervisors/zeta", "/supervisors/alpha", "/supervisors/mid"};
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    g_assert_true(gust_cluster_put(c, names[i], "x", 1, GUST_NODE_PERSISTENT, NULL, &error));
  GPtrArray *children = gust_cluster_children(c, "/supervisors", &error);
  g_assert_no_error(error);
  g_assert_cmpuint(children->len, ==, 3);
  g_assert_cmpstr(children->pdata[0], ==, "alpha");
  g_assert_cmpstr(children->pdata[1], ==, "mid");
  g_assert_cmpstr(children->pdata[2], ==, "zeta");
  g_ptr_array_unref(children);
  children = gust_cluster_children(c, "/nothing/here", &error);
  g_assert_no_error(error);
  g_assert_cmpuint(children->len, ==, 0);
  g_ptr_array_unref(children);
  gust_cluster_free(c);
  g_free(root);
}

static void test_delete_refuses_a_parent_unless_recursive_and_ignores_missing(void)
{
  char *root = cluster_test_new_root();
  gust_cluster *c = cluster_test_connect(root);
  GError *error = NULL;
  g_assert_true(
      gust_cluster_put(c, "/storms/t/a/deep", "1", 1, GUST_NODE_PERSISTENT, NULL, &error));
  g_assert_true(gust_cluster_put(c, "/storms/t/b", "2", 1, GUST_NODE_PERSISTENT, NULL, &error));
  g_assert_false(gust_cluster_delete(c, "/storms/t", FALSE, &error));
  g_assert_error(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_FAILED);
  g_assert_nonnull(strstr(error->message, "/storms/t"));
  g_assert_nonnull(strstr(error->message, "children"));
  g_clear_error(&error);
  char *text = get_text(c, "/storms/t/b");
  g_assert_cmpstr(text, ==, "2");
  g_free(text);
  g_assert_true(gust_cluster_delete(c, "/storms/t", TRUE, &error));
  g_assert_no_error(error);
  assert_missing(c, "/storms/t");
  assert_missing(c, "/storms/t/a/deep");
  g_assert_true(gust_cluster_delete(c, "/storms/t", FALSE, &error));
  g_assert_no_error(error);
  gust_cluster_free(c);
  g_free(root);
}

static void test_ephemeral_node_vanishes_when_its_client_is_freed(void)
{
  char *root = cluster_test_new_root();
  gust_cluster *owner = cluster_test_connect(root);
  gust_cluster *other = cluster_test_connect(root);
  GError *error = NULL;
  g_assert_true(
      gust_cluster_put(owner, "/supervisors/s1", "{}", 2, GUST_NODE_EPHEMERAL, NULL, &error));
  g_assert_no_error(error);
  /* Rewritten at each heartbeat: still one node, new data. */
  g_assert_true(gust_cluster_put(owner, "/supervisors/s1", "{\"hb\":2}", 8, GUST_NODE_EPHEMERAL,
                                 NULL, &error));
  char *text = get_text(other, "/supervisors/s1");
  g_assert_cmpstr(text, ==, "{\"hb\":2}");
  g_free(text);
  gust_cluster_free(owner);
  assert_missing(other, "/supervisors/s1");
  gust_cluster_free(other);
  g_free(root);
}

/* A daemon restarted before its old session timed out finds its ephemeral
 * node still there (the old session's): it must own the node now, or the
 * node would vanish when the old session ends. */
static void test_ephemeral_node_of_another_session_is_taken_over(void)
{
  char *root = cluster_test_new_root();
  gust_cluster *old = cluster_test_connect(root);
  gust_cluster *fresh = cluster_test_connect(root);
  GError *error = NULL;
  g_assert_true(
      gust_cluster_put(old, "/nimbuses/h:1", "old", 3, GUST_NODE_EPHEMERAL, NULL, &error));
  g_assert_true(
      gust_cluster_put(fresh, "/nimbuses/h:1", "new", 3, GUST_NODE_EPHEMERAL, NULL, &error));
  g_assert_no_error(error);
  gust_cluster_free(old);
  char *text = get_text(fresh, "/nimbuses/h:1");
  g_assert_cmpstr(text, ==, "new");
  g_free(text);
  gust_cluster_free(fresh);
  g_free(root);
}

static void test_sequential_nodes_get_increasing_names(void)
{
  char *root = cluster_test_new_root();
  gust_cluster *c = cluster_test_connect(root);
  GError *error = NULL;
  char *first = NULL, *second = NULL;
  g_assert_true(
      gust_cluster_put(c, "/queue/n-", "a", 1, GUST_NODE_EPHEMERAL_SEQUENTIAL, &first, &error));
  g_assert_true(
      gust_cluster_put(c, "/queue/n-", "b", 1, GUST_NODE_EPHEMERAL_SEQUENTIAL, &second, &error));
  g_assert_no_error(error);
  g_assert_true(g_str_has_prefix(first, "/queue/n-"));
  g_assert_cmpuint(strlen(first), ==, strlen("/queue/n-") + 10);
  g_assert_cmpstr(first, <, second);
  char *text = get_text(c, second);
  g_assert_cmpstr(text, ==, "b");
  g_free(text);
  GPtrArray *children = gust_cluster_children(c, "/queue", &error);
  g_assert_cmpuint(children->len, ==, 2);
  g_ptr_array_unref(children);
  g_free(first);
  g_free(second);
  gust_cluster_free(c);
  g_free(root);
}

static void test_bad_paths_are_refused_naming_the_path(void)
{
  char *root = cluster_test_new_root();
  gust_cluster *c = cluster_test_connect(root);
  const char *bad[] = {"storms", "/storms/", "/a//b", "/", ""};
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    GError *error = NULL;
    g_assert_false(gust_cluster_put(c, bad[i], "x", 1, GUST_NODE_PERSISTENT, NULL, &error));
    g_assert_error(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_FAILED);
    g_assert_nonnull(strstr(error->message, "path"));
    g_clear_error(&error);
    g_assert_null(gust_cluster_children(c, bad[i], &error));
    g_assert_error(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_FAILED);
    g_clear_error(&error);
  }
  /* ZooKeeper's own rules: "." and ".." are not node names. */
  GError *error = NULL;
  g_assert_false(gust_cluster_put(c, "/a/../b", "x", 1, GUST_NODE_PERSISTENT, NULL, &error));
  g_assert_error(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_FAILED);
  g_assert_nonnull(strstr(error->message, "/a/../b"));
  g_clear_error(&error);
  gust_cluster_free(c);
  g_free(root);
}

static void test_paths_are_relative_to_the_root_which_is_created(void)
{
  char *root = cluster_test_new_root();
  char *nested = g_strconcat(root, "/deeper/storm/", NULL); /* trailing slash tolerated */
  gust_cluster *c = cluster_test_connect(nested);
  GError *error = NULL;
  g_assert_true(gust_cluster_put(c, "/storms/x", "1", 1, GUST_NODE_PERSISTENT, NULL, &error));
  gust_cluster *top = cluster_test_connect("/");
  char *full = g_strconcat(root, "/deeper/storm/storms/x", NULL);
  char *text = get_text(top, full);
  g_assert_cmpstr(text, ==, "1");
  g_free(text);
  g_free(full);
  g_assert_true(gust_cluster_delete(top, root, TRUE, &error));
  g_assert_no_error(error);
  gust_cluster_free(top);
  gust_cluster_free(c);
  g_free(nested);
  g_free(root);
}

static void test_connect_conf_reads_storm_keys(void)
{
  const char *servers = cluster_test_servers();
  const char *colon = strrchr(servers, ':');
  char *host = g_strndup(servers, colon - servers);
  char *root = cluster_test_new_root();
  json_t *conf = json_pack("{s:[s], s:i, s:s, s:i}", "storm.zookeeper.servers", host,
                           "storm.zookeeper.port", atoi(colon + 1), "storm.zookeeper.root", root,
                           "storm.zookeeper.session.timeout", 5000);
  GError *error = NULL;
  gust_cluster *c = gust_cluster_connect_conf(conf, &error);
  g_assert_no_error(error);
  g_assert_true(gust_cluster_put(c, "/ok", "1", 1, GUST_NODE_PERSISTENT, NULL, &error));
  gust_cluster_free(c);

  json_object_set_new(conf, "storm.zookeeper.port", json_string("two"));
  g_assert_null(gust_cluster_connect_conf(conf, &error));
  g_assert_error(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_FAILED);
  g_assert_nonnull(strstr(error->message, "storm.zookeeper.port"));
  g_clear_error(&error);
  json_decref(conf);
  g_free(root);
  g_free(host);
}

/* A port nothing listens on (bound, then closed). */
static int closed_port(void)
{
  GSocket *socket =
      g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  GInetAddress *loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
  GSocketAddress *address = g_inet_socket_address_new(loopback, 0);
  g_assert_true(g_socket_bind(socket, address, FALSE, NULL));
  GSocketAddress *bound = g_socket_get_local_address(socket, NULL);
  int port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
  g_object_unref(bound);
  g_object_unref(address);
  g_object_unref(loopback);
  g_object_unref(socket);
  return port;
}

static void test_a_server_that_is_not_running_is_a_clear_error_within_the_bound(void)
{
  char *servers = g_strdup_printf("127.0.0.1:%d", closed_port());
  GError *error = NULL;
  gint64 start = g_get_monotonic_time();
  gust_cluster *c = gust_cluster_connect(servers, "/storm", 2000, &error);
  gint64 took = g_get_monotonic_time() - start;
  g_assert_null(c);
  g_assert_error(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_CONNECTION);
  g_assert_nonnull(strstr(error->message, servers));
  g_assert_nonnull(strstr(error->message, "storm.zookeeper.servers"));
  /* The bound is 10 s here; this only catches a wait without end. */
  g_assert_cmpint(took, <, 120 * G_TIME_SPAN_SECOND);
  g_error_free(error);
  g_free(servers);
}

static void test_error_domain_has_its_hyphenated_name(void)
{
  g_assert_cmpstr(g_quark_to_string(GUST_CLUSTER_ERROR), ==, "gust-cluster-error-quark");
}

/* A server that stops answering for longer than the client's request
 * timeout: the patient put (a daemon's registration) is tried again once
 * the client has reconnected, and the node is there. */
static void test_patient_put_outlasts_a_server_that_stops_answering(void)
{
  char *root = cluster_test_new_root();
  gust_cluster *c = cluster_test_connect(root); /* session 4 s: requests time out in under 3 s */
  json_t *me = json_pack("{s:s}", "host", "127.0.0.1");
  cluster_test_pause_server(3500);
  GError *error = NULL;
  g_assert_true(
      gust_cluster_put_json_patiently(c, "/nimbuses/me", me, GUST_NODE_EPHEMERAL, &error));
  g_assert_no_error(error);
  assert_node_json(c, "/nimbuses/me", me);
  json_decref(me);
  gust_cluster_free(c);
  g_free(root);
}

int main(int argc, char **argv)
{
  cluster_test_init(&argc, &argv);
  g_test_add_func("/cluster/put_creates_parents_and_overwrites_and_get_reads_back",
                  test_put_creates_parents_and_overwrites_and_get_reads_back);
  g_test_add_func("/cluster/large_values_are_read_whole", test_large_values_are_read_whole);
  g_test_add_func("/cluster/json_round_trips_and_non_json_is_refused_naming_the_node",
                  test_json_round_trips_and_non_json_is_refused_naming_the_node);
  g_test_add_func("/cluster/children_are_sorted_and_a_missing_node_has_none",
                  test_children_are_sorted_and_a_missing_node_has_none);
  g_test_add_func("/cluster/delete_refuses_a_parent_unless_recursive_and_ignores_missing",
                  test_delete_refuses_a_parent_unless_recursive_and_ignores_missing);
  g_test_add_func("/cluster/ephemeral_node_vanishes_when_its_client_is_freed",
                  test_ephemeral_node_vanishes_when_its_client_is_freed);
  g_test_add_func("/cluster/ephemeral_node_of_another_session_is_taken_over",
                  test_ephemeral_node_of_another_session_is_taken_over);
  g_test_add_func("/cluster/sequential_nodes_get_increasing_names",
                  test_sequential_nodes_get_increasing_names);
  g_test_add_func("/cluster/bad_paths_are_refused_naming_the_path",
                  test_bad_paths_are_refused_naming_the_path);
  g_test_add_func("/cluster/paths_are_relative_to_the_root_which_is_created",
                  test_paths_are_relative_to_the_root_which_is_created);
  g_test_add_func("/cluster/connect_conf_reads_storm_keys", test_connect_conf_reads_storm_keys);
  g_test_add_func("/cluster/patient_put_outlasts_a_server_that_stops_answering",
                  test_patient_put_outlasts_a_server_that_stops_answering);
  g_test_add_func("/cluster/a_server_that_is_not_running_is_a_clear_error_within_the_bound",
                  test_a_server_that_is_not_running_is_a_clear_error_within_the_bound);
  g_test_add_func("/cluster/error_domain_has_its_hyphenated_name",
                  test_error_domain_has_its_hyphenated_name);
  return g_test_run();
}
