/* nimbus_client.c — finding the leader Nimbus and judging call outcomes
 * (see nimbus_client.h).
 *
 * A connection is a ThriftSocket under a ThriftFramedTransport under a
 * ThriftBinaryProtocol, the layers Storm's clients use under SIMPLE
 * authentication.  The frame limit is a ThriftConfiguration shared by the
 * layers; the read/write timeout is set on the socket once it is open.
 * Like Storm's NimbusClient, the client keeps the seed's connection when
 * getLeader names the seed itself (same host text, same port) and opens a
 * new one otherwise.
 */
#define G_LOG_DOMAIN "gust-nimbus-client"

#include "nimbus_client.h"

#include "daemon_conf.h"

#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <thrift/c_glib/protocol/thrift_binary_protocol.h>
#include <thrift/c_glib/thrift_application_exception.h>
#include <thrift/c_glib/thrift_configuration.h>
#include <thrift/c_glib/transport/thrift_framed_transport.h>
#include <thrift/c_glib/transport/thrift_socket.h>

/* The domain name is stringified as written: keep the formatter away. */
/* clang-format off */
G_DEFINE_QUARK(gust-nimbus-client-error-quark, gust_nimbus_client_error)
/* clang-format on */

struct gust_nimbus_client {
  ThriftSocket *socket;
  ThriftTransport *transport; /* framed, over socket */
  ThriftProtocol *protocol;
  GustStormNimbusIf *nimbus;
  char *address; /* host:port */
};

typedef struct {
  gint max_frame_bytes;
  gint timeout_ms;
} connection_limits;

static void connection_close(gust_nimbus_client *client)
{
  if (client->transport && thrift_transport_is_open(client->transport))
    thrift_transport_close(client->transport, NULL);
  g_clear_object(&client->nimbus);
  g_clear_object(&client->protocol);
  g_clear_object(&client->transport);
  g_clear_object(&client->socket);
  g_clear_pointer(&client->address, g_free);
}

