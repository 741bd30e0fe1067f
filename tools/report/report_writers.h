/* report_writers.h — a report (report_model.h) as JSON, Markdown and one
 * self-contained HTML page.
 *
 * The HTML page carries its charting library (Debian's libjs-dygraphs,
 * read from dygraphs_dir and inlined) and its data, so it opens with no
 * network: charts of CPU cores busy, resident memory, throughput over
 * time, and the distribution of complete latency; the figures table; the
 * per-component table; the summary line; and, for a partial report, a
 * banner saying so and why.  Each writer returns FALSE with
 * GUST_REPORT_ERROR_OUTPUT naming the file when it cannot write it. */
#ifndef GUST_REPORT_WRITERS_H
#define GUST_REPORT_WRITERS_H

#include "report_series.h"

#define GUST_REPORT_DYGRAPHS_DIR "/usr/share/javascript/dygraphs"

gboolean gust_report_write_json(const json_t *report, const char *path, GError **error);
gboolean gust_report_write_markdown(const json_t *report, const char *path, GError **error);
gboolean gust_report_write_html(const json_t *report, const char *dygraphs_dir, const char *path,
                                GError **error);

/* The Markdown text itself (g_free()). */
char *gust_report_markdown(const json_t *report);

#endif
