/* stats_history.h — rolling windows over cumulative counters (see stats_history.c). */
#ifndef GUST_RT_STATS_HISTORY_H
#define GUST_RT_STATS_HISTORY_H

#include <glib.h>
#include <stdint.h>

/* Storm's rolling windows, in seconds: 10 minutes, 3 hours, a day. */
enum { RT_ROLLING_WINDOWS = 3, RT_WINDOW_BUCKETS = 20 };
extern const int64_t rt_window_secs[RT_ROLLING_WINDOWS];

typedef struct rt_stats_history rt_stats_history;

/* A history of n_counters counters, all zero at start_secs (any monotonic
 * clock in seconds; the caller's).  Free with rt_stats_history_free(). */
rt_stats_history *rt_stats_history_new(size_t n_counters, int64_t start_secs);
void rt_stats_history_free(rt_stats_history *h);
/* TRUE when a copy of the counters is due at now (a bucket of some window
 * has passed since its last copy): the caller reads them only then. */
gboolean rt_stats_history_due(const rt_stats_history *h, int64_t now);
/* Keeps a copy of values (n_counters) taken at now in every window whose
 * bucket is due, and forgets copies no window needs any more. */
void rt_stats_history_add(rt_stats_history *h, const uint64_t *values, int64_t now);
/* What to subtract from the counters at now for window w (0..2): the
 * newest copy at least rt_window_secs[w] old, or the start's zeros while
 * the history is younger than the window.  The window covers at most one
 * bucket (a twentieth) more than its length when copies were added at
 * every bucket.  Valid until the next rt_stats_history_add(). */
const uint64_t *rt_stats_history_base(const rt_stats_history *h, int w, int64_t now);

#endif
