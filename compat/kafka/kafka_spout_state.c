/* kafka_spout_state.c — where the Kafka spout's progress is written down:
 * offset commits to Kafka, and checkpoint snapshots.
 *
 * Commits, by processing guarantee (storm-kafka-client's
 * KafkaSpoutConfig.ProcessingGuarantee):
 *   AT_LEAST_ONCE  every offset.commit.period.ms (first after 500 ms), the
 *                  contiguous acked prefix of each partition (Storm's rule,
 *                  kafka_offsets.c) — so Kafka never holds an offset past
 *                  a record that was not acked;
 *   AT_MOST_ONCE   the positions, synchronously, after every poll and
 *                  before emitting;
 *   NO_GUARANTEE   the positions, asynchronously, every period.
 * Commits are asynchronous unless said otherwise; librdkafka reports them
 * through offset_commit_cb, served in rd_kafka_consumer_poll() on the task
 * thread, which records what Kafka confirmed.  The last commit, when the
 * spout closes, waits for its answer (at most FINAL_COMMIT_TIMEOUT_MS).  Commit metadata is Storm's
 * JSON {topologyId, taskId, threadName}.
 *
 * Checkpoints: snapshot() writes, per partition, the offset to resume
 * from: the lowest offset emitted and not acked yet (in flight, or failed
 * and waiting for a retry), else the next offset not yet polled; restored
 * partitions not yet reassigned keep their restored offset.  In
 * checkpoint reliability a record is acked only when a checkpoint after
 * it completed and no bolt holds it, and a bolt that holds it at a
 * barrier says so only after this snapshot was taken: so the snapshot
 * cannot tell the held records of its own interval from the others, and
 * resumes from the oldest one not acked.  A restore therefore reads again
 * every record not acked when the snapshot was taken — the held ones, the
 * failed ones, and the interval before the snapshot, some of which the
 * restored bolts' state already has (at-least-once) — and a savepoint,
 * taken with nothing in flight (spout_host.c), repeats nothing.  Format:
 * JSON {"format": "gust-kafka-spout/1", "offsets": [{topic, partition,
 * offset}]}.  The first snapshot switches commits over to checkpoints:
 * from then on Kafka gets a checkpoint's offsets when it completes (for
 * monitoring tools — the checkpoint is the truth), and the periodic tick
 * only forgets acked offsets.  Everything runs on the task thread.
 */
#define G_LOG_DOMAIN "gust-kafka"

#include "kafka_spout_private.h"

#include <gust/runtime.h>
#include <stdlib.h>
#include <string.h>

#define SNAPSHOT_FORMAT "gust-kafka-spout/1"

enum { FINAL_COMMIT_TIMEOUT_MS = 5000 };

/* ---- restored state ---- */

gboolean kafka_spout_read_restored(gust_kafka_spout *s, const uint8_t *bytes, size_t len,
                                   GError **error)
{
  json_error_t parse_error;
  json_t *root = json_loadb((const char *)bytes, len, 0, &parse_error);
  json_t *offsets = json_object_get(root, "offsets");
  gboolean ok = root &&
                !g_strcmp0(json_string_value(json_object_get(root, "format")), SNAPSHOT_FORMAT) &&
                json_is_array(offsets);
  json_t *entry;
  size_t i;
  json_array_foreach(offsets, i, entry)
  {
    const char *topic = json_string_value(json_object_get(entry, "topic"));
    json_t *partition = json_object_get(entry, "partition"),
           *offset = json_object_get(entry, "offset");
    if (!topic || !json_is_integer(partition) || !json_is_integer(offset)) {
      ok = FALSE;
      break;
    }
    int64_t *value = g_new(int64_t, 1);
    *value = json_integer_value(offset);
    g_hash_table_insert(s->restored,
                        g_strdup_printf("%s/%d", topic, (int)json_integer_value(partition)), value);
  }
  json_decref(root);
  if (!ok)
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_CONFIG,
                "%s: the checkpoint it is restored from holds no Kafka spout position (%zu "
                "bytes that are not %s)",
                s->client.who, len, SNAPSHOT_FORMAT);
  else
    g_info("%s: resuming %u partition(s) from a checkpoint", s->client.who,
           g_hash_table_size(s->restored));
  return ok;
}

/* ---- commits ---- */

