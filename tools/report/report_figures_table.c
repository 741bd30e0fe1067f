/* report_figures_table.c — the figures table's rows and number format
 * (report_figures_table.h). */
#include "report_figures_table.h"

#include <math.h>

static const gust_report_figure_row ROWS[] = {
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

const gust_report_figure_row *gust_report_figure_rows(guint *n_rows)
{
  *n_rows = G_N_ELEMENTS(ROWS);
  return ROWS;
}

static char *number_text(const json_t *value, double scale, int decimals)
{
  if (!json_is_number(value)) return g_strdup("\u2013");
  return g_strdup_printf("%.*f", decimals, json_number_value(value) / scale);
}

char *gust_report_figure_text(const json_t *side, const gust_report_figure_row *row)
{
  return number_text(json_object_get(json_object_get(side, "figures"), row->figure), row->scale,
                     row->decimals);
}

char *gust_report_change_text(const json_t *report, const gust_report_figure_row *row)
{
  const json_t *value =
      row->change ? json_object_get(json_object_get(report, "comparison"), row->change) : NULL;
  if (!json_is_number(value)) return g_strdup("");
  double v = json_number_value(value);
  if (g_str_has_suffix(row->change, "_ratio")) return g_strdup_printf("\u00d7%.2f", v);
  return g_strdup_printf("%s%.0f %%", v < 0 ? "\u2212" : "+", fabs(v));
}

char *gust_report_component_number(const json_t *component, const char *field, int decimals)
{
  return number_text(json_object_get(component, field), 1, decimals);
}
