/* ui_server.c — the HTTP server: libsoup 3 on a thread of its own.
 *
 * Threads: gust_ui_server_start() starts the server thread, which makes
 * its own GMainContext, listens, and runs the loop; everything below the
 * "server thread" line runs there: the sampler (every sample_ms it takes
 * a snapshot from the source and adds it to the history) and every
 * request handler, which answer from the latest snapshot.  So handlers
 * never touch the running topology, and nothing needs a lock.  stop()
 * quits the loop from the caller's thread and joins.
 *
 * Routes: /api/v1/... (Storm UI's REST API, ui_api.h; JSONP with
 * callback=), /api/v1/gust/topology/:id/history (the charts' data),
 * /metrics (Prometheus), and the pages and scripts of web_dir; the
 * charting library is Debian's libjs-dygraphs, served from
 * /usr/share/javascript/dygraphs under /js/dygraphs/.  Errors are Storm
 * UI's: {"error": "<status> <reason>", "errorMessage": "..."}, status
 * 500 for what Storm's Nimbus calls reject (unknown topology or
 * component, bad window, a rebalance), 404 for an unknown path.  A
 * metrics-only server (a worker's) answers /metrics and 404 to the rest.
 */
#define G_LOG_DOMAIN "gust-ui"

#include <gust/ui.h>

#include "ui_api.h"
#include "ui_history.h"
#include "ui_prometheus.h"

#include <libsoup/soup.h>
#include <pthread.h>

#ifndef GUST_UI_WEB_DIR
#define GUST_UI_WEB_DIR "ui/web"
#endif
#define DYGRAPHS_DIR "/usr/share/javascript/dygraphs"

enum { DEFAULT_SAMPLE_MS = 1000, HISTORY_SAMPLES = 600 };

struct gust_ui_server {
  const gust_ui_source_funcs *funcs;
  void *data;
  char *host;
  int port; /* as asked, then as bound */
  int sample_ms;
  char *web_dir;
  gboolean metrics_only;
  char *host_key;
  GThread *thread;
  GMainContext *ctx;
  GMainLoop *loop;
  /* start handshake (pthread's, which TSan sees, not GLib's futexes) */
  pthread_mutex_t lock;
  pthread_cond_t started;
  gboolean ready;
  GError *error;
  /* server thread only */
  SoupServer *soup;
  ui_history *history;
};

/* ---- server thread ---- */

static void sample(gust_ui_server *ui)
{
  gust_ui_snapshot *s = ui->funcs->snapshot(ui->data);
  ui_history_add(ui->history, s);
  gust_ui_snapshot_unref(s);
}

static gboolean on_sample(gpointer user_data)
{
  sample(user_data);
  return G_SOURCE_CONTINUE;
}

/* Storm's sanitizeJsonpCallback: a JavaScript identifier path, or none. */
static const char *jsonp_callback(GHashTable *query)
{
  const char *cb = query ? g_hash_table_lookup(query, "callback") : NULL;
  if (!cb || !*cb) return NULL;
  for (const char *p = cb; *p; p++)
    if (!g_ascii_isalnum(*p) && *p != '_' && *p != '$' && *p != '.') return NULL;
  return g_ascii_isdigit(cb[0]) ? NULL : cb;
}

static void reply_json(SoupServerMessage *msg, guint status, json_t *body, GHashTable *query)
{
  char *text = json_dumps(body, JSON_COMPACT);
  json_decref(body);
  const char *cb = jsonp_callback(query);
  SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
  soup_message_headers_replace(h, "Cache-Control", "no-cache, no-store");
  soup_message_headers_replace(h, "Access-Control-Allow-Origin", "*");
  soup_message_headers_replace(h, "X-Content-Type-Options", "nosniff");
  soup_server_message_set_status(msg, status, NULL);
  if (cb) {
    char *wrapped = g_strdup_printf("%s(%s);", cb, text);
    soup_server_message_set_response(msg, "application/javascript;charset=utf-8", SOUP_MEMORY_TAKE,
                                     wrapped, strlen(wrapped));
    free(text);
  } else {
    soup_server_message_set_response(msg, "application/json;charset=utf-8", SOUP_MEMORY_COPY, text,
                                     strlen(text));
    free(text);
  }
}

