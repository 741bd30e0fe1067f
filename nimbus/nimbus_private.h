/* nimbus_private.h — the Nimbus context object shared by the method
 * handlers, the topology table, the store and the timers.
 *
 * Locking: `lock` guards the topology table, the upload and download
 * sessions and the id counter.  Handlers (handler threads) and timers (the
 * timer thread) take it for the time of a lookup or a state change; disk
 * writes of a submission happen outside it, into a directory nobody else
 * knows yet. */
#ifndef GUST_NIMBUS_PRIVATE_H
#define GUST_NIMBUS_PRIVATE_H

#include "dispatch.h"
#include "thrift_server.h"

#include <gust/cluster.h>
#include <gust/nimbus.h>
#include <gust/storm_thrift.h>

#define GUST_NIMBUS_VERSION "2.6.0"

/* One submitted topology.  Owned by the table; read and changed under
 * nimbus->lock. */
typedef struct {
  char *id; /* name-N-epochsecs */
  char *name;
  char *status;      /* ACTIVE, INACTIVE, KILLED, REBALANCING */
  char *prev_status; /* the status a rebalance returns to */
  gint64 launch_time_secs;
  char *owner;
  gint num_workers_requested;
  gint64 action_at_secs;            /* when a kill or rebalance acts; 0: none */
  guint timer;                      /* its source id on the timer context, 0: none */
  json_t *rebalance;                /* the waiting rebalance: {"num_workers", "num_executors"} */
  GustStormStormTopology *topology; /* as submitted, parallelism rebalanced */
  json_t *conf;                     /* the stored topology conf */
  gint assignment_version;          /* the version its assignment should have */
  gint written_version;             /* the version in /assignments, 0: none */
  char *supervisor_id;              /* its slot, NULL: unassigned */
  char *supervisor_host;
  gint port;
  gboolean waiting_logged;
  gboolean orphan_logged; /* said that its supervisor is gone but its worker runs */
} gust_nimbus_topology;

typedef struct gust_nimbus_uploads gust_nimbus_uploads;

struct gust_nimbus {
  json_t *conf; /* the daemon conf; read-only after start */
  gust_thrift_server *server;
  char *host; /* what getLeader names: storm.local.hostname, else the bind address */
  guint16 port;
  gint64 start_time_secs;
  gsize max_buffer_size;
  char *local_dir; /* storm.local.dir, absolute */
  char *inbox_dir; /* <local_dir>/nimbus/inbox */
  char *stormdist_dir;

  GMutex lock;
  GHashTable *topologies; /* id -> gust_nimbus_topology */
  guint submissions;      /* the N of ids */
  gust_nimbus_uploads *uploads;

  gust_cluster *cluster;     /* ZooKeeper */
  gint is_leader;            /* atomic */
  gboolean leadership_known; /* timer thread */
  gint schedule_posted;      /* atomic */
  guint supervisors_watch;
  GHashTable *supervisors_seen; /* id -> gint64 last time its node was seen; timer thread */

  /* Timers (kill, rebalance, expiry, scheduling) run on this context's thread. */
  GMainContext *timer_context;
  GMainLoop *timer_loop;
  GThread *timer_thread;
};

/* Readers of the daemon conf with Storm's default when the key is unset or
 * of the wrong type.  Can't fail. */
gint64 gust_nimbus_conf_int(const json_t *conf, const char *key, gint64 fallback);
const char *gust_nimbus_conf_string(const json_t *conf, const char *key, const char *fallback);

/* The model of a submitted topology (gust_topology_from_thrift) with its
 * `serialized_java` components checked against the uploaded jar
 * (java_components.c).  NULL + an error for an InvalidTopologyException. */
gust_topology *gust_nimbus_topology_model(gust_nimbus *nimbus, const GustStormStormTopology *t,
                                          const char *name, const char *conf_json, const char *jar,
                                          GError **error);

/* ---- topology_table.c (call with nimbus->lock held) ---- */
gust_nimbus_topology *gust_nimbus_find_by_name(gust_nimbus *nimbus, const char *name);
gust_nimbus_topology *gust_nimbus_find_by_id(gust_nimbus *nimbus, const char *id);
void gust_nimbus_topology_free(gust_nimbus_topology *topology);
/* A new TopologySummary with every field Storm 2.6 writes. */
GustStormTopologySummary *gust_nimbus_topology_summary(gust_nimbus *nimbus,
                                                       const gust_nimbus_topology *topology);
/* Executors and tasks of one component, and of the whole topology. */
void gust_nimbus_component_counts(const gust_nimbus_topology *topology, const char *component,
                                  gint *executors, gint *tasks);
void gust_nimbus_topology_counts(const gust_nimbus_topology *topology, gint *executors,
                                 gint *tasks);
/* The /storms record: {"name","status",...}, new reference. */
json_t *gust_nimbus_topology_base(const gust_nimbus_topology *topology);
/* Sets the status fields from a /storms record. */
void gust_nimbus_topology_apply_base(gust_nimbus_topology *topology, json_t *base);
/* Arms the kill / rebalance timer to fire at action_at_secs. */
void gust_nimbus_arm_action(gust_nimbus *nimbus, gust_nimbus_topology *topology);
/* Writes the topology's status record (store, and ZooKeeper when
 * connected); logs a failure.  Lock held. */
void gust_nimbus_publish(gust_nimbus *nimbus, gust_nimbus_topology *topology);

