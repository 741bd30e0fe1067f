/* nimbus_private.h — the Nimbus context object shared by the method
 * handlers, the store and the scheduler. */
#ifndef GUST_NIMBUS_PRIVATE_H
#define GUST_NIMBUS_PRIVATE_H

#include "dispatch.h"
#include "thrift_server.h"

#include <gust/nimbus.h>

struct gust_nimbus {
  json_t *conf; /* the daemon conf; read-only after start */
  gust_thrift_server *server;
  char *host; /* what getLeader names: storm.local.hostname, else the bind address */
  guint16 port;
  gint64 start_time_secs;
  gsize max_buffer_size;
};

/* Readers of the daemon conf with Storm's default when the key is unset or
 * of the wrong type.  Can't fail. */
gint64 gust_nimbus_conf_int(const json_t *conf, const char *key, gint64 fallback);
const char *gust_nimbus_conf_string(const json_t *conf, const char *key, const char *fallback);

#endif
