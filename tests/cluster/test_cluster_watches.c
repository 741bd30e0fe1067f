/* test_cluster_watches.c — watches on a real ZooKeeper server: they fire on
 * create, data change, children change and delete, stay armed after each
 * call, may call back into the library, stop with unwatch; and a session
 * that expires is renewed with this client's ephemeral nodes and every
 * watch called once.
 */
#include "cluster_test.h"

#include <string.h>

static void put(gust_cluster *c, const char *path, const char *text, gust_node_kind kind)
{
  GError *error = NULL;
  g_assert_true(gust_cluster_put(c, path, text, strlen(text), kind, NULL, &error));
  g_assert_no_error(error);
}

static void test_watch_fires_on_create_change_children_and_delete_and_stays_armed(void)
{
  char *root = cluster_test_new_root();
  gust_cluster *watcher = cluster_test_connect(root);
  gust_cluster *writer = cluster_test_connect(root);
  cluster_test_counter calls;
  cluster_test_counter_init(&calls);
  guint id = gust_cluster_watch(watcher, "/storms/wc", cluster_test_count_watch, &calls);
  g_assert_cmpuint(id, !=, 0);

  put(writer, "/storms/wc", "ACTIVE", GUST_NODE_PERSISTENT); /* created */
  cluster_test_counter_wait(&calls, 1);
  char *path = cluster_test_counter_last_path(&calls);
  g_assert_cmpstr(path, ==, "/storms/wc");
  g_free(path);
  put(writer, "/storms/wc", "INACTIVE", GUST_NODE_PERSISTENT); /* data */
  cluster_test_counter_wait(&calls, 2);
  put(writer, "/storms/wc/child", "", GUST_NODE_PERSISTENT); /* children */
  cluster_test_counter_wait(&calls, 3);
  GError *error = NULL;
  g_assert_true(gust_cluster_delete(writer, "/storms/wc/child", FALSE, &error));
  cluster_test_counter_wait(&calls, 4);
  g_assert_true(gust_cluster_delete(writer, "/storms/wc", FALSE, &error)); /* deleted */
  cluster_test_counter_wait(&calls, 5);
  put(writer, "/storms/wc", "again", GUST_NODE_PERSISTENT); /* created again after a delete */
  cluster_test_counter_wait(&calls, 6);

  gust_cluster_unwatch(watcher, id);
  int before = cluster_test_counter_get(&calls);
  put(writer, "/storms/wc", "unwatched", GUST_NODE_PERSISTENT);
  /* A second watch on the same node sees the change; the removed one must not. */
  cluster_test_counter later;
  cluster_test_counter_init(&later);
  guint second = gust_cluster_watch(watcher, "/storms/wc", cluster_test_count_watch, &later);
  put(writer, "/storms/wc", "seen", GUST_NODE_PERSISTENT);
  cluster_test_counter_wait(&later, 1);
  g_assert_cmpint(cluster_test_counter_get(&calls), ==, before);
  gust_cluster_unwatch(watcher, second);

  gust_cluster_free(writer);
  gust_cluster_free(watcher);
  cluster_test_counter_clear(&later);
  cluster_test_counter_clear(&calls);
  g_free(root);
}

/* A callback reads the node it was told about: the library's calls work
 * from the callback's thread. */
typedef struct {
  cluster_test_counter calls;
  char *seen;
  const char *expected; /* for seen_is */
} reader_state;

static void read_in_callback(gust_cluster *c, const char *path, void *data)
{
  reader_state *state = data;
  char *text = NULL;
  if (gust_cluster_get(c, path, &text, NULL, NULL)) {
    pthread_mutex_lock(&state->calls.lock);
    g_free(state->seen);
    state->seen = text;
    pthread_mutex_unlock(&state->calls.lock);
  }
  cluster_test_counter_bump(&state->calls, path);
}

static gboolean seen_is(void *data)
{
  reader_state *state = data;
  pthread_mutex_lock(&state->calls.lock);
  gboolean ok = state->seen && !strcmp(state->seen, state->expected);
  pthread_mutex_unlock(&state->calls.lock);
  return ok;
}

static void test_callback_may_call_back_into_the_library(void)
{
  char *root = cluster_test_new_root();
  gust_cluster *c = cluster_test_connect(root);
  reader_state state = {.expected = "v3"};
  cluster_test_counter_init(&state.calls);
  gust_cluster_watch(c, "/assignments/t", read_in_callback, &state);
  put(c, "/assignments/t", "v1", GUST_NODE_PERSISTENT);
  put(c, "/assignments/t", "v2", GUST_NODE_PERSISTENT);
  put(c, "/assignments/t", "v3", GUST_NODE_PERSISTENT);
  cluster_test_wait_until(seen_is, &state, "the callback to read v3");
  gust_cluster_free(c); /* with the watch still set: freed with the client */
  g_free(state.seen);
  cluster_test_counter_clear(&state.calls);
  g_free(root);
}

