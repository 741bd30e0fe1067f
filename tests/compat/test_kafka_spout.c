/* test_kafka_spout.c — the Kafka spout's guarantees, against librdkafka's
 * mock cluster (a real Kafka wire-protocol broker on 127.0.0.1) started in
 * this process:
 *   - the offset ledger commits only the contiguous acked prefix, skips
 *     gaps that were never emitted, retries with exponential back-off and
 *     gives up after max retries;
 *   - the spout reads every partition of its share (partition i -> task
 *     i mod n) of the named topics or of those a pattern matches, emits
 *     Storm's fields, commits only past acked records,
 *     replays failed records, pauses at max.uncommitted.offsets;
 *   - AT_MOST_ONCE and NO_GUARANTEE emit without ids and commit positions;
 *   - first poll strategies: EARLIEST, LATEST, UNCOMMITTED_*;
 *   - a snapshot resumes a new spout where the old one stopped;
 *   - brokers going down are reported (naming broker and topic) and the
 *     spout resumes without losing a record when they come back.
 * The spout object is driven directly (gust_kafka_spout_next/ack/fail),
 * the way its component wrapper does on a task thread.
 */
#include <gust/kafka.h>
#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdlib.h>

#include "compat_test.h"
#include "kafka_offsets.h"
#include "kafka_spout.h"

/* ---- the offset ledger ---- */

static const gust_kafka_retry_policy policy = {
    .initial_delay_us = 0, .delay_period_us = 1000, .max_delay_us = 5000, .max_retries = 3};

static void test_ledger_commits_the_contiguous_acked_prefix(void)
{
  gust_kafka_offsets *o = gust_kafka_offsets_new(10);
  for (int64_t i = 10; i < 20; i++) {
    g_assert_true(gust_kafka_offsets_should_emit(o, i, 0));
    gust_kafka_offsets_emitted(o, i);
    g_assert_false(gust_kafka_offsets_should_emit(o, i, 0)); /* in flight */
  }
  g_assert_cmpint(gust_kafka_offsets_next_commit(o), ==, -1);
  gust_kafka_offsets_acked(o, 10);
  gust_kafka_offsets_acked(o, 11);
  gust_kafka_offsets_acked(o, 13);
  g_assert_cmpint(gust_kafka_offsets_next_commit(o), ==, 12); /* 12 is in flight */
  gust_kafka_offsets_acked(o, 12);
  g_assert_cmpint(gust_kafka_offsets_next_commit(o), ==, 14);
  gust_kafka_offsets_committed(o, 14);
  g_assert_cmpuint(gust_kafka_offsets_uncommitted(o), ==, 6);
  g_assert_false(gust_kafka_offsets_should_emit(o, 12, 0)); /* committed */

  /* a gap never emitted (compaction) is skipped; an emitted one stops */
  for (int64_t i = 14; i < 20; i++)
    gust_kafka_offsets_acked(o, i);
  gust_kafka_offsets_emitted(o, 25);
  gust_kafka_offsets_acked(o, 25);
  g_assert_cmpint(gust_kafka_offsets_next_commit(o), ==, 26);
  gust_kafka_offsets_emitted(o, 30);
  gust_kafka_offsets_emitted(o, 31);
  gust_kafka_offsets_acked(o, 31);
  g_assert_cmpint(gust_kafka_offsets_next_commit(o), ==, 26);
  gust_kafka_offsets_free(o);
}

