/* kafka_client.c — client plumbing shared by the Kafka spout and bolt.
 *
 * Threads: librdkafka calls log_cb on its own internal threads (it only
 * reads the client's immutable names), and error_cb from whatever thread
 * polls the handle (rd_kafka_poll / rd_kafka_consumer_poll): the owning
 * task's thread, which also owns `troubled`.  librdkafka already folds
 * repeated identical connection errors ("N identical error(s)
 * suppressed"), so every error it hands over is logged, with the
 * component, topics and bootstrap servers, as a warning.
 */
#define G_LOG_DOMAIN "gust-kafka"

#include "kafka_client.h"

#include <string.h>
#include <syslog.h>

/* The domain name is stringified as written: keep the formatter away. */
/* clang-format off */
G_DEFINE_QUARK(gust-kafka-error-quark, gust_kafka_error)
/* clang-format on */

void gust_kafka_client_init(gust_kafka_client *client, const char *verb, char *who, char *where)
{
  *client = (gust_kafka_client){.who = who, .where = where, .verb = verb};
}

void gust_kafka_client_clear(gust_kafka_client *client)
{
  g_free(client->who);
  g_free(client->where);
  *client = (gust_kafka_client){0};
}

static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
  gust_kafka_client *client = opaque;
  client->troubled = TRUE;
  g_warning("%s, %s %s: Kafka error %s: %s", client->who, client->verb, client->where,
            rd_kafka_err2name(err), reason);
}

static void on_log(const rd_kafka_t *rk, int level, const char *facility, const char *text)
{
  const gust_kafka_client *client = rd_kafka_opaque(rk);
  if (!client) return;
  if (level <= LOG_CRIT)
    g_warning("%s: librdkafka %s: %s", client->who, facility, text);
  else if (client->verbose)
    g_message("%s: librdkafka %s: %s", client->who, facility, text);
}

static gboolean skipped(const char *key, const char *const *skip)
{
  for (; skip && *skip; skip++)
    if (g_str_equal(key, *skip)) return TRUE;
  return FALSE;
}

rd_kafka_conf_t *gust_kafka_client_conf(gust_kafka_client *client, const json_t *props,
                                        const char *const *skip, GError **error)
{
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set_opaque(conf, client);
  rd_kafka_conf_set_error_cb(conf, on_error);
  rd_kafka_conf_set_log_cb(conf, on_log);
  const char *key;
  json_t *value;
  json_object_foreach((json_t *)props, key, value)
  {
    const char *text = json_string_value(value);
    if (!text || skipped(key, skip)) continue;
    if (g_str_equal(key, "auto.offset.reset") && g_str_equal(text, "none")) text = "error";
    if (g_str_equal(key, "debug")) client->verbose = TRUE;
    char reason[512];
    rd_kafka_conf_res_t res = rd_kafka_conf_set(conf, key, text, reason, sizeof reason);
    if (res == RD_KAFKA_CONF_UNKNOWN) {
      g_warning("%s: ignoring the Kafka setting '%s' (librdkafka has no such property)",
                client->who, key);
    } else if (res != RD_KAFKA_CONF_OK) {
      g_set_error(error, GUST_KAFKA_ERROR, GUST_KAFKA_ERROR_ARGUMENT,
                  "%s: Kafka setting %s=%s refused: %s", client->who, key, text, reason);
      rd_kafka_conf_destroy(conf);
      return NULL;
    }
  }
  return conf;
}

gboolean gust_kafka_format_from_props(const gust_kafka_client *client, const json_t *props,
                                      const char *key, gust_kafka_format *format, GError **error)
{
  const char *class_name = json_string_value(json_object_get(props, key));
  const char *name = class_name ? strrchr(class_name, '.') : NULL;
  name = name ? name + 1 : class_name;
  if (!name || g_str_has_prefix(name, "String")) {
    *format = GUST_KAFKA_FORMAT_STRING;
    return TRUE;
  }
  if (g_str_has_prefix(name, "ByteArray")) {
    *format = GUST_KAFKA_FORMAT_BYTES;
    return TRUE;
  }
  g_set_error(error, GUST_KAFKA_ERROR, GUST_KAFKA_ERROR_ARGUMENT,
              "%s: %s %s is not supported; gust reads and writes strings (StringSerializer / "
              "StringDeserializer) or bytes (ByteArraySerializer / ByteArrayDeserializer)",
              client->who, key, class_name);
  return FALSE;
}

fc_value gust_kafka_payload_value(gust_kafka_format format, const void *payload, size_t len,
                                  char **scratch)
{
  *scratch = NULL;
  if (!payload) return fc_null();
  len = MIN(len, G_MAXUINT32);
  if (format == GUST_KAFKA_FORMAT_BYTES) return fc_bytes(payload, (uint32_t)len);
  if (g_utf8_validate_len(payload, len, NULL)) return fc_str_len(payload, (uint32_t)len);
  *scratch = g_utf8_make_valid(payload, (gssize)len);
  return fc_str(*scratch);
}
