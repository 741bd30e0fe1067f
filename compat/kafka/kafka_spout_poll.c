/* kafka_spout_poll.c — the Kafka spout's next(): what happens on each turn
 * of the spout task (see kafka_spout.c for the whole):
 *   1. a partition assignment published by the discovery thread is taken
 *      and applied (rd_kafka_assign: manual, no group rebalancing); kept
 *      partitions continue from where they were, new ones start at the
 *      restored snapshot's offset, else at the first poll strategy's;
 *   2. partitions whose failed offsets are due for a retry seek back to
 *      the lowest such offset (asynchronously; not again for the same
 *      offset within RETRY_SEEK_AGAIN_US unless its record came back);
 *   3. the periodic commit runs if due (kafka_spout_state.c);
 *   4. AT_LEAST_ONCE: partitions with max.uncommitted.offsets uncommitted
 *      and no retry due are paused, others resumed;
 *   5. a non-blocking poll of at most max.poll.records records (fewer
 *      when topology.max.spout.pending would be exceeded); AT_MOST_ONCE
 *      commits their positions before emitting; records re-read after a
 *      seek are skipped when acked, in flight or not yet due, as Storm does.
 * Everything runs on the task thread; librdkafka's error and commit
 * callbacks are served inside rd_kafka_consumer_poll() on it too.
 */
#define G_LOG_DOMAIN "gust-kafka"

#include "kafka_spout_private.h"

enum { RETRY_SEEK_AGAIN_US = 1000000 };

/* ---- assignment ---- */

static int64_t start_offset(gust_kafka_spout *s, const gust_kafka_partition *p, const char *key)
{
  const int64_t *restored = g_hash_table_lookup(s->restored, key);
  if (restored) return *restored;
  switch (s->strategy) {
  case STRATEGY_EARLIEST:
    return RD_KAFKA_OFFSET_BEGINNING;
  case STRATEGY_LATEST:
    return RD_KAFKA_OFFSET_END;
  case STRATEGY_UNCOMMITTED_EARLIEST:
    return p->committed >= 0 ? p->committed : RD_KAFKA_OFFSET_BEGINNING;
  case STRATEGY_UNCOMMITTED_LATEST:
  default:
    return p->committed >= 0 ? p->committed : RD_KAFKA_OFFSET_END;
  }
}

static const char *describe_offset(int64_t offset, char *buf, size_t size)
{
  if (offset == RD_KAFKA_OFFSET_BEGINNING) return "the beginning";
  if (offset == RD_KAFKA_OFFSET_END) return "the end";
  g_snprintf(buf, size, "offset %" G_GINT64_FORMAT, offset);
  return buf;
}

static spout_partition *partition_new(gust_kafka_spout *s, const gust_kafka_partition *p,
                                      const char *key)
{
  spout_partition *sp = g_new0(spout_partition, 1);
  sp->topic = g_strdup(p->topic);
  sp->partition = p->partition;
  sp->key = g_strdup(key);
  sp->start = start_offset(s, p, key);
  sp->ledger = gust_kafka_offsets_new(sp->start >= 0 ? sp->start : -1);
  sp->next_to_emit = -1;
  sp->kafka_committed = p->committed;
  sp->seek_offset = -1;
  char buf[64];
  g_info("%s: reading topic %s partition %d from %s", s->client.who, p->topic, p->partition,
         describe_offset(sp->start, buf, sizeof buf));
  return sp;
}

/* Assigns exactly `assigned`; partitions kept continue where they were. */
static void apply_assignment(gust_kafka_spout *s, GPtrArray *assigned)
{
  GHashTable *next =
      g_hash_table_new_full(g_str_hash, g_str_equal, NULL, kafka_spout_partition_free);
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new((int)assigned->len);
  for (guint i = 0; i < assigned->len; i++) {
    const gust_kafka_partition *p = assigned->pdata[i];
    char key[KAFKA_SPOUT_KEY_MAX];
    kafka_spout_partition_key(key, p->topic, p->partition);
    gpointer old_key = NULL, old = NULL;
    spout_partition *sp;
    if (g_hash_table_steal_extended(s->partitions, key, &old_key, &old))
      sp = old;
    else
      sp = partition_new(s, p, key);
    sp->paused = FALSE;
    g_hash_table_insert(next, sp->key, sp);
    rd_kafka_topic_partition_list_add(list, sp->topic, sp->partition)->offset =
        sp->next_to_emit >= 0 ? sp->next_to_emit : sp->start;
  }
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, s->partitions);
  while (g_hash_table_iter_next(&it, NULL, &value)) {
    const spout_partition *gone = value;
    g_info("%s: no longer reads topic %s partition %d", s->client.who, gone->topic,
           gone->partition);
  }
  g_hash_table_destroy(s->partitions);
  s->partitions = next;
  rd_kafka_resp_err_t err = rd_kafka_assign(s->rk, list);
  if (err)
    g_warning("%s: assigning %d partitions failed: %s", s->client.who, list->cnt,
              rd_kafka_err2str(err));
  rd_kafka_topic_partition_list_destroy(list);
}

