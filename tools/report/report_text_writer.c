/* report_text_writer.c — the report as JSON and as Markdown
 * (report_writers.h): the same figures, the comparison and the
 * components, for a pull request or a ticket. */
#include "report_figures_table.h"
#include "report_writers.h"

static const char *const SIDES[] = {"gust", "legacy"};
/* "| a | b | c |" */
static const gust_report_row_style MARKDOWN = {.row_open = "",
                                               .row_close = "|\n",
                                               .cell_open = "| ",
                                               .number_cell_open = "| ",
                                               .cell_close = " "};

static gboolean write_file(const char *path, const char *text, GError **error)
{
  GError *file_error = NULL;
  if (g_file_set_contents(path, text, -1, &file_error)) return TRUE;
  g_set_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_OUTPUT, "cannot write the report %s: %s",
              path, file_error->message);
  g_error_free(file_error);
  return FALSE;
}

gboolean gust_report_write_json(const json_t *report, const char *path, GError **error)
{
  char *text = json_dumps(report, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
  GString *with_newline = g_string_new(text);
  g_string_append_c(with_newline, '\n');
  free(text);
  gboolean ok = write_file(path, with_newline->str, error);
  g_string_free(with_newline, TRUE);
  return ok;
}

static void append_components(GString *md, const json_t *sides)
{
  g_string_append(md,
                  "\n## Components (at the last sample)\n\n"
                  "| side | component | kind | executors | emitted | executed | latency (ms) |\n"
                  "|---|---|---|---:|---:|---:|---:|\n");
  gust_report_append_component_rows(md, sides, &MARKDOWN);
}

char *gust_report_markdown(const json_t *report)
{
  const json_t *sides = json_object_get(report, "sides");
  GString *md = g_string_new("# Resource usage: gust and the legacy cluster\n\n");
  if (json_is_true(json_object_get(report, "partial"))) {
    g_string_append(md, "**PARTIAL REPORT**: the sampling did not run to its end.\n");
    size_t i;
    json_t *reason;
    json_array_foreach(json_object_get(report, "partial_reasons"), i, reason)
        g_string_append_printf(md, "- %s\n", json_string_value(reason));
    g_string_append_c(md, '\n');
  }
  g_string_append_printf(md, "**%s**\n\n", json_string_value(json_object_get(report, "summary")));
  for (guint s = 0; s < G_N_ELEMENTS(SIDES); s++) {
    const json_t *side = json_object_get(sides, SIDES[s]);
    if (side)
      g_string_append_printf(md, "- %s: %s, topology %s, from %s\n", SIDES[s],
                             json_string_value(json_object_get(side, "engine"))
                                 ?: "engine not named",
                             json_string_value(json_object_get(side, "topology")) ?: "(not named)",
                             json_string_value(json_object_get(side, "source")) ?: "(not named)");
  }
  g_string_append(md, "\n| figure | gust | legacy | gust vs legacy |\n|---|---:|---:|---:|\n");
  gust_report_append_figure_rows(md, report, &MARKDOWN);
  append_components(md, sides);
  g_string_append(md,
                  "\nComplete latency percentiles are taken over the mean latency of the tuples "
                  "acked in each sampling interval (Storm exposes means, not histograms).\n");
  return g_string_free(md, FALSE);
}

gboolean gust_report_write_markdown(const json_t *report, const char *path, GError **error)
{
  g_autofree char *md = gust_report_markdown(report);
  return write_file(path, md, error);
}
