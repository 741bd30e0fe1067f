/* topology_run.c — running a topology in this process until a stop, then
 * draining it (see topology_run.h).  Used from the main thread of
 * `gust local` and `gust worker`; the only state is the count of stop
 * signals, written by the signal handler and read by the main thread. */
#include "topology_run.h"

#include "local_report.h"
#include "log_writer.h"

#include <gust/flinkcore.h>
#include <signal.h>

enum { DRAIN_REPORT_EVERY_S = 5 }; /* a drain that takes longer says again what it waits for */

static volatile sig_atomic_t stop_requests; /* Ctrl-C / SIGTERM seen so far */

static void on_signal(int signo)
{
  stop_requests++;
}

void gust_stop_signals_install(void)
{
  struct sigaction sa = {.sa_handler = on_signal};
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

void gust_stop_request(void)
{
  stop_requests++;
}

int gust_stop_requests(void)
{
  return stop_requests;
}

char *gust_native_search_path(void)
{
  const char *user = g_getenv("GUST_NATIVE_PATH");
  if (user && *user) return g_strjoin(G_SEARCHPATH_SEPARATOR_S, user, GUST_BUILD_LIBRARY_DIR, NULL);
  return g_strdup(GUST_BUILD_LIBRARY_DIR);
}

int gust_run_poll(gust_runtime *rt, int timeout_ms)
{
  GError *error = NULL;
  if (gust_runtime_wait(rt, timeout_ms, &error)) return 0;
  if (g_error_matches(error, FC_ERROR, FC_ERROR_TIMEOUT)) {
    g_error_free(error);
    return GUST_RUN_GOING_ON;
  }
  gust_log_error("topology failed: %s", error->message);
  g_error_free(error);
  return 1;
}

int gust_run_until_stop(gust_runtime *rt, double duration, void (*tick)(void *data), void *data)
{
  int64_t start = g_get_monotonic_time();
  while (!stop_requests) {
    if (duration > 0 && g_get_monotonic_time() - start >= (int64_t)(duration * 1e6)) break;
    int status = gust_run_poll(rt, 100); /* 0: every spout ended by itself */
    if (status != GUST_RUN_GOING_ON) return status;
    if (tick) tick(data);
  }
  return 0;
}

static void report_drain(gust_runtime *rt, int waited_s)
{
  GString *detail = g_string_new(NULL);
  uint64_t in_flight = gust_local_spout_tuples_in_flight(rt, detail);
  if (in_flight)
    g_message("draining%s%.0d%s: waiting for %" G_GUINT64_FORMAT
              " spout tuple(s) to be acked or failed (%s) and for every task to close; up to %d "
              "s, Ctrl-C again forces the stop",
              waited_s ? " for " : "", waited_s, waited_s ? " s" : "", in_flight, detail->str,
              GUST_STOP_TIMEOUT_S);
  else
    g_message("draining%s%.0d%s: waiting for the bolts to finish what they hold and for every "
              "task to close; up to %d s, Ctrl-C again forces the stop",
              waited_s ? " for " : "", waited_s, waited_s ? " s" : "", GUST_STOP_TIMEOUT_S);
  g_string_free(detail, TRUE);
}

int gust_drain(gust_runtime *rt)
{
  int seen = stop_requests;
  GError *error = NULL;
  report_drain(rt, 0);
  int64_t start = g_get_monotonic_time();
  int64_t next_report = start + DRAIN_REPORT_EVERY_S * G_USEC_PER_SEC;
  gboolean done = gust_runtime_stop(rt, 100, &error);
  while (!done && g_error_matches(error, FC_ERROR, FC_ERROR_TIMEOUT)) {
    g_clear_error(&error);
    int64_t now = g_get_monotonic_time();
    if (stop_requests > seen) {
      g_warning("second stop request: stopping now, without waiting for the drain");
      return GUST_FORCED_STOP_STATUS;
    }
    if (now - start >= GUST_STOP_TIMEOUT_S * G_USEC_PER_SEC) {
      gust_log_error("stopping failed: the drain did not end within %d s; tasks:",
                     GUST_STOP_TIMEOUT_S);
      gust_runtime_log_tasks(rt, G_LOG_LEVEL_CRITICAL);
      return 1;
    }
    if (now >= next_report) {
      report_drain(rt, (int)((now - start) / G_USEC_PER_SEC));
      next_report = now + DRAIN_REPORT_EVERY_S * G_USEC_PER_SEC;
    }
    done = gust_runtime_wait(rt, 100, &error);
  }
  if (done) return 0;
  gust_log_error("stopping failed: %s", error->message);
  g_error_free(error);
  return 1;
}
