/* thrift_message.c — the Thrift message envelope around every Nimbus call:
 * reading the header of a call (strict `0x8001 | type` or the older
 * non-strict form, both accepted as Storm's server does) and writing a
 * TApplicationException reply.  Bodies are read and written by libthrift's
 * binary protocol (dispatch.c); only the header is parsed here, because
 * libthrift's c_glib reader refuses non-strict headers.  Pure functions:
 * any thread. */
#include "thrift_server.h"

#include <gio/gio.h>
#include <string.h>
#include <thrift/c_glib/protocol/thrift_binary_protocol.h>
#include <thrift/c_glib/thrift_application_exception.h>
#include <thrift/c_glib/transport/thrift_memory_buffer.h>

#define STRICT_VERSION_MASK 0xffff0000u
#define STRICT_VERSION_1 0x80010000u

static guint32 read_be32(const guint8 *p)
{
  return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8) | p[3];
}

gsize gust_thrift_parse_message_header(const guint8 *buf, gsize len, char **method, gint8 *type,
                                       gint32 *seqid, GError **error)
{
  if (len < 4) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                "message header truncated: %zu bytes, a header takes at least 12", len);
    return 0;
  }
  guint32 first = read_be32(buf);
  gboolean strict = (first & 0x80000000u) != 0;
  if (strict && (first & STRICT_VERSION_MASK) != STRICT_VERSION_1) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                "bad binary protocol version word 0x%08x (expected 0x8001000N)", first);
    return 0;
  }
  gsize pos = 4;
  guint32 name_len = first;
  if (strict) {
    if (len < pos + 4) goto truncated;
    name_len = read_be32(buf + pos);
    pos += 4;
  }
  if (name_len > len - pos) {
    g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                "method name length %u is longer than the %zu bytes left in the frame", name_len,
                len - pos);
    return 0;
  }
  const guint8 *name = buf + pos;
  pos += name_len;
  gint8 message_type = (gint8)(first & 0xff);
  if (!strict) {
    if (len < pos + 1) goto truncated;
    message_type = (gint8)buf[pos++];
  }
  if (len < pos + 4) goto truncated;
  *seqid = (gint32)read_be32(buf + pos);
  pos += 4;
  *type = message_type;
  *method = g_utf8_make_valid((const char *)name, name_len);
  return pos;
truncated:
  g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
              "message header truncated after %zu of %zu bytes", pos, len);
  return 0;
}

GBytes *gust_thrift_application_exception(const char *method, gint32 seqid, gint32 type,
                                          const char *message)
{
  ThriftMemoryBuffer *buffer = g_object_new(THRIFT_TYPE_MEMORY_BUFFER, "buf_size",
                                            (guint)(strlen(method) + strlen(message) + 64), NULL);
  ThriftProtocol *protocol = g_object_new(THRIFT_TYPE_BINARY_PROTOCOL, "transport", buffer, NULL);
  ThriftApplicationException *exception =
      g_object_new(THRIFT_TYPE_APPLICATION_EXCEPTION, "type", type, "message", message, NULL);
  GError *error = NULL;
  if (thrift_protocol_write_message_begin(protocol, method, T_EXCEPTION, seqid, &error) < 0 ||
      thrift_struct_write(THRIFT_STRUCT(exception), protocol, &error) < 0 ||
      thrift_protocol_write_message_end(protocol, &error) < 0)
    g_error("writing a TApplicationException to memory failed: %s", error->message);
  GBytes *bytes = g_bytes_new(buffer->buf->data, buffer->buf->len);
  g_object_unref(exception);
  g_object_unref(protocol);
  g_object_unref(buffer);
  return bytes;
}