static void add_commit(gust_kafka_spout *s, rd_kafka_topic_partition_list_t *list,
                       const char *topic, int32_t partition, int64_t offset)
{
  rd_kafka_topic_partition_t *tp = rd_kafka_topic_partition_list_add(list, topic, partition);
  tp->offset = offset;
  tp->metadata = strdup(s->commit_metadata); /* freed by librdkafka with free() */
  tp->metadata_size = strlen(s->commit_metadata);
}

static void commit_async(gust_kafka_spout *s, rd_kafka_topic_partition_list_t *list)
{
  if (list->cnt) {
    rd_kafka_resp_err_t err = rd_kafka_commit(s->rk, list, 1);
    if (err)
      g_warning("%s: committing offsets of %s failed: %s", s->client.who, s->client.where,
                rd_kafka_err2str(err));
  }
  rd_kafka_topic_partition_list_destroy(list);
}

/* AT_LEAST_ONCE: advance each ledger over what is acked; returns the
 * offsets Kafka does not have yet (none once commits follow checkpoints). */
static rd_kafka_topic_partition_list_t *acked_prefixes(gust_kafka_spout *s)
{
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(8);
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, s->partitions);
  while (g_hash_table_iter_next(&it, NULL, &value)) {
    spout_partition *sp = value;
    int64_t next = gust_kafka_offsets_next_commit(sp->ledger);
    if (next >= 0) gust_kafka_offsets_committed(sp->ledger, next);
    int64_t committed = gust_kafka_offsets_committed_offset(sp->ledger);
    if (!s->checkpointed && committed >= 0 && committed > sp->kafka_committed)
      add_commit(s, list, sp->topic, sp->partition, committed);
  }
  return list;
}

/* The positions (next offset to poll) that Kafka does not have yet. */
static rd_kafka_topic_partition_list_t *positions(gust_kafka_spout *s)
{
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(8);
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, s->partitions);
  while (g_hash_table_iter_next(&it, NULL, &value)) {
    const spout_partition *sp = value;
    if (sp->next_to_emit >= 0 && sp->next_to_emit > sp->kafka_committed)
      add_commit(s, list, sp->topic, sp->partition, sp->next_to_emit);
  }
  return list;
}

/* What the guarantee commits periodically, or NULL. */
static rd_kafka_topic_partition_list_t *progress(gust_kafka_spout *s)
{
  if (s->guarantee == GUARANTEE_AT_LEAST_ONCE) return acked_prefixes(s);
  if (s->guarantee == GUARANTEE_NO_GUARANTEE && !s->checkpointed) return positions(s);
  return NULL;
}

void gust_kafka_spout_commit_now(gust_kafka_spout *s)
{
  rd_kafka_topic_partition_list_t *list = progress(s);
  if (list) commit_async(s, list);
}

void kafka_spout_commit_if_due(gust_kafka_spout *s, int64_t now_us)
{
  if (now_us < s->next_commit_us) return;
  s->next_commit_us = now_us + s->commit_period_us;
  gust_kafka_spout_commit_now(s);
}

void kafka_spout_commit_final(gust_kafka_spout *s)
{
  rd_kafka_topic_partition_list_t *list = progress(s);
  if (!list) return;
  if (list->cnt) {
    /* the commit reports on a queue of its own, waited on for a bounded time */
    rd_kafka_queue_t *queue = rd_kafka_queue_new(s->rk);
    rd_kafka_resp_err_t err =
        rd_kafka_commit_queue(s->rk, list, queue, kafka_spout_offset_commit_cb, s);
    int64_t end = g_get_monotonic_time() + FINAL_COMMIT_TIMEOUT_MS * 1000;
    while (!err && g_get_monotonic_time() < end && !rd_kafka_queue_poll_callback(queue, 100))
      ;
    if (err || g_get_monotonic_time() >= end)
      g_warning("%s: the last commit of offsets of %s did not complete: %s", s->client.who,
                s->client.where, err ? rd_kafka_err2str(err) : "timed out");
    rd_kafka_queue_destroy(queue);
  }
  rd_kafka_topic_partition_list_destroy(list);
}

static void record_committed(gust_kafka_spout *s, const rd_kafka_topic_partition_list_t *list)
{
  for (int i = 0; i < list->cnt; i++) {
    const rd_kafka_topic_partition_t *tp = &list->elems[i];
    spout_partition *sp = tp->err ? NULL : kafka_spout_partition(s, tp->topic, tp->partition);
    if (sp && tp->offset > sp->kafka_committed) sp->kafka_committed = tp->offset;
  }
}

