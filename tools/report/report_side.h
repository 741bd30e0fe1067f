/* report_side.h — one side of a comparison being sampled: where its
 * statistics come from (a Storm UI REST API or a Nimbus), which of this
 * host's processes are its engine, the series it builds and the sample
 * file it writes as it goes.
 *
 * Each gust_report_side_sample() makes one sample at time t from every
 * source, adds it to the series and appends it to the file at once, so a
 * run that is killed still leaves its samples on disk.  A source that
 * fails after the first sample leaves its fields out of that sample (and
 * the error is returned for the caller to report); the first sample must
 * succeed from every source, so a wrong address is found at once.
 * One thread at a time. */
#ifndef GUST_REPORT_SIDE_H
#define GUST_REPORT_SIDE_H

#include "report_series.h"

typedef struct gust_report_side gust_report_side;

typedef struct {
  const char *side;              /* "gust" or "legacy" */
  const char *topology;          /* id or name */
  const char *ui_url;            /* "http://host:port" of a Storm UI REST API, or NULL */
  const json_t *nimbus_conf;     /* a daemon conf naming a Nimbus, or NULL */
  const char *nimbus_name;       /* how to name that Nimbus in the report */
  int root_pid;                  /* > 0: this process and its descendants */
  const char *const *proc_words; /* else, when not NULL: processes holding these words */
  const char *samples_path;      /* the JSON-lines file to write */
  double interval_s;
} gust_report_side_options;

/* Opens the sources (a Storm UI is asked for its topology now) and
 * creates the sample file with its header.  NULL with a GError saying
 * what cannot be reached or written. */
gust_report_side *gust_report_side_open(const gust_report_side_options *options, GError **error);
/* Writes the end line (partial with reason, when reason is not NULL) and
 * closes the file. */
void gust_report_side_finish(gust_report_side *side, const char *partial_reason);
void gust_report_side_free(gust_report_side *side);

/* One sample at t seconds; see above for what a failure means. */
gboolean gust_report_side_sample(gust_report_side *side, double t, GError **error);

/* The series so far; borrowed. */
const gust_report_series *gust_report_side_series(const gust_report_side *side);

#endif
