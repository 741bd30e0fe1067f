/* local_report.c — the summary table of `gust local` and the figures its
 * drain reports, both read from gust_runtime_summary() (any thread; the
 * counters are atomic, so a table taken while tasks run is a snapshot). */
#include "local_report.h"

#include <stdio.h>

static double per_second(uint64_t count, double seconds)
{
  return seconds > 0 ? count / seconds : 0;
}

void gust_local_print_summary(gust_runtime *rt, double seconds)
{
  gust_component_summary *s = NULL;
  guint n = gust_runtime_summary(rt, &s);
  printf("%-16s %-5s %5s %12s %12s %10s %12s %8s %12s %12s %10s %10s\n", "component", "kind",
         "tasks", "emitted", "acked", "failed", "executed", "errors", "complete-ms", "execute-ms",
         "emit/s", "ack/s");
  for (guint i = 0; i < n; i++) {
    char complete[32] = "-", execute[32] = "-";
    g_snprintf(s[i].is_spout ? complete : execute, sizeof complete, "%.3f", s[i].latency_ms);
    printf("%-16s %-5s %5d %12" G_GUINT64_FORMAT " %12" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT
           " %12" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT " %12s %12s %10.1f %10.1f\n",
           s[i].component, s[i].is_spout ? "spout" : "bolt", s[i].tasks, s[i].emitted, s[i].acked,
           s[i].failed, s[i].executed, s[i].errors, complete, execute,
           per_second(s[i].emitted, seconds), per_second(s[i].acked, seconds));
  }
  printf("ran %.1f s (complete-ms: spout emit to tuple tree completed; execute-ms: time in a "
         "bolt's execute; means)\n",
         seconds);
  g_free(s);
}

uint64_t gust_local_spout_tuples_in_flight(gust_runtime *rt, GString *detail)
{
  gust_component_summary *s = NULL;
  guint n = gust_runtime_summary(rt, &s);
  uint64_t total = 0;
  for (guint i = 0; i < n; i++) {
    uint64_t settled = s[i].acked + s[i].failed;
    if (!s[i].is_spout || s[i].emitted <= settled) continue;
    total += s[i].emitted - settled;
    if (detail)
      g_string_append_printf(detail, "%s%s %" G_GUINT64_FORMAT, detail->len ? ", " : "",
                             s[i].component, s[i].emitted - settled);
  }
  g_free(s);
  return total;
}
