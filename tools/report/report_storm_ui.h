/* report_storm_ui.h — topology statistics read from a Storm UI REST API:
 * Storm's own UI, or gust's (gust local --ui-port, gust ui), which serves
 * the same API.
 *
 * Each sample GETs /api/v1/topology/ID?window=:all-time and reads the
 * all-time topologyStats (acked, completeLatency), each spout (emitted,
 * acked, completeLatency, executors) and each bolt (emitted, executed,
 * executeLatency, executors), as Storm's UIHelpers writes them (numbers, or
 * latencies as decimal strings).  Opening reads /api/v1/cluster/summary
 * (the engine's version) and /api/v1/topology/summary (the topology's id,
 * when it was given by name).  Requests are bounded by a timeout.  One
 * thread at a time. */
#ifndef GUST_REPORT_STORM_UI_H
#define GUST_REPORT_STORM_UI_H

#include <glib.h>
#include <jansson.h>

typedef struct gust_report_storm_ui gust_report_storm_ui;

/* base_url: "http://host:port"; topology: its id or name, or NULL for
 * the first the UI lists.  NULL with a
 * GError naming the URL when the UI cannot be reached, answers with an
 * error, is not JSON, or lists no such topology. */
gust_report_storm_ui *gust_report_storm_ui_open(const char *base_url, const char *topology,
                                                GError **error);
void gust_report_storm_ui_free(gust_report_storm_ui *ui);

/* "Storm 2.6.0" as the cluster summary names it; borrowed. */
const char *gust_report_storm_ui_engine(const gust_report_storm_ui *ui);
/* The topology's id; borrowed. */
const char *gust_report_storm_ui_topology_id(const gust_report_storm_ui *ui);

/* Adds tuples, acked, complete_ms and components to sample; FALSE with a
 * GError as for open. */
gboolean gust_report_storm_ui_sample(gust_report_storm_ui *ui, json_t *sample, GError **error);

/* The same fields from one topology page reply (GET
 * /api/v1/topology/ID?window=:all-time) already read; FALSE with a GError
 * naming where when a field has the wrong type. */
gboolean gust_report_storm_ui_read_topology(const json_t *page, const char *where, json_t *sample,
                                            GError **error);

#endif
