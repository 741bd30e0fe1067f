/* kafka_bolt.c — org.apache.storm.kafka.bolt.KafkaBolt on librdkafka, as a
 * built-in bolt.
 *
 * Each input tuple becomes one Kafka record: the topic from the topic
 * selector (DefaultTopicSelector, FieldNameTopicSelector,
 * FieldIndexTopicSelector; else the conf key "topic"), the key and value
 * from the tuple fields FieldNameBasedTupleToKafkaMapper names ("key" and
 * "message" by default; a missing key field gives a null key, a missing
 * message field fails the tuple).  Strings and bytes are written as they
 * are; other values as their text.
 *
 * Acking, as KafkaBolt does: by default (async) the tuple is acked when
 * its delivery report says the broker has it, and failed (with an error
 * reported) when delivery fails; fireAndForget acks at once; async false
 * waits for the delivery (a flush) before acking.  Delivery reports come
 * from librdkafka's dr_msg_cb, which librdkafka calls inside rd_kafka_poll()
 * or rd_kafka_flush() — always on this bolt's task thread, which owns all
 * the state here.  Reports are queued and settled (ack/fail) on the next
 * execute(), tick (the model asks for one every second, so acks do not
 * wait for more input) or completed checkpoint.
 *
 * Checkpoints: snapshot() flushes the producer (up to FLUSH_TIMEOUT_MS)
 * and fails the checkpoint, naming the topics, if anything is still
 * undelivered or a delivery failed since the last settlement.
 */
#define G_LOG_DOMAIN "gust-kafka"

#include "kafka_builtins.h"
#include "kafka_client.h"

#include <gust/runtime.h>
#include <string.h>

enum { FLUSH_TIMEOUT_MS = 10000, CLOSE_FLUSH_MS = 5000, QUEUE_FULL_WAIT_MS = 100 };

typedef enum { SELECT_CONF, SELECT_DEFAULT, SELECT_FIELD_NAME, SELECT_FIELD_INDEX } selector_kind;

typedef struct {
  gust_tuple *tuple; /* a copy, or NULL (fire and forget) */
  rd_kafka_resp_err_t err;
  char *topic;
} delivery;

typedef struct {
  gust_kafka_client client; /* first: librdkafka's opaque is the bolt */
  rd_kafka_t *rk;
  selector_kind selector;
  char *topic;   /* SELECT_DEFAULT/CONF: the topic; FIELD_*: the default topic */
  char *field;   /* SELECT_FIELD_NAME */
  int64_t index; /* SELECT_FIELD_INDEX */
  char *key_field, *message_field;
  gboolean fire_and_forget, async;
  gust_kafka_format key_format, value_format;
  GPtrArray *settled; /* delivery*: reports not yet turned into ack/fail */
  GHashTable *topics; /* topic names written, for messages */
} kafka_bolt;

static void delivery_free(gpointer data)
{
  delivery *d = data;
  if (d->tuple) gust_tuple_free(d->tuple);
  g_free(d->topic);
  g_free(d);
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
  kafka_bolt *b = opaque;
  delivery *d = m->_private;
  if (!d) return;
  d->err = m->err;
  g_ptr_array_add(b->settled, d);
}

/* Acks or fails what delivery reports have settled. */
static void settle(kafka_bolt *b, gust_collector *out)
{
  for (guint i = 0; i < b->settled->len; i++) {
    delivery *d = b->settled->pdata[i];
    if (d->err) {
      gust_report_error(out, "%s: delivery to topic %s failed: %s", b->client.who, d->topic,
                        rd_kafka_err2str(d->err));
      if (d->tuple) gust_fail(out, d->tuple);
    } else if (d->tuple) {
      gust_ack(out, d->tuple);
    }
  }
  g_ptr_array_set_size(b->settled, 0);
}

/* ---- configuration ---- */

