/* cluster_test.c — see cluster_test.h. */
#include "cluster_test.h"

#include "cluster_internal.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

/* One line per message, without a time: GLib's own writer calls
 * localtime(), whose lock inside glibc TSan cannot see (a false race when
 * two threads log at once).  Debug lines only with G_MESSAGES_DEBUG. */
static GLogWriterOutput write_plain_line(GLogLevelFlags level, const GLogField *fields,
                                         gsize n_fields, gpointer data)
{
  const char *domain = "", *message = "";
  for (gsize i = 0; i < n_fields; i++) {
    if (!strcmp(fields[i].key, "GLIB_DOMAIN")) domain = fields[i].value;
    if (!strcmp(fields[i].key, "MESSAGE")) message = fields[i].value;
  }
  if ((level & G_LOG_LEVEL_DEBUG) && !g_getenv("G_MESSAGES_DEBUG")) return G_LOG_WRITER_HANDLED;
  const char *name = level & G_LOG_LEVEL_ERROR      ? "ERROR"
                     : level & G_LOG_LEVEL_CRITICAL ? "CRITICAL"
                     : level & G_LOG_LEVEL_WARNING  ? "WARNING"
                     : level & G_LOG_LEVEL_MESSAGE  ? "MESSAGE"
                     : level & G_LOG_LEVEL_INFO     ? "INFO"
                                                    : "DEBUG";
  char *line = g_strdup_printf("%s-%s: %s\n", domain, name, message);
  gboolean ok = write(STDERR_FILENO, line, strlen(line)) == (ssize_t)strlen(line);
  g_free(line);
  return ok ? G_LOG_WRITER_HANDLED : G_LOG_WRITER_UNHANDLED;
}

void cluster_test_init(int *argc, char ***argv)
{
  g_test_init(argc, argv, NULL);
  g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR);
  g_log_set_writer_func(write_plain_line, NULL, NULL);
}

const char *cluster_test_servers(void)
{
  const char *servers = g_getenv("GUST_TEST_ZOOKEEPER");
  if (!servers || !*servers)
    g_error("GUST_TEST_ZOOKEEPER is not set: run this test through tests/tools/with_zookeeper.py "
            "(ctest does)");
  return servers;
}

char *cluster_test_new_root(void)
{
  static gint next = 0;
  return g_strdup_printf("/test-%d-%d", (int)getpid(), g_atomic_int_add(&next, 1));
}

static pid_t paused_server; /* set before the resuming thread starts */

static gpointer resume_server(gpointer data)
{
  g_usleep(GPOINTER_TO_UINT(data) * (gulong)1000);
  kill(paused_server, SIGCONT);
  return NULL;
}

void cluster_test_pause_server(guint ms)
{
  const char *pid = g_getenv("GUST_TEST_ZOOKEEPER_PID");
  if (!pid)
    g_error("GUST_TEST_ZOOKEEPER_PID is not set: run through tests/tools/with_zookeeper.py");
  paused_server = (pid_t)g_ascii_strtoll(pid, NULL, 10);
  g_assert_cmpint(kill(paused_server, SIGSTOP), ==, 0);
  g_thread_unref(g_thread_new("resume-server", resume_server, GUINT_TO_POINTER(ms)));
}

gust_cluster *cluster_test_connect(const char *root)
{
  GError *error = NULL;
  gust_cluster *c = gust_cluster_connect(cluster_test_servers(), root, 4000, &error);
  g_assert_no_error(error);
  g_assert_nonnull(c);
  return c;
}

void cluster_test_counter_init(cluster_test_counter *counter)
{
  fc_mutex_init(&counter->lock);
  fc_cond_init(&counter->cond);
  counter->count = 0;
  counter->last_path = NULL;
}

void cluster_test_counter_clear(cluster_test_counter *counter)
{
  g_free(counter->last_path);
  pthread_cond_destroy(&counter->cond);
  pthread_mutex_destroy(&counter->lock);
}

void cluster_test_counter_bump(cluster_test_counter *counter, const char *path)
{
  pthread_mutex_lock(&counter->lock);
  counter->count++;
  g_free(counter->last_path);
  counter->last_path = g_strdup(path);
  pthread_cond_broadcast(&counter->cond);
  pthread_mutex_unlock(&counter->lock);
}

int cluster_test_counter_get(cluster_test_counter *counter)
{
  pthread_mutex_lock(&counter->lock);
  int count = counter->count;
  pthread_mutex_unlock(&counter->lock);
  return count;
}

