/* report_model.c — figures, interval series and the comparison
 * (report_model.h).  Pure computation on loaded series: no I/O. */
#include "report_model.h"

#include <math.h>
#include <string.h>

static double sample_at(const gust_report_series *s, guint i, const char *field)
{
  return gust_report_sample_number(g_ptr_array_index(s->samples, i), field);
}

static json_t *number_or_null(double value)
{
  return isfinite(value) ? json_real(value) : json_null();
}

static int compare_doubles(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of values (sorted here); NAN when empty. */
static double percentile(GArray *values, double p)
{
  if (values->len == 0) return NAN;
  qsort(values->data, values->len, sizeof(double), compare_doubles);
  guint rank = (guint)ceil(p / 100.0 * values->len);
  return g_array_index(values, double, rank ? rank - 1 : 0);
}

/* The first and last finite values of field: their difference, or NAN. */
static double growth(const gust_report_series *s, const char *field)
{
  double first = NAN, last = NAN;
  for (guint i = 0; i < s->samples->len; i++) {
    double v = sample_at(s, i, field);
    if (isnan(v)) continue;
    if (isnan(first)) first = v;
    last = v;
  }
  return last - first;
}

typedef struct {
  double peak, sum;
  guint n;
} gauge;

static gauge gauge_of(const gust_report_series *s, const char *field)
{
  gauge g = {NAN, 0, 0};
  for (guint i = 0; i < s->samples->len; i++) {
    double v = sample_at(s, i, field);
    if (isnan(v)) continue;
    g.peak = isnan(g.peak) || v > g.peak ? v : g.peak;
    g.sum += v;
    g.n++;
  }
  return g;
}

/* The mean complete latency of the tuples acked between samples i-1 and i. */
static double interval_latency(const gust_report_series *s, guint i)
{
  double a0 = sample_at(s, i - 1, "acked"), a1 = sample_at(s, i, "acked");
  double l0 = sample_at(s, i - 1, "complete_ms"), l1 = sample_at(s, i, "complete_ms");
  if (isnan(a0) || isnan(a1) || isnan(l0) || isnan(l1) || a1 <= a0) return NAN;
  double latency = (l1 * a1 - l0 * a0) / (a1 - a0);
  return latency >= 0 ? latency : NAN;
}

/* Rate of field between samples i-1 and i, per second; NAN when unknown
 * or going backwards. */
static double interval_rate(const gust_report_series *s, guint i, const char *field)
{
  double dt = sample_at(s, i, "t") - sample_at(s, i - 1, "t");
  double dv = sample_at(s, i, field) - sample_at(s, i - 1, field);
  return dt > 0 && dv >= 0 ? dv / dt : NAN;
}

static json_t *side_intervals(const gust_report_series *s, GArray *latencies)
{
  json_t *t = json_array(), *cores = json_array(), *rss = json_array(), *rate = json_array(),
         *latency = json_array();
  for (guint i = 1; i < s->samples->len; i++) {
    json_array_append_new(t, json_real(sample_at(s, i, "t")));
    json_array_append_new(cores, number_or_null(interval_rate(s, i, "cpu_s")));
    json_array_append_new(rss, number_or_null(sample_at(s, i, "rss_bytes") / (1024.0 * 1024.0)));
    json_array_append_new(rate, number_or_null(interval_rate(s, i, "tuples")));
    double l = interval_latency(s, i);
    json_array_append_new(latency, number_or_null(l));
    if (!isnan(l)) g_array_append_val(latencies, l);
  }
  return json_pack("{s:o, s:o, s:o, s:o, s:o}", "t", t, "cpu_cores", cores, "rss_mib", rss,
                   "throughput", rate, "latency_ms", latency);
}

static json_t *side_figures(const gust_report_series *s, GArray *latencies)
{
  double duration = sample_at(s, s->samples->len - 1, "t") - sample_at(s, 0, "t");
  double cpu = growth(s, "cpu_s"), tuples = growth(s, "tuples");
  gauge rss = gauge_of(s, "rss_bytes"), threads = gauge_of(s, "threads"),
        processes = gauge_of(s, "processes");
  if (latencies->len == 0) { /* no interval acked anything new: the run's mean, if any */
    double last = sample_at(s, s->samples->len - 1, "complete_ms");
    if (!isnan(last) && sample_at(s, s->samples->len - 1, "acked") > 0)
      g_array_append_val(latencies, last);
  }
  json_t *f = json_object();
  json_object_set_new(f, "samples", json_integer(s->samples->len));
  json_object_set_new(f, "duration_s", json_real(duration));
  json_object_set_new(f, "cpu_s", number_or_null(cpu));
  json_object_set_new(f, "cpu_s_per_million_tuples",
                      number_or_null(tuples > 0 ? cpu / tuples * 1e6 : NAN));
  json_object_set_new(f, "rss_peak_bytes", number_or_null(rss.peak));
  json_object_set_new(f, "rss_mean_bytes", number_or_null(rss.n ? rss.sum / rss.n : NAN));
  json_object_set_new(f, "threads_peak", number_or_null(threads.peak));
  json_object_set_new(f, "processes_peak", number_or_null(processes.peak));
  json_object_set_new(f, "tuples", number_or_null(tuples));
  json_object_set_new(f, "throughput_per_s",
                      number_or_null(duration > 0 ? tuples / duration : NAN));
  json_object_set_new(f, "latency_p50_ms", number_or_null(percentile(latencies, 50)));
  json_object_set_new(f, "latency_p99_ms", number_or_null(percentile(latencies, 99)));
  return f;
}

static json_t *side_report(const gust_report_series *s, GError **error)
{
  if (s->samples->len < 2) {
    g_set_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_INPUT,
                "the %s side has %u sample%s: a report needs at least two, to measure what "
                "changed between them",
                s->side, s->samples->len, s->samples->len == 1 ? "" : "s");
    return NULL;
  }
  for (guint i = 1; i < s->samples->len; i++)
    if (sample_at(s, i, "t") < sample_at(s, i - 1, "t")) {
      g_set_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_INPUT,
                  "the %s side's sample %u goes back in time (t %.3f after %.3f)", s->side, i + 1,
                  sample_at(s, i, "t"), sample_at(s, i - 1, "t"));
      return NULL;
    }
  g_autoptr(GArray) latencies = g_array_new(FALSE, FALSE, sizeof(double));
  json_t *intervals = side_intervals(s, latencies);
  json_t *sorted = json_array();
  json_t *figures = side_figures(s, latencies); /* sorts latencies */
  for (guint i = 0; i < latencies->len; i++)
    json_array_append_new(sorted, json_real(g_array_index(latencies, double, i)));
  json_t *components =
      json_object_get(g_ptr_array_index(s->samples, s->samples->len - 1), "components");
  return json_pack("{s:s?, s:s?, s:s?, s:f, s:b, s:s?, s:o, s:o, s:o, s:O}", "engine", s->engine,
                   "source", s->source, "topology", s->topology, "interval_s",
                   isnan(s->interval_s) ? 0.0 : s->interval_s, "partial", s->partial,
                   "partial_reason", s->partial_reason, "figures", figures, "intervals", intervals,
                   "latencies_sorted_ms", sorted, "components",
                   components ? components : json_object());
}