gboolean kafka_spout_commit_positions_sync(gust_kafka_spout *s)
{
  rd_kafka_topic_partition_list_t *list = positions(s);
  rd_kafka_resp_err_t err =
      list->cnt ? rd_kafka_commit(s->rk, list, 0) : RD_KAFKA_RESP_ERR_NO_ERROR;
  if (err)
    g_warning("%s: committing the positions of %s before emitting failed: %s; the records "
              "will be read again",
              s->client.who, s->client.where, rd_kafka_err2str(err));
  else
    record_committed(s, list);
  rd_kafka_topic_partition_list_destroy(list);
  return !err;
}

void kafka_spout_offset_commit_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                                  rd_kafka_topic_partition_list_t *offsets, void *opaque)
{
  gust_kafka_spout *s = opaque;
  if (err == RD_KAFKA_RESP_ERR__NO_OFFSET) return;
  if (err) {
    g_warning("%s: committing offsets of %s failed: %s", s->client.who, s->client.where,
              rd_kafka_err2str(err));
    return;
  }
  if (offsets) record_committed(s, offsets);
}

/* ---- checkpoints ---- */

/* Where a restore reads the partition again: its oldest record not acked
 * yet (in flight, held by a bolt, or waiting for a retry), else the next
 * one not polled yet. */
static int64_t resume_offset(const spout_partition *sp)
{
  int64_t offset = sp->next_to_emit >= 0 ? sp->next_to_emit : sp->start >= 0 ? sp->start : -1;
  int64_t unacked = gust_kafka_offsets_lowest_pending(sp->ledger);
  if (unacked >= 0 && (offset < 0 || unacked < offset)) offset = unacked;
  return offset;
}

gboolean gust_kafka_spout_snapshot(gust_kafka_spout *s, uint64_t checkpoint_id, GByteArray *out,
                                   GError **error)
{
  json_t *offsets = json_array();
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, s->partitions);
  while (g_hash_table_iter_next(&it, NULL, &value)) {
    const spout_partition *sp = value;
    int64_t offset = resume_offset(sp);
    if (offset >= 0)
      json_array_append_new(offsets, json_pack("{ss si sI}", "topic", sp->topic, "partition",
                                               (int)sp->partition, "offset", (json_int_t)offset));
  }
  g_hash_table_iter_init(&it, s->restored);
  while (g_hash_table_iter_next(&it, &key, &value)) {
    if (g_hash_table_contains(s->partitions, key)) continue;
    const char *slash = strrchr(key, '/');
    g_autofree char *topic = g_strndup(key, slash - (const char *)key);
    json_array_append_new(offsets,
                          json_pack("{ss si sI}", "topic", topic, "partition", atoi(slash + 1),
                                    "offset", (json_int_t) * (int64_t *)value));
  }
  json_t *root = json_pack("{ss sO}", "format", SNAPSHOT_FORMAT, "offsets", offsets);
  char *text = json_dumps(root, JSON_COMPACT);
  g_byte_array_append(out, (const guint8 *)text, (guint)strlen(text));
  free(text);
  json_decref(root);
  pending_checkpoint pending = {checkpoint_id, offsets};
  g_array_append_val(s->checkpoints, pending);
  s->checkpointed = TRUE;
  return TRUE;
}

void gust_kafka_spout_checkpoint_complete(gust_kafka_spout *s, uint64_t checkpoint_id)
{
  guint done = 0;
  for (; done < s->checkpoints->len; done++) {
    pending_checkpoint *c = &g_array_index(s->checkpoints, pending_checkpoint, done);
    if (c->id > checkpoint_id) break;
    if (c->id == checkpoint_id) {
      rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(8);
      json_t *entry;
      size_t i;
      json_array_foreach(c->offsets, i, entry)
      {
        add_commit(s, list, json_string_value(json_object_get(entry, "topic")),
                   (int32_t)json_integer_value(json_object_get(entry, "partition")),
                   json_integer_value(json_object_get(entry, "offset")));
      }
      commit_async(s, list);
    }
    json_decref(c->offsets);
  }
  g_array_remove_range(s->checkpoints, 0, done);
}

void kafka_spout_checkpoints_clear(gust_kafka_spout *s)
{
  for (guint i = 0; i < s->checkpoints->len; i++)
    json_decref(g_array_index(s->checkpoints, pending_checkpoint, i).offsets);
  g_array_set_size(s->checkpoints, 0);
}
