/* report_html_writer.c — the report as one self-contained HTML page
 * (report_writers.h).
 *
 * The page is static text from C plus three inlined parts: dygraphs'
 * stylesheet and script (read from the Debian package's directory) and
 * the report JSON in a <script type="application/json"> block ("</" is
 * written "<\/" so the data cannot close the block).  The page's own
 * script draws the four charts from that JSON and records each chart's
 * place on the page in its data-rect attribute, so a test can find the
 * charts in a screenshot.  Tables are written here, in C, so they read
 * the same with scripts off. */
#include "report_figures_table.h"
#include "report_writers.h"

#include <string.h>

static const char *const SIDES[] = {"gust", "legacy"};
static const gust_report_row_style HTML = {.row_open = "<tr>",
                                           .row_close = "</tr>\n",
                                           .cell_open = "<td>",
                                           .number_cell_open = "<td class=n>",
                                           .cell_close = "</td>",
                                           .escape_markup = TRUE};

static const char PAGE_STYLE[] =
    "body{font:14px sans-serif;margin:16px;color:#222;background:#fff}"
    "h1{font-size:20px;margin:0 0 8px}.summary{font-size:18px;font-weight:bold;margin:8px 0}"
    ".partial{background:#fde2e1;border:1px solid #b00;padding:8px;margin:8px 0}"
    ".charts{display:grid;grid-template-columns:repeat(2,560px);gap:16px}"
    ".chart{width:560px;height:260px}h2{font-size:16px;margin:16px 0 4px}"
    "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px}"
    "td.n{text-align:right}.sources{color:#555}";

/* Draws the charts from REPORT; rows of [x, gust, legacy], one per
 * distinct x, as dygraphs wants them. */
static const char PAGE_SCRIPT[] =
    "(function(){\n"
    "var R=JSON.parse(document.getElementById('report-data').textContent);\n"
    "var sides=['gust','legacy'].filter(function(s){return R.sides[s];});\n"
    "function rows(points){\n"
    "  var all=[];sides.forEach(function(s,k){points(s).forEach(function(p){\n"
    "    var "
    "row=[p[0]];sides.forEach(function(){row.push(null);});row[k+1]=p[1];all.push(row);});});\n"
    "  all.sort(function(a,b){return a[0]-b[0];});return all;}\n"
    "function overTime(field){return rows(function(s){var iv=R.sides[s].intervals;\n"
    "  return iv.t.map(function(t,i){return [t,iv[field][i]];}).filter(function(p){return "
    "p[1]!==null;});});}\n"
    "function latency(){return rows(function(s){var l=R.sides[s].latencies_sorted_ms;\n"
    "  return l.map(function(v,i){return [100*(i+1)/l.length,v];});});}\n"
    "var colors={gust:'#1f77b4',legacy:'#d62728'};\n"
    "function draw(id,data,xlabel,ylabel){var el=document.getElementById(id);\n"
    "  if(!data.length){el.textContent='not measured';return;}\n"
    "  new Dygraph(el,data,{labels:[xlabel].concat(sides),xlabel:xlabel,ylabel:ylabel,\n"
    "    colors:sides.map(function(s){return colors[s];}),connectSeparatedPoints:true,\n"
    "    "
    "drawPoints:true,pointSize:2,strokeWidth:2,legend:'always',includeZero:true,animatedZooms:"
    "false});\n"
    "  var r=el.getBoundingClientRect();\n"
    "  el.setAttribute('data-rect',[r.left+window.scrollX,r.top+window.scrollY,r.width,r.height]\n"
    "    .map(Math.round).join(','));}\n"
    "draw('chart-cpu',overTime('cpu_cores'),'seconds','CPU cores busy');\n"
    "draw('chart-memory',overTime('rss_mib'),'seconds','resident memory (MiB)');\n"
    "draw('chart-throughput',overTime('throughput'),'seconds','tuples/s');\n"
    "draw('chart-latency',latency(),'percentile','complete latency (ms)');\n"
    "})();\n";

static void append_html_text(GString *page, const char *text)
{
  g_autofree char *escaped = g_markup_escape_text(text ? text : "", -1);
  g_string_append(page, escaped);
}

static void append_figures(GString *page, const json_t *report)
{
  g_string_append(page, "<h2>Figures</h2><table id=\"figures\"><tr><th>figure</th><th>gust</th>"
                        "<th>legacy</th><th>gust vs legacy</th></tr>\n");
  gust_report_append_figure_rows(page, report, &HTML);
  g_string_append(page, "</table>\n");
}