static void reply_error(SoupServerMessage *msg, guint status, const char *message,
                        GHashTable *query)
{
  g_autofree char *error = g_strdup_printf(
      "%u %s", status, status == 500 ? "Server Error" : soup_status_get_phrase(status));
  reply_json(msg, status, json_pack("{s:s, s:s}", "error", error, "errorMessage", message), query);
}

/* A handler's result: the JSON, or Storm's 500 with the error. */
static void reply_result(SoupServerMessage *msg, json_t *body, GError *error, GHashTable *query)
{
  if (body)
    reply_json(msg, SOUP_STATUS_OK, body, query);
  else {
    reply_error(msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, error->message, query);
    g_error_free(error);
  }
}

static gboolean query_sys(GHashTable *query)
{
  const char *sys = query ? g_hash_table_lookup(query, "sys") : NULL;
  return sys && (strcmp(sys, "1") == 0 || g_ascii_strcasecmp(sys, "true") == 0);
}

/* GET /api/v1/<parts...> */
static json_t *api_get(gust_ui_server *ui, char **parts, guint n, GHashTable *query,
                       gboolean *found, GError **error)
{
  const gust_ui_snapshot *s = ui_history_latest(ui->history);
  gust_ui_window w = GUST_UI_WINDOW_ALL_TIME;
  *found = TRUE;
  if (s->source_error) {
    g_set_error(error, GUST_UI_ERROR, GUST_UI_ERROR_UNAVAILABLE, "%s", s->source_error);
    return NULL;
  }
  if (n == 2 && strcmp(parts[0], "cluster") == 0 && strcmp(parts[1], "summary") == 0)
    return ui_api_cluster_summary(s);
  if (n == 2 && strcmp(parts[0], "cluster") == 0 && strcmp(parts[1], "configuration") == 0)
    return ui->funcs->cluster_conf(ui->data);
  if (n == 2 && strcmp(parts[0], "nimbus") == 0 && strcmp(parts[1], "summary") == 0)
    return ui_api_nimbus_summary(s, s->nimbus_port ? s->nimbus_port : ui->port);
  if (n == 2 && strcmp(parts[0], "supervisor") == 0 && strcmp(parts[1], "summary") == 0)
    return ui_api_supervisor_summary(s);
  if (n == 2 && strcmp(parts[0], "topology") == 0 && strcmp(parts[1], "summary") == 0)
    return ui_api_topology_summary(s);
  if (n == 2 && strcmp(parts[0], "topology-workers") == 0)
    return ui_api_topology_workers(s, parts[1], error);
  if (n == 4 && strcmp(parts[0], "gust") == 0 && strcmp(parts[1], "topology") == 0 &&
      strcmp(parts[3], "history") == 0)
    return ui_history_topology_json(ui->history, parts[2], error);
  if (n >= 2 && strcmp(parts[0], "topology") == 0) {
    const char *id = parts[1];
    if (!ui_api_parse_window(query ? g_hash_table_lookup(query, "window") : NULL, &w, error))
      return NULL;
    if (n == 2) return ui_api_topology(s, id, w, query_sys(query), error);
    if (n == 3 && strcmp(parts[2], "metrics") == 0)
      return ui_api_topology_metrics(s, id, w, query_sys(query), error);
    if (n == 3 && strcmp(parts[2], "lag") == 0) return ui_api_topology_lag(s, id, error);
    if (n == 4 && strcmp(parts[2], "component") == 0)
      return ui_api_component(s, id, parts[3], w, query_sys(query), error);
  }
  *found = FALSE;
  return NULL;
}

static gboolean parse_wait(const char *text, int *wait, GError **error)
{
  gint64 v;
  if (!g_ascii_string_to_signed(text, 10, 0, G_MAXINT, &v, NULL)) {
    g_set_error(error, GUST_UI_ERROR, GUST_UI_ERROR_BAD_REQUEST,
                "wait time '%s' is not a number of seconds (0 to %d)", text, G_MAXINT);
    return FALSE;
  }
  *wait = (int)v;
  return TRUE;
}

