/* cluster_internal.h — the gust_cluster object shared by the files of
 * cluster/ (session.c, nodes.c, watches.c, election.c).
 *
 * Threads and locks:
 * - Any user thread calls the public functions.  ZooKeeper's own threads
 *   (I/O and completion) only run the raw watchers, which push an event on
 *   `events` and return: the C client's synchronous calls deadlock if made
 *   from its completion thread.  Locks are pthread ones: GLib's are futexes
 *   ThreadSanitizer cannot see.
 * - The cluster's event thread (session.c) pops `events`: it re-arms watches,
 *   runs the election, renews an expired session, and calls the user's
 *   callbacks, which may therefore use every call but gust_cluster_free.
 * - `handle_lock` (read) is held across every ZooKeeper call; the event
 *   thread takes it for writing only to swap the handle after an expiry.
 * - `state_lock` guards the connection state (`connected`, `state_cond`),
 *   the watch table, the owned ephemeral nodes and the election fields.
 * - `dispatch_lock` is held by the event thread while a user callback runs,
 *   so that gust_cluster_unwatch can wait for a running callback to end.
 */
#ifndef GUST_CLUSTER_INTERNAL_H
#define GUST_CLUSTER_INTERNAL_H

#include "sync.h" /* flinkcore's pthread mutex and condition helpers (TSan sees them) */

#include <gust/cluster.h>
#include <pthread.h>
#include <zookeeper/zookeeper.h>

typedef enum {
  CLUSTER_EVENT_WATCH_FIRED,     /* watch_id's node changed */
  CLUSTER_EVENT_ELECTION_CHECK,  /* the predecessor changed, or the candidacy is new */
  CLUSTER_EVENT_CONNECTED,       /* connected again after a loss, same session */
  CLUSTER_EVENT_CONNECTION_LOST, /* disconnected; the session may live on */
  CLUSTER_EVENT_EXPIRED,         /* the session is gone: renew it */
  CLUSTER_EVENT_STOP,            /* gust_cluster_free */
} cluster_event_type;

typedef struct {
  cluster_event_type type;
  guint watch_id;
} cluster_event;

typedef struct {
  guint id;
  char *path; /* relative to root */
  gust_cluster_watch_fn fn;
  void *data;
} cluster_watch;

struct gust_cluster {
  char *servers;
  char *root; /* "" for "/", else "/a/b" without a trailing slash */
  int session_timeout_ms;

  pthread_rwlock_t handle_lock;
  zhandle_t *zh;

  pthread_mutex_t state_lock;
  pthread_cond_t state_cond;
  int zk_state;            /* last session state the watcher saw */
  gboolean ever_connected; /* this handle reached CONNECTED once */
  GHashTable *watches;     /* id -> cluster_watch* */
  guint next_watch_id;
  GHashTable *ephemerals;  /* relative path -> GBytes data, nodes this client put */
  GHashTable *sequentials; /* created relative path -> requested relative path (this client's) */

  /* election (state_lock) */
  char *member;         /* NULL: no candidacy */
  char *candidate_node; /* our /leader-lock/n-<seq> name, NULL until created */
  gust_cluster_leader_fn leader_fn;
  void *leader_data;
  gint is_leader; /* atomic */

  pthread_mutex_t events_lock; /* event_queue.c */
  pthread_cond_t events_cond;
  GQueue events; /* cluster_event*, oldest first */
  GThread *event_thread;
  pthread_mutex_t dispatch_lock;
};

/* event_queue.c */
void cluster_events_init(gust_cluster *c);
void cluster_events_clear(gust_cluster *c);
void cluster_push_event(gust_cluster *c, cluster_event_type type, guint watch_id);
/* The oldest event (g_free it), waiting until deadline_us (monotonic; -1:
 * no deadline); NULL when the deadline passed. */
cluster_event *cluster_pop_event(gust_cluster *c, gint64 deadline_us);
gboolean cluster_stop_pending(gust_cluster *c);
/* Removes the queued firings of watch_id (one call covers them). */
void cluster_drop_watch_events(gust_cluster *c, guint watch_id);

/* session.c */
zhandle_t *cluster_handle_acquire(gust_cluster *c); /* read lock; pair with release */
void cluster_handle_release(gust_cluster *c);
gboolean cluster_on_event_thread(gust_cluster *c);

/* nodes.c */
char *cluster_full_path(gust_cluster *c, const char *path);
gboolean cluster_check_path(const char *path, GError **error);
void cluster_set_error(GError **error, int rc, const char *what, gust_cluster *c, const char *path);
/* Creates the node (parents as needed); kind as in put.  created: full path. */
int cluster_create(gust_cluster *c, zhandle_t *zh, const char *full, const char *data, gsize len,
                   int mode, char **created);
int cluster_create_parents(gust_cluster *c, zhandle_t *zh, const char *full);
void cluster_recreate_ephemerals(gust_cluster *c);

/* watches.c */
void cluster_watch_fired(gust_cluster *c, guint id);
void cluster_watches_fire_all(gust_cluster *c);
void cluster_watches_free(gust_cluster *c);

/* election.c */
void cluster_election_check(gust_cluster *c);
void cluster_election_lost_session(gust_cluster *c);
void cluster_election_session_renewed(gust_cluster *c);
void cluster_election_free(gust_cluster *c);

#endif
