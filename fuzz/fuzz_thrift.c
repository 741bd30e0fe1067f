/* fuzz_thrift.c — the Thrift codec and the StormTopology conversion on any
 * bytes, as a Nimbus receives them from a client.
 *
 * The input is one unframed message: header, then the body decoded with
 * the method's args (a call) or result (a reply) struct; the input is also
 * decoded as a bare StormTopology and, when that works, converted to the
 * topology model.  Checks, besides memory safety: a refusal is an error of
 * the codec's domain with a message; a decoded struct encodes again and
 * decodes to the same bytes.
 *
 * Leak checking is off for this target (run with -detect_leaks=0): the
 * c_glib generator's readers drop a map key when the value after it fails
 * to decode (a required field missing, element types contradicting the
 * IDL); the leak is bounded by the message size.
 */
#include "fuzz_support.h"

#include <gust/storm_thrift.h>
#include <thrift/c_glib/thrift_application_exception.h>

#define LIMIT (1u << 20)

static void reencode_is_stable(gpointer object)
{
  GError *error = NULL;
  GBytes *once = gust_thrift_encode(object, 4 * LIMIT, &error);
  g_assert_no_error(error);
  gpointer again = gust_thrift_decode_bytes(G_OBJECT_TYPE(object), once, 4 * LIMIT, &error);
  g_assert_no_error(error);
  GBytes *twice = gust_thrift_encode(again, 4 * LIMIT, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(g_bytes_get_size(once), ==, g_bytes_get_size(twice));
  g_bytes_unref(twice);
  g_object_unref(again);
  g_bytes_unref(once);
}

static gpointer decode_or_refuse(GType type, const void *data, gsize len)
{
  GError *error = NULL;
  gpointer object = gust_thrift_decode(type, data, len, LIMIT, &error);
  if (!object) {
    g_assert_true(error->domain == GUST_STORM_THRIFT_ERROR && error->message[0]);
    g_error_free(error);
  }
  return object;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  gust_thrift_message m;
  GError *error = NULL;
  if (gust_thrift_message_parse(data, size, FALSE, LIMIT, &m, &error)) {
    const gust_nimbus_method *method = gust_nimbus_method_lookup(m.method);
    GType type = m.type == GUST_THRIFT_EXCEPTION ? THRIFT_TYPE_APPLICATION_EXCEPTION
                 : !method                       ? G_TYPE_INVALID
                 : m.type == GUST_THRIFT_REPLY   ? method->result_type()
                                                 : method->args_type();
    gsize len;
    const void *body = g_bytes_get_data(m.body, &len);
    gpointer object = type ? decode_or_refuse(type, body, len) : NULL;
    if (object) {
      reencode_is_stable(object);
      g_object_unref(object);
    }
    gust_thrift_message_clear(&m);
  } else {
    g_assert_true(error->domain == GUST_STORM_THRIFT_ERROR && error->message[0]);
    g_clear_error(&error);
  }

  GustStormStormTopology *topology = decode_or_refuse(GUST_STORM_TYPE_STORM_TOPOLOGY, data, size);
  if (topology) {
    char *refused = NULL;
    gust_topology *model =
        gust_topology_from_thrift(topology, "fuzz", "{}", "/nonexistent", &refused, &error);
    if (model)
      gust_topology_free(model);
    else {
      g_assert_true(error->domain == GUST_STORM_THRIFT_ERROR && error->message[0]);
      g_clear_error(&error);
    }
    g_free(refused);
    g_object_unref(topology);
  }
  return 0;
}
