/* dispatch.c — one Nimbus call: the message header is parsed
 * (thrift_message.c), the method looked up in the table (methods.c, and the
 * statistics methods' table), `<method>_args` read with libthrift's binary
 * protocol, the handler run, and `<method>_result` written back as a REPLY
 * with the call's seqid.
 *
 * Failures answer as Storm's server does, and the connection stays:
 *  - a method not in the IDL: TApplicationException UNKNOWN_METHOD
 *    "Invalid method name: 'x'";
 *  - a method of the IDL gust does not serve: UNKNOWN_METHOD saying so;
 *  - a message type other than CALL: INVALID_MESSAGE_TYPE;
 *  - arguments that do not decode: PROTOCOL_ERROR naming the method and what
 *    libthrift found wrong;
 *  - a handler's GError: the TApplicationException type it names.
 * Thread-safe: every call builds its own buffers. */
#define G_LOG_DOMAIN "gust-nimbus"

#include "dispatch.h"
#include "thrift_server.h"

#include <string.h>
#include <thrift/c_glib/protocol/thrift_binary_protocol.h>
#include <thrift/c_glib/thrift_struct.h>
#include <thrift/c_glib/transport/thrift_memory_buffer.h>

G_DEFINE_QUARK(gust - nimbus - call - error - quark, gust_nimbus_call_error)

static const gust_nimbus_method *find_method(const char *name)
{
  for (const gust_nimbus_method *m = gust_nimbus_stats_methods; m->name; m++)
    if (!strcmp(m->name, name)) return m;
  for (const gust_nimbus_method *m = gust_nimbus_methods; m->name; m++)
    if (!strcmp(m->name, name)) return m;
  return NULL;
}

static gboolean is_unsupported(const char *name)
{
  for (const char *const *u = gust_nimbus_unsupported_methods; *u; u++)
    if (!strcmp(*u, name)) return TRUE;
  return FALSE;
}

/* A protocol reading the len bytes at data.  The caller unrefs both. */
static ThriftProtocol *reader_new(const guint8 *data, gsize len, ThriftMemoryBuffer **buffer)
{
  GByteArray *bytes = g_byte_array_sized_new((guint)len);
  g_byte_array_append(bytes, data, (guint)len);
  *buffer = g_object_new(THRIFT_TYPE_MEMORY_BUFFER, "buf", bytes, "buf_size", (guint)len, "owner",
                         TRUE, NULL);
  return g_object_new(THRIFT_TYPE_BINARY_PROTOCOL, "transport", *buffer, NULL);
}

static GBytes *write_reply(const char *method, gint32 seqid, GObject *result, gsize max_bytes,
                           GError **error)
{
  ThriftMemoryBuffer *buffer =
      g_object_new(THRIFT_TYPE_MEMORY_BUFFER, "buf_size", (guint)max_bytes, NULL);
  ThriftProtocol *protocol = g_object_new(THRIFT_TYPE_BINARY_PROTOCOL, "transport", buffer, NULL);
  GBytes *reply = NULL;
  if (thrift_protocol_write_message_begin(protocol, method, T_REPLY, seqid, error) >= 0 &&
      thrift_struct_write(THRIFT_STRUCT(result), protocol, error) >= 0 &&
      thrift_protocol_write_message_end(protocol, error) >= 0)
    reply = g_bytes_new(buffer->buf->data, buffer->buf->len);
  g_object_unref(protocol);
  g_object_unref(buffer);
  return reply;
}

static GBytes *call_method(gust_nimbus *nimbus, guint64 conn_id, const gust_nimbus_method *m,
                           gint32 seqid, const guint8 *body, gsize body_len, gsize max_reply)
{
  ThriftMemoryBuffer *buffer;
  ThriftProtocol *protocol = reader_new(body, body_len, &buffer);
  GObject *args = g_object_new(m->args_type(), NULL);
  GObject *result = g_object_new(m->result_type(), NULL);
  GError *error = NULL;
  GBytes *reply = NULL;
  if (thrift_struct_read(THRIFT_STRUCT(args), protocol, &error) < 0) {
    char *message =
        g_strdup_printf("%s: malformed arguments (%s_args): %s", m->name, m->name, error->message);
    g_warning("nimbus client %" G_GUINT64_FORMAT ": %s", conn_id, message);
    reply = gust_thrift_application_exception(m->name, seqid, GUST_TAPP_PROTOCOL_ERROR, message);
    g_free(message);
    goto out;
  }
  gust_nimbus_call call = {.nimbus = nimbus, .conn_id = conn_id, .method = m->name};
  if (!m->handler(&call, args, result, &error)) {
    gint32 type = error->domain == GUST_NIMBUS_CALL_ERROR ? error->code : GUST_TAPP_INTERNAL_ERROR;
    reply = gust_thrift_application_exception(m->name, seqid, type, error->message);
    goto out;
  }
  reply = write_reply(m->name, seqid, result, max_reply, &error);
  if (!reply) {
    char *message =
        g_strdup_printf("%s: the reply could not be written (%s)", m->name, error->message);
    g_warning("%s", message);
    reply = gust_thrift_application_exception(m->name, seqid, GUST_TAPP_INTERNAL_ERROR, message);
    g_free(message);
  }
out:
  g_clear_error(&error);
  g_object_unref(args);
  g_object_unref(result);
  g_object_unref(protocol);
  g_object_unref(buffer);
  return reply;
}

GBytes *gust_nimbus_dispatch(gust_nimbus *nimbus, guint64 conn_id, const guint8 *frame, gsize len,
                             gsize max_reply_bytes)
{
  char *method = NULL;
  gint8 type;
  gint32 seqid;
  GError *error = NULL;
  gsize header = gust_thrift_parse_message_header(frame, len, &method, &type, &seqid, &error);
  if (!header) {
    char *message = g_strdup_printf("malformed message: %s", error->message);
    g_warning("nimbus client %" G_GUINT64_FORMAT ": %s", conn_id, message);
    GBytes *reply = gust_thrift_application_exception("", 0, GUST_TAPP_PROTOCOL_ERROR, message);
    g_free(message);
    g_error_free(error);
    return reply;
  }
  GBytes *reply;
  const gust_nimbus_method *m = find_method(method);
  if (type != 1 /* CALL */ && type != 4 /* ONEWAY */) {
    char *message =
        g_strdup_printf("%s: message type %d is not a call (CALL=1 expected)", method, type);
    reply =
        gust_thrift_application_exception(method, seqid, GUST_TAPP_INVALID_MESSAGE_TYPE, message);
    g_free(message);
  } else if (m) {
    reply = call_method(nimbus, conn_id, m, seqid, frame + header, len - header, max_reply_bytes);
  } else if (is_unsupported(method)) {
    char *message = g_strdup_printf("gust nimbus does not support %s (README, \"Run a "
                                    "cluster\", lists the methods it serves)",
                                    method);
    reply = gust_thrift_application_exception(method, seqid, GUST_TAPP_UNKNOWN_METHOD, message);
    g_free(message);
  } else {
    char *message = g_strdup_printf("Invalid method name: '%s' (not a method of Storm's Nimbus "
                                    "service)",
                                    method);
    g_warning("nimbus client %" G_GUINT64_FORMAT ": %s", conn_id, message);
    reply = gust_thrift_application_exception(method, seqid, GUST_TAPP_UNKNOWN_METHOD, message);
    g_free(message);
  }
  g_free(method);
  return reply;
}
