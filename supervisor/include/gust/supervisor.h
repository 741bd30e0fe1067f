/* gust/supervisor.h — Storm's supervisor daemon and the worker's link to
 * the cluster (library gust_supervisor).
 *
 * A supervisor registers under /supervisors/<id> in ZooKeeper with its
 * slots (supervisor.slots.ports), watches /assignments for workers naming
 * its id, fetches each assigned topology's files from the leader Nimbus
 * into storm.local.dir/supervisor/stormdist/<topology-id>/, extracts the
 * jar's resources/ folder, and runs one `gust worker` process per
 * assigned slot: restarted with a back-off when it dies, stopped (SIGTERM,
 * then SIGKILL after a bound) when it is no longer assigned, restarted
 * when its assignment gets a new version.  Its heartbeat rewrites its
 * node with each worker's state, pid, restarts, CPU seconds and RSS.
 *
 * Threads: the caller's thread owns the supervisor and calls
 * gust_supervisor_tick() every 100 ms or so; ZooKeeper watches only raise
 * flags that the next tick acts on.
 */
#ifndef GUST_SUPERVISOR_H
#define GUST_SUPERVISOR_H

#include <glib.h>
#include <jansson.h>

G_BEGIN_DECLS

#define GUST_SUPERVISOR_ERROR (gust_supervisor_error_quark())
GQuark gust_supervisor_error_quark(void);
typedef enum {
  GUST_SUPERVISOR_ERROR_CONF,     /* a configuration value is not usable (the message names it) */
  GUST_SUPERVISOR_ERROR_PROC,     /* /proc could not be read */
  GUST_SUPERVISOR_ERROR_JAR,      /* a topology jar is refused (the message names the entry) */
  GUST_SUPERVISOR_ERROR_DOWNLOAD, /* a topology file could not be fetched from Nimbus */
  GUST_SUPERVISOR_ERROR_LAUNCH,   /* a worker process could not be started */
  GUST_SUPERVISOR_ERROR_STORAGE,  /* storm.local.dir could not be written or read */
} gust_supervisor_error_code;

/* Fetches blob key (e.g. "<topology-id>-stormjar.jar") from the Nimbus at
 * nimbus ("host:port") into the file path (written whole or not at all). */
typedef gboolean (*gust_blob_download_fn)(const char *nimbus, const char *key, const char *path,
                                          void *data, GError **error);

typedef struct {
  /* The program and first arguments that start a worker ("/path/gust",
   * "worker"); the supervisor appends the worker's options. */
  const char *const *worker_command;
  gust_blob_download_fn download; /* NULL: Thrift (beginBlobDownload / downloadBlobChunk) */
  void *download_data;
} gust_supervisor_options;

typedef struct gust_supervisor gust_supervisor;

/* conf: the daemon configuration (borrowed; must outlive the supervisor).
 * Reads or creates storm.local.dir/supervisor/id, connects to ZooKeeper
 * and registers.  NULL + error naming the key, file or server. */
gust_supervisor *gust_supervisor_new(json_t *conf, const gust_supervisor_options *options,
                                     GError **error);
const char *gust_supervisor_id(const gust_supervisor *s);
/* Does what is due: applies changed assignments, reaps and restarts
 * workers, kills unassigned ones, heartbeats.  Can't fail (problems are
 * logged and retried at a later tick). */
void gust_supervisor_tick(gust_supervisor *s);
/* Stops every worker (SIGTERM, then SIGKILL after the bound), waits for
 * them, and leaves ZooKeeper; NULL is fine. */
void gust_supervisor_free(gust_supervisor *s);

/* The worker's side: its ZooKeeper link, set up by `gust worker`. */
typedef struct gust_worker_link gust_worker_link;
/* Called (from gust_worker_link_tick's thread) when the topology's status
 * in /storms/<id> says the spouts should run (TRUE: ACTIVE) or not. */
typedef void (*gust_worker_active_fn)(gboolean active, void *data);
/* Returns new JSON (the "stats" of the worker heartbeat), or NULL. */
typedef json_t *(*gust_worker_stats_fn)(void *data);
typedef struct {
  const char *topology_id, *supervisor_id, *host;
  int port;
  gust_worker_active_fn set_active;
  gust_worker_stats_fn stats;
  void *data;
} gust_worker_link_options;
/* Connects to the daemon conf's ZooKeeper; the first tick writes the
 * heartbeat and applies the topology's status. */
gust_worker_link *gust_worker_link_new(json_t *conf, const gust_worker_link_options *options,
                                       GError **error);
/* Applies a status change seen since the last tick; writes
 * /workerbeats/<topology-id>/<supervisor-id>-<port> when it is due
 * (worker.heartbeat.frequency.secs, Storm's default 1).  Can't fail. */
void gust_worker_link_tick(gust_worker_link *link);
void gust_worker_link_free(gust_worker_link *link);

G_END_DECLS

#endif
