/* stats_view.h — what the statistics methods answer from: one topology's
 * record and its workers' heartbeats as read from ZooKeeper, and the sums
 * the answers are built of (stats_aggregate.c), then Storm's structs
 * (stats_topology_info.c, stats_pages.c).  Private to gust_nimbus.
 *
 * The heartbeats carry gust_runtime_stats_json() of each worker (the format
 * is at the top of compat/runtime/stats_json.c) under "stats".  Nothing
 * here trusts them: missing or mistyped members count as zero or absent.
 */
#ifndef GUST_NIMBUS_STATS_VIEW_H
#define GUST_NIMBUS_STATS_VIEW_H

#include "gust_storm_nimbus.h"

#include <glib.h>
#include <jansson.h>

/* One topology as the statistics methods see it.  Borrowed members. */
typedef struct {
  const char *id;
  json_t *storm; /* /storms/<id>: name, status, owner, launch_time_secs, ... */
  json_t *beats; /* array of /workerbeats/<id>/<supervisor>-<port> objects (may be NULL) */
  json_t *conf;  /* the topology conf (TopologyPageInfo.topology_conf), or NULL */
  /* {"<component>": "spout" | "bolt"} of the submitted topology, or NULL:
   * components no heartbeat reports yet are listed with zeros */
  json_t *components;
  int64_t now_secs;
} gust_stats_topology;

/* One window's sums over some executors and streams.  Latencies are kept
 * as totals weighted by their counts (complete by acked, execute and
 * process by executed) so that means over executors are Storm's. */
typedef struct {
  int64_t emitted, transferred, acked, failed, executed;
  double complete_total, execute_total, process_total;
  int64_t complete_weight, execute_weight, process_weight;
  int executors, tasks;
  double capacity; /* the busiest executor's */
} gust_stats_sums;

/* What to add up of an executor. */
typedef struct {
  const char *window;          /* "600", "10800", "86400", ":all-time" */
  gboolean include_sys;        /* system streams and components (names starting "__") */
  const char *output_stream;   /* only this output stream (NULL: all) */
  const char *input_component; /* with input_stream: only this input (NULL: all) */
  const char *input_stream;
  gboolean outputs_only, inputs_only;
} gust_stats_filter;

/* Adds one executor (an element of "executors") to sums. */
void gust_stats_sums_add(gust_stats_sums *sums, json_t *executor, const gust_stats_filter *f);

/* Storm's windows, in the order Storm lists them. */
extern const char *const gust_stats_windows[4];
/* o[key] as an integer (0 when missing or not one) or a string (fallback). */
int64_t gust_stats_int(json_t *o, const char *key);
const char *gust_stats_string(json_t *o, const char *key, const char *fallback);
/* TRUE for Storm's system ids (names starting "__"). */
gboolean gust_stats_is_system(const char *id);

/* Every executor of the topology: calls fn with each executor object and
 * the heartbeat it came from. */
typedef void (*gust_stats_executor_fn)(json_t *executor, json_t *beat, gpointer data);
void gust_stats_foreach_executor(const gust_stats_topology *t, gust_stats_executor_fn fn,
                                 gpointer data);

/* The last errors of component over every worker, oldest first, at most
 * ten (a new GPtrArray of GustStormErrorInfo). */
GPtrArray *gust_stats_component_errors(const gust_stats_topology *t, const char *component);
/* The component ids of the topology (its executors and its record's
 * component_executors), sorted; free with g_ptr_array_unref. */
GPtrArray *gust_stats_component_ids(const gust_stats_topology *t);
/* Zero sums of a component no heartbeat reports: its executors and tasks
 * from the record's component_executors. */
gust_stats_sums gust_stats_unreported(const gust_stats_topology *t, const char *component);

/* ---- Storm's structs ---- */
/* The record's name (the id without one), and uptime since launch. */
const char *gust_stats_topology_name(const gust_stats_topology *t);
gint32 gust_stats_topology_uptime(const gust_stats_topology *t);
/* A ComponentAggregateStats of sums (with Storm's default resources_map
 * when asked). */
GustStormComponentAggregateStats *gust_stats_aggregate(const gust_stats_sums *sums, gboolean spout,
                                                       gboolean with_resources);
/* The latest error of component, or NULL (a new reference). */
GustStormErrorInfo *gust_stats_last_error(const gust_stats_topology *t, const char *component);
/* An executor's ExecutorSummary (its stats member left unset). */
GustStormExecutorSummary *gust_stats_executor_summary(json_t *executor, json_t *beat);

typedef enum {
  GUST_STATS_ERRORS_ALL,
  GUST_STATS_ERRORS_NONE,
  GUST_STATS_ERRORS_ONE
} gust_stats_errors;

GustStormTopologyInfo *gust_stats_topology_info(const gust_stats_topology *t,
                                                gust_stats_errors errors);
GustStormTopologyPageInfo *gust_stats_topology_page(const gust_stats_topology *t,
                                                    const char *window, gboolean include_sys);
/* NULL when the topology has no such component (none of its executors
 * reports it and components does not name it). */
GustStormComponentPageInfo *gust_stats_component_page(const gust_stats_topology *t,
                                                      const char *component, const char *window,
                                                      gboolean include_sys);
/* A supervisor's summary from its /supervisors/<id> record. */
GustStormSupervisorSummary *gust_stats_supervisor_summary(json_t *supervisor, int64_t now_secs);
/* Workers of topologies (each with its beats) running on supervisor. */
GustStormWorkerSummary *gust_stats_worker_summary(const gust_stats_topology *t, json_t *beat);
/* supervisors: array of /supervisors/<id> records; topologies: every
 * topology's view.  Only the supervisor with that id (or on that host,
 * when id is NULL). */
GustStormSupervisorPageInfo *gust_stats_supervisor_page(json_t *supervisors,
                                                        const gust_stats_topology *topologies,
                                                        guint n_topologies, const char *id,
                                                        const char *host, int64_t now_secs);

/* The version string gust's Nimbus reports as Storm's. */
#define GUST_STATS_STORM_VERSION "2.6.0"

#endif
