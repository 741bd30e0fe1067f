/* nimbus_client.h — a Thrift connection to the leader Nimbus, as Storm's
 * NimbusClient makes it.
 *
 * The client dials each host of nimbus.seeds at nimbus.thrift.port in
 * turn (framed transport, binary protocol, frames up to
 * nimbus.thrift.max_buffer_size, reads and writes bounded by
 * storm.thrift.socket.timeout.ms) and asks the first that answers
 * getLeader; when the leader named is another host:port it reconnects
 * there.  Calls then go through the generated interface
 * (gust_storm_nimbus_if_*()), and gust_nimbus_client_outcome() turns what a
 * call returned into one GError a user can read.  One client, one thread.
 */
#ifndef GUST_NIMBUS_CLIENT_H
#define GUST_NIMBUS_CLIENT_H

#include <gust_storm_nimbus.h>
#include <jansson.h>

typedef struct gust_nimbus_client gust_nimbus_client;

/* conf: a daemon conf (daemon_conf.h).  Returns a connected client
 * (gust_nimbus_client_free()) or NULL with GUST_NIMBUS_CLIENT_ERROR_CONNECT
 * naming every address tried and why it failed. */
gust_nimbus_client *gust_nimbus_client_connect(const json_t *conf, GError **error);
void gust_nimbus_client_free(gust_nimbus_client *client);

/* The generated interface to call through; borrowed. */
GustStormNimbusIf *gust_nimbus_client_nimbus(gust_nimbus_client *client);
/* "host:port" of the Nimbus this client talks to; borrowed. */
const char *gust_nimbus_client_address(const gust_nimbus_client *client);

/* Judges one generated call: ok and call_error as the call left them, then
 * n_exceptions declared exception objects the call may have filled (each
 * may be NULL).  Returns TRUE when the call succeeded.  Otherwise fills
 * error with
 *   GUST_NIMBUS_CLIENT_ERROR_DECLARED  "NotAliveException(msg:x is not alive)",
 *     the form Storm's command line prints;
 *   GUST_NIMBUS_CLIENT_ERROR_APPLICATION  Nimbus answered with a Thrift
 *     application error (e.g. a method it does not serve), its message;
 *   GUST_NIMBUS_CLIENT_ERROR_TRANSPORT  the connection failed or a reply
 *     could not be read, naming the address.
 * Takes call_error and the exception objects (frees them). */
gboolean gust_nimbus_client_outcome(gust_nimbus_client *client, gboolean ok, GError *call_error,
                                    GError **error, guint n_exceptions, ...);

/* getTopologyInfoByNameWithOpts(name) without errors (as `storm monitor`
 * asks): the topology's live statistics (g_object_unref), or NULL with
 * error as gust_nimbus_client_outcome() words it. */
GustStormTopologyInfo *gust_nimbus_client_topology_info(gust_nimbus_client *client,
                                                        const char *name, GError **error);

#define GUST_NIMBUS_CLIENT_ERROR (gust_nimbus_client_error_quark())
GQuark gust_nimbus_client_error_quark(void);
typedef enum {
  GUST_NIMBUS_CLIENT_ERROR_CONNECT,
  GUST_NIMBUS_CLIENT_ERROR_TRANSPORT,
  GUST_NIMBUS_CLIENT_ERROR_APPLICATION,
  GUST_NIMBUS_CLIENT_ERROR_DECLARED,
} gust_nimbus_client_error;

#endif /* GUST_NIMBUS_CLIENT_H */
