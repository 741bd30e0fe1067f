/* thrift_message.c — TApplicationException replies, the answer to a call
 * that cannot be served (unknown method, undecodable arguments, refused
 * frame).  Any thread. */
#include "thrift_server.h"

#include <gust/storm_thrift.h>
#include <thrift/c_glib/thrift_application_exception.h>

GBytes *gust_thrift_application_exception(const char *method, gint32 seqid, gint32 type,
                                          const char *message)
{
  ThriftApplicationException *exception =
      g_object_new(THRIFT_TYPE_APPLICATION_EXCEPTION, "type", type, "message", message, NULL);
  GError *error = NULL;
  GBytes *bytes = gust_thrift_message_encode(method, GUST_THRIFT_EXCEPTION, seqid, exception, FALSE,
                                             G_MAXSIZE, &error);
  if (!bytes) /* only a NULL member could fail, and there is none */
    g_error("writing a TApplicationException failed: %s", error->message);
  g_object_unref(exception);
  return bytes;
}
