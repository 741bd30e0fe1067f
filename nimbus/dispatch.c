/* dispatch.c — one Nimbus call: the message header is parsed, the method
 * looked up in the handler tables (stats_methods.c first, then methods.c),
 * `<method>_args` decoded with the bounded reader of storm_thrift.h, the
 * handler run, and `<method>_result` written back as a REPLY with the
 * call's seqid.
 *
 * Failures answer as Storm's server does, and the connection stays:
 *  - a method not in the IDL: TApplicationException UNKNOWN_METHOD
 *    "Invalid method name: 'x'";
 *  - a method of the IDL gust does not serve: UNKNOWN_METHOD saying so;
 *  - a message type other than CALL: INVALID_MESSAGE_TYPE;
 *  - a header or arguments that do not decode: PROTOCOL_ERROR naming the
 *    method and what is wrong where;
 *  - a handler's GError: the TApplicationException type it names.
 * Thread-safe: every call builds its own objects. */
#define G_LOG_DOMAIN "gust-nimbus"

#include "dispatch.h"
#include "thrift_server.h"

#include <gust/storm_thrift.h>
#include <string.h>

G_DEFINE_QUARK(gust - nimbus - call - error - quark, gust_nimbus_call_error)

static gust_nimbus_handler find_handler(const char *name)
{
  for (const gust_nimbus_handler_row *r = gust_nimbus_stats_handlers; r->name; r++)
    if (!strcmp(r->name, name)) return r->handler;
  for (const gust_nimbus_handler_row *r = gust_nimbus_handlers; r->name; r++)
    if (!strcmp(r->name, name)) return r->handler;
  return NULL;
}

void gust_nimbus_set_exception(gpointer result, const char *field, GType exception_type,
                               const char *format, ...)
{
  va_list ap;
  va_start(ap, format);
  char *message = g_strdup_vprintf(format, ap);
  va_end(ap);
  GObject *exception = g_object_new(exception_type, "msg", message, NULL);
  g_object_set(result, field, exception, NULL);
  g_object_unref(exception);
  g_free(message);
}

static GBytes *refuse(const char *method, gint32 seqid, gint32 type, guint64 conn_id, char *message)
{
  g_warning("nimbus client %" G_GUINT64_FORMAT ": %s", conn_id, message);
  GBytes *reply = gust_thrift_application_exception(method, seqid, type, message);
  g_free(message);
  return reply;
}

static GBytes *call_method(gust_nimbus *nimbus, guint64 conn_id, const gust_nimbus_method *m,
                           gust_nimbus_handler handler, gint32 seqid, GBytes *body, gsize max_reply)
{
  GError *error = NULL;
  gpointer args = gust_thrift_decode_bytes(m->args_type(), body, G_MAXSIZE, &error);
  if (!args) {
    GBytes *reply = refuse(m->name, seqid, GUST_TAPP_PROTOCOL_ERROR, conn_id,
                           g_strdup_printf("%s: malformed arguments: %s", m->name, error->message));
    g_error_free(error);
    return reply;
  }
  gpointer result = g_object_new(m->result_type(), NULL);
  gust_nimbus_call call = {.nimbus = nimbus, .conn_id = conn_id, .method = m->name};
  GBytes *reply;
  if (!handler(&call, args, result, &error)) {
    gint32 type = error->domain == GUST_NIMBUS_CALL_ERROR ? error->code : GUST_TAPP_INTERNAL_ERROR;
    g_debug("nimbus client %" G_GUINT64_FORMAT ": %s: %s", conn_id, m->name, error->message);
    reply = gust_thrift_application_exception(m->name, seqid, type, error->message);
  } else if (!(reply = gust_thrift_message_encode(m->name, GUST_THRIFT_REPLY, seqid, result, FALSE,
                                                  max_reply, &error))) {
    reply =
        refuse(m->name, seqid, GUST_TAPP_INTERNAL_ERROR, conn_id,
               g_strdup_printf("%s: the reply could not be written: %s", m->name, error->message));
  }
  g_clear_error(&error);
  g_object_unref(args);
  g_object_unref(result);
  return reply;
}

GBytes *gust_nimbus_dispatch(gust_nimbus *nimbus, guint64 conn_id, const guint8 *frame, gsize len,
                             gsize max_reply_bytes)
{
  gust_thrift_message message;
  GError *error = NULL;
  if (!gust_thrift_message_parse(frame, len, FALSE, len, &message, &error)) {
    GBytes *reply = refuse("", 0, GUST_TAPP_PROTOCOL_ERROR, conn_id,
                           g_strdup_printf("malformed message: %s", error->message));
    g_error_free(error);
    return reply;
  }
  const char *name = message.method;
  const gust_nimbus_method *m = gust_nimbus_method_lookup(name);
  gust_nimbus_handler handler = m ? find_handler(name) : NULL;
  GBytes *reply;
  if (message.type != GUST_THRIFT_CALL && message.type != GUST_THRIFT_ONEWAY)
    reply = refuse(
        name, message.seqid, GUST_TAPP_INVALID_MESSAGE_TYPE, conn_id,
        g_strdup_printf("%s: message type %d is not a call (CALL=1 expected)", name, message.type));
  else if (handler)
    reply = call_method(nimbus, conn_id, m, handler, message.seqid, message.body, max_reply_bytes);
  else if (m) {
    char *text = g_strdup_printf("gust nimbus does not support %s (nimbus/README.md lists the "
                                 "methods it serves)",
                                 name);
    reply = gust_thrift_application_exception(name, message.seqid, GUST_TAPP_UNKNOWN_METHOD, text);
    g_free(text);
  } else
    reply = refuse(name, message.seqid, GUST_TAPP_UNKNOWN_METHOD, conn_id,
                   g_strdup_printf("Invalid method name: '%s' (not a method of Storm's Nimbus "
                                   "service)",
                                   name));
  gust_thrift_message_clear(&message);
  return reply;
}
