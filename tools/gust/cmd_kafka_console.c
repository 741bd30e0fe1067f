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
 * One thread (the main one) polls; librdkafka runs its own.
 */
#include "commands.h"

#include <glib.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <string.h>

enum { TIMEOUT_MS = 10000 };

typedef struct {
  char *servers, *topic, *group;
  int partition, max;
  double idle;
  int failed; /* produce: failed deliveries (dr_msg_cb, main thread) */
} console;

static rd_kafka_t *client_new(console *c, rd_kafka_type_t type)
{
  char reason[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set_opaque(conf, c);
  if (rd_kafka_conf_set(conf, "bootstrap.servers", c->servers, reason, sizeof reason) ||
      (c->group && rd_kafka_conf_set(conf, "group.id", c->group, reason, sizeof reason))) {
    fprintf(stderr, "gust kafka-console: %s\n", reason);
    rd_kafka_conf_destroy(conf);
    return NULL;
  }
  if (type == RD_KAFKA_CONSUMER) {
    /* librdkafka's consumers need a group even to assign partitions by hand;
     * this one never commits */
    if (!c->group) rd_kafka_conf_set(conf, "group.id", "gust-kafka-console", reason, sizeof reason);
    rd_kafka_conf_set(conf, "enable.auto.commit", "false", reason, sizeof reason);
  }
  rd_kafka_t *rk = rd_kafka_new(type, conf, reason, sizeof reason);
  if (!rk) {
    fprintf(stderr, "gust kafka-console: %s\n", reason);
    rd_kafka_conf_destroy(conf);
  }
  return rk;
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
  console *c = opaque;
  if (m->err) {
    c->failed++;
    fprintf(stderr, "gust kafka-console: delivery to %s failed: %s\n", c->topic,
            rd_kafka_err2str(m->err));
  }
}

static int produce(console *c)
{
  char reason[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set_opaque(conf, c);
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  if (rd_kafka_conf_set(conf, "bootstrap.servers", c->servers, reason, sizeof reason)) {
    fprintf(stderr, "gust kafka-console: %s\n", reason);
    rd_kafka_conf_destroy(conf);
    return 1;
  }
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, reason, sizeof reason);
  if (!rk) {
    fprintf(stderr, "gust kafka-console: %s\n", reason);
    rd_kafka_conf_destroy(conf);
    return 1;
  }
  char line[65536];
  int n = 0;
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\r\n")] = '\0';
    char *tab = strchr(line, '\t');
    const char *value = tab ? tab + 1 : line;
    rd_kafka_resp_err_t err;
    while (
        (err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(c->topic), RD_KAFKA_V_PARTITION(c->partition),
                                 RD_KAFKA_V_KEY(tab ? line : NULL, tab ? (size_t)(tab - line) : 0),
                                 RD_KAFKA_V_VALUE((void *)value, strlen(value)),
                                 RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)) ==
        RD_KAFKA_RESP_ERR__QUEUE_FULL)
      rd_kafka_poll(rk, 100);
    if (err) {
      fprintf(stderr, "gust kafka-console: producing to %s failed: %s\n", c->topic,
              rd_kafka_err2str(err));
      c->failed++;
      break;
    }
    n++;
    rd_kafka_poll(rk, 0);
  }
  if (rd_kafka_flush(rk, TIMEOUT_MS)) {
    fprintf(stderr, "gust kafka-console: %d record(s) not delivered to %s\n", rd_kafka_outq_len(rk),
            c->topic);
    c->failed++;
  }
  rd_kafka_destroy(rk);
  fprintf(stderr, "gust kafka-console: produced %d record(s) to %s\n", n, c->topic);
  return c->failed ? 1 : 0;
}

