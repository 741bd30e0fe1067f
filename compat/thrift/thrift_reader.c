/* thrift_reader.c — a Thrift binary-protocol reader that is safe on bytes
 * from the network, and the writer beside it.
 *
 * Two private GObject types: a transport over a byte span (reads are
 * all-or-error, with the byte offset in the message; writes append to a
 * GByteArray up to a limit), and a subclass of
 * ThriftBinaryProtocol that checks every string, binary and container size
 * against the bytes left before the library allocates for it, refuses
 * unknown type codes, and counts nesting (structs and containers) so that
 * skipping an unknown field cannot recurse without bound.  The generated
 * readers (gust_storm_*_read) run on top of it unchanged.
 *
 * One reader decodes one buffer on one thread; it holds no global state.
 */
#include "thrift_private.h"

#include <string.h>
#include <thrift/c_glib/protocol/thrift_binary_protocol.h>
#include <thrift/c_glib/transport/thrift_transport.h>

/* ---- the transport: a span of bytes, read front to back ---------------- */

typedef struct {
  ThriftTransport parent;
  const guint8 *data; /* reading */
  gsize len;
  gsize pos;
  GByteArray *out; /* writing: appended to, up to limit bytes */
  gsize limit;
} GustThriftSpan;

typedef struct {
  ThriftTransportClass parent_class;
} GustThriftSpanClass;

static GType gust_thrift_span_get_type(void);
G_DEFINE_TYPE(GustThriftSpan, gust_thrift_span, THRIFT_TYPE_TRANSPORT)
#define GUST_THRIFT_SPAN(o)                                                                        \
  (G_TYPE_CHECK_INSTANCE_CAST((o), gust_thrift_span_get_type(), GustThriftSpan))

/* Whether n bytes follow position pos of len; if not, an error naming the byte. */
static gboolean bytes_follow(gsize pos, gsize len, guint64 n, const char *what, GError **error)
{
  if (n <= len - pos) return TRUE;
  g_set_error(error, THRIFT_TRANSPORT_ERROR, THRIFT_TRANSPORT_ERROR_RECEIVE,
              "%s at byte %" G_GSIZE_FORMAT " needs %" G_GUINT64_FORMAT
              " bytes but the data ends %" G_GSIZE_FORMAT " bytes later (truncated or malformed)",
              what, pos, n, len - pos);
  return FALSE;
}

static gboolean span_has(GustThriftSpan *span, guint64 n, const char *what, GError **error)
{
  return bytes_follow(span->pos, span->len, n, what, error);
}

static gint32 span_read(ThriftTransport *transport, gpointer buf, guint32 len, GError **error)
{
  GustThriftSpan *span = GUST_THRIFT_SPAN(transport);
  if (!span_has(span, len, "a value", error)) return -1;
  memcpy(buf, span->data + span->pos, len);
  span->pos += len;
  transport->remainingMessageSize_ = (glong)(span->len - span->pos);
  return (gint32)len;
}

static gboolean span_check_available(ThriftTransport *transport, glong n, GError **error)
{
  return n < 0 || span_has(GUST_THRIFT_SPAN(transport), (guint64)n, "a container", error);
}

static gboolean span_write(ThriftTransport *transport, const gpointer buf, const guint32 len,
                           GError **error)
{
  GustThriftSpan *span = GUST_THRIFT_SPAN(transport);
  if (!span->out) {
    g_set_error(error, THRIFT_TRANSPORT_ERROR, THRIFT_TRANSPORT_ERROR_SEND,
                "the Thrift reader cannot write");
    return FALSE;
  }
  if (len > span->limit - span->out->len) {
    g_set_error(error, THRIFT_TRANSPORT_ERROR, THRIFT_TRANSPORT_ERROR_SEND,
                "the encoding goes over %" G_GSIZE_FORMAT " bytes", span->limit);
    return FALSE;
  }
  g_byte_array_append(span->out, buf, len);
  return TRUE;
}

static gboolean span_true(ThriftTransport *transport, GError **error)
{
  return TRUE;
}
static gboolean span_is_open(ThriftTransport *transport)
{
  return TRUE;
}
static gboolean span_peek(ThriftTransport *transport, GError **error)
{
  GustThriftSpan *span = GUST_THRIFT_SPAN(transport);
  return span->pos < span->len;
}

static void gust_thrift_span_class_init(GustThriftSpanClass *cls)
{
  ThriftTransportClass *tc = THRIFT_TRANSPORT_CLASS(cls);
  tc->is_open = span_is_open;
  tc->peek = span_peek;
  tc->open = span_true;
  tc->close = span_true;
  tc->read = span_read;
  tc->read_all = span_read;
  tc->read_end = span_true;
  tc->write = span_write;
  tc->write_end = span_true;
  tc->flush = span_true;
  tc->checkReadBytesAvailable = span_check_available;
}