static gboolean read_config(kafka_bolt *b, const json_t *conf, GError **error)
{
  const json_t *kconf = json_object_get(conf, GUST_KAFKA_BOLT_CONF);
  const json_t *selector = json_object_get(kconf, "topic.selector");
  const char *kind = json_string_value(json_object_get(selector, "kind"));
  const char *fallback = json_string_value(json_object_get(conf, "topic"));
  if (!json_is_object(kconf)) {
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_CONFIG,
                "%s has no Kafka configuration (define it in Flux with withTopicSelector, "
                "withProducerProperties...)",
                b->client.who);
    return FALSE;
  }
  if (!kind && !fallback) {
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_CONFIG,
                "%s: no topic: call withTopicSelector or set the conf key \"topic\"",
                b->client.who);
    return FALSE;
  }
  b->selector = !kind                              ? SELECT_CONF
                : g_str_equal(kind, "field-name")  ? SELECT_FIELD_NAME
                : g_str_equal(kind, "field-index") ? SELECT_FIELD_INDEX
                                                   : SELECT_DEFAULT;
  b->topic = g_strdup(kind ? json_string_value(json_object_get(
                                 selector, b->selector == SELECT_DEFAULT ? "topic" : "default"))
                           : fallback);
  b->field = g_strdup(json_string_value(json_object_get(selector, "field")));
  b->index = json_integer_value(json_object_get(selector, "index"));
  const json_t *mapper = json_object_get(kconf, "mapper");
  b->key_field = g_strdup(json_string_value(json_object_get(mapper, "key.field")));
  b->message_field = g_strdup(json_string_value(json_object_get(mapper, "message.field")));
  b->fire_and_forget = json_is_true(json_object_get(kconf, "fire.and.forget"));
  b->async = !json_is_false(json_object_get(kconf, "async"));
  const json_t *props = json_object_get(kconf, "props");
  const char *servers = json_string_value(json_object_get(props, "bootstrap.servers"));
  g_free(b->client.where);
  b->client.where = g_strdup_printf("%s %s at %s",
                                    b->selector == SELECT_DEFAULT || b->selector == SELECT_CONF
                                        ? "topic"
                                        : "topics chosen per tuple, default",
                                    b->topic ? b->topic : "(none)", servers ? servers : "?");
  if (!servers || !*servers || g_str_equal(servers, GUST_KAFKA_EMBEDDED)) {
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_CONFIG, "%s: %s", b->client.who,
                servers && *servers ? "bootstrap servers \"embedded\" name the embedded broker "
                                      "that `gust local` starts; this runner did not start one"
                                    : "no bootstrap.servers in its producer properties");
    return FALSE;
  }
  return gust_kafka_format_from_props(&b->client, props, "key.serializer", &b->key_format, error) &&
         gust_kafka_format_from_props(&b->client, props, "value.serializer", &b->value_format,
                                      error);
}

static gboolean create_producer(kafka_bolt *b, const json_t *conf, GError **error)
{
  static const char *const java_only[] = {"key.serializer", "value.serializer", NULL};
  const json_t *props = json_object_get(json_object_get(conf, GUST_KAFKA_BOLT_CONF), "props");
  rd_kafka_conf_t *rconf = gust_kafka_client_conf(&b->client, props, java_only, error);
  if (!rconf) return FALSE;
  rd_kafka_conf_set_dr_msg_cb(rconf, on_delivery);
  char reason[512];
  b->rk = rd_kafka_new(RD_KAFKA_PRODUCER, rconf, reason, sizeof reason);
  if (!b->rk) {
    rd_kafka_conf_destroy(rconf);
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_CONFIG,
                "%s: cannot create the Kafka producer: %s", b->client.who, reason);
    return FALSE;
  }
  return TRUE;
}

