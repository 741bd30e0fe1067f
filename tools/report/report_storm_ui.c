/* report_storm_ui.c — the Storm UI REST sampler (report_storm_ui.h), on
 * libsoup 3's synchronous session.
 *
 * Storm's UI writes counts as JSON numbers and latencies as decimal
 * strings ("12.345"); gust's does the same.  Both are accepted for either,
 * anything else is an error naming the field, because a report built on a
 * misread number would be wrong without saying so. */
#include "report_storm_ui.h"

#include "report_series.h"

#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

enum { REQUEST_TIMEOUT_S = 15 };

struct gust_report_storm_ui {
  SoupSession *session;
  char *base_url;
  char *topology_id;
  char *engine;
};

static json_t *get_json(gust_report_storm_ui *ui, const char *path, GError **error)
{
  g_autofree char *url = g_strconcat(ui->base_url, path, NULL);
  SoupMessage *message = soup_message_new("GET", url);
  if (!message) {
    g_set_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_INPUT, "%s is not a URL", url);
    return NULL;
  }
  GError *http_error = NULL;
  GBytes *body = soup_session_send_and_read(ui->session, message, NULL, &http_error);
  guint status = soup_message_get_status(message);
  g_object_unref(message);
  if (!body) {
    g_set_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_SOURCE, "cannot reach %s: %s", url,
                http_error->message);
    g_error_free(http_error);
    return NULL;
  }
  gsize size = 0;
  const char *data = g_bytes_get_data(body, &size);
  json_error_t json_error;
  json_t *reply = json_loadb(data ? data : "", size, 0, &json_error);
  g_bytes_unref(body);
  if (status != 200) {
    const char *message_text = json_string_value(json_object_get(reply, "errorMessage"));
    g_set_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_SOURCE, "%s answered HTTP %u%s%s", url,
                status, message_text ? ": " : "", message_text ? message_text : "");
    json_decref(reply);
    return NULL;
  }
  if (!json_is_object(reply)) {
    g_set_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_INPUT,
                "%s did not answer a JSON object (%s): is it a Storm UI?", url,
                reply ? "another JSON value" : json_error.text);
    json_decref(reply);
    return NULL;
  }
  return reply;
}

/* A count or latency field: a JSON number, a decimal string, or absent
 * (NAN).  FALSE when present but neither. */
static gboolean read_number(const json_t *object, const char *field, const char *where, double *out,
                            GError **error)
{
  const json_t *value = json_object_get(object, field);
  *out = NAN;
  if (!value || json_is_null(value)) return TRUE;
  if (json_is_number(value)) {
    *out = json_number_value(value);
    return TRUE;
  }
  if (json_is_string(value)) {
    char *end = NULL;
    double parsed = g_ascii_strtod(json_string_value(value), &end);
    if (end && *end == '\0' && end != json_string_value(value) && isfinite(parsed)) {
      *out = parsed;
      return TRUE;
    }
  }
  g_set_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_INPUT, "%s: \"%s\" is not a number",
              where, field);
  return FALSE;
}

static void set_number(json_t *object, const char *field, double value)
{
  if (!isnan(value)) json_object_set_new(object, field, json_real(value));
}

/* One spouts[] or bolts[] entry into components. */
static gboolean read_component(const json_t *entry, gboolean is_spout, const char *where,
                               json_t *components, double *spout_emitted, GError **error)
{
  const char *id = json_string_value(json_object_get(entry, is_spout ? "spoutId" : "boltId"));
  if (!id) {
    g_set_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_INPUT, "%s: a %s without its \"%s\"",
                where, is_spout ? "spout" : "bolt", is_spout ? "spoutId" : "boltId");
    return FALSE;
  }
  double executors, emitted, executed = NAN, latency;
  if (!read_number(entry, "executors", where, &executors, error) ||
      !read_number(entry, "emitted", where, &emitted, error) ||
      (!is_spout && !read_number(entry, "executed", where, &executed, error)) ||
      !read_number(entry, is_spout ? "completeLatency" : "executeLatency", where, &latency, error))
    return FALSE;
  json_t *row = json_pack("{s:s}", "kind", is_spout ? "spout" : "bolt");
  set_number(row, "executors", executors);
  set_number(row, "emitted", emitted);
  set_number(row, "executed", executed);
  set_number(row, "latency_ms", latency);
  json_object_set_new(components, id, row);
  if (is_spout && !isnan(emitted)) *spout_emitted += emitted;
  return TRUE;
}

