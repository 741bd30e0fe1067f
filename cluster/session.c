/* session.c — one ZooKeeper session per gust_cluster, renewed when it
 * expires, and the event thread that serves everything asynchronous.
 *
 * gust_cluster_connect starts ZooKeeper's multi-threaded client, waits
 * (bounded) for the CONNECTED state, creates the root and starts the event
 * thread.  The session watcher runs on ZooKeeper's completion thread and only
 * records the state and queues an event: the client's synchronous calls
 * cannot be made from that thread.
 *
 * The event thread (one per gust_cluster) pops the queue:
 * - a watch fired: watches.c re-arms it and calls the user's function;
 * - connection lost: a leader steps down (it cannot know whether another
 *   member took over meanwhile); connected again with the same session: the
 *   election is checked again and every watch is called once (changes made
 *   while disconnected were not seen);
 * - session expired: the handle is replaced by a new session (write lock on
 *   handle_lock), this client's ephemeral nodes and candidacy are created
 *   again, and every watch is called once;
 * - stop: gust_cluster_free ends the thread before closing the session.
 *
 * The ZooKeeper client's own log is off, or at warning level into g_debug
 * when G_MESSAGES_DEBUG is set; this library reports connection, session
 * and leadership changes itself with g_message/g_warning.
 */
#include "cluster_internal.h"

#include <errno.h>
#include <string.h>

/* clang-format off */
G_DEFINE_QUARK(gust-cluster-error-quark, gust_cluster_error)
/* clang-format on */

/* The client's log lines carry their level; everything goes to debug so a
 * server that is down does not flood the daemon's log with retries. */
static void zookeeper_log_line(const char *message)
{
  g_debug("zookeeper client: %s", message);
}

/* Once per process, before any thread of this library runs: the client's
 * log level (its log code formats into static buffers, so it is off unless
 * debug output is asked for with G_MESSAGES_DEBUG), and the error quark
 * (G_DEFINE_QUARK's first call is not thread-safe). */
static void init_once(void)
{
  static gsize done = 0;
  if (g_once_init_enter(&done)) {
    if (g_getenv("G_MESSAGES_DEBUG"))
      zoo_set_debug_level(ZOO_LOG_LEVEL_WARN);
    else
      zoo_set_debug_level((ZooLogLevel)0); /* 0: no logging at all */
    (void)gust_cluster_error_quark();
    g_once_init_leave(&done, 1);
  }
}

zhandle_t *cluster_handle_acquire(gust_cluster *c)
{
  pthread_rwlock_rdlock(&c->handle_lock);
  return c->zh;
}

void cluster_handle_release(gust_cluster *c)
{
  pthread_rwlock_unlock(&c->handle_lock);
}

gboolean cluster_on_event_thread(gust_cluster *c)
{
  return c->event_thread == g_thread_self();
}

static const char *state_name(int state)
{
  if (state == ZOO_CONNECTED_STATE) return "connected";
  if (state == ZOO_CONNECTING_STATE) return "connecting";
  if (state == ZOO_ASSOCIATING_STATE) return "associating";
  if (state == ZOO_EXPIRED_SESSION_STATE) return "session expired";
  if (state == ZOO_NOTCONNECTED_STATE) return "not connected";
  return "unknown state";
}

/* ZooKeeper's completion thread: record the state, queue the work. */
static void session_watcher(zhandle_t *zh, int type, int state, const char *path, void *context)
{
  gust_cluster *c = context;
  if (type != ZOO_SESSION_EVENT) return;
  pthread_mutex_lock(&c->state_lock);
  int previous = c->zk_state;
  gboolean reconnected = state == ZOO_CONNECTED_STATE && c->ever_connected && previous != state;
  c->zk_state = state;
  if (state == ZOO_CONNECTED_STATE) c->ever_connected = TRUE;
  pthread_cond_broadcast(&c->state_cond);
  gboolean running = c->event_thread != NULL;
  pthread_mutex_unlock(&c->state_lock);
  if (!running) return;
  if (state == ZOO_EXPIRED_SESSION_STATE)
    cluster_push_event(c, CLUSTER_EVENT_EXPIRED, 0);
  else if (reconnected)
    cluster_push_event(c, CLUSTER_EVENT_CONNECTED, 0);
  else if (state == ZOO_CONNECTING_STATE && previous == ZOO_CONNECTED_STATE)
    cluster_push_event(c, CLUSTER_EVENT_CONNECTION_LOST, 0);
}

