/* validate_report.c — the verdict of a whole validation and its JSON and
 * HTML forms (validate_report.h).  Both files are written with
 * g_file_set_contents (atomic rename), so a reader never sees half a
 * report; a partial report (Ctrl-C) says so at its top.
 */
#include "validate_report.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>

gust_validate_report *gust_validate_report_new(const char *mode)
{
  gust_validate_report *r = g_new0(gust_validate_report, 1);
  r->mode = g_strdup(mode);
  r->sinks = g_ptr_array_new_with_free_func((GDestroyNotify)gust_validate_sink_result_free);
  r->notes = g_ptr_array_new_with_free_func(g_free);
  return r;
}

void gust_validate_report_free(gust_validate_report *report)
{
  if (!report) return;
  g_free(report->mode);
  g_ptr_array_unref(report->sinks);
  g_ptr_array_unref(report->notes);
  g_free(report->partial_reason);
  g_free(report->unusable);
  g_free(report);
}

void gust_validate_report_note(gust_validate_report *report, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  g_ptr_array_add(report->notes, g_strdup_vprintf(format, args));
  va_end(args);
}

gust_validate_verdict gust_validate_report_verdict(const gust_validate_report *report)
{
  gust_validate_verdict v = GUST_VALIDATE_IDENTICAL;
  for (guint i = 0; i < report->sinks->len; i++) {
    gust_validate_sink_result *s = g_ptr_array_index(report->sinks, i);
    v = MAX(v, s->verdict);
  }
  return v;
}

static const char *verdict_name(gust_validate_verdict v)
{
  return v == GUST_VALIDATE_IDENTICAL    ? "identical"
         : v == GUST_VALIDATE_EQUIVALENT ? "equivalent"
                                         : "different";
}

char *gust_validate_report_verdict_line(const gust_validate_report *report)
{
  gust_validate_verdict v = gust_validate_report_verdict(report);
  const char *why = v == GUST_VALIDATE_IDENTICAL ? "every sink received the same records"
                    : v == GUST_VALIDATE_EQUIVALENT
                        ? "the same records, with duplicates: equivalent under at-least-once"
                        : "records were lost, changed, added or reordered";
  if (report->unusable) return g_strdup_printf("verdict: unusable — %s", report->unusable);
  if (report->partial_reason)
    return g_strdup_printf("verdict: PARTIAL (%s) — %u sink(s) compared so far: %s",
                           report->partial_reason, report->sinks->len, verdict_name(v));
  return g_strdup_printf("verdict: %s — %s (%u sink(s))", verdict_name(v), why, report->sinks->len);
}

static json_t *sink_json(const gust_validate_sink_result *s)
{
  json_t *counts = json_object(), *shown = json_array();
  for (int k = GUST_VALIDATE_LOST; k <= GUST_VALIDATE_ORDER; k++)
    json_object_set_new(counts, gust_validate_kind_name(k), json_integer(s->counts[k]));
  for (guint i = 0; i < s->shown->len; i++) {
    gust_validate_difference *d = g_ptr_array_index(s->shown, i);
    json_array_append_new(
        shown,
        json_pack("{ss ss so so sI sI}", "kind", gust_validate_kind_name(d->kind), "key", d->key,
                  "legacy", d->legacy_value ? json_string(d->legacy_value) : json_null(), "new",
                  d->new_value ? json_string(d->new_value) : json_null(), "legacy_count",
                  (json_int_t)d->legacy_count, "new_count", (json_int_t)d->new_count));
  }
  g_autofree char *summary = gust_validate_sink_summary(s);
  return json_pack("{ss ss ss ss sI sI sI so so ss}", "sink", s->sink, "verdict",
                   verdict_name(s->verdict), "legacy", s->legacy_source, "new", s->new_source,
                   "legacy_records", (json_int_t)s->legacy_records, "new_records",
                   (json_int_t)s->new_records, "keys", (json_int_t)s->keys, "counts", counts,
                   "differences", shown, "summary", summary);
}

gboolean gust_validate_report_write_json(const gust_validate_report *report, const char *path,
                                         GError **error)
{
  json_t *sinks = json_array(), *notes = json_array();
  for (guint i = 0; i < report->sinks->len; i++)
    json_array_append_new(sinks, sink_json(g_ptr_array_index(report->sinks, i)));
  for (guint i = 0; i < report->notes->len; i++)
    json_array_append_new(notes, json_string(g_ptr_array_index(report->notes, i)));
  g_autofree char *line = gust_validate_report_verdict_line(report);
  const char *verdict = report->unusable ? "unusable"
                        : report->partial_reason
                            ? "partial"
                            : verdict_name(gust_validate_report_verdict(report));
  json_t *root =
      json_pack("{ss ss sb so so ss so so}", "mode", report->mode, "verdict", verdict, "partial",
                report->partial_reason != NULL, "partial_reason",
                report->partial_reason ? json_string(report->partial_reason) : json_null(),
                "unusable", report->unusable ? json_string(report->unusable) : json_null(),
                "summary", line, "notes", notes, "sinks", sinks);
  char *text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
  json_decref(root);
  gboolean ok = g_file_set_contents(path, text, -1, error);
  free(text);
  if (!ok) g_prefix_error(error, "cannot write the JSON report: ");
  return ok;
}

