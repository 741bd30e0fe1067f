/* gust/cluster.h — ZooKeeper coordination shared by Nimbus, supervisors and
 * workers (library gust_cluster, on ZooKeeper's multi-threaded C client).
 *
 * A gust_cluster is one ZooKeeper session under a root path
 * (storm.zookeeper.root).  Paths given to the calls are relative to that
 * root ("/storms/x"); payloads are bytes (JSON by convention).
 *
 * Threads: every call may be made from any thread; the calls block until
 * ZooKeeper answers.  Watch and leader callbacks run on the cluster's event
 * thread (one per gust_cluster; not ZooKeeper's own completion thread, where
 * the client's blocking calls would deadlock): they must not block for long,
 * and they may call back into the library (get, children, put, unwatch...)
 * but must not call gust_cluster_free.  gust_cluster_free waits until no
 * callback runs, and none runs after it returns.
 *
 * Sessions: when the session expires the library connects again with a new
 * session, recreates the ephemeral nodes this client put (same data; a
 * sequential node gets a new sequence number) and its leader candidacy, then
 * calls every watch once.  While disconnected, calls wait for the connection
 * to come back or fail with GUST_CLUSTER_ERROR_CONNECTION; a leader steps
 * down (fn(FALSE)) as soon as the connection is lost, and leads again only
 * once the election says so after the reconnection.
 */
#ifndef GUST_CLUSTER_H
#define GUST_CLUSTER_H

#include <glib.h>
#include <jansson.h>

G_BEGIN_DECLS

typedef struct gust_cluster gust_cluster;

typedef enum {
  GUST_NODE_PERSISTENT,
  GUST_NODE_EPHEMERAL,
  GUST_NODE_EPHEMERAL_SEQUENTIAL
} gust_node_kind;

#define GUST_CLUSTER_ERROR (gust_cluster_error_quark())
typedef enum {
  GUST_CLUSTER_ERROR_NOT_FOUND,  /* the node does not exist */
  GUST_CLUSTER_ERROR_EXISTS,     /* the node exists (where that is an error) */
  GUST_CLUSTER_ERROR_CONNECTION, /* no connection to the servers, or the session is gone */
  GUST_CLUSTER_ERROR_FAILED,     /* anything else: bad data, bad path, refused by the server */
} gust_cluster_error_code;
GQuark gust_cluster_error_quark(void);

/* servers: "h:p,h:p"; root: storm.zookeeper.root (created if missing).
 * Waits until connected (bounded by the session timeout, at least 10 s) or
 * fails with GUST_CLUSTER_ERROR_CONNECTION naming the servers.  The caller
 * frees the result with gust_cluster_free. */
gust_cluster *gust_cluster_connect(const char *servers, const char *root, int session_timeout_ms,
                                   GError **error);
/* From a daemon conf (storm.zookeeper.servers/port/root/session.timeout,
 * Storm's defaults: ["localhost"], 2181, "/storm", 20000). */
gust_cluster *gust_cluster_connect_conf(json_t *conf, GError **error);
/* Closes the session (its ephemeral nodes vanish at once); NULL is fine. */
void gust_cluster_free(gust_cluster *c);

/* Paths are relative to root ("/storms/x"); parents are created as persistent
 * nodes.  Creates the node or sets its data if it exists (create_or_set).
 * created_path (may be NULL) receives the path created, relative to root,
 * for sequential nodes the name with its sequence number; free with g_free. */
gboolean gust_cluster_put(gust_cluster *c, const char *path, const char *data, gsize len,
                          gust_node_kind kind,
                          char **created_path /* may be NULL; sequential nodes */, GError **error);
/* *data (NUL-terminated, *len bytes without the NUL) is the caller's: g_free.
 * A missing node is GUST_CLUSTER_ERROR_NOT_FOUND. */
gboolean gust_cluster_get(gust_cluster *c, const char *path, char **data, gsize *len,
                          GError **error);
/* The node's data parsed as JSON (new reference); a missing node is
 * GUST_CLUSTER_ERROR_NOT_FOUND, data that is not JSON GUST_CLUSTER_ERROR_FAILED. */
json_t *gust_cluster_get_json(gust_cluster *c, const char *path, GError **error);
/* put of value's compact JSON text; value stays the caller's. */
gboolean gust_cluster_put_json(gust_cluster *c, const char *path, json_t *value,
                               gust_node_kind kind, GError **error);
/* gust_cluster_put_json for a write a daemon cannot start without (its
 * registration, its first heartbeat): while it fails with
 * GUST_CLUSTER_ERROR_CONNECTION (a slow or briefly unreachable server) it
 * is tried again, 100 ms apart doubling to 1 s, for up to three session
 * timeouts (at least 10 s): the time the client takes to reconnect, or to
 * renew an expired session.  The first failure is logged as a warning.
 * Not for sequential nodes (a retry could create a second one). */
gboolean gust_cluster_put_json_patiently(gust_cluster *c, const char *path, json_t *value,
                                         gust_node_kind kind, GError **error);
/* Deletes the node (with its children when recursive); a missing node is
 * not an error. */
gboolean gust_cluster_delete(gust_cluster *c, const char *path, gboolean recursive, GError **error);
/* Child names, sorted; empty array if the node is missing.  The caller frees
 * the array (g_ptr_array_unref frees the names too). */
GPtrArray *gust_cluster_children(gust_cluster *c, const char *path, GError **error);

/* Calls fn (from the cluster's event thread, see above) when the node's data or children change, or
 * it is created or deleted; re-armed by the library; also called once after a reconnect/session
 * renewal. Returns an id for gust_cluster_unwatch (never 0).  The path need not exist. */
typedef void (*gust_cluster_watch_fn)(gust_cluster *c, const char *path, void *data);
guint gust_cluster_watch(gust_cluster *c, const char *path, gust_cluster_watch_fn fn, void *data);
/* After it returns, fn is not running and is not called again for id. */
void gust_cluster_unwatch(gust_cluster *c, guint id);

/* Session expiry: the library reconnects with a new session and recreates this client's ephemeral
 * nodes. */

/* Leader election over /leader-lock: fn called (the cluster's event thread) when this member
 * becomes or stops being leader. Each member owns an ephemeral sequential node /leader-lock/n-<seq>
 * holding member; the lowest sequence leads; each member watches only the node just before its own.
 * One candidacy per gust_cluster: a second call fails with GUST_CLUSTER_ERROR_EXISTS. */
typedef void (*gust_cluster_leader_fn)(gust_cluster *c, gboolean is_leader, void *data);
gboolean gust_cluster_elect(gust_cluster *c, const char *member /* "host:port" */,
                            gust_cluster_leader_fn fn, void *data, GError **error);
gboolean gust_cluster_is_leader(gust_cluster *c);
/* "host:port" of the current leader (g_free), NULL if none: without error
 * when no member stands, with error when ZooKeeper cannot be read. */
char *gust_cluster_leader(gust_cluster *c, GError **error);

G_END_DECLS

#endif
