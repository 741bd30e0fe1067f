/* ui.h — watching running topologies: Storm UI's REST API, Prometheus
 * metrics and web pages, served over HTTP.
 *
 * The server reads everything from a data source (gust_ui_source): a set
 * of functions that take a snapshot of what runs (gust_ui_snapshot) and
 * carry out an action on a topology.  `gust local` gives it the local
 * runtime (gust_ui_local_source_new); a cluster gives it a Nimbus client.
 * The server never calls into the source from a request: its own thread
 * samples the source every ui.gust.sample.ms and answers every request
 * from the samples it keeps, so clients polling the API cost the topology
 * nothing but that one periodic snapshot.
 */
#ifndef GUST_UI_H
#define GUST_UI_H

#include <glib.h>
#include <gust/runtime.h>
#include <jansson.h>
#include <stdint.h>

G_BEGIN_DECLS

#define GUST_UI_ERROR (gust_ui_error_quark())
GQuark gust_ui_error_quark(void);
typedef enum {
  GUST_UI_ERROR_NOT_ALIVE,   /* no such topology or component (Storm's NotAliveException) */
  GUST_UI_ERROR_BAD_REQUEST, /* a parameter or body that cannot be used */
  GUST_UI_ERROR_UNSUPPORTED, /* the source cannot do this (rebalance of a local run) */
  GUST_UI_ERROR_BIND,        /* the server cannot listen on host:port */
  GUST_UI_ERROR_UNAVAILABLE, /* the source cannot be read now (Nimbus unreachable) */
} gust_ui_error_code;

/* ---- a snapshot: what runs, at one time ---- */

typedef struct {
  char *message;
  int64_t time_secs; /* wall clock, seconds since the epoch */
  int task_id;
  char *host;
  int port;
} gust_ui_error_info;

/* Storm's statistics windows, in this order: "600", "10800", "86400",
 * ":all-time". */
typedef enum {
  GUST_UI_WINDOW_600,
  GUST_UI_WINDOW_10800,
  GUST_UI_WINDOW_86400,
  GUST_UI_WINDOW_ALL_TIME,
  GUST_UI_N_WINDOWS
} gust_ui_window;
extern const char *const gust_ui_window_names[GUST_UI_N_WINDOWS];

/* One stream of a task, per window.  Output rows (is_input FALSE):
 * emitted, transferred, and for spouts acked, failed, complete latency.
 * Input rows (bolts; component and stream name the source): executed,
 * acked, failed, process and execute latency.  What does not apply is 0. */
typedef struct {
  gboolean is_input;
  char *component; /* input rows: the source component; else NULL */
  char *stream;
  uint64_t emitted[GUST_UI_N_WINDOWS], transferred[GUST_UI_N_WINDOWS], acked[GUST_UI_N_WINDOWS],
      failed[GUST_UI_N_WINDOWS], executed[GUST_UI_N_WINDOWS];
  double complete_ms[GUST_UI_N_WINDOWS], process_ms[GUST_UI_N_WINDOWS],
      execute_ms[GUST_UI_N_WINDOWS];
} gust_ui_stream;

typedef struct {
  int task_id;
  int64_t uptime_secs;
  int n_streams;
  gust_ui_stream *streams; /* per stream and window, for the Storm API */
  /* totals since the start */
  uint64_t emitted, transferred, acked, failed, executed;
  uint64_t latency_ns, latency_count; /* spouts: complete latency; bolts: execute latency */
  /* every latency sample in buckets (gust_latency_bucket_secs), when the
   * source has them (a local runtime); else only the sums above are known */
  gboolean has_latency_histograms;
  gust_latency_histogram latencies[GUST_N_LATENCY_KINDS];
  /* the engine's view of the task */
  uint64_t records_in, records_out, busy_ns, backpressure_ns, alignment_ns, queued_records;
  uint32_t queued_batches, queue_capacity;
} gust_ui_task;

typedef struct {
  char *component, *stream, *grouping;
} gust_ui_input;

typedef struct {
  char *spout;
  char *topic;
  int partition;
  int64_t committed, head; /* -1: unknown */
} gust_ui_partition_lag;

/* A number a component reported about itself (gust_component_metric). */
typedef struct {
  char *component;
  int task_id;
  char *name;
  char *key; /* a map entry's key, or NULL */
  double value;
} gust_ui_component_metric;

typedef struct {
  char *id;
  gboolean is_spout;
  gboolean is_system;   /* __acker and the like: shown with sys=1 only */
  gboolean kafka_spout; /* its lag belongs in /topology/:id/lag */
  char *lag_error;      /* why its lag could not be read, or NULL */
  int executors;
  int n_tasks;
  gust_ui_task *tasks;
  GPtrArray *inputs;  /* gust_ui_input* */
  GPtrArray *streams; /* char*: the streams it declares */
  GPtrArray *errors;  /* gust_ui_error_info*, oldest first, the last ten */
} gust_ui_component;

typedef struct {
  char *id, *name, *status; /* status: "ACTIVE", "INACTIVE", "KILLED" */
  int64_t uptime_secs;
  json_t *conf; /* owned */
  int n_components;
  gust_ui_component *components;
  int restarts;
  gboolean checkpoints; /* the topology takes checkpoints; the fields below are valid */
  uint64_t checkpoint_last_id, checkpoint_last_size, checkpoints_triggered, checkpoints_completed,
      checkpoints_aborted;
  int64_t checkpoint_last_duration_us;
  char *checkpoint_last_failure; /* or NULL */
  GPtrArray *lag;                /* gust_ui_partition_lag*; empty when no spout reports it */
  GPtrArray *component_metrics;  /* gust_ui_component_metric*; empty when none reported */
} gust_ui_topology;

