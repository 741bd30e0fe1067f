/* thrift_codec.c — generated Thrift structs to bytes and back, and Thrift
 * message headers (see <gust/storm_thrift.h>).
 *
 * Writing goes through thrift_c_glib's ThriftBinaryProtocol (strict
 * headers) over the span transport of thrift_reader.c, with the caller's
 * size limit.  Reading goes through the bounded reader of
 * thrift_reader.c, safe on untrusted bytes.  Message headers are parsed here
 * by hand: the library's reader does not accept the old non-strict header
 * that Storm's server accepts.  Stateless; any thread.
 */
#include <gust/storm_thrift.h>

#include <string.h>
#include <thrift/c_glib/protocol/thrift_binary_protocol.h>

#include <thrift/c_glib/thrift_application_exception.h>

#include "thrift_private.h"

#define STRICT_VERSION_MASK 0xffff0000u
#define STRICT_VERSION_1 0x80010000u

/* clang-format off */
G_DEFINE_QUARK(gust-storm-thrift-error-quark, gust_storm_thrift_error)
/* clang-format on */

/* thrift_c_glib 0.17's ThriftApplicationException does not chain its
 * finalize up to GObject's (each instance leaks GObject's data); the
 * generated structs have the same flaw, patched at build time
 * (chain_finalize.cmake).  This wraps the library's class once. */
static GObjectFinalizeFunc application_exception_finalize;

static void application_exception_finalize_chained(GObject *object)
{
  application_exception_finalize(object);
  G_OBJECT_CLASS(g_type_class_peek_parent(G_OBJECT_GET_CLASS(object)))->finalize(object);
}

void gust_thrift_init(void)
{
  static gsize done = 0;
  if (!g_once_init_enter(&done)) return;
  GObjectClass *cls = g_type_class_ref(THRIFT_TYPE_APPLICATION_EXCEPTION); /* kept for good */
  application_exception_finalize = cls->finalize;
  cls->finalize = application_exception_finalize_chained;
  g_once_init_leave(&done, 1);
}

/* "StormTopology" for GustStormStormTopology: Storm's name for the type. */
static char *storm_type_name(GType type)
{
  const char *name = g_type_name(type);
  if (g_str_has_prefix(name, "GustStorm")) name += strlen("GustStorm");
  gsize len = strlen(name);
  if (len > 4 && g_str_has_suffix(name, "Type")) len -= 4; /* args/result types end in "Type" */
  return g_strndup(name, len);
}

/* Runs `write` on a binary protocol over a buffer that already holds
 * `prefix` bytes and may grow to max_len; returns the buffer or NULL. */
typedef gboolean (*write_fn)(ThriftProtocol *protocol, gpointer data, GError **error);

static GByteArray *write_with_limit(gsize prefix, gsize max_len, write_fn write, gpointer data,
                                    const char *what, GError **error)
{
  if (prefix > max_len) {
    g_set_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_ENCODE,
                "cannot encode %s: the limit of %" G_GSIZE_FORMAT " bytes is too small", what,
                max_len);
    return NULL;
  }
  GByteArray *buf = g_byte_array_sized_new(256);
  g_byte_array_set_size(buf, (guint)prefix);
  memset(buf->data, 0, prefix);
  ThriftProtocol *protocol = gust_thrift_writer_new(buf, max_len);
  GError *local = NULL;
  gboolean ok = write(protocol, data, &local);
  g_object_unref(protocol);
  if (!ok) {
    g_set_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_ENCODE,
                "cannot encode %s within %" G_GSIZE_FORMAT " bytes: %s", what, max_len,
                local ? local->message : "unknown error");
    g_clear_error(&local);
    g_byte_array_unref(buf);
    return NULL;
  }
  return buf;
}

static gboolean write_struct(ThriftProtocol *protocol, gpointer data, GError **error)
{
  return thrift_struct_write(THRIFT_STRUCT(data), protocol, error) >= 0;
}

GBytes *gust_thrift_encode(gpointer thrift_struct, gsize max_len, GError **error)
{
  g_return_val_if_fail(THRIFT_IS_STRUCT(thrift_struct), NULL);
  gust_thrift_init();
  char *what = storm_type_name(G_OBJECT_TYPE(thrift_struct));
  GByteArray *buf = write_with_limit(0, max_len, write_struct, thrift_struct, what, error);
  g_free(what);
  return buf ? g_byte_array_free_to_bytes(buf) : NULL;
}

gpointer gust_thrift_decode(GType type, const void *data, gsize len, gsize max_len, GError **error)
{
  g_return_val_if_fail(g_type_is_a(type, THRIFT_TYPE_STRUCT), NULL);
  gust_thrift_init();
  g_autofree char *what = storm_type_name(type);
  if (len > max_len) {
    g_set_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_TOO_LARGE,
                "a %s of %" G_GSIZE_FORMAT " bytes is over the limit of %" G_GSIZE_FORMAT " bytes",
                what, len, max_len);
    return NULL;
  }
  GError *local = NULL;
  gsize used;
  ThriftStruct *object = g_object_new(type, NULL);
  gboolean ok = gust_thrift_wire_check(data, len, &used, &local);
  if (ok && used == len) {
    ThriftProtocol *reader = gust_thrift_reader_new(data, len);
    ok = thrift_struct_read(object, reader, &local) >= 0;
    used = gust_thrift_reader_offset(reader);
    g_object_unref(reader);
  }
  if (ok && used != len) {
    g_set_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_MALFORMED,
                "malformed %s: %" G_GSIZE_FORMAT " bytes follow its end at byte %" G_GSIZE_FORMAT,
                what, len - used, used);
    ok = FALSE;
  } else if (!ok) {
    g_set_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_MALFORMED,
                "malformed %s of %" G_GSIZE_FORMAT " bytes: %s", what, len,
                local ? local->message : "unknown error");
  }
  g_clear_error(&local);
  if (!ok) {
    g_object_unref(object);
    return NULL;
  }
  return object;
}