static void test_ledger_retries_with_backoff_then_gives_up(void)
{
  gust_kafka_offsets *o = gust_kafka_offsets_new(-1);
  gust_kafka_offsets_emitted(o, 5); /* sets the committed start */
  gust_kafka_offsets_emitted(o, 6);
  g_assert_cmpint(gust_kafka_offsets_committed_offset(o), ==, 5);
  g_assert_true(gust_kafka_offsets_failed(o, 5, 100, &policy));
  g_assert_cmpint(gust_kafka_offsets_ready_retry(o, 100), ==, 5); /* initial delay 0 */
  g_assert_true(gust_kafka_offsets_should_emit(o, 5, 100));
  gust_kafka_offsets_emitted(o, 5);
  g_assert_true(gust_kafka_offsets_failed(o, 5, 100, &policy)); /* 2nd: 1000 * 2 */
  g_assert_cmpint(gust_kafka_offsets_ready_retry(o, 2099), ==, -1);
  g_assert_false(gust_kafka_offsets_should_emit(o, 5, 2099));
  g_assert_cmpint(gust_kafka_offsets_lowest_retry(o), ==, 5);
  g_assert_true(gust_kafka_offsets_should_emit(o, 5, 2100));
  gust_kafka_offsets_emitted(o, 5);
  g_assert_true(gust_kafka_offsets_failed(o, 5, 0, &policy)); /* 3rd: 4000 */
  g_assert_false(gust_kafka_offsets_should_emit(o, 5, 3999));
  gust_kafka_offsets_emitted(o, 5);
  gust_kafka_offsets_acked(o, 6);
  g_assert_cmpint(gust_kafka_offsets_next_commit(o), ==, -1);
  g_assert_false(gust_kafka_offsets_failed(o, 5, 0, &policy)); /* 4th > max retries: acked */
  g_assert_cmpint(gust_kafka_offsets_next_commit(o), ==, 7);
  g_assert_cmpint(gust_kafka_offsets_lowest_retry(o), ==, -1);
  gust_kafka_offsets_free(o);
}

/* ---- a broker and a recording collector ---- */

typedef struct {
  char topic[32];
  int32_t partition;
  int64_t offset;
  char value[32];
  gboolean reliable;
} record;

typedef struct {
  GArray *records; /* record, in emit order */
} collected;

static void collect(void *target, const fc_value *values, size_t n, const fc_value *msg_id)
{
  collected *c = target;
  g_assert_cmpuint(n, ==, 5);
  g_assert_cmpint(values[0].type, ==, FC_STR);
  record r = {
      .partition = (int32_t)values[1].u.i, .offset = values[2].u.i, .reliable = msg_id != NULL};
  g_assert_cmpint(values[4].type, ==, FC_STR);
  g_snprintf(r.topic, sizeof r.topic, "%.*s", (int)values[0].len, values[0].u.str);
  g_snprintf(r.value, sizeof r.value, "%.*s", (int)values[4].len, values[4].u.str);
  if (msg_id) {
    g_assert_cmpint(msg_id->type, ==, FC_LIST);
    g_assert_cmpint(msg_id->u.items[2].u.i, ==, r.offset);
  }
  g_array_append_val(c->records, r);
}

static fc_value id_of(const char *topic, const record *r, fc_value items[3])
{
  items[0] = fc_str(topic);
  items[1] = fc_i64(r->partition);
  items[2] = fc_i64(r->offset);
  return fc_list(items, 3);
}

static void produce(const char *servers, const char *topic, int partitions, int first, int n)
{
  char reason[256];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  g_assert_cmpint(rd_kafka_conf_set(conf, "bootstrap.servers", servers, reason, sizeof reason), ==,
                  RD_KAFKA_CONF_OK);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, reason, sizeof reason);
  g_assert_nonnull(rk);
  for (int i = first; i < first + n; i++) {
    g_autofree char *value = g_strdup_printf("v%d", i);
    g_assert_cmpint(rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic),
                                      RD_KAFKA_V_PARTITION(i % partitions),
                                      RD_KAFKA_V_VALUE(value, strlen(value)),
                                      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
                    ==, 0);
  }
  g_assert_cmpint(rd_kafka_flush(rk, 120000), ==, 0);
  rd_kafka_destroy(rk);
}

/* The group's committed offset of each partition (-1: none). */
static void committed(const char *servers, const char *group, const char *topic, int partitions,
                      int64_t *out)
{
  char reason[256];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", servers, reason, sizeof reason);
  rd_kafka_conf_set(conf, "group.id", group, reason, sizeof reason);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, reason, sizeof reason);
  g_assert_nonnull(rk);
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; p++)
    rd_kafka_topic_partition_list_add(list, topic, p);
  g_assert_cmpint(rd_kafka_committed(rk, list, 120000), ==, 0);
  for (int p = 0; p < partitions; p++)
    out[p] = list->elems[p].offset >= 0 ? list->elems[p].offset : -1;
  rd_kafka_topic_partition_list_destroy(list);
  rd_kafka_destroy(rk);
}

typedef struct {
  gust_kafka_mock *mock;
  char *topic, *group;
  int partitions;
} fixture;

