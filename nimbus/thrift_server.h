/* thrift_server.h — framed Thrift transport for Nimbus: accepts clients,
 * reads whole frames, hands each one to a handler and writes its reply.
 * Private to gust_nimbus. */
#ifndef GUST_NIMBUS_THRIFT_SERVER_H
#define GUST_NIMBUS_THRIFT_SERVER_H

#include <glib.h>

typedef struct gust_thrift_server gust_thrift_server;

/* Called on a pool thread with one complete frame (length prefix removed)
 * from connection conn_id; returns the reply frame's body (the server adds
 * the length), or NULL to close the connection.  *close_after: reply then
 * close.  Must be thread-safe: frames of different connections run at once;
 * frames of one connection run one after the other. */
typedef GBytes *(*gust_thrift_frame_fn)(guint64 conn_id, const guint8 *frame, gsize len,
                                        gboolean *close_after, void *data);
/* Called on the I/O thread when a connection ends (uploads bound to it end). */
typedef void (*gust_thrift_closed_fn)(guint64 conn_id, void *data);

typedef struct {
  const char *bind_address; /* storm.gust.bind.address */
  guint16 port;             /* nimbus.thrift.port; 0: any free port */
  gsize max_frame_bytes;    /* nimbus.thrift.max_buffer_size */
  guint handler_threads;    /* nimbus.thrift.threads */
  gust_thrift_frame_fn on_frame;
  gust_thrift_closed_fn on_closed;
  void *data;
} gust_thrift_server_options;

/* Binds and starts serving on a thread of its own.  NULL with error when the
 * address cannot be bound. */
gust_thrift_server *gust_thrift_server_start(const gust_thrift_server_options *options,
                                             GError **error);
/* The port actually bound. */
guint16 gust_thrift_server_port(gust_thrift_server *server);
/* Number of open client connections (for tests and logs). */
guint gust_thrift_server_connections(gust_thrift_server *server);
/* Stops accepting, closes every connection, waits for running handlers. */
void gust_thrift_server_stop(gust_thrift_server *server);

/* A frame body holding a TApplicationException message (strict binary
 * header, type EXCEPTION) for method/seqid.  Can't fail. */
GBytes *gust_thrift_application_exception(const char *method, gint32 seqid, gint32 type,
                                          const char *message);

/* TApplicationException types (Thrift's TApplicationException.java). */
enum {
  GUST_TAPP_UNKNOWN = 0,
  GUST_TAPP_UNKNOWN_METHOD = 1,
  GUST_TAPP_INVALID_MESSAGE_TYPE = 2,
  GUST_TAPP_MISSING_RESULT = 5,
  GUST_TAPP_INTERNAL_ERROR = 6,
  GUST_TAPP_PROTOCOL_ERROR = 7,
};

#endif
