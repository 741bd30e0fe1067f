/* cmd_kafka_console.c — `gust kafka-console produce|consume|committed`:
 * a small Kafka client for development and tests, like Kafka's console
 * producer and consumer.
 *
 *   produce    stdin lines become records of --topic: "KEY<TAB>VALUE", or
 *              just VALUE (null key) when the line has no tab; waits for
 *              every delivery; exit 1 if one failed.
 *   consume    prints every record of --topic from the beginning of each
 *              partition as "PARTITION<TAB>OFFSET<TAB>KEY<TAB>VALUE", until
 *              --max records or --idle seconds without a new one.
 *   committed  prints "PARTITION<TAB>OFFSET" for each partition of --topic:
 *              the offset --group committed (-1: none).
 * Numeric options are range-checked (number_options.h, exit status 2);
 * diagnostics, librdkafka's included, go through the log writer
 * (log_writer.h) on stderr; records and offsets go to stdout.
 * One thread (the main one) polls; librdkafka runs its own.
 */
#define G_LOG_DOMAIN "gust-kafka-console"

#include "commands.h"
#include "kafka_tool_client.h"
#include "log_writer.h"
#include "number_options.h"

#include <glib.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <string.h>

enum {
  TIMEOUT_MS = 10000,
  MAX_IDLE_S = 24 * 3600, /* --idle: a day */
};

typedef struct {
  char *servers, *topic, *group;
  int partition, max;
  double idle;
  int failed; /* produce: failed deliveries (dr_msg_cb, main thread) */
} console;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
  console *c = opaque;
  if (m->err) {
    c->failed++;
    gust_log_error("delivery to %s failed: %s", c->topic, rd_kafka_err2str(m->err));
  }
}

static void log_failure(GError *error)
{
  gust_log_error("%s", error->message);
  g_error_free(error);
}

/* A client of type (kafka_tool_client.h); NULL after logging why. */
static rd_kafka_t *client_new(console *c, rd_kafka_type_t type)
{
  rd_kafka_conf_t *conf = gust_kafka_tool_conf_new();
  rd_kafka_conf_set_opaque(conf, c);
  if (type == RD_KAFKA_PRODUCER) rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  /* librdkafka's consumers need a group even to assign partitions by hand;
   * this one never commits */
  GError *error = NULL;
  rd_kafka_t *rk =
      gust_kafka_tool_client_new(type, conf, c->servers, c->group, "gust-kafka-console", &error);
  if (!rk) log_failure(error);
  return rk;
}

static int produce(console *c)
{
  rd_kafka_t *rk = client_new(c, RD_KAFKA_PRODUCER);
  if (!rk) return 1;
  char line[65536];
  int n = 0;
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\r\n")] = '\0';
    char *tab = strchr(line, '\t');
    const char *value = tab ? tab + 1 : line;
    rd_kafka_resp_err_t err =
        gust_kafka_tool_produce(rk, c->topic, c->partition, tab ? line : NULL,
                                tab ? (size_t)(tab - line) : 0, value, strlen(value));
    if (err) {
      gust_log_error("writing to topic '%s' at %s failed: %s", c->topic, c->servers,
                     rd_kafka_err2str(err));
      c->failed++;
      break;
    }
    n++;
  }
  if (rd_kafka_flush(rk, TIMEOUT_MS)) {
    gust_log_error("%d record(s) not delivered to %s", rd_kafka_outq_len(rk), c->topic);
    c->failed++;
  }
  rd_kafka_destroy(rk);
  g_message("produced %d record(s) to %s", n, c->topic);
  return c->failed ? 1 : 0;
}

/* The topic's partitions with the given offset each; NULL after logging why. */
static rd_kafka_topic_partition_list_t *partitions_of(console *c, rd_kafka_t *rk, int64_t offset)
{
  GError *error = NULL;
  rd_kafka_topic_partition_list_t *list =
      gust_kafka_tool_partitions(rk, c->servers, c->topic, offset, TIMEOUT_MS, &error);
  if (!list) log_failure(error);
  return list;
}