static void fixture_setup(fixture *f, int partitions)
{
  GError *error = NULL;
  f->mock = gust_kafka_mock_new(1, &error);
  g_assert_no_error(error);
  f->partitions = partitions;
  f->topic = g_strdup_printf("t%u", g_random_int());
  f->group = g_strdup_printf("g%u", g_random_int());
  g_assert_true(gust_kafka_mock_create_topic(f->mock, f->topic, partitions, &error));
}

static void fixture_teardown(fixture *f)
{
  gust_kafka_mock_free(f->mock);
  g_free(f->topic);
  g_free(f->group);
}

/* The normalized conf the topology model writes, with overrides. */
static json_t *spout_conf(const fixture *f, const char *strategy, json_t *overrides)
{
  json_t *kconf = json_pack(
      "{s{ss ss ss ss ss} s[s] ss ss sI sI sI ss s{sI sI sI sI}}", "props", "bootstrap.servers",
      gust_kafka_mock_bootstrap(f->mock), "group.id", f->group, "auto.offset.reset", "earliest",
      "reconnect.backoff.max.ms", "200", "topic.metadata.refresh.interval.ms", "500", "topics",
      f->topic, "first.poll.offset.strategy", strategy, "processing.guarantee", "AT_LEAST_ONCE",
      "offset.commit.period.ms", (json_int_t)100, "max.uncommitted.offsets", (json_int_t)10000000,
      "partition.refresh.period.ms", (json_int_t)500, "record.translator", "default", "retry",
      "initial.delay.us", (json_int_t)0, "delay.period.us", (json_int_t)1000, "max.retries",
      (json_int_t)100, "max.delay.us", (json_int_t)10000);
  if (overrides) {
    json_object_update(json_object_get(kconf, "props"), json_object_get(overrides, "props"));
    json_object_del(overrides, "props");
    json_object_update(kconf, overrides);
    json_decref(overrides);
  }
  return json_pack("{so}", GUST_KAFKA_SPOUT_CONF, kconf);
}

static gust_kafka_spout *spout_new(json_t *conf, int task_index, int n_tasks, GByteArray *restored)
{
  gust_kafka_spout_params params = {
      .conf = conf,
      .topology_name = "kafka-test",
      .component_id = "kafka-spout",
      .task_id = task_index + 1,
      .task_index = task_index,
      .n_tasks = n_tasks,
      .restored = restored ? restored->data : NULL,
      .restored_len = restored ? restored->len : 0,
  };
  GError *error = NULL;
  gust_kafka_spout *s = gust_kafka_spout_new(&params, &error);
  g_assert_no_error(error);
  return s;
}

/* Calls next() until `want` records were collected or timeout_s passed. */
static void drive(gust_kafka_spout *s, collected *c, guint want, double timeout_s)
{
  int64_t end = g_get_monotonic_time() + (int64_t)(timeout_s * 1e6);
  while (c->records->len < want && g_get_monotonic_time() < end) {
    if (!gust_kafka_spout_next(s, collect, c)) g_usleep(2000);
  }
}

/* Keeps calling next() for seconds (commits and callbacks run). */
static void idle(gust_kafka_spout *s, collected *c, double seconds)
{
  int64_t end = g_get_monotonic_time() + (int64_t)(seconds * 1e6);
  while (g_get_monotonic_time() < end) {
    gust_kafka_spout_next(s, collect, c);
    g_usleep(5000);
  }
}

/* Keeps calling next() until the group's committed offsets are `expect`
 * (every partition), or the hang bound passed; asserts they are. */
static void idle_until_committed(gust_kafka_spout *s, collected *c, const char *servers,
                                 const char *group, const char *topic, int partitions,
                                 const int64_t *expect)
{
  int64_t end = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;
  int64_t offsets[8];
  g_assert_cmpint(partitions, <=, (int)G_N_ELEMENTS(offsets));
  for (;;) {
    idle(s, c, 0.1);
    committed(servers, group, topic, partitions, offsets);
    if (!memcmp(offsets, expect, sizeof *expect * (size_t)partitions) ||
        g_get_monotonic_time() >= end)
      break;
  }
  for (int p = 0; p < partitions; p++)
    g_assert_cmpint(offsets[p], ==, expect[p]);
}

/* Keeps calling next() until `partition` gave at least `want` records. */
static guint drive_partition(gust_kafka_spout *s, collected *c, int partition, guint want)
{
  int64_t end = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;
  guint n = 0;
  for (;;) {
    n = 0;
    for (guint i = 0; i < c->records->len; i++)
      n += g_array_index(c->records, record, i).partition == partition;
    if (n >= want || g_get_monotonic_time() >= end) return n;
    if (!gust_kafka_spout_next(s, collect, c)) g_usleep(2000);
  }
}