/* The topic's partitions with the given offset each; NULL on failure. */
static rd_kafka_topic_partition_list_t *partitions_of(console *c, rd_kafka_t *rk, int64_t offset)
{
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, c->topic, NULL);
  const struct rd_kafka_metadata *md = NULL;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, TIMEOUT_MS);
  rd_kafka_topic_destroy(rkt);
  if (!err && md->topic_cnt == 1) err = md->topics[0].err;
  if (err) {
    fprintf(stderr, "gust kafka-console: cannot list the partitions of %s: %s\n", c->topic,
            rd_kafka_err2str(err));
    if (md) rd_kafka_metadata_destroy(md);
    return NULL;
  }
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(8);
  for (int i = 0; i < md->topics[0].partition_cnt; i++)
    rd_kafka_topic_partition_list_add(list, c->topic, md->topics[0].partitions[i].id)->offset =
        offset;
  rd_kafka_metadata_destroy(md);
  rd_kafka_topic_partition_list_sort(list, NULL, NULL);
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
    fprintf(stderr, "gust kafka-console committed: --group is needed\n");
    return 2;
  }
  rd_kafka_t *rk = client_new(c, RD_KAFKA_CONSUMER);
  if (!rk) return 1;
  rd_kafka_topic_partition_list_t *list = partitions_of(c, rk, RD_KAFKA_OFFSET_INVALID);
  rd_kafka_resp_err_t err =
      list ? rd_kafka_committed(rk, list, TIMEOUT_MS) : RD_KAFKA_RESP_ERR__FAIL;
  if (list && err)
    fprintf(stderr, "gust kafka-console: reading committed offsets failed: %s\n",
            rd_kafka_err2str(err));
  for (int i = 0; list && !err && i < list->cnt; i++)
    printf("%d\t%" G_GINT64_FORMAT "\n", list->elems[i].partition,
           list->elems[i].offset >= 0 ? (int64_t)list->elems[i].offset : (int64_t)-1);
  fflush(stdout);
  if (list) rd_kafka_topic_partition_list_destroy(list);
  rd_kafka_destroy(rk);
  return err ? 1 : 0;
}

int gust_cmd_kafka_console(int argc, char **argv)
{
  console c = {.partition = RD_KAFKA_PARTITION_UA, .idle = 5};
  GOptionEntry entries[] = {
      {"bootstrap-server", 'b', 0, G_OPTION_ARG_STRING, &c.servers, "bootstrap servers", "HOSTS"},
      {"topic", 't', 0, G_OPTION_ARG_STRING, &c.topic, "topic", "NAME"},
      {"group", 'g', 0, G_OPTION_ARG_STRING, &c.group, "consumer group (committed)", "ID"},
      {"partition", 'p', 0, G_OPTION_ARG_INT, &c.partition, "produce: partition", "N"},
      {"max", 'n', 0, G_OPTION_ARG_INT, &c.max, "consume: stop after N records", "N"},
      {"idle", 'i', 0, G_OPTION_ARG_DOUBLE, &c.idle,
       "consume: stop after SECONDS without a record (default 5)", "SECONDS"},
      {NULL},
  };
  g_autoptr(GOptionContext) ctx =
      g_option_context_new("produce|consume|committed - a console Kafka producer and consumer");
  g_option_context_add_main_entries(ctx, entries, NULL);
  GError *error = NULL;
  int status = 2;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 2 || !c.servers || !c.topic) {
    fprintf(stderr, "gust kafka-console: %s\n",
            error ? error->message
                  : "usage: gust kafka-console produce|consume|committed -b HOSTS -t TOPIC");
    g_clear_error(&error);
  } else if (g_str_equal(argv[1], "produce")) {
    status = produce(&c);
  } else if (g_str_equal(argv[1], "consume")) {
    status = consume(&c);
  } else if (g_str_equal(argv[1], "committed")) {
    status = committed(&c);
  } else {
    fprintf(stderr, "gust kafka-console: unknown action '%s'\n", argv[1]);
  }
  g_free(c.servers);
  g_free(c.topic);
  g_free(c.group);
  return status;
}