static void gust_thrift_span_init(GustThriftSpan *span) {}

/* ---- the protocol: binary, with sizes and depth checked ----------------- */

typedef struct {
  ThriftBinaryProtocol parent;
  guint depth;
} GustThriftBounded;

typedef struct {
  ThriftBinaryProtocolClass parent_class;
} GustThriftBoundedClass;

static GType gust_thrift_bounded_get_type(void);
G_DEFINE_TYPE(GustThriftBounded, gust_thrift_bounded, THRIFT_TYPE_BINARY_PROTOCOL)
#define GUST_THRIFT_BOUNDED(o)                                                                     \
  (G_TYPE_CHECK_INSTANCE_CAST((o), gust_thrift_bounded_get_type(), GustThriftBounded))
#define PARENT_PROTOCOL_CLASS THRIFT_PROTOCOL_CLASS(gust_thrift_bounded_parent_class)

static GustThriftSpan *span_of(ThriftProtocol *protocol)
{
  return GUST_THRIFT_SPAN(protocol->transport);
}

/* Smallest encoding of a value of wire type `type`, 0 for an unknown code. */
static guint min_size(ThriftType type)
{
  switch (type) {
  case T_BOOL:
  case T_BYTE:
  case T_STRUCT: /* an empty struct is its STOP byte */
    return 1;
  case T_I16:
    return 2;
  case T_I32:
  case T_STRING:
    return 4;
  case T_I64:
  case T_DOUBLE:
    return 8;
  case T_LIST:
  case T_SET:
    return 5;
  case T_MAP:
    return 6;
  default:
    return 0;
  }
}

static gboolean known_type(ThriftProtocol *protocol, ThriftType type, GError **error)
{
  if (min_size(type) > 0) return TRUE;
  g_set_error(error, THRIFT_PROTOCOL_ERROR, THRIFT_PROTOCOL_ERROR_INVALID_DATA,
              "unknown Thrift type code %d before byte %" G_GSIZE_FORMAT, (int)type,
              span_of(protocol)->pos);
  return FALSE;
}

static gboolean enter(ThriftProtocol *protocol, GError **error)
{
  GustThriftBounded *self = GUST_THRIFT_BOUNDED(protocol);
  if (++self->depth <= GUST_THRIFT_MAX_DEPTH) return TRUE;
  g_set_error(error, THRIFT_PROTOCOL_ERROR, THRIFT_PROTOCOL_ERROR_DEPTH_LIMIT,
              "structs and containers nest deeper than %d levels at byte %" G_GSIZE_FORMAT,
              GUST_THRIFT_MAX_DEPTH, span_of(protocol)->pos);
  return FALSE;
}

static gint32 leave(ThriftProtocol *protocol)
{
  GustThriftBounded *self = GUST_THRIFT_BOUNDED(protocol);
  if (self->depth > 0) self->depth--;
  return 0;
}

/* Reads a length prefix and checks that many bytes follow. */
static gboolean read_length(ThriftProtocol *protocol, const char *what, gint32 *len, GError **error)
{
  if (thrift_protocol_read_i32(protocol, len, error) < 0) return FALSE;
  if (*len < 0) {
    g_set_error(error, THRIFT_PROTOCOL_ERROR, THRIFT_PROTOCOL_ERROR_NEGATIVE_SIZE,
                "%s before byte %" G_GSIZE_FORMAT " has a negative length (%d)", what,
                span_of(protocol)->pos, *len);
    return FALSE;
  }
  return span_has(span_of(protocol), (guint64)*len, what, error);
}

static gint32 bounded_read_string(ThriftProtocol *protocol, gchar **str, GError **error)
{
  gint32 len;
  *str = NULL;
  if (!read_length(protocol, "a string", &len, error)) return -1;
  GustThriftSpan *span = span_of(protocol);
  *str = g_strndup((const gchar *)span->data + span->pos, (gsize)len);
  span->pos += (gsize)len;
  return 4 + len;
}

static gint32 bounded_read_binary(ThriftProtocol *protocol, gpointer *buf, guint32 *len,
                                  GError **error)
{
  gint32 n;
  *buf = NULL;
  *len = 0;
  if (!read_length(protocol, "a binary value", &n, error)) return -1;
  GustThriftSpan *span = span_of(protocol);
  if (n > 0) *buf = g_memdup2(span->data + span->pos, (gsize)n);
  *len = (guint32)n;
  span->pos += (gsize)n;
  return 4 + n;
}