static void bolt_free(kafka_bolt *b)
{
  if (b->rk) {
    if (rd_kafka_flush(b->rk, CLOSE_FLUSH_MS))
      g_warning("%s: %d message(s) to %s not delivered at close", b->client.who,
                rd_kafka_outq_len(b->rk), b->client.where);
    rd_kafka_purge(b->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(b->rk, 0); /* purged messages report here: their copies are freed */
    rd_kafka_destroy(b->rk);
  }
  g_ptr_array_unref(b->settled);
  g_hash_table_destroy(b->topics);
  g_free(b->topic);
  g_free(b->field);
  g_free(b->key_field);
  g_free(b->message_field);
  gust_kafka_client_clear(&b->client);
  g_free(b);
}

static gboolean bolt_open(const gust_context *ctx, void **state, GError **error)
{
  kafka_bolt *b = g_new0(kafka_bolt, 1);
  gust_kafka_client_init(&b->client, "writing",
                         g_strdup_printf("kafka bolt '%s' (task %d)",
                                         gust_context_component_id(ctx), gust_context_task_id(ctx)),
                         NULL);
  b->settled = g_ptr_array_new_with_free_func(delivery_free);
  b->topics = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  if (!read_config(b, gust_context_conf(ctx), error) ||
      !create_producer(b, gust_context_conf(ctx), error)) {
    bolt_free(b);
    return FALSE;
  }
  *state = b;
  return TRUE;
}

/* ---- writing ---- */

/* The topic for a tuple, or NULL + *why. */
static const char *select_topic(kafka_bolt *b, const gust_tuple *input, const char **why)
{
  const fc_value *v = NULL;
  if (b->selector == SELECT_FIELD_NAME)
    v = gust_tuple_get_by_field(input, b->field);
  else if (b->selector == SELECT_FIELD_INDEX && b->index < (int64_t)gust_tuple_size(input))
    v = gust_tuple_get(input, (size_t)b->index);
  else
    return b->topic;
  if (!v) return b->topic; /* not found: the default topic, as Storm does */
  if (v->type != FC_STR) {
    *why = "the topic field does not hold a string";
    return NULL;
  }
  return v->u.str;
}

/* A value as record bytes: strings and bytes as they are, null as no
 * payload, anything else as its text (kept in *text). */
static const void *payload_of(const fc_value *v, size_t *len, GString **text)
{
  *len = 0;
  if (!v || v->type == FC_NULL) return NULL;
  if (v->type == FC_STR || v->type == FC_BYTES) {
    *len = v->len;
    return v->type == FC_STR ? (const void *)v->u.str : (const void *)v->u.bytes;
  }
  *text = g_string_new(NULL);
  fc_value_append_text(v, *text);
  *len = (*text)->len;
  return (*text)->str;
}

static rd_kafka_resp_err_t produce(kafka_bolt *b, const char *topic, const gust_tuple *input,
                                   delivery *d)
{
  GString *key_text = NULL, *value_text = NULL;
  size_t key_len, value_len;
  const void *key = payload_of(gust_tuple_get_by_field(input, b->key_field), &key_len, &key_text);
  const void *value =
      payload_of(gust_tuple_get_by_field(input, b->message_field), &value_len, &value_text);
  rd_kafka_resp_err_t err;
  for (int attempt = 0;; attempt++) {
    err = rd_kafka_producev(b->rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(key, key_len),
                            RD_KAFKA_V_VALUE((void *)value, value_len),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(d),
                            RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || attempt == 1) break;
    rd_kafka_poll(b->rk, QUEUE_FULL_WAIT_MS); /* let deliveries drain the queue */
  }
  if (key_text) g_string_free(key_text, TRUE);
  if (value_text) g_string_free(value_text, TRUE);
  return err;
}

static gboolean bolt_execute(void *state, const gust_tuple *input, gust_collector *out,
                             GError **error)
{
  kafka_bolt *b = state;
  if (!gust_tuple_is_tick(input)) {
    const char *why = NULL;
    const char *topic = select_topic(b, input, &why);
    if (!gust_tuple_get_by_field(input, b->message_field)) why = "the tuple has no message field";
    if (why || !topic) {
      gust_report_error(out, "%s: tuple from %s: %s (message field '%s')", b->client.who,
                        gust_tuple_source_component(input), why ? why : "no topic",
                        b->message_field);
      gust_fail(out, input);
    } else {
      if (!g_hash_table_contains(b->topics, topic)) g_hash_table_add(b->topics, g_strdup(topic));
      delivery *d = g_new0(delivery, 1);
      d->topic = g_strdup(topic);
      if (!b->fire_and_forget) d->tuple = gust_tuple_copy(input);
      rd_kafka_resp_err_t err = produce(b, topic, input, d);
      if (err) {
        d->err = err;
        g_ptr_array_add(b->settled, d);
      } else if (b->fire_and_forget) {
        gust_ack(out, input);
      } else if (!b->async) {
        rd_kafka_flush(b->rk, FLUSH_TIMEOUT_MS);
      }
    }
  }
  rd_kafka_poll(b->rk, 0);
  settle(b, out);
  return TRUE;
}

/* ---- checkpoints and close ---- */

static char *topics_written(kafka_bolt *b)
{
  GString *names = g_string_new(NULL);
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init(&it, b->topics);
  while (g_hash_table_iter_next(&it, &key, NULL))
    g_string_append_printf(names, "%s%s", names->len ? ", " : "", (const char *)key);
  return g_string_free(names, FALSE);
}

static gboolean bolt_snapshot(void *state, uint64_t checkpoint_id, GByteArray *out, GError **error)
{
  kafka_bolt *b = state;
  rd_kafka_resp_err_t err = rd_kafka_flush(b->rk, FLUSH_TIMEOUT_MS);
  guint failed = 0;
  for (guint i = 0; i < b->settled->len; i++)
    failed += ((delivery *)b->settled->pdata[i])->err != 0;
  if (!err && !failed) return TRUE;
  g_autofree char *topics = topics_written(b);
  g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_FAILED,
              "%s: checkpoint %" G_GUINT64_FORMAT ": %d message(s) to topic(s) %s at %s not "
              "delivered within %d ms, %u delivery failure(s)",
              b->client.who, checkpoint_id, rd_kafka_outq_len(b->rk), topics, b->client.where,
              FLUSH_TIMEOUT_MS, failed);
  return FALSE;
}

static void bolt_checkpoint_complete(void *state, gust_collector *out, uint64_t checkpoint_id)
{
  kafka_bolt *b = state;
  rd_kafka_poll(b->rk, 0);
  settle(b, out);
}

static void bolt_close(void *state)
{
  bolt_free(state);
}

const gust_component_def gust_kafka_bolt_def = {
    .abi = GUST_NATIVE_ABI,
    .kind = GUST_DEF_BOLT,
    .open = bolt_open,
    .execute = bolt_execute,
    .close = bolt_close,
    .snapshot = bolt_snapshot,
    .checkpoint_complete = bolt_checkpoint_complete,
};