/* ---- retries and back-pressure ---- */

static void seek_retries(gust_kafka_spout *s, int64_t now_us)
{
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, s->partitions);
  while (g_hash_table_iter_next(&it, NULL, &value)) {
    spout_partition *sp = value;
    int64_t retry = gust_kafka_offsets_ready_retry(sp->ledger, now_us);
    if (retry < 0 || (retry == sp->seek_offset && now_us - sp->seek_us < RETRY_SEEK_AGAIN_US))
      continue;
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, sp->topic, sp->partition)->offset = retry;
    rd_kafka_error_t *err = rd_kafka_seek_partitions(s->rk, list, 0);
    if (err) {
      g_warning("%s: seeking topic %s partition %d back to offset %" G_GINT64_FORMAT
                " for a retry failed: %s",
                s->client.who, sp->topic, sp->partition, retry, rd_kafka_error_string(err));
      rd_kafka_error_destroy(err);
    }
    rd_kafka_topic_partition_list_destroy(list);
    sp->seek_offset = retry;
    sp->seek_us = now_us;
  }
}

static void pause_or_resume(gust_kafka_spout *s, int64_t now_us)
{
  if (s->guarantee != GUARANTEE_AT_LEAST_ONCE) return;
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, s->partitions);
  while (g_hash_table_iter_next(&it, NULL, &value)) {
    spout_partition *sp = value;
    gboolean full = gust_kafka_offsets_uncommitted(sp->ledger) >= (guint64)s->max_uncommitted &&
                    gust_kafka_offsets_ready_retry(sp->ledger, now_us) < 0;
    if (full == sp->paused) continue;
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, sp->topic, sp->partition);
    rd_kafka_resp_err_t err =
        full ? rd_kafka_pause_partitions(s->rk, list) : rd_kafka_resume_partitions(s->rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (!err) sp->paused = full;
  }
}

/* ---- polling and emitting ---- */

static void report_record_error(gust_kafka_spout *s, const rd_kafka_message_t *m)
{
  if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return;
  s->client.troubled = TRUE;
  if (m->rkt)
    g_warning("%s: topic %s partition %d: %s", s->client.who, rd_kafka_topic_name(m->rkt),
              m->partition, rd_kafka_message_errstr(m));
  else
    g_warning("%s, reading %s: %s", s->client.who, s->client.where, rd_kafka_message_errstr(m));
}

static void emit_record(gust_kafka_spout *s, const rd_kafka_message_t *m, gboolean reliable,
                        gust_kafka_emit_fn emit, void *target)
{
  const char *topic = rd_kafka_topic_name(m->rkt);
  char *key_scratch, *value_scratch;
  fc_value values[5] = {
      fc_str(topic),
      fc_i64(m->partition),
      fc_i64(m->offset),
      gust_kafka_payload_value(s->key_format, m->key, m->key_len, &key_scratch),
      gust_kafka_payload_value(s->value_format, m->payload, m->len, &value_scratch),
  };
  fc_value id_items[3] = {values[0], values[1], values[2]};
  fc_value msg_id = fc_list(id_items, 3);
  if (s->value_only)
    emit(target, &values[4], 1, reliable ? &msg_id : NULL);
  else
    emit(target, values, 5, reliable ? &msg_id : NULL);
  g_free(key_scratch);
  g_free(value_scratch);
}