/* A supervisor of a cluster (Storm's SupervisorSummary). */
typedef struct {
  char *id, *host, *version;
  int64_t uptime_secs;
  int slots_total, slots_used; /* worker slots (num_workers, num_used_workers) */
  gboolean blacklisted;
  double used_mem, used_cpu;
} gust_ui_supervisor;

/* A Nimbus of a cluster (Storm's NimbusSummary). */
typedef struct {
  char *host, *version;
  int port;
  gboolean leader;
  int64_t uptime_secs;
} gust_ui_nimbus;

/* What Nimbus says of the whole cluster; a local run has none (it is a
 * cluster of one: itself). */
typedef struct {
  GPtrArray *supervisors;           /* gust_ui_supervisor* */
  GPtrArray *nimbuses;              /* gust_ui_nimbus* */
  int tasks_total, executors_total; /* over every topology's summary */
} gust_ui_cluster;

/* A new empty cluster, to hang on gust_ui_snapshot.cluster. */
gust_ui_cluster *gust_ui_cluster_new(void);

typedef struct {
  int64_t time_us; /* g_get_real_time() when taken */
  char *host;      /* the Nimbus's host (a local run: this machine) */
  int nimbus_port; /* the Nimbus's Thrift port, or 0: the UI's own */
  int64_t uptime_secs;
  double process_cpu_seconds;
  uint64_t process_rss_bytes;
  double process_start_time; /* seconds since the epoch */
  int n_topologies;
  gust_ui_topology *topologies;
  gust_ui_cluster *cluster; /* owned; NULL for a local run */
  /* Why the source could not be read (e.g. Nimbus unreachable), or NULL:
   * the API then answers Storm's 500 error with it. */
  char *source_error;
  gint ref;
} gust_ui_snapshot;

/* A new snapshot with n_topologies zeroed topologies (reference 1). */
gust_ui_snapshot *gust_ui_snapshot_new(int n_topologies);
gust_ui_snapshot *gust_ui_snapshot_ref(gust_ui_snapshot *s);
void gust_ui_snapshot_unref(gust_ui_snapshot *s); /* NULL is fine */
/* Allocates n_components zeroed components with their arrays. */
void gust_ui_topology_alloc_components(gust_ui_topology *t, int n_components);
/* Allocates a task's n_streams zeroed streams (the strings are the caller's
 * to g_strdup; freed with the snapshot). */
gust_ui_stream *gust_ui_task_alloc_streams(gust_ui_task *task, int n_streams);
/* The topology with this id, or NULL. */
const gust_ui_topology *gust_ui_snapshot_topology(const gust_ui_snapshot *s, const char *id);
/* Fills the process_* fields from /proc for this process. */
void gust_ui_snapshot_fill_process(gust_ui_snapshot *s);

/* ---- the data source ---- */

typedef enum {
  GUST_UI_ACTIVATE,
  GUST_UI_DEACTIVATE,
  GUST_UI_REBALANCE,
  GUST_UI_KILL,
} gust_ui_action;

typedef struct {
  /* A new snapshot (reference 1); called on the server's thread only. */
  gust_ui_snapshot *(*snapshot)(void *data);
  /* Carries out action on topology_id (wait_secs: rebalance and kill;
   * rebalance_options: Storm UI's body's "rebalanceOptions" object, e.g.
   * {"numWorkers": 2, "executors": {"split": 3}}, or NULL);
   * FALSE + GUST_UI_ERROR on failure.  Called on the server's thread. */
  gboolean (*act)(void *data, const char *topology_id, gust_ui_action action, int wait_secs,
                  const json_t *rebalance_options, GError **error);
  /* A Storm configuration map for /cluster/configuration (new reference). */
  json_t *(*cluster_conf)(void *data);
  void (*destroy)(void *data); /* may be NULL */
} gust_ui_source_funcs;

/* ---- the server ---- */

typedef struct gust_ui_server gust_ui_server;

typedef struct {
  const char *host;    /* ui.host; NULL = 127.0.0.1 */
  int port;            /* ui.port; 0 = any free port (see gust_ui_server_port) */
  int sample_ms;       /* ui.gust.sample.ms; 0 = 1000 */
  const char *web_dir; /* the pages and scripts; NULL = the source tree's ui/web */
  /* Serve /metrics only (a worker's metrics server, on
   * topology.gust.metrics.port): every other path is 404, and the
   * source's act() is never called. */
  gboolean metrics_only;
  const char *host_key; /* the key that named host, for errors; NULL = "ui.host" */
} gust_ui_options;

/* Starts listening and sampling on a thread of its own; the server owns
 * data (funcs->destroy frees it at the end).  NULL + GUST_UI_ERROR_BIND
 * when it cannot listen. */
gust_ui_server *gust_ui_server_start(const gust_ui_source_funcs *funcs, void *data,
                                     const gust_ui_options *options, GError **error);
int gust_ui_server_port(const gust_ui_server *server);
const char *gust_ui_server_host(const gust_ui_server *server);
/* Stops the thread and frees everything.  NULL is fine. */
void gust_ui_server_stop(gust_ui_server *server);

G_END_DECLS

#endif