/* ---- scheduler.c ---- */
gboolean gust_nimbus_cluster_connect(gust_nimbus *nimbus, GError **error);
gboolean gust_nimbus_cluster_start(gust_nimbus *nimbus, GError **error);
void gust_nimbus_cluster_stop(gust_nimbus *nimbus);
/* /storms/<id> from the topology (leader only; logs a failure).  Lock held. */
void gust_nimbus_cluster_publish(gust_nimbus *nimbus, gust_nimbus_topology *topology);
/* Deletes /storms/<id> and /assignments/<id>. */
void gust_nimbus_cluster_forget(gust_nimbus *nimbus, const char *id);
/* Runs a scheduling round soon on the timer thread.  Any thread, no lock. */
void gust_nimbus_schedule_soon(gust_nimbus *nimbus);
/* "host:port" of the leader (new string), NULL if none is elected. */
char *gust_nimbus_leader_address(gust_nimbus *nimbus);
/* Appends a SupervisorSummary per live supervisor node (getClusterInfo). */
void gust_nimbus_add_supervisor_summaries(gust_nimbus *nimbus, GPtrArray *summaries);

/* ---- topology_store.c ---- */
gboolean gust_nimbus_store_open(gust_nimbus *nimbus, GError **error);
/* Moves the jar and writes stormcode.ser, stormconf.ser and the status
 * record into stormdist/<id>/.  Without the lock (nobody knows id yet). */
gboolean gust_nimbus_store_save(gust_nimbus *nimbus, gust_nimbus_topology *topology,
                                const char *jar_path, GError **error);
gboolean gust_nimbus_store_write_base(gust_nimbus *nimbus, const gust_nimbus_topology *topology,
                                      GError **error);
gboolean gust_nimbus_store_write_code(gust_nimbus *nimbus, const gust_nimbus_topology *topology,
                                      GError **error);
void gust_nimbus_store_remove(gust_nimbus *nimbus, const char *id);
/* Loads every stored topology into the table (at start). */
void gust_nimbus_store_load(gust_nimbus *nimbus);
/* <stormdist>/<id>/<file>, newly allocated. */
char *gust_nimbus_store_path(gust_nimbus *nimbus, const char *id, const char *file);

/* ---- uploads.c ---- */
gust_nimbus_uploads *gust_nimbus_uploads_new(void);
void gust_nimbus_uploads_free(gust_nimbus_uploads *uploads);
/* A finished upload's path for submitTopology: TRUE if location is a
 * finished upload of this Nimbus.  Lock held. */
gboolean gust_nimbus_upload_finished(gust_nimbus *nimbus, const char *location);
/* Forget a submitted upload (its file has moved).  Lock held. */
void gust_nimbus_upload_forget(gust_nimbus *nimbus, const char *location);
/* Ends the uploads of a closed connection.  Takes the lock. */
void gust_nimbus_uploads_connection_closed(gust_nimbus *nimbus, guint64 conn_id);
/* Drops expired sessions.  Takes the lock. */
void gust_nimbus_uploads_expire(gust_nimbus *nimbus);

/* Handlers (one per served method), in the file of their subject. */
#define GUST_NIMBUS_HANDLER(fn)                                                                    \
  gboolean fn(const gust_nimbus_call *call, gpointer args, gpointer result, GError **error)
GUST_NIMBUS_HANDLER(gust_nimbus_get_leader);
GUST_NIMBUS_HANDLER(gust_nimbus_get_cluster_info);
GUST_NIMBUS_HANDLER(gust_nimbus_get_nimbus_conf);
GUST_NIMBUS_HANDLER(gust_nimbus_get_topology_summaries);
GUST_NIMBUS_HANDLER(gust_nimbus_get_topology_summary_by_name);
GUST_NIMBUS_HANDLER(gust_nimbus_get_topology_summary);
GUST_NIMBUS_HANDLER(gust_nimbus_is_topology_name_allowed);
GUST_NIMBUS_HANDLER(gust_nimbus_get_topology_conf);
GUST_NIMBUS_HANDLER(gust_nimbus_get_topology);
GUST_NIMBUS_HANDLER(gust_nimbus_get_user_topology);
GUST_NIMBUS_HANDLER(gust_nimbus_submit_topology);
GUST_NIMBUS_HANDLER(gust_nimbus_submit_topology_with_opts);
GUST_NIMBUS_HANDLER(gust_nimbus_kill_topology);
GUST_NIMBUS_HANDLER(gust_nimbus_kill_topology_with_opts);
GUST_NIMBUS_HANDLER(gust_nimbus_activate);
GUST_NIMBUS_HANDLER(gust_nimbus_deactivate);
GUST_NIMBUS_HANDLER(gust_nimbus_rebalance);
GUST_NIMBUS_HANDLER(gust_nimbus_begin_file_upload);
GUST_NIMBUS_HANDLER(gust_nimbus_upload_chunk);
GUST_NIMBUS_HANDLER(gust_nimbus_finish_file_upload);
GUST_NIMBUS_HANDLER(gust_nimbus_begin_blob_download);
GUST_NIMBUS_HANDLER(gust_nimbus_download_blob_chunk);
GUST_NIMBUS_HANDLER(gust_nimbus_download_chunk);

/* Storm's topology name rule (^[^/.:\\]+$): NULL when name obeys it, else
 * what is wrong (static). */
const char *gust_nimbus_name_problem(const char *name);

#endif
