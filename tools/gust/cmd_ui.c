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
#include "daemon_main.h"
#include "log_writer.h"
#include "ui_nimbus_source.h"

#include <gust/conf.h>

int gust_cmd_ui(int argc, char **argv)
{
  json_t *conf = gust_daemon_command_line(
      argc, argv, "ui",
      "- serve Storm UI's REST API, web pages and /metrics for the cluster's topologies, read "
      "from the leader Nimbus, on ui.host:ui.port");
  if (!conf) return 2;
  GError *error = NULL;
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
  gust_daemon_wait_for_stop_signal();
  g_message("ui stopping");
  gust_ui_server_stop(ui);
  return 0;
}
