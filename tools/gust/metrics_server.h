/* metrics_server.h — a worker's own Prometheus endpoint: when the
 * topology conf sets topology.gust.metrics.port, `gust worker` and `gust
 * local` serve /metrics (the exposition of the UI's /metrics, for this
 * process's runtime) on a thread of their own. */
#ifndef GUST_METRICS_SERVER_H
#define GUST_METRICS_SERVER_H

#include <gust/runtime.h>
#include <gust/ui.h>

typedef struct {
  const char *host;     /* the address to listen on; NULL = 127.0.0.1 */
  const char *host_key; /* the key that named it, for errors */
  int slot_index;       /* added to a non-zero port: workers of one host do not collide */
} gust_metrics_server_options;

/* TRUE with *server NULL when the conf sets no port; TRUE with the server
 * listening (its address logged); FALSE + error when it cannot listen.
 * Borrows rt and topology: stop the server before freeing them. */
gboolean gust_metrics_server_start(gust_runtime *rt, gust_topology *topology,
                                   const gust_metrics_server_options *options,
                                   gust_ui_server **server, GError **error);

#endif