static void html_text(GString *out, const char *text)
{
  g_autofree char *escaped = g_markup_escape_text(text ? text : "—", -1);
  g_string_append(out, escaped);
}

static void html_sink(GString *out, const gust_validate_sink_result *s)
{
  g_string_append_printf(out, "<h2 class=\"%s\">", verdict_name(s->verdict));
  html_text(out, s->sink);
  g_string_append_printf(out, ": %s</h2>\n<p>", verdict_name(s->verdict));
  g_autofree char *summary = gust_validate_sink_summary(s);
  html_text(out, summary);
  g_string_append(out, "</p>\n<table><tr><th>legacy</th><td>");
  html_text(out, s->legacy_source);
  g_string_append(out, "</td></tr><tr><th>new</th><td>");
  html_text(out, s->new_source);
  g_string_append(out, "</td></tr></table>\n<table><tr>");
  for (int k = GUST_VALIDATE_LOST; k <= GUST_VALIDATE_ORDER; k++)
    g_string_append_printf(out, "<th>%s</th>", gust_validate_kind_name(k));
  g_string_append(out, "</tr><tr>");
  for (int k = GUST_VALIDATE_LOST; k <= GUST_VALIDATE_ORDER; k++)
    g_string_append_printf(out, "<td>%" G_GUINT64_FORMAT "</td>", s->counts[k]);
  g_string_append(out, "</tr></table>\n");
  if (!s->shown->len) return;
  g_string_append(out, "<table class=\"diff\"><tr><th>kind</th><th>key</th><th>legacy</th>"
                       "<th>new</th><th>copies legacy / new</th></tr>\n");
  for (guint i = 0; i < s->shown->len; i++) {
    gust_validate_difference *d = g_ptr_array_index(s->shown, i);
    g_string_append_printf(out, "<tr class=\"%s\"><td>%s</td><td>",
                           gust_validate_kind_name(d->kind), gust_validate_kind_name(d->kind));
    html_text(out, d->key);
    g_string_append(out, "</td><td>");
    html_text(out, d->legacy_value);
    g_string_append(out, "</td><td>");
    html_text(out, d->new_value);
    g_string_append_printf(out,
                           "</td><td>%" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT "</td></tr>\n",
                           d->legacy_count, d->new_count);
  }
  g_string_append(out, "</table>\n");
}

gboolean gust_validate_report_write_html(const gust_validate_report *report, const char *path,
                                         GError **error)
{
  g_autoptr(GString) out = g_string_new(NULL);
  g_autofree char *line = gust_validate_report_verdict_line(report);
  g_string_append(
      out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>gust validate</title>\n"
           "<style>body{font-family:sans-serif;margin:2em;max-width:70em}"
           "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;"
           "padding:.2em .6em;text-align:left;font-family:monospace}"
           ".identical{color:#176f2c}.equivalent{color:#8a6d00}.different{color:#b00020}"
           ".partial{background:#fff3cd;padding:.5em;border:1px solid #e0c36a}"
           "tr.lost td,tr.changed td{background:#fde8ea}tr.duplicate td{background:#fff8e1}"
           "</style></head><body>\n<h1>gust validate (");
  html_text(out, report->mode);
  g_string_append(out, " mode)</h1>\n");
  if (report->partial_reason) {
    g_string_append(out, "<p class=\"partial\"><b>PARTIAL REPORT</b>: ");
    html_text(out, report->partial_reason);
    g_string_append(out, "</p>\n");
  }
  g_string_append_printf(out, "<p class=\"%s\"><b>",
                         report->unusable ? "different"
                                          : verdict_name(gust_validate_report_verdict(report)));
  html_text(out, line);
  g_string_append(out, "</b></p>\n<ul>");
  for (guint i = 0; i < report->notes->len; i++) {
    g_string_append(out, "<li>");
    html_text(out, g_ptr_array_index(report->notes, i));
    g_string_append(out, "</li>");
  }
  g_string_append(out, "</ul>\n");
  for (guint i = 0; i < report->sinks->len; i++)
    html_sink(out, g_ptr_array_index(report->sinks, i));
  g_string_append(out, "</body></html>\n");
  if (!g_file_set_contents(path, out->str, (gssize)out->len, error)) {
    g_prefix_error(error, "cannot write the HTML report: ");
    return FALSE;
  }
  return TRUE;
}
