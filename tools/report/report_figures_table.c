/* report_figures_table.c — the figures and components tables' rows and
 * number format (report_figures_table.h). */
#include "report_figures_table.h"

#include <math.h>

typedef struct {
  const char *figure; /* key in a side's "figures" */
  const char *label;
  double scale; /* the figure is divided by this */
  int decimals;
  const char *change; /* key in "comparison", or NULL */
} figure_row;

static const figure_row ROWS[] = {
    {"duration_s", "sampled for (s)", 1, 1, NULL},
    {"samples", "samples", 1, 0, NULL},
    {"tuples", "tuples emitted by the spouts", 1, 0, NULL},
    {"throughput_per_s", "throughput (tuples/s)", 1, 1, "throughput_ratio"},
    {"cpu_s", "CPU used (s)", 1, 2, NULL},
    {"cpu_s_per_million_tuples", "CPU per million tuples (s)", 1, 2,
     "cpu_s_per_million_tuples_change_pct"},
    {"rss_peak_bytes", "peak memory (MiB)", 1024.0 * 1024.0, 1, "rss_peak_bytes_change_pct"},
    {"rss_mean_bytes", "mean memory (MiB)", 1024.0 * 1024.0, 1, "rss_mean_bytes_change_pct"},
    {"threads_peak", "threads (peak)", 1, 0, "threads_peak_change_pct"},
    {"processes_peak", "processes (peak)", 1, 0, NULL},
    {"latency_p50_ms", "complete latency p50 (ms)", 1, 2, "latency_p50_ms_change_pct"},
    {"latency_p99_ms", "complete latency p99 (ms)", 1, 2, "latency_p99_ms_change_pct"},
};

static char *number_text(const json_t *value, double scale, int decimals)
{
  if (!json_is_number(value)) return g_strdup("\u2013");
  return g_strdup_printf("%.*f", decimals, json_number_value(value) / scale);
}

static char *figure_text(const json_t *side, const figure_row *row)
{
  return number_text(json_object_get(json_object_get(side, "figures"), row->figure), row->scale,
                     row->decimals);
}

static char *change_text(const json_t *report, const figure_row *row)
{
  const json_t *value =
      row->change ? json_object_get(json_object_get(report, "comparison"), row->change) : NULL;
  if (!json_is_number(value)) return g_strdup("");
  double v = json_number_value(value);
  if (g_str_has_suffix(row->change, "_ratio")) return g_strdup_printf("\u00d7%.2f", v);
  return g_strdup_printf("%s%.0f %%", v < 0 ? "\u2212" : "+", fabs(v));
}

static void append_cell(GString *out, const gust_report_row_style *style, const char *open,
                        const char *text)
{
  g_autofree char *escaped = style->escape_markup ? g_markup_escape_text(text, -1) : NULL;
  g_string_append(out, open);
  g_string_append(out, escaped ? escaped : text);
  g_string_append(out, style->cell_close);
}

void gust_report_append_figure_rows(GString *out, const json_t *report,
                                    const gust_report_row_style *style)
{
  const json_t *sides = json_object_get(report, "sides");
  for (guint r = 0; r < G_N_ELEMENTS(ROWS); r++) {
    g_autofree char *gust = figure_text(json_object_get(sides, "gust"), &ROWS[r]);
    g_autofree char *legacy = figure_text(json_object_get(sides, "legacy"), &ROWS[r]);
    g_autofree char *change = change_text(report, &ROWS[r]);
    g_string_append(out, style->row_open);
    append_cell(out, style, style->cell_open, ROWS[r].label);
    append_cell(out, style, style->number_cell_open, gust);
    append_cell(out, style, style->number_cell_open, legacy);
    append_cell(out, style, style->number_cell_open, change);
    g_string_append(out, style->row_close);
  }
}

void gust_report_append_component_rows(GString *out, const json_t *sides,
                                       const gust_report_row_style *style)
{
  static const char *const SIDES[] = {"gust", "legacy"};
  static const struct {
    const char *field;
    int decimals;
  } NUMBERS[] = {{"executors", 0}, {"emitted", 0}, {"executed", 0}, {"latency_ms", 3}};
  for (guint s = 0; s < G_N_ELEMENTS(SIDES); s++) {
    const char *id;
    json_t *c;
    json_object_foreach(json_object_get(json_object_get(sides, SIDES[s]), "components"), id, c)
    {
      const char *kind = json_string_value(json_object_get(c, "kind"));
      g_string_append(out, style->row_open);
      append_cell(out, style, style->cell_open, SIDES[s]);
      append_cell(out, style, style->cell_open, id);
      append_cell(out, style, style->cell_open, kind ? kind : "");
      for (guint n = 0; n < G_N_ELEMENTS(NUMBERS); n++) {
        g_autofree char *number =
            number_text(json_object_get(c, NUMBERS[n].field), 1, NUMBERS[n].decimals);
        append_cell(out, style, style->number_cell_open, number);
      }
      g_string_append(out, style->row_close);
    }
  }
}
