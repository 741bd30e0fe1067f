/* report_model.h — the numbers of a comparison report, from one or two
 * series (report_series.h).
 *
 * For each side: the figures over the whole run (duration, CPU seconds
 * used, CPU seconds per million tuples, peak and mean RSS, peak threads
 * and processes, tuples, throughput, complete latency p50/p99), the series
 * per interval between two samples for the charts (CPU cores busy, RSS,
 * throughput, complete latency of the tuples acked in that interval), and
 * the last sample's components.  Then the comparison (gust against
 * legacy) and its one summary line.  Latency percentiles are over those
 * per-interval latencies: Storm exposes only mean complete latencies, so
 * both sides are measured the same way.  Counters that go backwards (a
 * restarted topology) end an interval without adding to it.
 *
 * The report is one JSON object; writers (report_writers.h) print it. */
#ifndef GUST_REPORT_MODEL_H
#define GUST_REPORT_MODEL_H

#include "report_series.h"

/* gust, legacy: either may be NULL, not both; borrowed.  Returns the
 * report (json_decref()), or NULL with GUST_REPORT_ERROR_INPUT naming the
 * side when a series holds fewer than two samples or its time goes
 * backwards. */
json_t *gust_report_build(const gust_report_series *gust, const gust_report_series *legacy,
                          GError **error);

/* The report's summary line, e.g. "CPU per million tuples −63 %, peak
 * memory −91 %, throughput ×4.1"; borrowed from report. */
const char *gust_report_summary_line(const json_t *report);

#endif
