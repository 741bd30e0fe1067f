/* ui_api.h — Storm UI's REST API (/api/v1/...) rendered from a snapshot.
 *
 * Field names and JSON types are Storm UI's (storm-webapp's UIHelpers.java,
 * Storm 2.x); /topology/:id/metrics keeps Storm 1.x's per-stream arrays.
 * Windowed figures come from the snapshot's per-window stream rows.  Every
 * function returns a new reference, or NULL + GUST_UI_ERROR
 * (NOT_ALIVE for an unknown topology or component, BAD_REQUEST for a bad
 * window), which the server turns into Storm's error reply.  Pure
 * functions of their arguments: any thread.
 */
#ifndef GUST_UI_API_H
#define GUST_UI_API_H

#include <gust/ui.h>

/* ":all-time" (also NULL), "600", "10800" or "86400". */
gboolean ui_api_parse_window(const char *text, gust_ui_window *window, GError **error);
/* Storm's windowHint: "10m 0s", "3h 0m 0s", "1d 0h 0m 0s", "All time". */
char *ui_api_window_hint(gust_ui_window window);
/* Storm's pretty duration: "1d 2h 3m 4s" (empty for 0). */
char *ui_api_pretty_secs(int64_t secs);

json_t *ui_api_cluster_summary(const gust_ui_snapshot *s);
json_t *ui_api_nimbus_summary(const gust_ui_snapshot *s, int port);
json_t *ui_api_supervisor_summary(const gust_ui_snapshot *s);
json_t *ui_api_topology_summary(const gust_ui_snapshot *s);
json_t *ui_api_topology(const gust_ui_snapshot *s, const char *id, gust_ui_window window,
                        gboolean sys, GError **error);
json_t *ui_api_topology_metrics(const gust_ui_snapshot *s, const char *id, gust_ui_window window,
                                gboolean sys, GError **error);
json_t *ui_api_component(const gust_ui_snapshot *s, const char *id, const char *component,
                         gust_ui_window window, gboolean sys, GError **error);
json_t *ui_api_topology_workers(const gust_ui_snapshot *s, const char *id, GError **error);
json_t *ui_api_topology_lag(const gust_ui_snapshot *s, const char *id, GError **error);
json_t *ui_api_operation(const char *id, const char *operation);

/* ---- shared by the api files ---- */

/* A component's figures over one window, added over its tasks and streams. */
typedef struct {
  uint64_t emitted, transferred, acked, failed, executed;
  double complete_ms, execute_ms, process_ms; /* means */
} ui_api_totals;

void ui_api_task_totals(const gust_ui_task *t, gust_ui_window w, ui_api_totals *out);
void ui_api_component_totals(const gust_ui_component *c, gust_ui_window w, ui_api_totals *out);
/* Storm's floatStr: "%.3f". */
json_t *ui_api_float_str(double value);
/* The topology, or NULL + NOT_ALIVE naming id as Storm does. */
const gust_ui_topology *ui_api_find_topology(const gust_ui_snapshot *s, const char *id,
                                             GError **error);
/* A topology's summary map (/topology/summary; the topology page starts from it). */
json_t *ui_api_topology_map(const gust_ui_topology *t);
/* Sets Storm's scheduler.display.resource (false: no resource-aware
 * scheduler) into reply; returns reply. */
json_t *ui_api_with_display_resource(json_t *reply);
/* The component's last error fields (lastError, errorHost, ...) into obj. */
void ui_api_last_error(json_t *obj, const gust_ui_component *c, int64_t now_secs);
/* One entry of componentErrors. */
json_t *ui_api_error_entry(const gust_ui_error_info *e, int64_t now_secs);
/* Capacity: the busiest task's share of time spent working, from the
 * engine's busy time since the task started (Storm estimates it as
 * executed x execute latency / window, which a multilang bolt's pipelined
 * latencies push far above 1).  The same for every window. */
double ui_api_capacity(const gust_ui_component *c, gust_ui_window w, int64_t uptime_secs);

#endif