/* The wait for a connection: the session timeout, at least 10 s (a server
 * on a loaded machine can be slow to accept). */
static gint64 connect_bound_us(gust_cluster *c)
{
  return MAX(c->session_timeout_ms, 10000) * G_TIME_SPAN_MILLISECOND;
}

/* Opens a new handle in c->zh (caller holds the write lock or is alone) and
 * waits until it is connected.  On failure the handle is closed. */
static gboolean open_session(gust_cluster *c, GError **error)
{
  pthread_mutex_lock(&c->state_lock);
  c->zk_state = ZOO_CONNECTING_STATE;
  c->ever_connected = FALSE;
  pthread_mutex_unlock(&c->state_lock);
  c->zh = zookeeper_init2(c->servers, session_watcher, c->session_timeout_ms, NULL, c, 0,
                          zookeeper_log_line);
  if (!c->zh) {
    g_set_error(
        error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_CONNECTION,
        "cannot start a ZooKeeper client for servers '%s': %s (check storm.zookeeper.servers and "
        "storm.zookeeper.port)",
        c->servers, g_strerror(errno));
    return FALSE;
  }
  gint64 deadline = g_get_monotonic_time() + connect_bound_us(c);
  pthread_mutex_lock(&c->state_lock);
  while (c->zk_state != ZOO_CONNECTED_STATE && c->zk_state != ZOO_EXPIRED_SESSION_STATE &&
         fc_cond_wait_until(&c->state_cond, &c->state_lock, deadline))
    ;
  int state = c->zk_state;
  pthread_mutex_unlock(&c->state_lock);
  if (state == ZOO_CONNECTED_STATE) return TRUE;
  g_set_error(
      error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_CONNECTION,
      "no ZooKeeper server answered at '%s' within %d ms (%s); is ZooKeeper running there? (check "
      "storm.zookeeper.servers and storm.zookeeper.port)",
      c->servers, (int)(connect_bound_us(c) / 1000), state_name(state));
  zookeeper_close(c->zh);
  c->zh = NULL;
  return FALSE;
}

static gboolean create_root(gust_cluster *c, GError **error)
{
  if (!*c->root) return TRUE;
  int rc = cluster_create_parents(c, c->zh, c->root);
  if (rc == ZOK)
    rc = zoo_create(c->zh, c->root, NULL, -1, &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT, NULL, 0);
  if (rc == ZOK || rc == ZNODEEXISTS) return TRUE;
  cluster_set_error(error, rc, "creating the root (storm.zookeeper.root)", c, "");
  return FALSE;
}

/* Event thread: a new handle for the expired one.  The swap holds the
 * write lock only for the pointer: c->zh is never NULL once connected, so a
 * call made meanwhile fails on the expired handle (CONNECTION) or waits for
 * the new one.  FALSE if the cluster is being freed. */
static gboolean replace_handle(gust_cluster *c)
{
  for (;;) {
    pthread_mutex_lock(&c->state_lock);
    c->zk_state = ZOO_CONNECTING_STATE;
    c->ever_connected = FALSE;
    pthread_mutex_unlock(&c->state_lock);
    zhandle_t *fresh = zookeeper_init2(c->servers, session_watcher, c->session_timeout_ms, NULL, c,
                                       0, zookeeper_log_line);
    if (fresh) {
      pthread_rwlock_wrlock(&c->handle_lock);
      zhandle_t *expired = c->zh;
      c->zh = fresh;
      pthread_rwlock_unlock(&c->handle_lock);
      zookeeper_close(expired);
      return TRUE;
    }
    g_warning("cannot start a ZooKeeper client for '%s': %s; trying again", c->servers,
              g_strerror(errno));
    if (cluster_stop_pending(c)) return FALSE;
    g_usleep(G_TIME_SPAN_SECOND);
  }
}

/* Event thread: waits, as long as it takes, for the new session; FALSE if
 * the cluster is being freed meanwhile. */