/* Storm's rebalance body: {"rebalanceOptions": {"numWorkers": N,
 * "executors": {"component": N}}}, all optional. */
/* Storm UI's rebalance body: *options is its "rebalanceOptions" object (a
 * new reference) or NULL when there is none. */
static gboolean read_rebalance_body(SoupServerMessage *msg, json_t **options, GError **error)
{
  *options = NULL;
  SoupMessageBody *body = soup_server_message_get_request_body(msg);
  if (!body || body->length == 0) return TRUE;
  json_error_t jerr;
  json_t *doc = json_loadb(body->data, body->length, 0, &jerr);
  if (!doc) {
    g_set_error(error, GUST_UI_ERROR, GUST_UI_ERROR_BAD_REQUEST,
                "rebalance body is not JSON: %s at line %d column %d", jerr.text, jerr.line,
                jerr.column);
    return FALSE;
  }
  json_t *opts = json_object_get(doc, "rebalanceOptions");
  gboolean ok = json_is_object(doc) && (!opts || json_is_object(opts));
  if (ok) *options = json_incref(opts);
  json_decref(doc);
  if (!ok)
    g_set_error(error, GUST_UI_ERROR, GUST_UI_ERROR_BAD_REQUEST,
                "rebalance body must be {\"rebalanceOptions\": {\"numWorkers\": N, "
                "\"executors\": {...}}}");
  return ok;
}

/* POST /api/v1/topology/:id/<action>[/:wait-time] */
static json_t *api_post(gust_ui_server *ui, SoupServerMessage *msg, char **parts, guint n,
                        gboolean *found, GError **error)
{
  *found = TRUE;
  if (n < 3 || strcmp(parts[0], "topology") != 0) {
    *found = FALSE;
    return NULL;
  }
  const char *id = parts[1], *op = parts[2];
  int wait = 0;
  gust_ui_action action;
  if (n == 3 && strcmp(op, "activate") == 0)
    action = GUST_UI_ACTIVATE;
  else if (n == 3 && strcmp(op, "deactivate") == 0)
    action = GUST_UI_DEACTIVATE;
  else if (n == 4 && strcmp(op, "rebalance") == 0)
    action = GUST_UI_REBALANCE;
  else if (n == 4 && strcmp(op, "kill") == 0)
    action = GUST_UI_KILL;
  else {
    *found = FALSE;
    return NULL;
  }
  if (n == 4 && !parse_wait(parts[3], &wait, error)) return NULL;
  const char *source_error = ui_history_latest(ui->history)->source_error;
  if (source_error) {
    g_set_error(error, GUST_UI_ERROR, GUST_UI_ERROR_UNAVAILABLE, "%s", source_error);
    return NULL;
  }
  if (!ui_api_find_topology(ui_history_latest(ui->history), id, error)) return NULL;
  json_t *options = NULL;
  if (action == GUST_UI_REBALANCE && !read_rebalance_body(msg, &options, error)) return NULL;
  gboolean done = ui->funcs->act(ui->data, id, action, wait, options, error);
  json_decref(options);
  if (!done) return NULL;
  g_message("%s %s (asked over HTTP)", op, id);
  sample(ui); /* the next read sees the new status */
  return ui_api_operation(id, op);
}

static void handle_api(gust_ui_server *ui, SoupServerMessage *msg, const char *path,
                       GHashTable *query)
{
  g_auto(GStrv) raw = g_strsplit(path + strlen("/api/v1/"), "/", 0);
  GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
  for (char **p = raw; *p; p++)
    if (**p) g_ptr_array_add(parts, g_uri_unescape_string(*p, NULL));
  guint n = parts->len;
  g_ptr_array_add(parts, NULL);
  GError *error = NULL;
  gboolean found = FALSE;
  json_t *body = NULL;
  const char *method = soup_server_message_get_method(msg);
  gboolean bad_part = FALSE;
  for (guint i = 0; i < n; i++)
    bad_part |= g_ptr_array_index(parts, i) == NULL;
  if (bad_part)
    found = FALSE;
  else if (strcmp(method, "GET") == 0)
    body = api_get(ui, (char **)parts->pdata, n, query, &found, &error);
  else if (strcmp(method, "POST") == 0)
    body = api_post(ui, msg, (char **)parts->pdata, n, &found, &error);
  if (!found && !body && !error) {
    g_autofree char *what = g_strdup_printf("no %s %s here", method, path);
    reply_error(msg, SOUP_STATUS_NOT_FOUND, what, query);
  } else
    reply_result(msg, body, error, query);
  g_ptr_array_unref(parts);
}

