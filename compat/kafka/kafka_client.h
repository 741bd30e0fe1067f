/* kafka_client.h — what the Kafka spout and bolt share: turning Storm-style
 * client properties into a librdkafka configuration, reporting librdkafka's
 * errors under the component's name, and mapping Java (de)serializers onto
 * gust values.  See kafka_client.c.
 */
#ifndef GUST_KAFKA_CLIENT_H
#define GUST_KAFKA_CLIENT_H

#include <gust/fc_value.h>
#include <gust/kafka.h>
#include <jansson.h>
#include <librdkafka/rdkafka.h>

G_BEGIN_DECLS

typedef enum {
  GUST_KAFKA_FORMAT_STRING, /* StringSerializer / StringDeserializer */
  GUST_KAFKA_FORMAT_BYTES,  /* ByteArraySerializer / ByteArrayDeserializer */
} gust_kafka_format;

/* Names a client in messages.  Immutable once the rd_kafka_t exists,
 * except `troubled`, which only the thread that polls the client touches. */
typedef struct {
  char *who;         /* "kafka spout 'id' (task 3)" */
  char *where;       /* "topic(s) a, b at 127.0.0.1:9092" */
  const char *verb;  /* "reading" or "writing" */
  gboolean verbose;  /* the "debug" property is set: forward librdkafka's log */
  gboolean troubled; /* a broker error was reported since the last good news */
} gust_kafka_client;

/* Steals who and where; verb is static. */
void gust_kafka_client_init(gust_kafka_client *client, const char *verb, char *who, char *where);
void gust_kafka_client_clear(gust_kafka_client *client);

/* A librdkafka configuration from props (a JSON object of strings), with
 * client as opaque and its error and log callbacks.  Keys listed in skip
 * (NULL-terminated; Java-only settings the caller reads itself) are left
 * out; auto.offset.reset "none" becomes librdkafka's "error"; a setting
 * librdkafka does not know is ignored with a warning.  NULL + error naming
 * the client and the setting when a value is refused. */
rd_kafka_conf_t *gust_kafka_client_conf(gust_kafka_client *client, const json_t *props,
                                        const char *const *skip, GError **error);

/* Reads a (de)serializer class from props[key] (absent: String).  FALSE +
 * error for classes gust has no equivalent for. */
gboolean gust_kafka_format_from_props(const gust_kafka_client *client, const json_t *props,
                                      const char *key, gust_kafka_format *format, GError **error);

/* A record's key or value as a gust value: null when payload is NULL; a
 * string (invalid UTF-8 repaired into *scratch, which the caller frees
 * after use) or bytes.  Borrows payload. */
fc_value gust_kafka_payload_value(gust_kafka_format format, const void *payload, size_t len,
                                  char **scratch);

G_END_DECLS

#endif
