/* report_series.c — the sample series and its JSON-lines file
 * (report_series.h).  Loading checks every line before it is used: the
 * file may come from another machine or be cut short by a crash, so a
 * missing end line is read as a partial series, not an error. */
#include "report_series.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK(gust - report - error - quark, gust_report_error)

static const char *const NUMBER_FIELDS[] = {"t",         "cpu_s",  "rss_bytes", "threads",
                                            "processes", "tuples", "acked",     "complete_ms"};

gust_report_series *gust_report_series_new(const char *side)
{
  gust_report_series *series = g_new0(gust_report_series, 1);
  series->side = g_strdup(side);
  series->samples = g_ptr_array_new_with_free_func((GDestroyNotify)json_decref);
  return series;
}

void gust_report_series_free(gust_report_series *series)
{
  if (!series) return;
  g_free(series->side);
  g_free(series->engine);
  g_free(series->source);
  g_free(series->topology);
  g_free(series->partial_reason);
  g_ptr_array_unref(series->samples);
  g_free(series);
}

void gust_report_series_add(gust_report_series *series, json_t *sample)
{
  g_ptr_array_add(series->samples, sample);
}

static void write_line(json_t *object, FILE *stream)
{
  char *text = json_dumps(object, JSON_COMPACT | JSON_REAL_PRECISION(12));
  fprintf(stream, "%s\n", text);
  free(text);
  fflush(stream);
}

void gust_report_series_write_header(const gust_report_series *series, FILE *stream)
{
  json_t *header = json_pack("{s:i, s:s, s:s*, s:s*, s:s*, s:f}", "gust_report_samples", 1, "side",
                             series->side, "engine", series->engine, "source", series->source,
                             "topology", series->topology, "interval_s", series->interval_s);
  write_line(header, stream);
  json_decref(header);
}

void gust_report_series_write_sample(const json_t *sample, FILE *stream)
{
  write_line((json_t *)sample, stream);
}

void gust_report_series_write_end(const gust_report_series *series, FILE *stream)
{
  json_t *end = json_pack("{s:b, s:b, s:s*}", "end", 1, "partial", series->partial, "reason",
                          series->partial_reason);
  write_line(end, stream);
  json_decref(end);
}

double gust_report_sample_number(const json_t *sample, const char *field)
{
  const json_t *value = json_object_get(sample, field);
  return json_is_number(value) ? json_number_value(value) : NAN;
}

static gboolean sample_ok(const json_t *sample, const char *path, int line, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS(NUMBER_FIELDS); i++) {
    const json_t *value = json_object_get(sample, NUMBER_FIELDS[i]);
    if (value && !json_is_null(value) && !json_is_number(value)) {
      g_set_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_INPUT,
                  "%s:%d: \"%s\" is not a number", path, line, NUMBER_FIELDS[i]);
      return FALSE;
    }
  }
  if (!json_is_number(json_object_get(sample, "t"))) {
    g_set_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_INPUT,
                "%s:%d: a sample needs its time \"t\" in seconds", path, line);
    return FALSE;
  }
  const json_t *components = json_object_get(sample, "components");
  if (components && !json_is_object(components)) {
    g_set_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_INPUT,
                "%s:%d: \"components\" is not an object", path, line);
    return FALSE;
  }
  return TRUE;
}

static void read_header(gust_report_series *series, const json_t *header)
{
  series->engine = g_strdup(json_string_value(json_object_get(header, "engine")));
  series->source = g_strdup(json_string_value(json_object_get(header, "source")));
  series->topology = g_strdup(json_string_value(json_object_get(header, "topology")));
  series->interval_s = gust_report_sample_number(header, "interval_s");
}

gust_report_series *gust_report_series_load(const char *path, GError **error)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, error)) return NULL;
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  g_autoptr(gust_report_series) series = NULL;
  gboolean ended = FALSE;
  for (int i = 0; lines[i]; i++) {
    if (!*g_strstrip(lines[i])) continue;
    json_error_t json_error;
    json_t *object = json_loads(lines[i], 0, &json_error);
    if (!json_is_object(object)) {
      g_set_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_INPUT,
                  "%s:%d: not a JSON object (%s)", path, i + 1,
                  object ? "another JSON value" : json_error.text);
      json_decref(object);
      return NULL;
    }
    if (!series) {
      const char *side = json_string_value(json_object_get(object, "side"));
      if (!json_object_get(object, "gust_report_samples") || !side) {
        g_set_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_INPUT,
                    "%s:%d: not a sample file: the first line must be the header "
                    "{\"gust_report_samples\": 1, \"side\": ...} that `gust report sample` writes",
                    path, i + 1);
        json_decref(object);
        return NULL;
      }
      series = gust_report_series_new(side);
      read_header(series, object);
      json_decref(object);
    } else if (json_is_true(json_object_get(object, "end"))) {
      ended = TRUE;
      series->partial = json_is_true(json_object_get(object, "partial"));
      series->partial_reason = g_strdup(json_string_value(json_object_get(object, "reason")));
      json_decref(object);
    } else if (!sample_ok(object, path, i + 1, error)) {
      json_decref(object);
      return NULL;
    } else {
      gust_report_series_add(series, object);
    }
  }
  if (!series) {
    g_set_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_INPUT,
                "%s is empty: no header, no samples", path);
    return NULL;
  }
  if (!ended) {
    series->partial = TRUE;
    series->partial_reason =
        g_strdup("the sample file ends without its end line (the sampler was stopped)");
  }
  return g_steal_pointer(&series);
}