static void ack(gust_kafka_spout *s, const char *topic, const record *r)
{
  fc_value items[3];
  fc_value id = id_of(topic, r, items);
  gust_kafka_spout_ack(s, &id);
}

static void fail(gust_kafka_spout *s, const char *topic, const record *r)
{
  fc_value items[3];
  fc_value id = id_of(topic, r, items);
  gust_kafka_spout_fail(s, &id);
}

static collected collected_new(void)
{
  return (collected){g_array_new(FALSE, TRUE, sizeof(record))};
}

/* ---- the spout ---- */

static void test_commits_only_past_acked_records(fixture *f, gconstpointer data)
{
  enum { N = 60 };
  produce(gust_kafka_mock_bootstrap(f->mock), f->topic, f->partitions, 0, N);
  json_t *conf = spout_conf(f, "EARLIEST", NULL);
  gust_kafka_spout *s = spout_new(conf, 0, 1, NULL);
  collected c = collected_new();
  drive(s, &c, N, 120);
  g_assert_cmpuint(c.records->len, ==, N);
  g_assert_cmpuint(gust_kafka_spout_n_partitions(s), ==, (guint)f->partitions);
  /* ack everything except partition 0 offset 4 */
  const record *held = NULL;
  for (guint i = 0; i < c.records->len; i++) {
    const record *r = &g_array_index(c.records, record, i);
    g_assert_true(r->reliable);
    if (r->partition == 0 && r->offset == 4)
      held = r;
    else
      ack(s, f->topic, r);
  }
  g_assert_nonnull(held);
  /* not past the record still in flight (a commit past it would be
   * seen as a mismatch first, and never undone) */
  const int64_t held_back[3] = {4, N / 3, N / 3};
  g_assert_cmpint(f->partitions, ==, 3);
  idle_until_committed(s, &c, gust_kafka_mock_bootstrap(f->mock), f->group, f->topic, f->partitions,
                       held_back);
  ack(s, f->topic, held);
  const int64_t all[3] = {N / 3, N / 3, N / 3};
  idle_until_committed(s, &c, gust_kafka_mock_bootstrap(f->mock), f->group, f->topic, f->partitions,
                       all);
  g_assert_cmpuint(c.records->len, ==, N); /* nothing emitted twice */
  gust_kafka_spout_free(s);
  g_array_unref(c.records);
  json_decref(conf);
}

static void test_failed_records_are_replayed_until_acked(fixture *f, gconstpointer data)
{
  enum { N = 40 };
  produce(gust_kafka_mock_bootstrap(f->mock), f->topic, f->partitions, 0, N);
  json_t *conf = spout_conf(f, "EARLIEST", NULL);
  gust_kafka_spout *s = spout_new(conf, 0, 1, NULL);
  collected c = collected_new();
  drive(s, &c, N, 120);
  g_assert_cmpuint(c.records->len, ==, N);
  /* keys are copies: the records array moves as it grows */
  GHashTable *acked = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  GHashTable *failed_once = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  /* settle as they come: fail every 4th value the first time it is seen */
  int64_t end = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;
  guint settled = 0;
  while (g_hash_table_size(acked) < N && g_get_monotonic_time() < end) {
    for (; settled < c.records->len; settled++) {
      record *r = &g_array_index(c.records, record, settled);
      int n = atoi(r->value + 1);
      if (n % 4 == 0 && !g_hash_table_contains(failed_once, r->value)) {
        g_hash_table_add(failed_once, g_strdup(r->value));
        fail(s, f->topic, r);
      } else {
        g_assert_false(g_hash_table_contains(acked, r->value)); /* acked ones never come back */
        g_hash_table_add(acked, g_strdup(r->value));
        ack(s, f->topic, r);
      }
    }
    if (!gust_kafka_spout_next(s, collect, &c)) g_usleep(2000);
  }
  g_assert_cmpuint(g_hash_table_size(acked), ==, N);
  g_assert_cmpuint(g_hash_table_size(failed_once), ==, N / 4);
  g_assert_cmpuint(c.records->len, ==, N + N / 4); /* each failed record replayed once */
  int64_t expect[3];
  g_assert_cmpint(f->partitions, ==, 3);
  for (int p = 0; p < f->partitions; p++)
    expect[p] = (N - p + f->partitions - 1) / f->partitions;
  idle_until_committed(s, &c, gust_kafka_mock_bootstrap(f->mock), f->group, f->topic, f->partitions,
                       expect);
  g_hash_table_destroy(acked);
  g_hash_table_destroy(failed_once);
  gust_kafka_spout_free(s);
  g_array_unref(c.records);
  json_decref(conf);
}

