/* nimbus.c — the Nimbus context: reads the daemon conf, opens the topology
 * store and loads what it holds, starts the timer thread (kill and
 * rebalance waits, upload expiry every nimbus.monitor.freq.secs) and the
 * Thrift server (thrift_server.c) whose frames go to the method dispatcher
 * (dispatch.c); stops everything in reverse order.
 *
 * Threads: gust_nimbus_start/stop run on the caller's thread; calls run on
 * the server's handler threads (see thrift_server.c); timers on
 * "nimbus-timers". */
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

static void on_closed(guint64 conn_id, void *data)
{
  gust_nimbus_uploads_connection_closed(data, conn_id);
}

static gboolean on_expiry_tick(gpointer data)
{
  gust_nimbus_uploads_expire(data);
  return G_SOURCE_CONTINUE;
}

static gpointer run_timers(gpointer data)
{
  gust_nimbus *nimbus = data;
  g_main_context_push_thread_default(nimbus->timer_context);
  g_main_loop_run(nimbus->timer_loop);
  g_main_context_pop_thread_default(nimbus->timer_context);
  return NULL;
}

static gboolean quit_timers(gpointer data)
{
  g_main_loop_quit(data);
  return G_SOURCE_REMOVE;
}

char *gust_nimbus_standby_of(gust_nimbus *nimbus)
{
  if (g_atomic_int_get(&nimbus->is_leader)) return NULL;
  char *leader = gust_nimbus_leader_address(nimbus);
  return leader ? leader : g_strdup("");
}

gust_nimbus *gust_nimbus_start(json_t *conf, GError **error)
{
  gust_nimbus *nimbus = g_new0(gust_nimbus, 1);
  nimbus->conf = json_incref(conf);
  g_mutex_init(&nimbus->lock);
  nimbus->topologies = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                             (GDestroyNotify)gust_nimbus_topology_free);
  nimbus->uploads = gust_nimbus_uploads_new();
  nimbus->timer_context = g_main_context_new();
  nimbus->timer_loop = g_main_loop_new(nimbus->timer_context, FALSE);
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
  if (!gust_nimbus_store_open(nimbus, error)) {
    gust_nimbus_stop(nimbus);
    return NULL;
  }
  nimbus->supervisors_seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  GSource *tick = g_timeout_source_new_seconds(
      (guint)CLAMP(gust_nimbus_conf_int(conf, "nimbus.monitor.freq.secs", 10), 1, 3600));
  g_source_set_callback(tick, on_expiry_tick, nimbus, NULL);
  g_source_attach(tick, nimbus->timer_context);
  g_source_unref(tick);
  nimbus->timer_thread = g_thread_new("nimbus-timers", run_timers, nimbus);
  if (!gust_nimbus_cluster_connect(nimbus, error)) {
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
  /* Registered once it listens: the address in /nimbuses answers. */
  if (!gust_nimbus_cluster_start(nimbus, error)) {
    gust_nimbus_stop(nimbus);
    return NULL;
  }
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
  gust_nimbus_cluster_stop(nimbus); /* no leader callback after this */
  if (nimbus->timer_thread) {
    g_main_context_invoke(nimbus->timer_context, quit_timers, nimbus->timer_loop);
    g_thread_join(nimbus->timer_thread);
  }
  if (nimbus->timer_loop) g_main_loop_unref(nimbus->timer_loop);
  g_hash_table_destroy(nimbus->topologies); /* before the context: timers point at it */
  if (nimbus->timer_context) g_main_context_unref(nimbus->timer_context);
  gust_nimbus_uploads_free(nimbus->uploads);
  if (nimbus->supervisors_seen) g_hash_table_destroy(nimbus->supervisors_seen);
  g_mutex_clear(&nimbus->lock);
  g_free(nimbus->local_dir);
  g_free(nimbus->inbox_dir);
  g_free(nimbus->stormdist_dir);
  json_decref(nimbus->conf);
  g_free(nimbus->host);
  g_free(nimbus);
}