gpointer gust_thrift_decode_bytes(GType type, GBytes *bytes, gsize max_len, GError **error)
{
  gsize len;
  const void *data = g_bytes_get_data(bytes, &len);
  return gust_thrift_decode(type, data, len, max_len, error);
}

/* ---- messages ------------------------------------------------------------ */

typedef struct {
  const guint8 *data;
  gsize len, pos;
} cursor;

static gboolean take_u32(cursor *c, guint32 *value)
{
  if (c->len - c->pos < 4) return FALSE;
  const guint8 *p = c->data + c->pos;
  *value = (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
  c->pos += 4;
  return TRUE;
}

static gboolean take_name(cursor *c, guint32 name_len, char **name)
{
  if (name_len > c->len - c->pos) return FALSE;
  *name = g_strndup((const char *)c->data + c->pos, name_len);
  c->pos += name_len;
  return TRUE;
}

static gboolean malformed(GError **error, const char *format, ...) G_GNUC_PRINTF(2, 3);
static gboolean malformed(GError **error, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  char *text = g_strdup_vprintf(format, args);
  va_end(args);
  g_set_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_MALFORMED,
              "malformed Thrift message: %s", text);
  g_free(text);
  return FALSE;
}

gboolean gust_thrift_message_parse(const void *data, gsize len, gboolean framed, gsize max_frame,
                                   gust_thrift_message *message, GError **error)
{
  memset(message, 0, sizeof *message);
  cursor c = {data, len, 0};
  if (framed) {
    guint32 frame;
    if (!take_u32(&c, &frame))
      return malformed(error, "%" G_GSIZE_FORMAT " bytes are too few for a frame length", len);
    if (frame > max_frame) {
      g_set_error(error, GUST_STORM_THRIFT_ERROR, GUST_STORM_THRIFT_ERROR_TOO_LARGE,
                  "a frame of %u bytes is over the limit of %" G_GSIZE_FORMAT
                  " bytes (nimbus.thrift.max_buffer_size)",
                  frame, max_frame);
      return FALSE;
    }
    if (frame != len - 4)
      return malformed(error, "the frame length says %u bytes but %" G_GSIZE_FORMAT " follow",
                       frame, len - 4);
  }
  guint32 first, seqid;
  char *method = NULL;
  guint type;
  if (!take_u32(&c, &first)) return malformed(error, "the header is cut short");
  if (first & 0x80000000u) {
    if ((first & STRICT_VERSION_MASK) != STRICT_VERSION_1)
      return malformed(
          error, "unknown protocol version 0x%08x (expected Thrift binary, 0x80010000 | type)",
          first);
    type = first & 0xffu;
    guint32 name_len;
    if (!take_u32(&c, &name_len) || !take_name(&c, name_len, &method))
      return malformed(error, "the method name is cut short");
  } else {
    if (!take_name(&c, first, &method) || c.pos >= c.len) {
      g_free(method);
      return malformed(error, "the method name is cut short, or the message type after it");
    }
    type = c.data[c.pos++];
  }
  if (!take_u32(&c, &seqid)) {
    g_free(method);
    return malformed(error, "the sequence id is cut short");
  }
  if (type < GUST_THRIFT_CALL || type > GUST_THRIFT_ONEWAY) {
    g_free(method);
    return malformed(error, "unknown message type %u", type);
  }
  message->method = method;
  message->type = (gust_thrift_message_type)type;
  message->seqid = (gint32)seqid;
  message->body = g_bytes_new(c.data + c.pos, c.len - c.pos);
  return TRUE;
}

void gust_thrift_message_clear(gust_thrift_message *message)
{
  g_clear_pointer(&message->method, g_free);
  g_clear_pointer(&message->body, g_bytes_unref);
}

typedef struct {
  const char *method;
  gust_thrift_message_type type;
  gint32 seqid;
  gpointer body;
} message_parts;

static gboolean write_message(ThriftProtocol *protocol, gpointer data, GError **error)
{
  message_parts *m = data;
  return thrift_protocol_write_message_begin(protocol, m->method, (ThriftMessageType)m->type,
                                             m->seqid, error) >= 0 &&
         thrift_struct_write(THRIFT_STRUCT(m->body), protocol, error) >= 0 &&
         thrift_protocol_write_message_end(protocol, error) >= 0;
}

GBytes *gust_thrift_message_encode(const char *method, gust_thrift_message_type type, gint32 seqid,
                                   gpointer body, gboolean framed, gsize max_len, GError **error)
{
  g_return_val_if_fail(method && THRIFT_IS_STRUCT(body), NULL);
  message_parts parts = {method, type, seqid, body};
  gsize prefix = framed ? 4 : 0;
  GByteArray *buf = write_with_limit(prefix, max_len, write_message, &parts, method, error);
  if (!buf) return NULL;
  if (framed) {
    guint32 frame = buf->len - 4;
    buf->data[0] = frame >> 24;
    buf->data[1] = frame >> 16;
    buf->data[2] = frame >> 8;
    buf->data[3] = frame;
  }
  return g_byte_array_free_to_bytes(buf);
}
