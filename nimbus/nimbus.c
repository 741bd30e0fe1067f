/* nimbus.c — the Nimbus context: reads the daemon conf, starts the Thrift
 * server (thrift_server.c) whose frames go to the method dispatcher
 * (dispatch.c), and stops everything in reverse order.
 *
 * Threads: gust_nimbus_start/stop run on the caller's thread; calls run on
 * the server's handler threads (see thrift_server.c). */
#define G_LOG_DOMAIN "gust-nimbus"

#include "nimbus_private.h"

#include <gio/gio.h>

gint64 gust_nimbus_conf_int(const json_t *conf, const char *key, gint64 fallback)
{
  json_t *value = json_object_get(conf, key);
  if (json_is_integer(value)) return json_integer_value(value);
  if (json_is_real(value)) return (gint64)json_real_value(value);
  if (json_is_string(value)) {
    char *end;
    gint64 parsed = g_ascii_strtoll(json_string_value(value), &end, 10);
    if (*json_string_value(value) && !*end) return parsed;
  }
  return fallback;
}

const char *gust_nimbus_conf_string(const json_t *conf, const char *key, const char *fallback)
{
  json_t *value = json_object_get(conf, key);
  return json_is_string(value) ? json_string_value(value) : fallback;
}

static GBytes *on_frame(guint64 conn_id, const guint8 *frame, gsize len, gboolean *close_after,
                        void *data)
{
  gust_nimbus *nimbus = data;
  *close_after = FALSE;
  return gust_nimbus_dispatch(nimbus, conn_id, frame, len, nimbus->max_buffer_size);
}

static void on_closed(guint64 conn_id, void *data) {}

gust_nimbus *gust_nimbus_start(json_t *conf, GError **error)
{
  gust_nimbus *nimbus = g_new0(gust_nimbus, 1);
  nimbus->conf = json_incref(conf);
  nimbus->start_time_secs = g_get_real_time() / G_USEC_PER_SEC;
  nimbus->max_buffer_size =
      (gsize)MAX(1024, gust_nimbus_conf_int(conf, "nimbus.thrift.max_buffer_size", 1048576));
  const char *bind = gust_nimbus_conf_string(conf, "storm.gust.bind.address", "127.0.0.1");
  gint64 port = gust_nimbus_conf_int(conf, "nimbus.thrift.port", 6627);
  if (port < 0 || port > 65535) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                "nimbus.thrift.port must be a port number 0..65535 (got %" G_GINT64_FORMAT ")",
                port);
    gust_nimbus_stop(nimbus);
    return NULL;
  }
  gust_thrift_server_options options = {
      .bind_address = bind,
      .port = (guint16)port,
      .max_frame_bytes = nimbus->max_buffer_size,
      .handler_threads =
          (guint)CLAMP(gust_nimbus_conf_int(conf, "nimbus.thrift.threads", 64), 1, 1024),
      .on_frame = on_frame,
      .on_closed = on_closed,
      .data = nimbus,
  };
  nimbus->server = gust_thrift_server_start(&options, error);
  if (!nimbus->server) {
    gust_nimbus_stop(nimbus);
    return NULL;
  }
  nimbus->port = gust_thrift_server_port(nimbus->server);
  nimbus->host = g_strdup(gust_nimbus_conf_string(conf, "storm.local.hostname", bind));
  return nimbus;
}

guint16 gust_nimbus_port(gust_nimbus *nimbus)
{
  return nimbus->port;
}

void gust_nimbus_stop(gust_nimbus *nimbus)
{
  if (!nimbus) return;
  gust_thrift_server_stop(nimbus->server);
  json_decref(nimbus->conf);
  g_free(nimbus->host);
  g_free(nimbus);
}