static void test_partitions_spread_over_tasks(fixture *f, gconstpointer data)
{
  enum { N = 30 };
  produce(gust_kafka_mock_bootstrap(f->mock), f->topic, f->partitions, 0, N);
  json_t *conf = spout_conf(f, "EARLIEST", NULL);
  gust_kafka_spout *a = spout_new(conf, 0, 2, NULL), *b = spout_new(conf, 1, 2, NULL);
  collected ca = collected_new(), cb = collected_new();
  int64_t end = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;
  while (ca.records->len + cb.records->len < N && g_get_monotonic_time() < end) {
    gust_kafka_spout_next(a, collect, &ca);
    gust_kafka_spout_next(b, collect, &cb);
    g_usleep(2000);
  }
  /* sorted partitions 0, 1, 2: task 0 reads 0 and 2, task 1 reads 1 */
  g_assert_cmpuint(gust_kafka_spout_n_partitions(a), ==, 2);
  g_assert_cmpuint(gust_kafka_spout_n_partitions(b), ==, 1);
  for (guint i = 0; i < ca.records->len; i++)
    g_assert_cmpint(g_array_index(ca.records, record, i).partition % 2, ==, 0);
  for (guint i = 0; i < cb.records->len; i++)
    g_assert_cmpint(g_array_index(cb.records, record, i).partition, ==, 1);
  g_assert_cmpuint(ca.records->len + cb.records->len, ==, N);
  gust_kafka_spout_free(a);
  gust_kafka_spout_free(b);
  g_array_unref(ca.records);
  g_array_unref(cb.records);
  json_decref(conf);
}

static void test_pattern_reads_every_matching_topic(fixture *f, gconstpointer data)
{
  const char *servers = gust_kafka_mock_bootstrap(f->mock);
  g_autofree char *a = g_strdup_printf("%s-a", f->topic), *b = g_strdup_printf("%s-b", f->topic);
  g_autofree char *other = g_strdup_printf("x%s", f->topic);
  GError *error = NULL;
  g_assert_true(gust_kafka_mock_create_topic(f->mock, a, 1, &error));
  g_assert_true(gust_kafka_mock_create_topic(f->mock, b, 2, &error));
  g_assert_true(gust_kafka_mock_create_topic(f->mock, other, 1, &error));
  produce(servers, a, 1, 0, 5);
  produce(servers, b, 2, 0, 6);
  produce(servers, other, 1, 0, 7);
  g_autofree char *pattern = g_strdup_printf("%s-.*", f->topic);
  json_t *conf = spout_conf(f, "EARLIEST", json_pack("{ss}", "topic.pattern", pattern));
  json_object_del(json_object_get(conf, GUST_KAFKA_SPOUT_CONF), "topics");
  gust_kafka_spout *s = spout_new(conf, 0, 1, NULL);
  collected c = collected_new();
  drive(s, &c, 11, 120);
  idle(s, &c, 0.3);
  g_assert_cmpuint(c.records->len, ==, 11);
  g_assert_cmpuint(gust_kafka_spout_n_partitions(s), ==, 3);
  for (guint i = 0; i < c.records->len; i++) {
    const char *topic = g_array_index(c.records, record, i).topic;
    g_assert_true(g_str_equal(topic, a) || g_str_equal(topic, b));
  }
  gust_kafka_spout_free(s);
  g_array_unref(c.records);
  json_decref(conf);
}

