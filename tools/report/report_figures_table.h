/* report_figures_table.h — the rows of the figures table that the
 * Markdown and HTML writers both print, and how each number reads. */
#ifndef GUST_REPORT_FIGURES_TABLE_H
#define GUST_REPORT_FIGURES_TABLE_H

#include <glib.h>
#include <jansson.h>

typedef struct {
  const char *figure; /* key in a side's "figures" */
  const char *label;
  double scale; /* the figure is divided by this */
  int decimals;
  const char *change; /* key in "comparison", or NULL */
} gust_report_figure_row;

/* The rows, in print order; static. */
const gust_report_figure_row *gust_report_figure_rows(guint *n_rows);

/* The figure of side (a report's sides.NAME, may be NULL) as text ("–"
 * when not measured); g_free(). */
char *gust_report_figure_text(const json_t *side, const gust_report_figure_row *row);
/* The comparison column: "−63 %", "×4.10", or "" when none; g_free(). */
char *gust_report_change_text(const json_t *report, const gust_report_figure_row *row);

/* The component columns of one components entry: executors, emitted,
 * executed, latency; g_free() each. */
char *gust_report_component_number(const json_t *component, const char *field, int decimals);

#endif