static double figure(const json_t *side, const char *name)
{
  return gust_report_sample_number(json_object_get(side, "figures"), name);
}

/* "−63 %" / "+12 %" with a true minus sign. */
static void append_change(GString *line, const char *what, double gust, double legacy)
{
  if (line->len) g_string_append(line, ", ");
  if (!isfinite(gust) || !isfinite(legacy) || legacy == 0) {
    g_string_append_printf(line, "%s not comparable (not measured on both sides)", what);
    return;
  }
  double change = (gust / legacy - 1) * 100;
  g_string_append_printf(line, "%s %s%.0f %%", what, change < 0 ? "\u2212" : "+", fabs(change));
}

static json_t *comparison(const json_t *gust, const json_t *legacy, char **line_out)
{
  GString *line = g_string_new(NULL);
  append_change(line, "CPU per million tuples", figure(gust, "cpu_s_per_million_tuples"),
                figure(legacy, "cpu_s_per_million_tuples"));
  append_change(line, "peak memory", figure(gust, "rss_peak_bytes"),
                figure(legacy, "rss_peak_bytes"));
  double g_rate = figure(gust, "throughput_per_s"), l_rate = figure(legacy, "throughput_per_s");
  double ratio = l_rate > 0 ? g_rate / l_rate : NAN;
  if (isfinite(ratio))
    g_string_append_printf(line, ", throughput \u00d7%.*f", ratio < 10 ? 2 : 1, ratio);
  else
    g_string_append(line, ", throughput not comparable (no tuples on the legacy side)");
  double g_p99 = figure(gust, "latency_p99_ms"), l_p99 = figure(legacy, "latency_p99_ms");
  if (isfinite(g_p99) && isfinite(l_p99)) append_change(line, "p99 complete latency", g_p99, l_p99);
  json_t *c = json_object();
  static const char *const CHANGED[] = {"cpu_s_per_million_tuples", "rss_peak_bytes",
                                        "rss_mean_bytes",           "threads_peak",
                                        "latency_p50_ms",           "latency_p99_ms"};
  for (guint i = 0; i < G_N_ELEMENTS(CHANGED); i++) {
    double g = figure(gust, CHANGED[i]), l = figure(legacy, CHANGED[i]);
    g_autofree char *key = g_strconcat(CHANGED[i], "_change_pct", NULL);
    json_object_set_new(c, key, number_or_null(l != 0 ? (g / l - 1) * 100 : NAN));
  }
  json_object_set_new(c, "throughput_ratio", number_or_null(ratio));
  *line_out = g_string_free(line, FALSE);
  return c;
}