static gint32 bounded_read_field_begin(ThriftProtocol *protocol, gchar **name, ThriftType *type,
                                       gint16 *id, GError **error)
{
  gint32 ret = PARENT_PROTOCOL_CLASS->read_field_begin(protocol, name, type, id, error);
  if (ret >= 0 && *type != T_STOP && !known_type(protocol, *type, error)) return -1;
  return ret;
}

static gint32 bounded_read_struct_begin(ThriftProtocol *protocol, gchar **name, GError **error)
{
  *name = NULL;
  return enter(protocol, error) ? 0 : -1;
}

/* `count` elements of at least `each` bytes must fit in what is left. */
static gboolean elements_fit(ThriftProtocol *protocol, guint32 count, guint each, GError **error)
{
  return span_has(span_of(protocol), (guint64)count * each, "a container's elements", error);
}

static gint32 bounded_read_list_begin(ThriftProtocol *protocol, ThriftType *type, guint32 *size,
                                      GError **error)
{
  gint32 ret = PARENT_PROTOCOL_CLASS->read_list_begin(protocol, type, size, error);
  if (ret < 0 || !known_type(protocol, *type, error) ||
      !elements_fit(protocol, *size, min_size(*type), error) || !enter(protocol, error))
    return -1;
  return ret;
}

static gint32 bounded_read_set_begin(ThriftProtocol *protocol, ThriftType *type, guint32 *size,
                                     GError **error)
{
  return bounded_read_list_begin(protocol, type, size, error);
}

static gint32 bounded_read_map_begin(ThriftProtocol *protocol, ThriftType *key, ThriftType *value,
                                     guint32 *size, GError **error)
{
  gint32 ret = PARENT_PROTOCOL_CLASS->read_map_begin(protocol, key, value, size, error);
  if (ret < 0) return -1;
  /* An empty map may name no types (some writers send 0/0). */
  if (*size > 0 && (!known_type(protocol, *key, error) || !known_type(protocol, *value, error)))
    return -1;
  if (!elements_fit(protocol, *size, min_size(*key) + min_size(*value), error) ||
      !enter(protocol, error))
    return -1;
  return ret;
}

static gint32 bounded_leave(ThriftProtocol *protocol, GError **error)
{
  return leave(protocol);
}

static void gust_thrift_bounded_class_init(GustThriftBoundedClass *cls)
{
  ThriftProtocolClass *pc = THRIFT_PROTOCOL_CLASS(cls);
  pc->read_string = bounded_read_string;
  pc->read_binary = bounded_read_binary;
  pc->read_field_begin = bounded_read_field_begin;
  pc->read_struct_begin = bounded_read_struct_begin;
  pc->read_struct_end = bounded_leave;
  pc->read_list_begin = bounded_read_list_begin;
  pc->read_list_end = bounded_leave;
  pc->read_set_begin = bounded_read_set_begin;
  pc->read_set_end = bounded_leave;
  pc->read_map_begin = bounded_read_map_begin;
  pc->read_map_end = bounded_leave;
}

static void gust_thrift_bounded_init(GustThriftBounded *self) {}

ThriftProtocol *gust_thrift_reader_new(const guint8 *data, gsize len)
{
  GustThriftSpan *span = g_object_new(gust_thrift_span_get_type(), NULL);
  span->data = data;
  span->len = len;
  span->parent.remainingMessageSize_ = (glong)len;
  span->parent.knowMessageSize_ = (glong)len;
  ThriftProtocol *protocol = g_object_new(gust_thrift_bounded_get_type(), "transport", span, NULL);
  g_object_unref(span); /* the protocol holds its transport */
  return protocol;
}

ThriftProtocol *gust_thrift_writer_new(GByteArray *out, gsize limit)
{
  GustThriftSpan *span = g_object_new(gust_thrift_span_get_type(), NULL);
  span->out = out;
  span->limit = MAX(limit, out->len);
  /* a plain binary protocol: strict message headers, as Storm writes them */
  ThriftProtocol *protocol = g_object_new(THRIFT_TYPE_BINARY_PROTOCOL, "transport", span, NULL);
  g_object_unref(span);
  return protocol;
}

gsize gust_thrift_reader_offset(ThriftProtocol *reader)
{
  return span_of(reader)->pos;
}

/* ---- the wire check: the whole value walked by wire types ------------------ */

typedef struct {
  const guint8 *data;
  gsize len, pos;
} wire;

static gboolean wire_need(wire *w, guint64 n, const char *what, GError **error)
{
  return bytes_follow(w->pos, w->len, n, what, error);
}