static const char *content_type(const char *name)
{
  if (g_str_has_suffix(name, ".html")) return "text/html; charset=utf-8";
  if (g_str_has_suffix(name, ".js")) return "application/javascript; charset=utf-8";
  if (g_str_has_suffix(name, ".css")) return "text/css; charset=utf-8";
  return "application/octet-stream";
}

/* A file of dir by a plain name (letters, digits, '.', '-', '_'; no
 * leading dot), or 404. */
static void serve_file(SoupServerMessage *msg, const char *dir, const char *name)
{
  gboolean plain = *name && name[0] != '.';
  for (const char *p = name; *p && plain; p++)
    plain = g_ascii_isalnum(*p) || *p == '.' || *p == '-' || *p == '_';
  g_autofree char *file = plain ? g_build_filename(dir, name, NULL) : NULL;
  char *contents = NULL;
  gsize length = 0;
  if (!file || !g_file_get_contents(file, &contents, &length, NULL)) {
    g_autofree char *what = g_strdup_printf("no file '%s' here", name);
    reply_error(msg, SOUP_STATUS_NOT_FOUND, what, NULL);
    return;
  }
  soup_server_message_set_status(msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response(msg, content_type(name), SOUP_MEMORY_TAKE, contents, length);
}

static void handle(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                   gpointer user_data)
{
  gust_ui_server *ui = user_data;
  if (ui->metrics_only && strcmp(path, "/metrics") != 0) {
    reply_error(msg, SOUP_STATUS_NOT_FOUND, "only /metrics here", NULL);
    return;
  }
  if (g_str_has_prefix(path, "/api/v1/")) {
    handle_api(ui, msg, path, query);
    return;
  }
  if (strcmp(soup_server_message_get_method(msg), "GET") != 0) {
    reply_error(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "only GET here", NULL);
    return;
  }
  if (strcmp(path, "/metrics") == 0) {
    char *text = ui_prometheus_render(ui_history_latest(ui->history));
    soup_server_message_set_status(msg, SOUP_STATUS_OK, NULL);
    soup_server_message_set_response(msg, UI_PROMETHEUS_CONTENT_TYPE, SOUP_MEMORY_TAKE, text,
                                     strlen(text));
  } else if (strcmp(path, "/") == 0)
    serve_file(msg, ui->web_dir, "index.html");
  else if (g_str_has_prefix(path, "/js/dygraphs/"))
    serve_file(msg, DYGRAPHS_DIR, path + strlen("/js/dygraphs/"));
  else
    serve_file(msg, ui->web_dir, path + 1);
}

static gboolean listen_on(gust_ui_server *ui, GError **error)
{
  ui->soup = soup_server_new("server-header", "gust-ui ", NULL);
  soup_server_add_handler(ui->soup, NULL, handle, ui, NULL);
  const char *host = strcmp(ui->host, "localhost") == 0 ? "127.0.0.1" : ui->host;
  g_autoptr(GInetAddress) addr = g_inet_address_new_from_string(host);
  if (!addr) {
    g_set_error(error, GUST_UI_ERROR, GUST_UI_ERROR_BIND,
                "%s '%s' is not an IP address or localhost (use 127.0.0.1, 0.0.0.0 or ::)",
                ui->host_key, ui->host);
    return FALSE;
  }
  g_autoptr(GSocketAddress) sa = g_inet_socket_address_new(addr, (guint16)ui->port);
  GError *e = NULL;
  if (!soup_server_listen(ui->soup, sa, 0, &e)) {
    g_set_error(error, GUST_UI_ERROR, GUST_UI_ERROR_BIND, "the %s cannot listen on %s:%d: %s",
                ui->metrics_only ? "metrics server" : "UI", ui->host, ui->port, e->message);
    g_error_free(e);
    return FALSE;
  }
  GSList *listeners = soup_server_get_listeners(ui->soup);
  GSocketAddress *bound = listeners ? g_socket_get_local_address(listeners->data, NULL) : NULL;
  if (bound) ui->port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
  g_clear_object(&bound);
  g_slist_free(listeners);
  return TRUE;
}

static gpointer server_thread(gpointer user_data)
{
  gust_ui_server *ui = user_data;
  g_main_context_push_thread_default(ui->ctx);
  GError *error = NULL;
  gboolean ok = listen_on(ui, &error);
  if (ok) {
    sample(ui); /* requests always have a snapshot */
    GSource *timer = g_timeout_source_new((guint)ui->sample_ms);
    g_source_set_callback(timer, on_sample, ui, NULL);
    g_source_attach(timer, ui->ctx);
    g_source_unref(timer);
  }
  pthread_mutex_lock(&ui->lock);
  ui->ready = TRUE;
  ui->error = error;
  pthread_cond_signal(&ui->started);
  pthread_mutex_unlock(&ui->lock);
  if (ok) g_main_loop_run(ui->loop);
  if (ui->soup) {
    soup_server_disconnect(ui->soup);
    g_object_unref(ui->soup);
  }
  /* connections closing finish on this context: let them */
  while (g_main_context_iteration(ui->ctx, FALSE)) {
  }
  g_main_context_pop_thread_default(ui->ctx);
  return NULL;
}

/* ---- caller's thread ---- */

static void server_free(gust_ui_server *ui)
{
  ui_history_free(ui->history);
  if (ui->funcs->destroy) ui->funcs->destroy(ui->data);
  g_main_loop_unref(ui->loop);
  g_main_context_unref(ui->ctx);
  pthread_mutex_destroy(&ui->lock);
  pthread_cond_destroy(&ui->started);
  g_free(ui->host);
  g_free(ui->web_dir);
  g_free(ui->host_key);
  g_free(ui);
}

gust_ui_server *gust_ui_server_start(const gust_ui_source_funcs *funcs, void *data,
                                     const gust_ui_options *options, GError **error)
{
  gust_ui_server *ui = g_new0(gust_ui_server, 1);
  ui->funcs = funcs;
  ui->data = data;
  ui->host = g_strdup(options->host ? options->host : "127.0.0.1");
  ui->port = options->port;
  ui->sample_ms = options->sample_ms > 0 ? options->sample_ms : DEFAULT_SAMPLE_MS;
  ui->web_dir = g_strdup(options->web_dir ? options->web_dir : GUST_UI_WEB_DIR);
  ui->metrics_only = options->metrics_only;
  ui->host_key = g_strdup(options->host_key ? options->host_key : "ui.host");
  ui->history = ui_history_new(HISTORY_SAMPLES);
  ui->ctx = g_main_context_new();
  ui->loop = g_main_loop_new(ui->ctx, FALSE);
  pthread_mutex_init(&ui->lock, NULL);
  pthread_cond_init(&ui->started, NULL);
  ui->thread = g_thread_new("gust-ui", server_thread, ui);
  pthread_mutex_lock(&ui->lock);
  while (!ui->ready)
    pthread_cond_wait(&ui->started, &ui->lock);
  pthread_mutex_unlock(&ui->lock);
  if (ui->error) {
    g_propagate_error(error, ui->error);
    g_thread_join(ui->thread);
    server_free(ui);
    return NULL;
  }
  return ui;
}

int gust_ui_server_port(const gust_ui_server *server)
{
  return server->port;
}

const char *gust_ui_server_host(const gust_ui_server *server)
{
  return server->host;
}

static gboolean quit_loop(gpointer user_data)
{
  g_main_loop_quit(user_data);
  return G_SOURCE_REMOVE;
}

void gust_ui_server_stop(gust_ui_server *server)
{
  if (!server) return;
  g_main_context_invoke(server->ctx, quit_loop, server->loop);
  g_thread_join(server->thread);
  server_free(server);
}