static char *one_side_line(const char *side, const json_t *report)
{
  double cpu = figure(report, "cpu_s_per_million_tuples"), rss = figure(report, "rss_peak_bytes"),
         rate = figure(report, "throughput_per_s");
  GString *line = g_string_new(NULL);
  g_string_append_printf(line, "%s only (no other side sampled): ", side);
  if (isfinite(cpu)) g_string_append_printf(line, "CPU %.1f s per million tuples, ", cpu);
  if (isfinite(rss))
    g_string_append_printf(line, "peak memory %.0f MiB, ", rss / (1024.0 * 1024.0));
  g_string_append_printf(line, "throughput %.0f tuples/s", isfinite(rate) ? rate : 0.0);
  return g_string_free(line, FALSE);
}

json_t *gust_report_build(const gust_report_series *gust, const gust_report_series *legacy,
                          GError **error)
{
  g_assert(gust || legacy);
  json_t *g = gust ? side_report(gust, error) : NULL;
  if (gust && !g) return NULL;
  json_t *l = legacy ? side_report(legacy, error) : NULL;
  if (legacy && !l) {
    json_decref(g);
    return NULL;
  }
  json_t *report = json_pack("{s:i}", "gust_report", 1);
  json_t *reasons = json_array();
  if (gust && gust->partial)
    json_array_append_new(reasons, json_sprintf("gust side: %s", gust->partial_reason));
  if (legacy && legacy->partial)
    json_array_append_new(reasons, json_sprintf("legacy side: %s", legacy->partial_reason));
  json_object_set_new(report, "partial", json_boolean(json_array_size(reasons) > 0));
  json_object_set_new(report, "partial_reasons", reasons);
  char *line = NULL;
  if (g && l)
    json_object_set_new(report, "comparison", comparison(g, l, &line));
  else
    line = one_side_line(g ? "gust" : "legacy", g ? g : l);
  json_object_set_new(report, "summary", json_string(line));
  g_free(line);
  json_t *sides = json_object();
  if (g) json_object_set_new(sides, "gust", g);
  if (l) json_object_set_new(sides, "legacy", l);
  json_object_set_new(report, "sides", sides);
  return report;
}

const char *gust_report_summary_line(const json_t *report)
{
  return json_string_value(json_object_get(report, "summary"));
}