static gboolean wait_connected(gust_cluster *c)
{
  gint64 next_warning = g_get_monotonic_time() + connect_bound_us(c);
  for (;;) {
    pthread_mutex_lock(&c->state_lock);
    fc_cond_wait_until(&c->state_cond, &c->state_lock,
                       g_get_monotonic_time() + G_TIME_SPAN_SECOND / 4);
    gboolean connected = c->zk_state == ZOO_CONNECTED_STATE;
    pthread_mutex_unlock(&c->state_lock);
    if (connected) return TRUE;
    if (cluster_stop_pending(c)) return FALSE;
    if (g_get_monotonic_time() > next_warning) {
      g_warning("still no ZooKeeper server answering at '%s'; trying on", c->servers);
      next_warning = g_get_monotonic_time() + connect_bound_us(c);
    }
  }
}

/* Event thread: a new session after expiry, then what this client had in
 * the old one: its ephemeral nodes, its candidacy, every watch called once. */
static void renew_session(gust_cluster *c)
{
  g_warning("ZooKeeper session on '%s' expired: starting a new one", c->servers);
  cluster_election_lost_session(c);
  if (!replace_handle(c) || !wait_connected(c)) return;
  g_message("ZooKeeper session on '%s' renewed", c->servers);
  cluster_recreate_ephemerals(c);
  cluster_election_session_renewed(c);
  cluster_watches_fire_all(c);
}

static gpointer event_thread_main(gpointer data)
{
  gust_cluster *c = data;
  for (;;) {
    cluster_event *event = cluster_pop_event(c, -1);
    cluster_event_type type = event->type;
    guint watch_id = event->watch_id;
    g_free(event);
    switch (type) {
    case CLUSTER_EVENT_STOP:
      return NULL;
    case CLUSTER_EVENT_WATCH_FIRED:
      cluster_watch_fired(c, watch_id);
      break;
    case CLUSTER_EVENT_ELECTION_CHECK:
      cluster_election_check(c);
      break;
    case CLUSTER_EVENT_CONNECTION_LOST:
      g_warning("lost the connection to ZooKeeper at '%s'; reconnecting", c->servers);
      cluster_election_lost_session(c);
      break;
    case CLUSTER_EVENT_CONNECTED:
      g_message("connected to ZooKeeper at '%s' again (same session)", c->servers);
      cluster_election_check(c);
      cluster_watches_fire_all(c);
      break;
    case CLUSTER_EVENT_EXPIRED:
      renew_session(c);
      break;
    }
  }
}

/* "/" and "" are the top; otherwise "/a/b" without a trailing slash. */
static char *normalize_root(const char *root)
{
  if (!root || !*root || !strcmp(root, "/")) return g_strdup("");
  char *copy = g_strdup(root);
  gsize len = strlen(copy);
  while (len > 1 && copy[len - 1] == '/')
    copy[--len] = '\0';
  return copy;
}

gust_cluster *gust_cluster_connect(const char *servers, const char *root, int session_timeout_ms,
                                   GError **error)
{
  g_return_val_if_fail(servers != NULL, NULL);
  init_once();
  char *normal_root = normalize_root(root);
  if (*normal_root && !cluster_check_path(normal_root, error)) {
    g_prefix_error(error, "storm.zookeeper.root: ");
    g_free(normal_root);
    return NULL;
  }
  gust_cluster *c = g_new0(gust_cluster, 1);
  c->servers = g_strdup(servers);
  c->root = normal_root;
  c->session_timeout_ms = session_timeout_ms > 0 ? session_timeout_ms : 20000;
  pthread_rwlock_init(&c->handle_lock, NULL);
  fc_mutex_init(&c->state_lock);
  fc_cond_init(&c->state_cond);
  pthread_mutexattr_t recursive;
  pthread_mutexattr_init(&recursive);
  pthread_mutexattr_settype(&recursive, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_init(&c->dispatch_lock, &recursive);
  pthread_mutexattr_destroy(&recursive);
  c->watches = g_hash_table_new(g_direct_hash, g_direct_equal);
  c->next_watch_id = 1;
  c->ephemerals =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_bytes_unref);
  c->sequentials = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  cluster_events_init(c);
  if (!open_session(c, error) || !create_root(c, error)) {
    gust_cluster_free(c);
    return NULL;
  }
  const clientid_t *id = zoo_client_id(c->zh);
  g_message("connected to ZooKeeper at '%s' (session 0x%" G_GINT64_MODIFIER "x, root '%s')",
            c->servers, (gint64)id->client_id, *c->root ? c->root : "/");
  pthread_mutex_lock(&c->state_lock);
  c->event_thread = g_thread_new("gust-cluster", event_thread_main, c);
  pthread_mutex_unlock(&c->state_lock);
  return c;
}