static int consume(console *c)
{
  rd_kafka_t *rk = client_new(c, RD_KAFKA_CONSUMER);
  if (!rk) return 1;
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t *list = partitions_of(c, rk, RD_KAFKA_OFFSET_BEGINNING);
  int n = 0, status = list ? 0 : 1;
  if (list) {
    rd_kafka_assign(rk, list);
    int64_t last = g_get_monotonic_time();
    while ((c->max <= 0 || n < c->max) && g_get_monotonic_time() - last < c->idle * 1e6) {
      rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
      if (!m) continue;
      if (!m->err) {
        printf("%d\t%" G_GINT64_FORMAT "\t%.*s\t%.*s\n", m->partition, (int64_t)m->offset,
               (int)m->key_len, m->key ? (const char *)m->key : "", (int)m->len,
               m->payload ? (const char *)m->payload : "");
        n++;
        last = g_get_monotonic_time();
      }
      rd_kafka_message_destroy(m);
    }
    rd_kafka_topic_partition_list_destroy(list);
  }
  fflush(stdout);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return status;
}

static int committed(console *c)
{
  if (!c->group) {
    gust_log_error("committed: --group is needed");
    return 2;
  }
  rd_kafka_t *rk = client_new(c, RD_KAFKA_CONSUMER);
  if (!rk) return 1;
  GError *error = NULL;
  rd_kafka_topic_partition_list_t *list = partitions_of(c, rk, RD_KAFKA_OFFSET_INVALID);
  gboolean ok =
      list && gust_kafka_tool_committed(rk, list, c->servers, c->group, TIMEOUT_MS, &error);
  if (error) log_failure(error);
  for (int i = 0; ok && i < list->cnt; i++)
    printf("%d\t%" G_GINT64_FORMAT "\n", list->elems[i].partition, (int64_t)list->elems[i].offset);
  fflush(stdout);
  if (list) rd_kafka_topic_partition_list_destroy(list);
  rd_kafka_destroy(rk);
  return ok ? 0 : 1;
}

int gust_cmd_kafka_console(int argc, char **argv)
{
  console c = {.partition = RD_KAFKA_PARTITION_UA, .idle = 5};
  g_autofree char *partition_text = NULL, *max_text = NULL, *idle_text = NULL;
  GOptionEntry entries[] = {
      {"bootstrap-server", 'b', 0, G_OPTION_ARG_STRING, &c.servers, "bootstrap servers", "HOSTS"},
      {"topic", 't', 0, G_OPTION_ARG_STRING, &c.topic, "topic", "NAME"},
      {"group", 'g', 0, G_OPTION_ARG_STRING, &c.group, "consumer group (committed)", "ID"},
      {"partition", 'p', 0, G_OPTION_ARG_STRING, &partition_text,
       "produce: partition, from 0 (default: the partitioner's choice)", "N"},
      {"max", 'n', 0, G_OPTION_ARG_STRING, &max_text,
       "consume: stop after N records, 0 = no limit (default)", "N"},
      {"idle", 'i', 0, G_OPTION_ARG_STRING, &idle_text,
       "consume: stop after SECONDS without a record, up to 86400 (default 5)", "SECONDS"},
      {NULL},
  };
  g_autoptr(GOptionContext) ctx =
      g_option_context_new("produce|consume|committed - a console Kafka producer and consumer");
  g_option_context_add_main_entries(ctx, entries, NULL);
  GError *error = NULL;
  int status = 2;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) ||
      !gust_option_int("--partition", partition_text, 0, G_MAXINT32, &c.partition, &error) ||
      !gust_option_int("--max", max_text, 0, G_MAXINT, &c.max, &error) ||
      !gust_option_double("--idle", idle_text, 0, MAX_IDLE_S, &c.idle, &error) || argc != 2 ||
      !c.servers || !c.topic) {
    gust_log_error("%s", error ? error->message
                               : "usage: gust kafka-console produce|consume|committed -b HOSTS "
                                 "-t TOPIC");
    g_clear_error(&error);
  } else if (g_str_equal(argv[1], "produce")) {
    status = produce(&c);
  } else if (g_str_equal(argv[1], "consume")) {
    status = consume(&c);
  } else if (g_str_equal(argv[1], "committed")) {
    status = committed(&c);
  } else {
    gust_log_error("unknown action '%s' (use produce, consume or committed)", argv[1]);
  }
  g_free(c.servers);
  g_free(c.topic);
  g_free(c.group);
  return status;
}
