/* report_loop.h — sampling sides until a duration has passed or the
 * user stops it, printing progress.
 *
 * Samples are taken at t = 0, interval, 2·interval, ... from the start
 * (aligned, so a slow sample does not shift the ones after it), every side
 * at each tick.  Progress goes to the log every progress_s seconds:
 * elapsed and total time, samples, and each side's tuples and rate, or
 * what it is waiting for.  The loop ends at the duration (0: never), when
 * *stop becomes non-zero (set from a signal handler), or when still_running
 * (optional) returns FALSE.  A side whose first sample fails ends the
 * loop at once, with that error as the reason (the caller sees the side's
 * empty series).  Runs on the caller's thread. */
#ifndef GUST_REPORT_LOOP_H
#define GUST_REPORT_LOOP_H

#include "report_side.h"

#include <signal.h>

typedef struct {
  double duration_s; /* 0: until stopped */
  double interval_s;
  double progress_s;
  const volatile sig_atomic_t *stop;
  /* FALSE ends the loop, with *why (g_free()) saying what ended */
  gboolean (*still_running)(void *data, char **why);
  void *data;
} gust_report_loop_options;

/* Returns NULL when the loop ran its whole duration (or, without one,
 * was stopped as planned), else why it ended early (g_free()). */
char *gust_report_loop_run(gust_report_side **sides, guint n_sides,
                           const gust_report_loop_options *options);

#endif