static void set_socket_timeout(int sd, gint timeout_ms)
{
  struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
  setsockopt(sd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(sd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/* Opens client's connection to host:port; on failure the message says why
 * (the caller adds where). */
static gboolean connection_open(gust_nimbus_client *client, const char *host, gint port,
                                const connection_limits *limits, GError **error)
{
  ThriftConfiguration *configuration =
      g_object_new(THRIFT_TYPE_CONFIGURATION, "max_frame_size", limits->max_frame_bytes,
                   "max_message_size", G_MAXINT32, NULL);
  client->socket = g_object_new(THRIFT_TYPE_SOCKET, "hostname", host, "port", (guint)port,
                                "configuration", configuration, NULL);
  client->transport = g_object_new(THRIFT_TYPE_FRAMED_TRANSPORT, "transport", client->socket,
                                   "configuration", configuration, NULL);
  client->protocol =
      g_object_new(THRIFT_TYPE_BINARY_PROTOCOL, "transport", client->transport, NULL);
  client->nimbus = g_object_new(GUST_STORM_TYPE_NIMBUS_CLIENT, "input_protocol", client->protocol,
                                "output_protocol", client->protocol, NULL);
  client->address = g_strdup_printf("%s:%d", host, port);
  g_object_unref(configuration);
  if (!thrift_transport_open(client->transport, error)) return FALSE;
  set_socket_timeout(client->socket->sd, limits->timeout_ms);
  return TRUE;
}

/* Connects to host:port and asks getLeader; fills *leader on success. */
static gboolean ask_seed(gust_nimbus_client *client, const char *host, gint port,
                         const connection_limits *limits, GustStormNimbusSummary **leader,
                         GError **error)
{
  GError *open_error = NULL;
  if (!connection_open(client, host, port, limits, &open_error)) {
    /* thrift's text repeats the address: "failed to connect to host H:P - why" */
    const char *why = strstr(open_error->message, " - ");
    g_set_error(error, GUST_NIMBUS_CLIENT_ERROR, GUST_NIMBUS_CLIENT_ERROR_CONNECT,
                "no Nimbus at %s: %s", client->address, why ? why + 3 : open_error->message);
    g_error_free(open_error);
    return FALSE;
  }
  GustStormAuthorizationException *aze = NULL;
  GError *call_error = NULL;
  gboolean ok = gust_storm_nimbus_if_get_leader(client->nimbus, leader, &aze, &call_error);
  return gust_nimbus_client_outcome(client, ok, call_error, error, 1, aze);
}

gust_nimbus_client *gust_nimbus_client_connect(const json_t *conf, GError **error)
{
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  const connection_limits limits = {
      .max_frame_bytes = gust_daemon_conf_int(conf, "nimbus.thrift.max_buffer_size"),
      .timeout_ms = gust_daemon_conf_int(conf, "storm.thrift.socket.timeout.ms"),
  };
  gint port = gust_daemon_conf_int(conf, "nimbus.thrift.port");
  const json_t *seeds = json_object_get(conf, "nimbus.seeds");
  gust_nimbus_client *client = g_new0(gust_nimbus_client, 1);
  g_autoptr(GString) failures = g_string_new(NULL);
  size_t i;
  const json_t *seed;
  json_array_foreach(seeds, i, seed)
  {
    const char *host = json_string_value(seed);
    if (!host) continue;
    GustStormNimbusSummary *leader = g_object_new(GUST_STORM_TYPE_NIMBUS_SUMMARY, NULL);
    GError *seed_error = NULL;
    gboolean answered = ask_seed(client, host, port, &limits, &leader, &seed_error);
    if (!answered) {
      g_string_append_printf(failures, "%s%s", failures->len ? "; " : "", seed_error->message);
      g_error_free(seed_error);
      g_object_unref(leader);
      connection_close(client);
      continue;
    }
    if (!g_strcmp0(leader->host, host) && leader->port == port) {
      g_info("Found leader nimbus : %s", client->address);
      g_object_unref(leader);
      return client;
    }
    g_autofree char *seed_address = g_strdup(client->address);
    connection_close(client);
    GError *open_error = NULL;
    if (leader->host && leader->port > 0 && leader->port <= 65535 &&
        connection_open(client, leader->host, leader->port, &limits, &open_error)) {
      g_info("Found leader nimbus : %s", client->address);
      g_object_unref(leader);
      return client;
    }
    g_string_append_printf(failures, "%s%s names the leader %s:%d, which does not answer: %s",
                           failures->len ? "; " : "", seed_address,
                           leader->host ? leader->host : "(none)", leader->port,
                           open_error ? open_error->message : "not a host:port");
    g_clear_error(&open_error);
    g_object_unref(leader);
    connection_close(client);
  }
  g_autofree char *seeds_text = json_dumps(seeds, JSON_ENCODE_ANY | JSON_COMPACT);
  g_set_error(error, GUST_NIMBUS_CLIENT_ERROR, GUST_NIMBUS_CLIENT_ERROR_CONNECT,
              "%s (nimbus.seeds %s, nimbus.thrift.port %d)",
              failures->len ? failures->str : "nimbus.seeds names no host", seeds_text, port);
  g_free(client);
  return NULL;
}

void gust_nimbus_client_free(gust_nimbus_client *client)
{
  if (!client) return;
  connection_close(client);
  g_free(client);
}

GustStormNimbusIf *gust_nimbus_client_nimbus(gust_nimbus_client *client)
{
  return client->nimbus;
}

const char *gust_nimbus_client_address(const gust_nimbus_client *client)
{
  return client->address;
}

/* "NotAliveException(msg:...)": Thrift's Java toString of an exception
 * struct, which Storm's command line prints. */
static char *describe_exception(GObject *exception)
{
  /* the generated GType names read "GustStormNotAliveExceptionType" */
  g_autofree char *type = g_strdup(G_OBJECT_TYPE_NAME(exception));
  if (g_str_has_suffix(type, "Type")) type[strlen(type) - strlen("Type")] = '\0';
  const char *name = g_str_has_prefix(type, "GustStorm") ? type + strlen("GustStorm") : type;
  g_autofree char *message = NULL;
  if (g_object_class_find_property(G_OBJECT_GET_CLASS(exception), "msg"))
    g_object_get(exception, "msg", &message, NULL);
  return g_strdup_printf("%s(msg:%s)", name, message ? message : "null");
}

gboolean gust_nimbus_client_outcome(gust_nimbus_client *client, gboolean ok, GError *call_error,
                                    GError **error, guint n_exceptions, ...)
{
  va_list args;
  va_start(args, n_exceptions);
  char *declared = NULL;
  for (guint i = 0; i < n_exceptions; i++) {
    gpointer exception = va_arg(args, gpointer);
    if (!exception) continue;
    if (!declared) declared = describe_exception(exception);
    g_object_unref(exception);
  }
  va_end(args);
  if (declared) {
    g_set_error_literal(error, GUST_NIMBUS_CLIENT_ERROR, GUST_NIMBUS_CLIENT_ERROR_DECLARED,
                        declared);
    g_free(declared);
    g_clear_error(&call_error);
    return FALSE;
  }
  if (ok && !call_error) return TRUE;
  if (call_error && call_error->domain == THRIFT_APPLICATION_EXCEPTION_ERROR)
    g_set_error(error, GUST_NIMBUS_CLIENT_ERROR, GUST_NIMBUS_CLIENT_ERROR_APPLICATION,
                "Nimbus at %s answered: %s", client->address, call_error->message);
  else
    g_set_error(error, GUST_NIMBUS_CLIENT_ERROR, GUST_NIMBUS_CLIENT_ERROR_TRANSPORT,
                "talking to Nimbus at %s failed: %s", client->address,
                call_error ? call_error->message : "no reply");
  g_clear_error(&call_error);
  return FALSE;
}

GustStormTopologyInfo *gust_nimbus_client_topology_info(gust_nimbus_client *client,
                                                        const char *name, GError **error)
{
  GustStormGetInfoOptions *options = g_object_new(GUST_STORM_TYPE_GET_INFO_OPTIONS, NULL);
  options->num_err_choice = GUST_STORM_NUM_ERRORS_CHOICE_NONE;
  options->__isset_num_err_choice = TRUE;
  GustStormTopologyInfo *info = g_object_new(GUST_STORM_TYPE_TOPOLOGY_INFO, NULL);
  GustStormNotAliveException *e = NULL;
  GustStormAuthorizationException *aze = NULL;
  GError *call_error = NULL;
  gboolean ok = gust_storm_nimbus_if_get_topology_info_by_name_with_opts(
      gust_nimbus_client_nimbus(client), &info, name, options, &e, &aze, &call_error);
  g_object_unref(options);
  if (gust_nimbus_client_outcome(client, ok, call_error, error, 2, e, aze)) return info;
  g_object_unref(info);
  return NULL;
}
