/* thrift_message.c — TApplicationException replies, the answer to a call
 * that cannot be served (unknown method, undecodable arguments, refused
 * frame): a strict binary-protocol EXCEPTION message whose body is the
 * struct {1: string message, 2: i32 type}.  Written here byte by byte
 * because libthrift's c_glib ThriftApplicationException leaks memory each
 * time one is freed, and this runs for every refused call.  Any thread. */
#include "thrift_server.h"

#include <string.h>

static void put_u32(GByteArray *out, guint32 value)
{
  guint32 be = GUINT32_TO_BE(value);
  g_byte_array_append(out, (const guint8 *)&be, 4);
}

static void put_string(GByteArray *out, const char *text)
{
  put_u32(out, (guint32)strlen(text));
  g_byte_array_append(out, (const guint8 *)text, (guint)strlen(text));
}

GBytes *gust_thrift_application_exception(const char *method, gint32 seqid, gint32 type,
                                          const char *message)
{
  GByteArray *out = g_byte_array_new();
  put_u32(out, 0x80010000u | 3u /* EXCEPTION */);
  put_string(out, method);
  put_u32(out, (guint32)seqid);
  const guint8 message_field[] = {11 /* STRING */, 0, 1};
  g_byte_array_append(out, message_field, sizeof message_field);
  put_string(out, message);
  const guint8 type_field[] = {8 /* I32 */, 0, 2};
  g_byte_array_append(out, type_field, sizeof type_field);
  put_u32(out, (guint32)type);
  const guint8 stop = 0;
  g_byte_array_append(out, &stop, 1);
  return g_byte_array_free_to_bytes(out);
}