static void test_at_most_once_and_no_guarantee_commit_positions(fixture *f, gconstpointer data)
{
  enum { N = 15 };
  const char *servers = gust_kafka_mock_bootstrap(f->mock);
  produce(servers, f->topic, f->partitions, 0, N);
  static const char *const guarantees[] = {"AT_MOST_ONCE", "NO_GUARANTEE"};
  for (gsize g = 0; g < G_N_ELEMENTS(guarantees); g++) {
    g_free(f->group);
    f->group = g_strdup_printf("g%u", g_random_int());
    json_t *conf =
        spout_conf(f, "EARLIEST", json_pack("{ss}", "processing.guarantee", guarantees[g]));
    gust_kafka_spout *s = spout_new(conf, 0, 1, NULL);
    collected c = collected_new();
    drive(s, &c, N, 120);
    g_assert_cmpuint(c.records->len, ==, N);
    for (guint i = 0; i < c.records->len; i++)
      g_assert_false(g_array_index(c.records, record, i).reliable); /* no message ids */
    /* nothing was acked, yet the positions are committed (NO_GUARANTEE:
     * by the periodic commit, the first after 500 ms) */
    const int64_t positions[3] = {N / 3, N / 3, N / 3};
    g_assert_cmpint(f->partitions, ==, 3);
    idle_until_committed(s, &c, servers, f->group, f->topic, f->partitions, positions);
    gust_kafka_spout_free(s);
    g_array_unref(c.records);
    json_decref(conf);
  }
}

static void test_max_uncommitted_offsets_pauses_polling(fixture *f, gconstpointer data)
{
  enum { N = 50, CAP = 5 };
  produce(gust_kafka_mock_bootstrap(f->mock), f->topic, f->partitions, 0, N);
  json_t *conf = spout_conf(f, "EARLIEST",
                            json_pack("{sI s{ss}}", "max.uncommitted.offsets", (json_int_t)CAP,
                                      "props", "max.poll.records", "1"));
  gust_kafka_spout *s = spout_new(conf, 0, 1, NULL);
  collected c = collected_new();
  drive_partition(s, &c, 0, CAP);
  idle(s, &c, 0.5); /* more could only come if polling went on: a busy machine gives fewer */
  /* per partition at most CAP uncommitted (one record of overshoot allowed, as Storm's
   * max.poll.records - 1, plus what was fetched before the pause took effect) */
  guint per_partition[1] = {drive_partition(s, &c, 0, 0)};
  g_test_message("partition 0: %u emitted with nothing acked", per_partition[0]);
  g_assert_cmpuint(per_partition[0], >=, CAP);
  g_assert_cmpuint(per_partition[0], <=, CAP + 1);
  /* acking lets it go on */
  for (guint i = 0; i < c.records->len; i++)
    ack(s, f->topic, &g_array_index(c.records, record, i));
  guint before = c.records->len;
  drive(s, &c, before + 1, 120);
  g_assert_cmpuint(c.records->len, >, before);
  gust_kafka_spout_free(s);
  g_array_unref(c.records);
  json_decref(conf);
}

/* Reads with a new spout until `expect` records came (with the partitions
 * assigned, when none are expected), then a little longer to see any more,
 * acks them all and closes (the last commit waits for its answer). */
static guint count_reads(const char *strategy, fixture *f, guint expect)
{
  json_t *conf = spout_conf(f, strategy, NULL);
  gust_kafka_spout *s = spout_new(conf, 0, 1, NULL);
  collected c = collected_new();
  drive(s, &c, expect, 120);
  int64_t end = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;
  while (gust_kafka_spout_n_partitions(s) < (guint)f->partitions && g_get_monotonic_time() < end)
    idle(s, &c, 0.01);
  idle(s, &c, 0.5); /* more than expected could come: a busy machine gives fewer */
  for (guint i = 0; i < c.records->len; i++)
    ack(s, f->topic, &g_array_index(c.records, record, i));
  idle(s, &c, 0.1);
  guint n = c.records->len;
  gust_kafka_spout_free(s);
  g_array_unref(c.records);
  json_decref(conf);
  return n;
}

static void test_first_poll_offset_strategies(fixture *f, gconstpointer data)
{
  const char *servers = gust_kafka_mock_bootstrap(f->mock);
  produce(servers, f->topic, f->partitions, 0, 12);
  g_assert_cmpuint(count_reads("UNCOMMITTED_LATEST", f, 0), ==, 0); /* nothing committed: end */
  g_assert_cmpuint(count_reads("UNCOMMITTED_EARLIEST", f, 12), ==,
                   12); /* nothing committed: start */
  produce(servers, f->topic, f->partitions, 12, 6);
  g_assert_cmpuint(count_reads("UNCOMMITTED_EARLIEST", f, 6), ==, 6); /* from the commits */
  g_assert_cmpuint(count_reads("EARLIEST", f, 18), ==, 18);           /* commits ignored */
  g_assert_cmpuint(count_reads("LATEST", f, 0), ==, 0);
  produce(servers, f->topic, f->partitions, 18, 3);
  g_assert_cmpuint(count_reads("UNCOMMITTED_LATEST", f, 3), ==, 3); /* from the commits */
}

