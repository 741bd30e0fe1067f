/* nimbus.h — gust's Nimbus: Storm's Thrift service (port nimbus.thrift.port)
 * for submitting, inspecting and managing topologies.
 *
 * Library code: the daemon's configuration comes in as a JSON object of
 * Storm keys (the command line builds it); nothing is read from files of
 * configuration here. */
#ifndef GUST_NIMBUS_H
#define GUST_NIMBUS_H

#include <glib.h>
#include <jansson.h>

G_BEGIN_DECLS

typedef struct gust_nimbus gust_nimbus;

/* Starts serving with conf (borrowed; keys: nimbus.thrift.port,
 * nimbus.thrift.max_buffer_size, nimbus.thrift.threads,
 * storm.gust.bind.address, storm.local.dir, ...).  The server runs on
 * threads of its own.  NULL with error when it cannot listen or its storage
 * cannot be opened. */
gust_nimbus *gust_nimbus_start(json_t *conf, GError **error);
/* The port it listens on (useful with nimbus.thrift.port 0). */
guint16 gust_nimbus_port(gust_nimbus *nimbus);
/* Stops serving and frees.  NULL is fine. */
void gust_nimbus_stop(gust_nimbus *nimbus);

G_END_DECLS

#endif