static void append_components(GString *page, const json_t *sides)
{
  g_string_append(page, "<h2>Components (at the last sample)</h2><table id=\"components\"><tr>"
                        "<th>side</th><th>component</th><th>kind</th><th>executors</th>"
                        "<th>emitted</th><th>executed</th><th>latency (ms)</th></tr>\n");
  gust_report_append_component_rows(page, sides, &HTML);
  g_string_append(page, "</table>\n");
}

static void append_header(GString *page, const json_t *report)
{
  g_string_append(page, "<h1>Resource usage: gust and the legacy cluster</h1>\n");
  if (json_is_true(json_object_get(report, "partial"))) {
    g_string_append(page, "<div class=\"partial\" id=\"partial\"><b>Partial report</b>: the "
                          "sampling did not run to its end.<ul>");
    size_t i;
    json_t *reason;
    json_array_foreach(json_object_get(report, "partial_reasons"), i, reason)
    {
      g_string_append(page, "<li>");
      append_html_text(page, json_string_value(reason));
      g_string_append(page, "</li>");
    }
    g_string_append(page, "</ul></div>\n");
  }
  g_string_append(page, "<div class=\"summary\" id=\"summary\">");
  append_html_text(page, json_string_value(json_object_get(report, "summary")));
  g_string_append(page, "</div>\n<div class=\"sources\">");
  for (guint s = 0; s < G_N_ELEMENTS(SIDES); s++) {
    const json_t *side = json_object_get(json_object_get(report, "sides"), SIDES[s]);
    if (!side) continue;
    g_autofree char *line =
        g_strdup_printf("%s: %s, topology %s, from %s", SIDES[s],
                        json_string_value(json_object_get(side, "engine")) ?: "engine not named",
                        json_string_value(json_object_get(side, "topology")) ?: "(not named)",
                        json_string_value(json_object_get(side, "source")) ?: "(not named)");
    append_html_text(page, line);
    g_string_append(page, "<br>");
  }
  g_string_append(page, "</div>\n");
}

static const char *const CHARTS[][2] = {{"chart-cpu", "CPU over time"},
                                        {"chart-memory", "Memory over time"},
                                        {"chart-throughput", "Throughput over time"},
                                        {"chart-latency", "Complete latency distribution"}};

gboolean gust_report_write_html(const json_t *report, const char *dygraphs_dir, const char *path,
                                GError **error)
{
  g_autofree char *script_path = g_build_filename(dygraphs_dir, "dygraph.min.js", NULL);
  g_autofree char *style_path = g_build_filename(dygraphs_dir, "dygraph.min.css", NULL);
  g_autofree char *dygraphs = NULL, *dygraphs_style = NULL;
  if (!g_file_get_contents(script_path, &dygraphs, NULL, NULL) ||
      !g_file_get_contents(style_path, &dygraphs_style, NULL, NULL)) {
    g_set_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_OUTPUT,
                "cannot read the charting library %s (Debian package libjs-dygraphs)", script_path);
    return FALSE;
  }
  char *data = json_dumps(report, JSON_COMPACT | JSON_REAL_PRECISION(10));
  g_autoptr(GString) data_text = g_string_new(data);
  free(data);
  g_string_replace(data_text, "</", "<\\/", 0);
  GString *page = g_string_new("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
                               "<title>gust report</title>\n<style>");
  g_string_append(page, dygraphs_style);
  g_string_append(page, PAGE_STYLE);
  g_string_append(page, "</style></head><body>\n");
  append_header(page, report);
  g_string_append(page, "<div class=\"charts\">\n");
  for (guint i = 0; i < G_N_ELEMENTS(CHARTS); i++)
    g_string_append_printf(page, "<div><h2>%s</h2><div class=\"chart\" id=\"%s\"></div></div>\n",
                           CHARTS[i][1], CHARTS[i][0]);
  g_string_append(page, "</div>\n");
  append_figures(page, report);
  append_components(page, json_object_get(report, "sides"));
  g_string_append(page, "<script type=\"application/json\" id=\"report-data\">");
  g_string_append(page, data_text->str);
  g_string_append(page, "</script>\n<script>");
  g_string_append(page, dygraphs);
  g_string_append(page, "</script>\n<script>");
  g_string_append(page, PAGE_SCRIPT);
  g_string_append(page, "</script>\n</body></html>\n");
  GError *file_error = NULL;
  gboolean ok = g_file_set_contents(path, page->str, page->len, &file_error);
  g_string_free(page, TRUE);
  if (!ok) {
    g_set_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_OUTPUT,
                "cannot write the report %s: %s", path, file_error->message);
    g_error_free(file_error);
  }
  return ok;
}
