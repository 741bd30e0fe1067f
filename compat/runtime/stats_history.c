/* stats_history.c — rolling windows over cumulative counters.
 *
 * The tasks only ever add to their counters (the all-time totals).  A
 * window's count is the counter now minus its value at the window's start,
 * so the history keeps, per window, the copies of the whole counter vector
 * taken every bucket (a twentieth of the window, as Storm's rolling
 * windows have twenty buckets): 30 s for 10 minutes, 9 min for 3 hours,
 * 72 min for a day.  A copy is shared by the windows that took it at the
 * same moment (GBytes).  Average latencies of a window come from the same
 * subtraction applied to the sums and sample counts.
 *
 * Not thread-safe: the owner (stats.c) guards it with a lock.
 */
#include "stats_history.h"

#include <string.h>

const int64_t rt_window_secs[RT_ROLLING_WINDOWS] = {600, 10800, 86400};

typedef struct {
  int64_t time;
  GBytes *values;
} history_copy;

struct rt_stats_history {
  size_t n_counters;
  GQueue copies[RT_ROLLING_WINDOWS]; /* history_copy*, oldest first; never empty */
};

static history_copy *copy_new(int64_t time, GBytes *values)
{
  history_copy *c = g_new(history_copy, 1);
  c->time = time;
  c->values = g_bytes_ref(values);
  return c;
}

static void copy_free(gpointer p)
{
  history_copy *c = p;
  g_bytes_unref(c->values);
  g_free(c);
}

rt_stats_history *rt_stats_history_new(size_t n_counters, int64_t start_secs)
{
  rt_stats_history *h = g_new0(rt_stats_history, 1);
  h->n_counters = n_counters;
  uint64_t *zeros = g_new0(uint64_t, MAX(n_counters, 1));
  GBytes *start = g_bytes_new_take(zeros, n_counters * sizeof(uint64_t));
  for (int w = 0; w < RT_ROLLING_WINDOWS; w++) {
    g_queue_init(&h->copies[w]);
    g_queue_push_tail(&h->copies[w], copy_new(start_secs, start));
  }
  g_bytes_unref(start);
  return h;
}

void rt_stats_history_free(rt_stats_history *h)
{
  if (!h) return;
  for (int w = 0; w < RT_ROLLING_WINDOWS; w++)
    g_queue_clear_full(&h->copies[w], copy_free);
  g_free(h);
}

static gboolean window_due(const rt_stats_history *h, int w, int64_t now)
{
  const history_copy *last = g_queue_peek_tail((GQueue *)&h->copies[w]);
  return now - last->time >= rt_window_secs[w] / RT_WINDOW_BUCKETS;
}

gboolean rt_stats_history_due(const rt_stats_history *h, int64_t now)
{
  for (int w = 0; w < RT_ROLLING_WINDOWS; w++)
    if (window_due(h, w, now)) return TRUE;
  return FALSE;
}

void rt_stats_history_add(rt_stats_history *h, const uint64_t *values, int64_t now)
{
  GBytes *bytes = NULL;
  for (int w = 0; w < RT_ROLLING_WINDOWS; w++) {
    if (!window_due(h, w, now)) continue;
    if (!bytes) bytes = g_bytes_new(values, h->n_counters * sizeof(uint64_t));
    GQueue *q = &h->copies[w];
    g_queue_push_tail(q, copy_new(now, bytes));
    /* the head stays the newest copy at least a window old */
    while (q->length > 1 &&
           ((history_copy *)g_queue_peek_nth(q, 1))->time <= now - rt_window_secs[w])
      copy_free(g_queue_pop_head(q));
  }
  if (bytes) g_bytes_unref(bytes);
}

const uint64_t *rt_stats_history_base(const rt_stats_history *h, int w, int64_t now)
{
  g_return_val_if_fail(w >= 0 && w < RT_ROLLING_WINDOWS, NULL);
  const history_copy *base = NULL;
  for (GList *l = h->copies[w].head; l; l = l->next) {
    const history_copy *c = l->data;
    if (c->time > now - rt_window_secs[w]) break;
    base = c;
  }
  if (!base) base = g_queue_peek_head((GQueue *)&h->copies[w]); /* younger than the window */
  return g_bytes_get_data(base->values, NULL);
}