char *cluster_test_counter_last_path(cluster_test_counter *counter)
{
  pthread_mutex_lock(&counter->lock);
  char *path = g_strdup(counter->last_path);
  pthread_mutex_unlock(&counter->lock);
  return path;
}

void cluster_test_counter_wait(cluster_test_counter *counter, int n)
{
  gint64 deadline = g_get_monotonic_time() + CLUSTER_TEST_WAIT_US;
  pthread_mutex_lock(&counter->lock);
  while (counter->count < n)
    if (!fc_cond_wait_until(&counter->cond, &counter->lock, deadline)) break;
  int count = counter->count;
  pthread_mutex_unlock(&counter->lock);
  if (count < n) g_error("waited for %d calls, saw %d", n, count);
}

void cluster_test_count_watch(gust_cluster *c, const char *path, void *data)
{
  cluster_test_counter_bump(data, path);
}

void cluster_test_wait_until(gboolean (*predicate)(void *data), void *data, const char *what)
{
  gint64 deadline = g_get_monotonic_time() + CLUSTER_TEST_WAIT_US;
  while (!predicate(data)) {
    if (g_get_monotonic_time() > deadline) g_error("timed out waiting for %s", what);
    g_usleep(20 * 1000);
  }
}

/* A twin's watcher: notes the state its last session event told (the
 * client library frees a queued event only by delivering it, so a twin
 * closed before its event was delivered leaks it). */
static void twin_events(zhandle_t *zh, int type, int state, const char *path, void *context)
{
  if (type == ZOO_SESSION_EVENT) g_atomic_int_set((gint *)context, state);
}

/* Closes a twin once its watcher was told the state it is in (bounded). */
static void close_twin(zhandle_t *twin, int state, gint *told)
{
  gint64 deadline = g_get_monotonic_time() + CLUSTER_TEST_WAIT_US;
  while (g_atomic_int_get(told) != state && g_get_monotonic_time() < deadline)
    g_usleep(1000);
  zookeeper_close(twin);
}

static void twin_log_line(const char *message)
{
  g_debug("session twin: %s", message);
}

/* A twin of the session id: its state once the server answered it,
 * ZOO_CONNECTED_STATE (the session lives, and now belongs to the twin) or
 * ZOO_EXPIRED_SESSION_STATE (the session is gone). */
static zhandle_t *session_twin(const clientid_t *id, int *state, gint *told)
{
  zhandle_t *twin =
      zookeeper_init2(cluster_test_servers(), twin_events, 4000, id, told, 0, twin_log_line);
  g_assert_nonnull(twin);
  gint64 deadline = g_get_monotonic_time() + CLUSTER_TEST_WAIT_US;
  while ((*state = zoo_state(twin)) != ZOO_CONNECTED_STATE && *state != ZOO_EXPIRED_SESSION_STATE) {
    if (g_get_monotonic_time() > deadline) g_error("the session twin did not connect");
    g_usleep(1000);
  }
  return twin;
}

void cluster_test_expire_session(gust_cluster *c)
{
  zhandle_t *zh = cluster_handle_acquire(c);
  clientid_t id = *zoo_client_id(zh);
  cluster_handle_release(c);
  /* A twin that opens the session takes it from c, and closing the twin
   * closes the session; but c reconnects at once, and when it takes the
   * session back before the twin's close arrives, the server refuses the
   * close (the session moved).  So this is repeated until a twin finds the
   * session gone. */
  for (int attempt = 0;; attempt++) {
    int state;
    gint told = 0;
    zhandle_t *twin = session_twin(&id, &state, &told);
    if (state == ZOO_EXPIRED_SESSION_STATE) {
      close_twin(twin, state, &told);
      return;
    }
    if (attempt == 50) g_error("the session outlived 50 twins that closed it");
    g_assert_cmpint(zoo_client_id(twin)->client_id, ==, id.client_id);
    /* closes the session itself: the server drops c's ephemeral nodes */
    close_twin(twin, state, &told);
  }
}

int64_t cluster_test_session_id(gust_cluster *c)
{
  zhandle_t *zh = cluster_handle_acquire(c);
  int64_t id = zoo_client_id(zh)->client_id;
  cluster_handle_release(c);
  return id;
}

int64_t cluster_test_node_owner(gust_cluster *c, const char *root, const char *path)
{
  g_autofree char *full = g_strconcat(root, path, NULL);
  struct Stat stat;
  zhandle_t *zh = cluster_handle_acquire(c);
  int rc = zoo_exists(zh, full, 0, &stat);
  cluster_handle_release(c);
  if (rc == ZNONODE) return 0;
  g_assert_cmpint(rc, ==, ZOK);
  return stat.ephemeralOwner;
}
