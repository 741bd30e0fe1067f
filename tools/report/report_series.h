/* report_series.h — one side's samples over time, and their file format.
 *
 * A series is what a sampler saw of one engine running one topology: a
 * header (side, engine, source, topology, interval) and samples in time
 * order.  Each sample is a JSON object; every field may be absent when the
 * source does not expose it:
 *   t            seconds since the first sample
 *   cpu_s        CPU seconds (user + system) of the engine's processes
 *   rss_bytes    their resident memory
 *   threads, processes
 *   tuples       tuples the spouts emitted since the topology started
 *   acked        tuples acked at the spouts since the topology started
 *   complete_ms  mean complete latency over those acked tuples
 *   components   {id: {kind, executors, emitted, executed, latency_ms}}
 * The file is JSON lines: the header object, one line per sample, and an
 * "end" line saying whether the series is partial and why.  A series is
 * owned by its caller (gust_report_series_free()); one thread at a time.
 */
#ifndef GUST_REPORT_SERIES_H
#define GUST_REPORT_SERIES_H

#include <glib.h>
#include <jansson.h>
#include <stdio.h>

typedef struct {
  char *side;     /* "gust" or "legacy" */
  char *engine;   /* e.g. "Storm 2.6.0", "gust 0.9" */
  char *source;   /* where the statistics came from: a URL, host:port */
  char *topology; /* the topology's id or name */
  double interval_s;
  GPtrArray *samples; /* json_t objects, owned */
  gboolean partial;
  char *partial_reason; /* NULL when complete */
} gust_report_series;

gust_report_series *gust_report_series_new(const char *side);
void gust_report_series_free(gust_report_series *series);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(gust_report_series, gust_report_series_free)

/* Takes sample (a JSON object) and appends it. */
void gust_report_series_add(gust_report_series *series, json_t *sample);

/* Writes the header line, then each sample as it comes, then the end
 * line; stream stays the caller's.  These cannot fail short of the
 * stream's own errors, which the caller sees with ferror(). */
void gust_report_series_write_header(const gust_report_series *series, FILE *stream);
void gust_report_series_write_sample(const json_t *sample, FILE *stream);
void gust_report_series_write_end(const gust_report_series *series, FILE *stream);

/* Reads a file written as above.  NULL with a GError naming the file and
 * line when it cannot be read, a line is not a JSON object, the header is
 * missing or a sample's numbers are not numbers. */
gust_report_series *gust_report_series_load(const char *path, GError **error);

/* A sample's number field, or NAN when absent or null. */
double gust_report_sample_number(const json_t *sample, const char *field);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_t, json_decref)

#define GUST_REPORT_ERROR (gust_report_error_quark())
GQuark gust_report_error_quark(void);
typedef enum {
  GUST_REPORT_ERROR_INPUT,  /* a file or reply that cannot be used */
  GUST_REPORT_ERROR_SOURCE, /* an endpoint that cannot be reached */
  GUST_REPORT_ERROR_OUTPUT, /* a report that cannot be written */
} gust_report_error;

#endif