static void test_snapshot_resumes_a_new_spout_where_the_old_stopped(fixture *f, gconstpointer data)
{
  enum { N = 30 };
  produce(gust_kafka_mock_bootstrap(f->mock), f->topic, f->partitions, 0, N);
  json_t *conf = spout_conf(f, "EARLIEST", json_pack("{s{ss}}", "props", "max.poll.records", "4"));
  gust_kafka_spout *s = spout_new(conf, 0, 1, NULL);
  collected c = collected_new();
  drive(s, &c, 12, 120); /* part of the topic */
  /* one record fails (retry pending at the snapshot), the rest are acked */
  const record failed_copy = g_array_index(c.records, record, 1), *failed = &failed_copy;
  fail(s, f->topic, failed);
  GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < c.records->len; i++) {
    record *r = &g_array_index(c.records, record, i);
    if (i == 1) continue;
    g_hash_table_add(seen, g_strdup(r->value));
    ack(s, f->topic, r);
  }
  g_autoptr(GByteArray) bytes = g_byte_array_new();
  GError *error = NULL;
  g_assert_true(gust_kafka_spout_snapshot(s, 1, bytes, &error));
  g_assert_no_error(error);
  g_test_message("snapshot: %.*s", (int)bytes->len, (const char *)bytes->data);
  gust_kafka_spout_checkpoint_complete(s, 1);
  idle(s, &c, 0.2); /* the commit of checkpoint 1 is served */
  gust_kafka_spout_free(s);

  /* a new spout from the snapshot: every partition resumes at its snapshot
   * offset (the lowest offset not done: the failed record's in its
   * partition), so nothing is lost; records after a failed one may come
   * twice (at-least-once) */
  json_t *snapshot = json_loadb((const char *)bytes->data, bytes->len, 0, NULL);
  int64_t resume[3] = {0, 0, 0};
  json_t *entry;
  size_t k;
  json_array_foreach(json_object_get(snapshot, "offsets"), k, entry)
  {
    resume[json_integer_value(json_object_get(entry, "partition"))] =
        json_integer_value(json_object_get(entry, "offset"));
  }
  g_assert_cmpint(resume[failed->partition], ==, failed->offset);
  json_decref(snapshot);
  s = spout_new(conf, 0, 1, bytes);
  collected again = collected_new();
  /* every value not acked before the snapshot comes again */
  int64_t end = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;
  guint news = 0;
  while (news < N - g_hash_table_size(seen) && g_get_monotonic_time() < end) {
    idle(s, &again, 0.05);
    news = 0;
    for (guint i = 0; i < again.records->len; i++)
      news += !g_hash_table_contains(seen, g_array_index(again.records, record, i).value);
  }
  gboolean failed_again = FALSE;
  for (guint i = 0; i < again.records->len; i++) {
    record *r = &g_array_index(again.records, record, i);
    g_assert_cmpint(r->offset, >=, resume[r->partition]);
    failed_again |= g_str_equal(r->value, failed->value);
    g_hash_table_add(seen, g_strdup(r->value));
  }
  g_assert_true(failed_again);
  g_assert_cmpuint(g_hash_table_size(seen), ==, N);
  /* corrupt state is refused with the component named */
  gust_kafka_spout_params params = {.conf = conf,
                                    .topology_name = "kafka-test",
                                    .component_id = "kafka-spout",
                                    .task_id = 1,
                                    .n_tasks = 1,
                                    .restored = (const uint8_t *)"nonsense",
                                    .restored_len = 8};
  g_assert_null(gust_kafka_spout_new(&params, &error));
  assert_contains(error->message, "kafka spout 'kafka-spout'");
  g_clear_error(&error);
  g_hash_table_destroy(seen);
  gust_kafka_spout_free(s);
  g_array_unref(c.records);
  g_array_unref(again.records);
  json_decref(conf);
}

/* ---- broker outages ---- */

typedef struct {
  pthread_mutex_t lock;
  GString *warnings;
} log_capture;