/* storm.zookeeper.servers entries are host names; the port is
 * storm.zookeeper.port unless an entry names one ("host:port"). */
gust_cluster *gust_cluster_connect_conf(json_t *conf, GError **error)
{
  json_t *servers = json_object_get(conf, "storm.zookeeper.servers");
  json_t *port = json_object_get(conf, "storm.zookeeper.port");
  json_t *root = json_object_get(conf, "storm.zookeeper.root");
  json_t *timeout = json_object_get(conf, "storm.zookeeper.session.timeout");
  json_int_t port_number = port ? (json_is_integer(port) ? json_integer_value(port) : -1) : 2181;
  if (port_number <= 0 || port_number > 65535) {
    g_set_error(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_FAILED,
                "storm.zookeeper.port must be a port number (1..65535)");
    return NULL;
  }
  if (servers && !json_is_array(servers)) {
    g_set_error(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_FAILED,
                "storm.zookeeper.servers must be a list of host names");
    return NULL;
  }
  GString *hosts = g_string_new(NULL);
  if (!servers || json_array_size(servers) == 0)
    g_string_append_printf(hosts, "localhost:%d", (int)port_number);
  size_t i;
  json_t *server;
  json_array_foreach(servers, i, server)
  {
    if (!json_is_string(server) || !*json_string_value(server)) {
      g_set_error(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_FAILED,
                  "storm.zookeeper.servers[%zu] must be a host name", i);
      g_string_free(hosts, TRUE);
      return NULL;
    }
    const char *host = json_string_value(server);
    if (hosts->len) g_string_append_c(hosts, ',');
    if (strchr(host, ':'))
      g_string_append(hosts, host);
    else
      g_string_append_printf(hosts, "%s:%d", host, (int)port_number);
  }
  if (root && !json_is_string(root)) {
    g_set_error(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_FAILED,
                "storm.zookeeper.root must be a path such as \"/storm\"");
    g_string_free(hosts, TRUE);
    return NULL;
  }
  json_int_t timeout_ms = timeout && json_is_integer(timeout) ? json_integer_value(timeout) : 20000;
  if (timeout_ms <= 0 || timeout_ms > G_MAXINT) {
    g_set_error(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_FAILED,
                "storm.zookeeper.session.timeout must be a positive number of milliseconds");
    g_string_free(hosts, TRUE);
    return NULL;
  }
  gust_cluster *c = gust_cluster_connect(hosts->str, root ? json_string_value(root) : "/storm",
                                         (int)timeout_ms, error);
  g_string_free(hosts, TRUE);
  return c;
}

void gust_cluster_free(gust_cluster *c)
{
  if (!c) return;
  g_return_if_fail(!cluster_on_event_thread(c));
  if (c->event_thread) {
    cluster_push_event(c, CLUSTER_EVENT_STOP, 0);
    g_thread_join(c->event_thread);
    c->event_thread = NULL;
  }
  if (c->zh) zookeeper_close(c->zh); /* ends the session: ephemeral nodes vanish now */
  c->zh = NULL;
  cluster_watches_free(c);
  cluster_election_free(c);
  g_hash_table_unref(c->watches);
  g_hash_table_unref(c->ephemerals);
  g_hash_table_unref(c->sequentials);
  cluster_events_clear(c);
  pthread_mutex_destroy(&c->dispatch_lock);
  pthread_cond_destroy(&c->state_cond);
  pthread_mutex_destroy(&c->state_lock);
  pthread_rwlock_destroy(&c->handle_lock);
  g_free(c->servers);
  g_free(c->root);
  g_free(c);
}
