/* report_figures_table.h — the rows of the figures and components tables
 * that the Markdown and HTML writers both print, and how each number
 * reads. */
#ifndef GUST_REPORT_FIGURES_TABLE_H
#define GUST_REPORT_FIGURES_TABLE_H

#include <glib.h>
#include <jansson.h>

/* How a writer marks up the tables' rows. */
typedef struct {
  const char *row_open, *row_close;
  const char *cell_open, *number_cell_open, *cell_close;
  gboolean escape_markup; /* every cell's text goes through g_markup_escape_text() */
} gust_report_row_style;

/* Appends the figures table's rows: a figure's label, its value on each
 * side ("–" when not measured) and the comparison ("−63 %", "×4.10", or
 * empty).  Can't fail. */
void gust_report_append_figure_rows(GString *out, const json_t *report,
                                    const gust_report_row_style *style);

/* Appends one row per component of each side in sides (a report's
 * "sides"), gust first: side, component, kind, then its four numbers
 * (executors, emitted, executed, latency in ms; "–" when not measured).
 * Can't fail. */
void gust_report_append_component_rows(GString *out, const json_t *sides,
                                       const gust_report_row_style *style);

#endif
