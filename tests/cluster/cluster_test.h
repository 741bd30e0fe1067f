/* cluster_test.h — what the tests of gust_cluster share: the address of the
 * real ZooKeeper server (GUST_TEST_ZOOKEEPER, set by
 * tests/tools/with_zookeeper.py, which ctest runs them through), a fresh
 * root per test, bounded waits, and a real session expiry.
 */
#ifndef GUST_CLUSTER_TEST_H
#define GUST_CLUSTER_TEST_H

#include "sync.h" /* pthread locks: TSan cannot see GLib's */

#include <gust/cluster.h>
#include <pthread.h>

/* Bound on waits that only catch a hang (a loaded machine is slow). */
#define CLUSTER_TEST_WAIT_US (60 * G_TIME_SPAN_SECOND)

/* g_test_init, with warnings not fatal: a lost connection and a renewed
 * session are warned about, from the event thread, when a test causes them. */
void cluster_test_init(int *argc, char ***argv);
/* "127.0.0.1:PORT" of the test server; aborts the test with a hint when the
 * variable is missing. */
const char *cluster_test_servers(void);
/* A root of its own for this test ("/test-<pid>-<n>"), g_free. */
char *cluster_test_new_root(void);
/* Stops the test server (SIGSTOP) now and lets it go on (SIGCONT) after
 * ms, from another thread: a server too slow to answer for that long. */
void cluster_test_pause_server(guint ms);

/* Connects to the test server under root, session timeout 4 s; asserts. */
gust_cluster *cluster_test_connect(const char *root);

/* A thread-safe counter that callbacks bump and tests wait on. */
typedef struct {
  pthread_mutex_t lock;
  pthread_cond_t cond;
  int count;
  char *last_path;
} cluster_test_counter;
void cluster_test_counter_init(cluster_test_counter *counter);
void cluster_test_counter_clear(cluster_test_counter *counter);
void cluster_test_counter_bump(cluster_test_counter *counter, const char *path);
int cluster_test_counter_get(cluster_test_counter *counter);
/* A copy of the path of the latest bump, read under the lock (callbacks may
 * bump again while the test looks); the caller frees it. */
char *cluster_test_counter_last_path(cluster_test_counter *counter);
/* Waits (bounded; asserts) until the count is at least n. */
void cluster_test_counter_wait(cluster_test_counter *counter, int n);
/* A gust_cluster_watch_fn bumping the counter given as data. */
void cluster_test_count_watch(gust_cluster *c, const char *path, void *data);

/* Waits (bounded; asserts) until predicate(data) is true. */
void cluster_test_wait_until(gboolean (*predicate)(void *data), void *data, const char *what);

/* Ends c's session on the server as an expiry does (a second client opens
 * the same session and closes it); c learns it when it next hears from the
 * server. */
void cluster_test_expire_session(gust_cluster *c);
/* c's ZooKeeper session id now. */
int64_t cluster_test_session_id(gust_cluster *c);
/* The session owning the ephemeral node root + path, read through c: 0
 * when the node is missing (or is not ephemeral); asserts other errors. */
int64_t cluster_test_node_owner(gust_cluster *c, const char *root, const char *path);

#endif