typedef struct {
  gust_cluster *observer;
  const char *path;
  const char *data;
} node_check;

static gboolean node_has_data(void *data)
{
  node_check *check = data;
  char *text = NULL;
  gboolean ok = gust_cluster_get(check->observer, check->path, &text, NULL, NULL) &&
                !strcmp(text, check->data);
  g_free(text);
  return ok;
}

static gboolean node_missing(void *data)
{
  node_check *check = data;
  GError *error = NULL;
  char *text = NULL;
  gboolean missing = !gust_cluster_get(check->observer, check->path, &text, NULL, &error) &&
                     g_error_matches(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_NOT_FOUND);
  g_clear_error(&error);
  g_free(text);
  return missing;
}

/* The ephemeral node of an expired session: gone once it is missing or
 * belongs to another session (c renews its session and creates its node
 * again at once, maybe before an observer looks). */
typedef struct {
  gust_cluster *observer;
  const char *root, *path;
  int64_t expired;
} expired_node;

static gboolean expired_node_gone(void *data)
{
  expired_node *n = data;
  return cluster_test_node_owner(n->observer, n->root, n->path) != n->expired;
}

static void test_expired_session_is_renewed_with_ephemeral_nodes_and_watches_called_once(void)
{
  char *root = cluster_test_new_root();
  gust_cluster *c = cluster_test_connect(root);
  gust_cluster *observer = cluster_test_connect(root);
  put(c, "/supervisors/s1", "{\"id\":\"s1\"}", GUST_NODE_EPHEMERAL);
  put(c, "/kept", "persistent", GUST_NODE_PERSISTENT);
  reader_state state = {0};
  cluster_test_counter_init(&state.calls);
  gust_cluster_watch(c, "/kept", read_in_callback, &state);

  expired_node old = {observer, root, "/supervisors/s1", cluster_test_session_id(c)};
  g_assert_cmpint(cluster_test_node_owner(observer, root, old.path), ==, old.expired);
  cluster_test_expire_session(c);
  cluster_test_wait_until(expired_node_gone, &old,
                          "the expired session's ephemeral node to vanish");
  /* c hears of the expiry at its next contact with the server, renews the
   * session, creates its node again and calls the watch of /kept once. */
  node_check back = {observer, "/supervisors/s1", "{\"id\":\"s1\"}"};
  cluster_test_wait_until(node_has_data, &back, "the ephemeral node to be created again");
  cluster_test_counter_wait(&state.calls, 1);
  char *path = cluster_test_counter_last_path(&state.calls);
  g_assert_cmpstr(path, ==, "/kept");
  g_free(path);

  /* The renewed session works, and the watch is armed on it: each change is
   * seen (the second one only through the watch). */
  put(observer, "/kept", "changed", GUST_NODE_PERSISTENT);
  state.expected = "changed";
  cluster_test_wait_until(seen_is, &state, "the watch to see the first change after the renewal");
  put(observer, "/kept", "changed again", GUST_NODE_PERSISTENT);
  state.expected = "changed again";
  cluster_test_wait_until(seen_is, &state, "the watch to see the second change after the renewal");
  put(c, "/supervisors/s1", "{\"id\":\"s1\",\"hb\":1}", GUST_NODE_EPHEMERAL);
  node_check updated = {observer, "/supervisors/s1", "{\"id\":\"s1\",\"hb\":1}"};
  g_assert_true(node_has_data(&updated));
  /* The node belongs to the new session: it vanishes when c is freed. */
  g_assert_cmpint(cluster_test_node_owner(observer, root, old.path), ==,
                  cluster_test_session_id(c));
  gust_cluster_free(c);
  node_check gone = {observer, "/supervisors/s1", NULL};
  g_assert_true(node_missing(&gone));
  gust_cluster_free(observer);
  g_free(state.seen);
  cluster_test_counter_clear(&state.calls);
  g_free(root);
}

int main(int argc, char **argv)
{
  cluster_test_init(&argc, &argv);
  g_test_add_func("/cluster/watch_fires_on_create_change_children_and_delete_and_stays_armed",
                  test_watch_fires_on_create_change_children_and_delete_and_stays_armed);
  g_test_add_func("/cluster/callback_may_call_back_into_the_library",
                  test_callback_may_call_back_into_the_library);
  g_test_add_func(
      "/cluster/expired_session_is_renewed_with_ephemeral_nodes_and_watches_called_once",
      test_expired_session_is_renewed_with_ephemeral_nodes_and_watches_called_once);
  return g_test_run();
}
