/* metrics_server.c — topology.gust.metrics.port: a metrics-only UI server
 * (gust/ui.h) over the local data source of this process's runtime, so a
 * worker's /metrics is the same exposition as the UI's, with the
 * process's CPU seconds and resident memory.  The server samples the
 * runtime every ui.gust.sample.ms on its own thread; nothing here runs on
 * a task's thread.  A fixed port is offset by the worker's slot index, so
 * that the workers of one supervisor (one per slot) each get their own.
 */
#define G_LOG_DOMAIN "gust-metrics"

#include "metrics_server.h"

#include <gust/conf.h>
#include <gust/ui_local.h>

static void no_kill(int wait_secs, void *user_data)
{
  /* a metrics-only server never acts on the topology */
}

gboolean gust_metrics_server_start(gust_runtime *rt, gust_topology *topology,
                                   const gust_metrics_server_options *options,
                                   gust_ui_server **server, GError **error)
{
  const json_t *conf = gust_runtime_conf(rt);
  *server = NULL;
  int port = 0;
  if (!gust_conf_lookup_int(conf, "topology.gust.metrics.port", &port)) return TRUE;
  int asked = port;
  if (port > 0) port += options->slot_index;
  if (port > 65535) {
    g_set_error(error, GUST_UI_ERROR, GUST_UI_ERROR_BIND,
                "topology.gust.metrics.port %d plus the slot index %d is above 65535", asked,
                options->slot_index);
    return FALSE;
  }
  void *data = NULL;
  const gust_ui_source_funcs *funcs = gust_ui_local_source(rt, topology, no_kill, NULL, &data);
  gust_ui_options opts = {.host = options->host ? options->host : "127.0.0.1",
                          .host_key = options->host_key,
                          .port = port,
                          .sample_ms = gust_conf_int(conf, "ui.gust.sample.ms"),
                          .metrics_only = TRUE};
  *server = gust_ui_server_start(funcs, data, &opts, error);
  if (!*server) {
    g_prefix_error(error, "topology.gust.metrics.port %d (slot index %d): ", asked,
                   options->slot_index);
    return FALSE;
  }
  g_autofree char *how = asked == 0 ? g_strdup("0: a free port")
                         : options->slot_index
                             ? g_strdup_printf("%d + slot index %d", asked, options->slot_index)
                             : g_strdup_printf("%d", asked);
  g_message("metrics at http://%s:%d/metrics (topology.gust.metrics.port %s)",
            gust_ui_server_host(*server), gust_ui_server_port(*server), how);
  return TRUE;
}
