/* cmd_ui.c — `gust ui`: Storm UI for a cluster.  Serves Storm UI's REST
 * API, the web pages and Prometheus /metrics (gust/ui.h) on ui.host
 * (default 127.0.0.1) : ui.port (8080), read from the leader Nimbus every
 * ui.gust.sample.ms (ui_nimbus_source.h), until SIGINT or SIGTERM.
 * Configuration is Storm's keys, as every daemon reads them (daemon_conf.h).
 * A Nimbus that cannot be reached does not stop the server: the API
 * answers Storm's 500 error naming it until it is back.  Main thread: the
 * signal loop; the server runs on a thread of its own. */
#define G_LOG_DOMAIN "gust-ui"

#include "commands.h"
#include "daemon_conf.h"
#include "log_writer.h"
#include "ui_nimbus_source.h"

#include <glib-unix.h>
#include <gust/conf.h>

static gboolean on_stop_signal(gpointer data)
{
  g_main_loop_quit(data);
  return G_SOURCE_CONTINUE;
}

int gust_cmd_ui(int argc, char **argv)
{
  gust_daemon_conf_args conf_args = {0};
  gboolean verbose = FALSE;
  GOptionEntry entries[] = {
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "also log debug messages", NULL},
      {NULL},
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new(
      "- serve Storm UI's REST API, web pages and /metrics for the cluster's topologies, read "
      "from the leader Nimbus, on ui.host:ui.port");
  g_option_context_add_main_entries(ctx, entries, NULL);
  gust_daemon_conf_add_options(ctx, &conf_args);
  GError *error = NULL;
  json_t *conf = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 1 ||
      !(conf = gust_daemon_conf_load_args(&conf_args, &error))) {
    gust_log_error("%s", error ? error->message : "gust ui takes no arguments");
    g_clear_error(&error);
    gust_daemon_conf_args_clear(&conf_args);
    return 2;
  }
  gust_daemon_conf_args_clear(&conf_args);
  gust_log_writer_set_verbose(verbose);
  void *data = NULL;
  const gust_ui_source_funcs *funcs = gust_ui_nimbus_source(conf, &data);
  gust_ui_options opts = {.host = gust_conf_string(conf, "ui.host"),
                          .port = gust_conf_int(conf, "ui.port"),
                          .sample_ms = gust_conf_int(conf, "ui.gust.sample.ms")};
  gust_ui_server *ui = gust_ui_server_start(funcs, data, &opts, &error);
  json_decref(conf);
  if (!ui) {
    gust_log_error("%s", error->message);
    g_error_free(error);
    return 1;
  }
  g_message("Storm UI for the cluster at http://%s:%d/ (REST API under /api/v1/, Prometheus "
            "metrics at /metrics)",
            gust_ui_server_host(ui), gust_ui_server_port(ui));
  GMainLoop *loop = g_main_loop_new(NULL, FALSE);
  guint sigint = g_unix_signal_add(SIGINT, on_stop_signal, loop);
  guint sigterm = g_unix_signal_add(SIGTERM, on_stop_signal, loop);
  g_main_loop_run(loop);
  g_source_remove(sigint);
  g_source_remove(sigterm);
  g_main_loop_unref(loop);
  g_message("ui stopping");
  gust_ui_server_stop(ui);
  return 0;
}
