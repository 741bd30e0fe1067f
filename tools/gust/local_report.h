/* local_report.h — what `gust local` tells about a running topology: the
 * summary table on stdout, and what a drain still waits for. */
#ifndef GUST_LOCAL_REPORT_H
#define GUST_LOCAL_REPORT_H

#include <gust/runtime.h>

/* Prints one line per component on stdout, as Storm UI names the figures:
 * counts, complete latency (spouts: emit to tuple tree completed), execute
 * latency (bolts: time in execute), and emit and ack rates over seconds. */
void gust_local_print_summary(gust_runtime *rt, double seconds);

/* Tuples the spouts emitted that are neither acked nor failed yet; detail
 * (may be NULL) gets "id N, id M" for the spouts that have some. */
uint64_t gust_local_spout_tuples_in_flight(gust_runtime *rt, GString *detail);

#endif