static guint32 wire_u32(const wire *w, gsize at)
{
  const guint8 *p = w->data + at;
  return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

static gboolean wire_type_known(const wire *w, guint8 type, GError **error)
{
  if (min_size(type) > 0) return TRUE;
  g_set_error(error, THRIFT_PROTOCOL_ERROR, THRIFT_PROTOCOL_ERROR_INVALID_DATA,
              "unknown Thrift type code %d before byte %" G_GSIZE_FORMAT, type, w->pos);
  return FALSE;
}

static gboolean wire_value(wire *w, guint8 type, guint depth, GError **error);

static gboolean wire_elements(wire *w, guint32 count, guint8 first, guint8 second, gboolean pairs,
                              guint depth, GError **error)
{
  guint64 each = min_size(first) + (pairs ? min_size(second) : 0);
  if (!wire_need(w, (guint64)count * each, "a container's elements", error)) return FALSE;
  for (guint32 i = 0; i < count; i++)
    if (!wire_value(w, first, depth, error) || (pairs && !wire_value(w, second, depth, error)))
      return FALSE;
  return TRUE;
}

static gboolean wire_value(wire *w, guint8 type, guint depth, GError **error)
{
  if (depth > GUST_THRIFT_MAX_DEPTH) {
    g_set_error(error, THRIFT_PROTOCOL_ERROR, THRIFT_PROTOCOL_ERROR_DEPTH_LIMIT,
                "structs and containers nest deeper than %d levels at byte %" G_GSIZE_FORMAT,
                GUST_THRIFT_MAX_DEPTH, w->pos);
    return FALSE;
  }
  switch (type) {
  case T_STRING: {
    if (!wire_need(w, 4, "a string", error)) return FALSE;
    guint32 n = wire_u32(w, w->pos);
    if (n & 0x80000000u) {
      g_set_error(error, THRIFT_PROTOCOL_ERROR, THRIFT_PROTOCOL_ERROR_NEGATIVE_SIZE,
                  "a string at byte %" G_GSIZE_FORMAT " has a negative length (%d)", w->pos,
                  (gint32)n);
      return FALSE;
    }
    if (n > w->len - w->pos - 4) {
      g_set_error(error, THRIFT_TRANSPORT_ERROR, THRIFT_TRANSPORT_ERROR_RECEIVE,
                  "a string of %u bytes at byte %" G_GSIZE_FORMAT
                  " runs past the end of the data (%" G_GSIZE_FORMAT " bytes follow its length)",
                  n, w->pos, w->len - w->pos - 4);
      return FALSE;
    }
    w->pos += 4 + (gsize)n;
    return TRUE;
  }
  case T_STRUCT:
    for (;;) {
      if (!wire_need(w, 1, "a field", error)) return FALSE;
      guint8 field_type = w->data[w->pos];
      if (field_type == T_STOP) {
        w->pos++;
        return TRUE;
      }
      if (!wire_type_known(w, field_type, error) || !wire_need(w, 3, "a field header", error))
        return FALSE;
      w->pos += 3;
      if (!wire_value(w, field_type, depth + 1, error)) return FALSE;
    }
  case T_MAP: {
    if (!wire_need(w, 6, "a map header", error)) return FALSE;
    guint8 k = w->data[w->pos], v = w->data[w->pos + 1];
    guint32 n = wire_u32(w, w->pos + 2);
    w->pos += 6;
    if (n == 0) return TRUE;
    return wire_type_known(w, k, error) && wire_type_known(w, v, error) &&
           (n & 0x80000000u ? wire_need(w, G_MAXUINT64, "a map", error)
                            : wire_elements(w, n, k, v, TRUE, depth + 1, error));
  }
  case T_SET:
  case T_LIST: {
    if (!wire_need(w, 5, "a list header", error)) return FALSE;
    guint8 e = w->data[w->pos];
    guint32 n = wire_u32(w, w->pos + 1);
    w->pos += 5;
    return wire_type_known(w, e, error) &&
           (n & 0x80000000u ? wire_need(w, G_MAXUINT64, "a list", error)
                            : wire_elements(w, n, e, 0, FALSE, depth + 1, error));
  }
  default:
    if (!wire_type_known(w, type, error) || !wire_need(w, min_size(type), "a value", error))
      return FALSE;
    w->pos += min_size(type);
    return TRUE;
  }
}

gboolean gust_thrift_wire_check(const guint8 *data, gsize len, gsize *end, GError **error)
{
  wire w = {data, len, 0};
  gboolean ok = wire_value(&w, T_STRUCT, 0, error);
  *end = w.pos;
  return ok;
}