static void capture_log(const gchar *domain, GLogLevelFlags level, const gchar *message,
                        gpointer data)
{
  log_capture *capture = data;
  pthread_mutex_lock(&capture->lock);
  if (level & G_LOG_LEVEL_WARNING) g_string_append_printf(capture->warnings, "%s\n", message);
  pthread_mutex_unlock(&capture->lock);
  g_log_default_handler(domain, level, message, NULL);
}

static void test_broker_outage_is_reported_and_nothing_is_lost(fixture *f, gconstpointer data)
{
  enum { N = 20 };
  log_capture capture = {.warnings = g_string_new(NULL)};
  pthread_mutex_init(&capture.lock, NULL);
  guint handler = g_log_set_handler("gust-kafka", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE,
                                    capture_log, &capture);
  const char *servers = gust_kafka_mock_bootstrap(f->mock);
  produce(servers, f->topic, f->partitions, 0, N);
  json_t *conf = spout_conf(f, "EARLIEST", NULL);
  gust_kafka_spout *s = spout_new(conf, 0, 1, NULL);
  collected c = collected_new();
  drive(s, &c, N, 120);
  g_assert_cmpuint(c.records->len, ==, N);

  GError *error = NULL;
  g_assert_true(gust_kafka_mock_set_broker_up(f->mock, -1, FALSE, &error));
  /* the spout keeps running, and says what is wrong */
  int64_t end = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;
  for (gboolean told = FALSE; !told && g_get_monotonic_time() < end;) {
    idle(s, &c, 0.05);
    pthread_mutex_lock(&capture.lock);
    told = strstr(capture.warnings->str, "kafka spout 'kafka-spout' (task 1)") &&
           strstr(capture.warnings->str, servers);
    pthread_mutex_unlock(&capture.lock);
  }
  pthread_mutex_lock(&capture.lock);
  g_test_message("warnings while down:\n%s", capture.warnings->str);
  assert_contains(capture.warnings->str, "kafka spout 'kafka-spout' (task 1)");
  assert_contains(capture.warnings->str, f->topic);
  assert_contains(capture.warnings->str, servers);
  pthread_mutex_unlock(&capture.lock);

  g_assert_true(gust_kafka_mock_set_broker_up(f->mock, -1, TRUE, &error));
  produce(servers, f->topic, f->partitions, N, N);
  drive(s, &c, 2 * N, 120);
  g_assert_cmpuint(c.records->len, ==, 2 * N);
  GHashTable *values = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < c.records->len; i++)
    g_hash_table_add(values, g_array_index(c.records, record, i).value);
  g_assert_cmpuint(g_hash_table_size(values), ==, 2 * N);
  g_hash_table_destroy(values);

  g_log_remove_handler("gust-kafka", handler);
  gust_kafka_spout_free(s);
  g_array_unref(c.records);
  json_decref(conf);
  pthread_mutex_destroy(&capture.lock);
  g_string_free(capture.warnings, TRUE);
}

static void setup3(fixture *f, gconstpointer data)
{
  fixture_setup(f, 3);
}

static void teardown(fixture *f, gconstpointer data)
{
  fixture_teardown(f);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  /* warnings are what the outage test looks for: not fatal here */
  g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_test_add_func("/kafka/ledger_commits_the_contiguous_acked_prefix",
                  test_ledger_commits_the_contiguous_acked_prefix);
  g_test_add_func("/kafka/ledger_retries_with_backoff_then_gives_up",
                  test_ledger_retries_with_backoff_then_gives_up);
#define SPOUT_TEST(name)                                                                           \
  g_test_add("/kafka/spout/" #name, fixture, NULL, setup3, test_##name, teardown)
  SPOUT_TEST(commits_only_past_acked_records);
  SPOUT_TEST(failed_records_are_replayed_until_acked);
  SPOUT_TEST(partitions_spread_over_tasks);
  SPOUT_TEST(pattern_reads_every_matching_topic);
  SPOUT_TEST(at_most_once_and_no_guarantee_commit_positions);
  SPOUT_TEST(max_uncommitted_offsets_pauses_polling);
  SPOUT_TEST(first_poll_offset_strategies);
  SPOUT_TEST(snapshot_resumes_a_new_spout_where_the_old_stopped);
  SPOUT_TEST(broker_outage_is_reported_and_nothing_is_lost);
  return g_test_run();
}
