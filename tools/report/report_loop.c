/* report_loop.c — the sampling loop (report_loop.h).  Sleeps in steps of
 * at most STEP_US so that a stop request is seen within that time. */
#define G_LOG_DOMAIN "gust-report"

#include "report_loop.h"

#include <math.h>

enum { STEP_US = 100 * 1000 };

static double seconds_since(gint64 start_us)
{
  return (g_get_monotonic_time() - start_us) / 1e6;
}

static void print_progress(gust_report_side **sides, guint n_sides, double elapsed,
                           const gust_report_loop_options *o)
{
  GString *line = g_string_new(NULL);
  if (o->duration_s > 0)
    g_string_append_printf(line, "%.0f s of %.0f s", elapsed, o->duration_s);
  else
    g_string_append_printf(line, "%.0f s (until Ctrl-C)", elapsed);
  for (guint i = 0; i < n_sides; i++) {
    const gust_report_series *s = gust_report_side_series(sides[i]);
    guint n = s->samples->len;
    if (n < 2) {
      g_string_append_printf(line, "; %s: waiting for its second sample", s->side);
      continue;
    }
    const json_t *first = g_ptr_array_index(s->samples, 0),
                 *last = g_ptr_array_index(s->samples, n - 1);
    double tuples =
        gust_report_sample_number(last, "tuples") - gust_report_sample_number(first, "tuples");
    double dt = gust_report_sample_number(last, "t") - gust_report_sample_number(first, "t");
    if (isnan(tuples))
      g_string_append_printf(line, "; %s: %u samples, no tuple counts", s->side, n);
    else
      g_string_append_printf(line, "; %s: %u samples, %.0f tuples read, %.0f/s", s->side, n, tuples,
                             dt > 0 ? tuples / dt : 0.0);
  }
  g_message("report: %s", line->str);
  g_string_free(line, TRUE);
}

char *gust_report_loop_run(gust_report_side **sides, guint n_sides,
                           const gust_report_loop_options *o)
{
  gint64 start = g_get_monotonic_time();
  double next_progress = o->progress_s;
  for (guint64 tick = 0;; tick++) {
    double due = tick * o->interval_s;
    if (o->duration_s > 0 && due > o->duration_s + 1e-9) return NULL;
    while (seconds_since(start) < due) {
      if (*o->stop) goto stopped;
      double left_us = (due - seconds_since(start)) * 1e6;
      g_usleep((gulong)MIN(left_us, STEP_US) + 1);
    }
    if (*o->stop) goto stopped;
    char *why = NULL;
    if (o->still_running && !o->still_running(o->data, &why)) return why;
    for (guint i = 0; i < n_sides; i++) {
      GError *error = NULL;
      if (!gust_report_side_sample(sides[i], seconds_since(start), &error)) {
        if (gust_report_side_series(sides[i])->samples->len == 0) {
          char *why = g_strdup(error->message); /* the first sample: nothing to report on */
          g_error_free(error);
          return why;
        }
        g_warning("report: %s side: %s (sampling goes on)", gust_report_side_series(sides[i])->side,
                  error->message);
        g_error_free(error);
      }
    }
    if (seconds_since(start) >= next_progress) {
      print_progress(sides, n_sides, seconds_since(start), o);
      next_progress += o->progress_s;
    }
  }
stopped:
  if (o->duration_s <= 0) return NULL;
  return g_strdup_printf("interrupted after %.1f s of the %.0f s asked for", seconds_since(start),
                         o->duration_s);
}
