/* cmd_report.h — what `gust report`'s commands share (cmd_report.c,
 * cmd_report_run.c): exit statuses, the stop flag its signal handler sets,
 * and writing the report files.  Main thread only. */
#ifndef GUST_CMD_REPORT_H
#define GUST_CMD_REPORT_H

#include "report_series.h"

#include <signal.h>

enum { GUST_REPORT_EXIT_UNUSABLE = 2, GUST_REPORT_EXIT_INTERRUPTED = 130 };
#define GUST_REPORT_PROGRESS_S 5.0

/* Set by SIGINT or SIGTERM once gust_report_catch_stop_signals() ran. */
extern volatile sig_atomic_t gust_report_stop_requested;
void gust_report_catch_stop_signals(void);

/* Logs "gust report: ..." as an error and returns status. */
int gust_report_fail(int status, const char *format, ...) G_GNUC_PRINTF(2, 3);

/* HOST:PORT into a daemon conf naming that Nimbus; NULL + error. */
json_t *gust_report_nimbus_conf(const char *address, GError **error);

/* Builds the report of gust and legacy (either may be NULL) and writes
 * PREFIX.html, .json and .md; prints the summary line on stdout.  Returns
 * the exit status: GUST_REPORT_EXIT_UNUSABLE for series that cannot make
 * a report, 1 for a file that cannot be written, else
 * GUST_REPORT_EXIT_INTERRUPTED when interrupted, else 0. */
int gust_report_write(const gust_report_series *gust, const gust_report_series *legacy,
                      const char *prefix, gboolean interrupted);

#endif