/* Handles one polled record; returns whether it was emitted. */
static gboolean take_record(gust_kafka_spout *s, const rd_kafka_message_t *m, int64_t now_us,
                            gust_kafka_emit_fn emit, void *target)
{
  spout_partition *sp = kafka_spout_partition(s, rd_kafka_topic_name(m->rkt), m->partition);
  if (!sp) return FALSE; /* fetched before a reassignment */
  if (s->client.troubled) {
    g_message("%s: receiving records again (topic %s partition %d offset %" G_GINT64_FORMAT ")",
              s->client.who, sp->topic, sp->partition, (int64_t)m->offset);
    s->client.troubled = FALSE;
  }
  sp->next_to_emit = MAX(sp->next_to_emit, m->offset + 1);
  if (m->offset == sp->seek_offset) sp->seek_offset = -1;
  if (s->guarantee != GUARANTEE_AT_LEAST_ONCE) {
    emit_record(s, m, FALSE, emit, target);
    return TRUE;
  }
  if (!gust_kafka_offsets_should_emit(sp->ledger, m->offset, now_us)) return FALSE;
  gust_kafka_offsets_emitted(sp->ledger, m->offset);
  s->in_flight++;
  emit_record(s, m, TRUE, emit, target);
  return TRUE;
}

static guint poll_budget(const gust_kafka_spout *s)
{
  if (s->guarantee != GUARANTEE_AT_LEAST_ONCE || s->max_pending <= 0) return s->batch;
  if ((int64_t)s->in_flight >= s->max_pending) return 1;
  return (guint)MIN((int64_t)s->batch, s->max_pending - (int64_t)s->in_flight);
}

/* AT_MOST_ONCE, when committing failed: the batch's records are read
 * again later (each partition seeks back to its lowest offset in it). */
static void rewind_batch(gust_kafka_spout *s, GPtrArray *batch)
{
  GHashTable *lowest = g_hash_table_new(g_direct_hash, g_direct_equal); /* sp -> offset + 1 */
  for (guint i = 0; i < batch->len; i++) {
    const rd_kafka_message_t *m = batch->pdata[i];
    spout_partition *sp =
        m->err ? NULL : kafka_spout_partition(s, rd_kafka_topic_name(m->rkt), m->partition);
    int64_t seen = sp ? GPOINTER_TO_SIZE(g_hash_table_lookup(lowest, sp)) : 0;
    if (sp && (!seen || m->offset + 1 < seen))
      g_hash_table_insert(lowest, sp, GSIZE_TO_POINTER((gsize)(m->offset + 1)));
  }
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, lowest);
  while (g_hash_table_iter_next(&it, &key, &value)) {
    spout_partition *sp = key;
    sp->next_to_emit = (int64_t)GPOINTER_TO_SIZE(value) - 1;
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, sp->topic, sp->partition)->offset = sp->next_to_emit;
    rd_kafka_error_t *err = rd_kafka_seek_partitions(s->rk, list, 0);
    if (err) rd_kafka_error_destroy(err);
    rd_kafka_topic_partition_list_destroy(list);
  }
  g_hash_table_destroy(lowest);
}

guint gust_kafka_spout_next(gust_kafka_spout *s, gust_kafka_emit_fn emit, void *target)
{
  int64_t now_us = g_get_monotonic_time();
  GPtrArray *assigned = gust_kafka_discovery_take(s->discovery);
  if (assigned) {
    apply_assignment(s, assigned);
    g_ptr_array_unref(assigned);
  }
  seek_retries(s, now_us);
  kafka_spout_commit_if_due(s, now_us);
  pause_or_resume(s, now_us);

  GPtrArray *batch = g_ptr_array_new_with_free_func((GDestroyNotify)rd_kafka_message_destroy);
  guint budget = poll_budget(s);
  rd_kafka_message_t *m;
  while (batch->len < budget && (m = rd_kafka_consumer_poll(s->rk, 0))) {
    g_ptr_array_add(batch, m);
    if (!m->err) {
      spout_partition *sp = kafka_spout_partition(s, rd_kafka_topic_name(m->rkt), m->partition);
      if (sp && s->guarantee == GUARANTEE_AT_MOST_ONCE)
        sp->next_to_emit = MAX(sp->next_to_emit, m->offset + 1);
    }
  }
  guint emitted = 0;
  if (batch->len && s->guarantee == GUARANTEE_AT_MOST_ONCE &&
      !kafka_spout_commit_positions_sync(s)) {
    rewind_batch(s, batch);
  } else {
    for (guint i = 0; i < batch->len; i++) {
      m = batch->pdata[i];
      if (m->err)
        report_record_error(s, m);
      else if (take_record(s, m, now_us, emit, target))
        emitted++;
    }
  }
  g_ptr_array_unref(batch);
  return emitted;
}
