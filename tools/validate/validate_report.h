/* validate_report.h — a validation's result as a whole (every sink's
 * comparison, the overall verdict, whether it is partial) and its JSON and
 * HTML forms.  The HTML page is self-contained: inline style, no script,
 * nothing fetched.  Caller's thread.
 */
#ifndef GUST_VALIDATE_REPORT_H
#define GUST_VALIDATE_REPORT_H

#include "validate_compare.h"

G_BEGIN_DECLS

typedef struct {
  char *mode;           /* "local", "shadow", "offline" */
  GPtrArray *sinks;     /* of gust_validate_sink_result */
  GPtrArray *notes;     /* of char *: how the sides were produced (seed, kills, ...) */
  char *partial_reason; /* non-NULL: interrupted, says while doing what */
  char *unusable;       /* non-NULL: no verdict possible, says why (exit status 2) */
} gust_validate_report;

gust_validate_report *gust_validate_report_new(const char *mode);
void gust_validate_report_free(gust_validate_report *report);
void gust_validate_report_note(gust_validate_report *report, const char *format, ...)
    G_GNUC_PRINTF(2, 3);

/* The overall verdict: DIFFERENT if any sink differs, else EQUIVALENT if
 * any has duplicates, else IDENTICAL. */
gust_validate_verdict gust_validate_report_verdict(const gust_validate_report *report);
/* One line for the terminal ("verdict: ..."); caller frees. */
char *gust_validate_report_verdict_line(const gust_validate_report *report);

/* Writes the report to path; FALSE + G_FILE_ERROR naming path. */
gboolean gust_validate_report_write_json(const gust_validate_report *report, const char *path,
                                         GError **error);
gboolean gust_validate_report_write_html(const gust_validate_report *report, const char *path,
                                         GError **error);

G_END_DECLS

#endif