gboolean gust_report_storm_ui_read_topology(const json_t *page, const char *where, json_t *sample,
                                            GError **error)
{
  const json_t *stats = json_object_get(page, "topologyStats");
  const json_t *spouts = json_object_get(page, "spouts"), *bolts = json_object_get(page, "bolts");
  if (!json_is_array(stats) || !json_is_array(spouts) || !json_is_array(bolts)) {
    g_set_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_INPUT,
                "%s: not a Storm UI topology page (it needs the arrays \"topologyStats\", "
                "\"spouts\" and \"bolts\")",
                where);
    return FALSE;
  }
  size_t i;
  const json_t *entry;
  json_array_foreach(stats, i, entry)
  {
    if (g_strcmp0(json_string_value(json_object_get(entry, "window")), ":all-time")) continue;
    double acked, complete;
    if (!read_number(entry, "acked", where, &acked, error) ||
        !read_number(entry, "completeLatency", where, &complete, error))
      return FALSE;
    set_number(sample, "acked", acked);
    set_number(sample, "complete_ms", complete);
  }
  json_t *components = json_object();
  double emitted = 0;
  gboolean ok = TRUE;
  json_array_foreach(spouts, i, entry) ok =
      ok && read_component(entry, TRUE, where, components, &emitted, error);
  json_array_foreach(bolts, i, entry) ok =
      ok && read_component(entry, FALSE, where, components, &emitted, error);
  if (!ok) {
    json_decref(components);
    return FALSE;
  }
  json_object_set_new(sample, "tuples", json_real(emitted));
  json_object_set_new(sample, "components", components);
  return TRUE;
}

/* The id of topology (an id or a name) in /api/v1/topology/summary. */
static char *find_topology(gust_report_storm_ui *ui, const char *topology, GError **error)
{
  g_autoptr(json_t) summary = get_json(ui, "/api/v1/topology/summary", error);
  if (!summary) return NULL;
  size_t i;
  const json_t *entry;
  json_array_foreach(json_object_get(summary, "topologies"), i, entry)
  {
    const char *id = json_string_value(json_object_get(entry, "id"));
    if (id && (!topology || !strcmp(id, topology) ||
               !g_strcmp0(json_string_value(json_object_get(entry, "name")), topology)))
      return g_strdup(id);
  }
  g_set_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_INPUT,
              "%s/api/v1/topology/summary lists no topology%s%s%s", ui->base_url,
              topology ? " with the id or name \"" : "", topology ? topology : "",
              topology ? "\"" : "");
  return NULL;
}

gust_report_storm_ui *gust_report_storm_ui_open(const char *base_url, const char *topology,
                                                GError **error)
{
  gust_report_storm_ui *ui = g_new0(gust_report_storm_ui, 1);
  ui->session = soup_session_new_with_options("timeout", REQUEST_TIMEOUT_S, NULL);
  ui->base_url = g_strdup(base_url);
  size_t length = strlen(ui->base_url);
  while (length > 0 && ui->base_url[length - 1] == '/')
    ui->base_url[--length] = '\0';
  json_t *cluster = get_json(ui, "/api/v1/cluster/summary", error);
  if (cluster) {
    const char *version = json_string_value(json_object_get(cluster, "stormVersion"));
    ui->engine =
        g_strdup_printf("Storm UI REST API, stormVersion %s", version ? version : "not given");
    json_decref(cluster);
    ui->topology_id = find_topology(ui, topology, error);
  }
  if (!ui->topology_id) {
    gust_report_storm_ui_free(ui);
    return NULL;
  }
  return ui;
}

void gust_report_storm_ui_free(gust_report_storm_ui *ui)
{
  if (!ui) return;
  g_object_unref(ui->session);
  g_free(ui->base_url);
  g_free(ui->topology_id);
  g_free(ui->engine);
  g_free(ui);
}

const char *gust_report_storm_ui_engine(const gust_report_storm_ui *ui)
{
  return ui->engine;
}

const char *gust_report_storm_ui_topology_id(const gust_report_storm_ui *ui)
{
  return ui->topology_id;
}

gboolean gust_report_storm_ui_sample(gust_report_storm_ui *ui, json_t *sample, GError **error)
{
  g_autofree char *escaped = g_uri_escape_string(ui->topology_id, NULL, FALSE);
  g_autofree char *path = g_strdup_printf("/api/v1/topology/%s?window=:all-time", escaped);
  g_autoptr(json_t) page = get_json(ui, path, error);
  if (!page) return FALSE;
  g_autofree char *where = g_strconcat(ui->base_url, path, NULL);
  return gust_report_storm_ui_read_topology(page, where, sample, error);
}
