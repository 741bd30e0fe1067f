/* validate_kafka.c — Kafka ranges, heads, committed offsets and recorded
 * input for `gust validate` (see validate_kafka.h).  Each call makes its own
 * short-lived librdkafka client (kafka_tool_client.h, whose errors become
 * GUST_VALIDATE_ERROR_UNUSABLE) and destroys it before returning; nothing
 * is shared between calls.
 */
#define G_LOG_DOMAIN "gust-validate"

#include "validate_kafka.h"

#include "kafka_tool_client.h"

#include <string.h>

enum {
  TIMEOUT_MS = 10000,
  RANGE_STALL_MS = 15000, /* a range read that gets nothing for this long is unusable */
};

static gboolean unusable(GError **error, const char *format, ...) G_GNUC_PRINTF(2, 3);
static gboolean unusable(GError **error, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  g_autofree char *message = g_strdup_vprintf(format, args);
  va_end(args);
  g_set_error_literal(error, GUST_VALIDATE_ERROR, GUST_VALIDATE_ERROR_UNUSABLE, message);
  return FALSE;
}

/* ---- kafka://BOOTSTRAP/TOPIC?... ---- */

static gboolean parse_time(const char *text, int64_t *ms)
{
  guint64 n;
  if (g_ascii_string_to_unsigned(text, 10, 0, G_MAXINT64, &n, NULL)) {
    *ms = (int64_t)n;
    return TRUE;
  }
  g_autoptr(GDateTime) t = g_date_time_new_from_iso8601(text, g_time_zone_new_utc());
  if (!t) return FALSE;
  *ms = g_date_time_to_unix(t) * 1000 + g_date_time_get_microsecond(t) / 1000;
  return TRUE;
}

void gust_validate_kafka_source_clear(gust_validate_kafka_source *src)
{
  g_clear_pointer(&src->bootstrap, g_free);
  g_clear_pointer(&src->topic, g_free);
}

gboolean gust_validate_kafka_parse(const char *url, gust_validate_kafka_source *src, GError **error)
{
  *src = (gust_validate_kafka_source){.from = -1, .to = -1, .since_ms = -1, .until_ms = -1};
  const char *rest = url + strlen("kafka://");
  const char *slash = strchr(rest, '/');
  if (!g_str_has_prefix(url, "kafka://") || !slash || slash == rest || !slash[1] || slash[1] == '?')
    return unusable(error, "'%s' is not kafka://BOOTSTRAP/TOPIC", url);
  const char *query = strchr(slash, '?');
  src->bootstrap = g_strndup(rest, slash - rest);
  src->topic = query ? g_strndup(slash + 1, query - slash - 1) : g_strdup(slash + 1);
  g_auto(GStrv) params = g_strsplit(query ? query + 1 : "", "&", -1);
  for (char **p = params; *p; p++) {
    if (!**p) continue;
    char *eq = strchr(*p, '=');
    guint64 n;
    gboolean ok = eq != NULL;
    if (ok) *eq = '\0';
    const char *v = ok ? eq + 1 : "";
    if (ok && (g_str_equal(*p, "from") || g_str_equal(*p, "to"))) {
      ok = g_ascii_string_to_unsigned(v, 10, 0, G_MAXINT64, &n, NULL);
      *(g_str_equal(*p, "from") ? &src->from : &src->to) = (int64_t)n;
    } else if (ok && (g_str_equal(*p, "since") || g_str_equal(*p, "until"))) {
      ok = parse_time(v, g_str_equal(*p, "since") ? &src->since_ms : &src->until_ms);
    } else {
      ok = FALSE;
    }
    if (!ok) {
      gust_validate_kafka_source_clear(src);
      return unusable(error,
                      "%s: '%s%s%s' is not a range (use from=OFFSET, to=OFFSET, since=TIME, "
                      "until=TIME; TIME in epoch ms or ISO 8601)",
                      url, *p, eq ? "=" : "", v);
    }
  }
  return TRUE;
}

/* ---- clients (kafka_tool_client.h; its errors become UNUSABLE) ---- */

static gboolean unusable_kafka(GError **error, GError *kafka_error)
{
  g_set_error_literal(error, GUST_VALIDATE_ERROR, GUST_VALIDATE_ERROR_UNUSABLE,
                      kafka_error->message);
  g_error_free(kafka_error);
  return FALSE;
}

static rd_kafka_t *client_new(rd_kafka_type_t type, const char *bootstrap, const char *group,
                              GError **error)
{
  char reason[512];
  GError *kafka_error = NULL;
  rd_kafka_conf_t *conf = gust_kafka_tool_conf_new();
  if (type == RD_KAFKA_CONSUMER)
    rd_kafka_conf_set(conf, "enable.partition.eof", "true", reason, sizeof reason);
  rd_kafka_t *rk =
      gust_kafka_tool_client_new(type, conf, bootstrap, group, "gust-validate", &kafka_error);
  if (!rk) unusable_kafka(error, kafka_error);
  return rk;
}

/* The partition count of topic; -1 + UNUSABLE when it does not exist. */
static int partition_count(rd_kafka_t *rk, const char *bootstrap, const char *topic, GError **error)
{
  GError *kafka_error = NULL;
  rd_kafka_topic_partition_list_t *list = gust_kafka_tool_partitions(
      rk, bootstrap, topic, RD_KAFKA_OFFSET_INVALID, TIMEOUT_MS, &kafka_error);
  if (!list) {
    unusable_kafka(error, kafka_error);
    return -1;
  }
  int n = list->cnt;
  rd_kafka_topic_partition_list_destroy(list);
  return n;
}

static GArray *heads_of(rd_kafka_t *rk, const char *bootstrap, const char *topic, int n,
                        gboolean low, GError **error)
{
  GArray *heads = g_array_sized_new(FALSE, FALSE, sizeof(int64_t), n);
  for (int p = 0; p < n; p++) {
    int64_t lo = 0, hi = 0;
    GError *kafka_error = NULL;
    if (!gust_kafka_tool_watermarks(rk, bootstrap, topic, p, &lo, &hi, TIMEOUT_MS, &kafka_error)) {
      g_array_unref(heads);
      unusable_kafka(error, kafka_error);
      return NULL;
    }
    int64_t v = low ? lo : hi;
    g_array_append_val(heads, v);
  }
  return heads;
}

static GArray *times_of(rd_kafka_t *rk, const char *bootstrap, const char *topic, int n,
                        int64_t time_ms, GError **error)
{
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(n);
  for (int p = 0; p < n; p++)
    rd_kafka_topic_partition_list_add(list, topic, p)->offset = time_ms;
  rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(rk, list, TIMEOUT_MS);
  GArray *offsets = NULL;
  if (err) {
    unusable(error, "cannot look up offsets by time in topic '%s' at %s: %s", topic, bootstrap,
             rd_kafka_err2str(err));
  } else {
    GArray *heads = heads_of(rk, bootstrap, topic, n, FALSE, error);
    if (heads) {
      offsets = g_array_sized_new(FALSE, FALSE, sizeof(int64_t), n);
      for (int i = 0; i < list->cnt; i++) {
        int64_t o = list->elems[i].offset >= 0
                        ? list->elems[i].offset
                        : g_array_index(heads, int64_t, list->elems[i].partition);
        g_array_append_val(offsets, o);
      }
      g_array_unref(heads);
    }
  }
  rd_kafka_topic_partition_list_destroy(list);
  return offsets;
}

/* ---- ranges ---- */

gboolean gust_validate_kafka_each(const gust_validate_kafka_source *src,
                                  gust_validate_kafka_record_fn fn, void *data, int *n_partitions,
                                  GError **error)
{
  rd_kafka_t *rk = client_new(RD_KAFKA_CONSUMER, src->bootstrap, NULL, error);
  if (!rk) return FALSE;
  gboolean ok = FALSE;
  GArray *start = NULL, *end = NULL, *low = NULL;
  rd_kafka_topic_partition_list_t *list = NULL;
  int n = partition_count(rk, src->bootstrap, src->topic, error);
  if (n < 0) goto out;
  if (n_partitions) *n_partitions = n;
  if (!(low = heads_of(rk, src->bootstrap, src->topic, n, TRUE, error))) goto out;
  start = src->since_ms >= 0 ? times_of(rk, src->bootstrap, src->topic, n, src->since_ms, error)
                             : g_array_ref(low);
  if (!start) goto out;
  end = src->until_ms >= 0 ? times_of(rk, src->bootstrap, src->topic, n, src->until_ms, error)
                           : heads_of(rk, src->bootstrap, src->topic, n, FALSE, error);
  if (!end) goto out;
  list = rd_kafka_topic_partition_list_new(n);
  int open_partitions = 0;
  for (int p = 0; p < n; p++) {
    int64_t *s = &g_array_index(start, int64_t, p), *e = &g_array_index(end, int64_t, p);
    if (src->from >= 0) *s = MAX(*s, src->from);
    *s = MAX(*s, g_array_index(low, int64_t, p));
    if (src->to >= 0) *e = MIN(*e, src->to);
    if (*s < *e) {
      rd_kafka_topic_partition_list_add(list, src->topic, p)->offset = *s;
      open_partitions++;
    }
  }
  if (open_partitions == 0) {
    unusable(error, "the range of topic '%s' at %s is empty: no record to compare", src->topic,
             src->bootstrap);
    goto out;
  }
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_assign(rk, list);
  int64_t last = g_get_monotonic_time();
  while (open_partitions > 0) {
    rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 200);
    if (!m) {
      if (g_get_monotonic_time() - last > RANGE_STALL_MS * 1000) {
        unusable(error, "reading topic '%s' at %s stalled: no record for %d s", src->topic,
                 src->bootstrap, RANGE_STALL_MS / 1000);
        goto out;
      }
      continue;
    }
    last = g_get_monotonic_time();
    int32_t p = m->partition;
    gboolean in_range = !m->err && p >= 0 && p < n && m->offset < g_array_index(end, int64_t, p);
    if (m->err && m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      unusable(error, "reading topic '%s' at %s failed: %s", src->topic, src->bootstrap,
               rd_kafka_message_errstr(m));
      rd_kafka_message_destroy(m);
      goto out;
    }
    if (in_range && !fn(p, m->key, m->key_len, m->payload, m->len, data)) {
      rd_kafka_message_destroy(m);
      g_set_error(error, GUST_VALIDATE_ERROR, GUST_VALIDATE_ERROR_INTERRUPTED,
                  "interrupted while reading topic '%s'", src->topic);
      goto out;
    }
    if (p >= 0 && p < n && (m->err || m->offset + 1 >= g_array_index(end, int64_t, p)) &&
        g_array_index(end, int64_t, p) >= 0) {
      g_array_index(end, int64_t, p) = -1; /* done */
      open_partitions--;
    }
    rd_kafka_message_destroy(m);
  }
  ok = TRUE;
out:
  if (list) rd_kafka_topic_partition_list_destroy(list);
  if (start) g_array_unref(start);
  if (end) g_array_unref(end);
  if (low) g_array_unref(low);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return ok;
}

typedef struct {
  gust_validate_recordset *set;
  const gust_validate_selection *sel;
  gust_validate_progress_fn progress;
  void *data;
} read_state;

static gboolean add_record(int32_t partition, const char *key, size_t key_len, const char *value,
                           size_t value_len, void *data)
{
  read_state *s = data;
  g_autofree char *k = key ? g_strndup(key, key_len) : NULL;
  gust_validate_recordset_add_json(s->set, s->sel, k ? k : "", value ? value : "", value_len);
  guint n = s->set->records->len;
  return !s->progress || n % 5000 || s->progress(s->set->source, n, s->data);
}

gboolean gust_validate_kafka_read(gust_validate_recordset *set, const char *url,
                                  const gust_validate_selection *sel,
                                  gust_validate_progress_fn progress, void *data, GError **error)
{
  gust_validate_kafka_source src;
  if (!gust_validate_kafka_parse(url, &src, error)) return FALSE;
  read_state s = {set, sel, progress, data};
  gboolean ok = gust_validate_kafka_each(&src, add_record, &s, NULL, error);
  gust_validate_kafka_source_clear(&src);
  return ok;
}

/* ---- writing, heads and groups ---- */

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
  if (m->err) (*(int *)opaque)++;
}

gboolean gust_validate_kafka_produce(const char *bootstrap, const char *topic, GPtrArray *keys,
                                     GPtrArray *values, GArray *partitions, GError **error)
{
  int failed = 0;
  GError *kafka_error = NULL;
  rd_kafka_conf_t *conf = gust_kafka_tool_conf_new();
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_conf_set_opaque(conf, &failed);
  rd_kafka_t *rk =
      gust_kafka_tool_client_new(RD_KAFKA_PRODUCER, conf, bootstrap, NULL, NULL, &kafka_error);
  if (!rk) return unusable_kafka(error, kafka_error);
  rd_kafka_resp_err_t err = 0;
  for (guint i = 0; i < values->len && !err; i++) {
    const char *value = g_ptr_array_index(values, i);
    const char *key = keys ? g_ptr_array_index(keys, i) : NULL;
    int32_t partition = partitions ? g_array_index(partitions, int32_t, i) : RD_KAFKA_PARTITION_UA;
    err = gust_kafka_tool_produce(rk, topic, partition, key, key ? strlen(key) : 0, value,
                                  strlen(value));
  }
  if (!err && rd_kafka_flush(rk, 6 * TIMEOUT_MS)) err = RD_KAFKA_RESP_ERR__TIMED_OUT;
  rd_kafka_destroy(rk);
  if (err || failed)
    return unusable(error, "writing %u records to topic '%s' at %s failed: %s", values->len, topic,
                    bootstrap, err ? rd_kafka_err2str(err) : "deliveries failed");
  return TRUE;
}

GArray *gust_validate_kafka_heads(const char *bootstrap, const char *topic, GError **error)
{
  rd_kafka_t *rk = client_new(RD_KAFKA_CONSUMER, bootstrap, NULL, error);
  if (!rk) return NULL;
  int n = partition_count(rk, bootstrap, topic, error);
  GArray *heads = n < 0 ? NULL : heads_of(rk, bootstrap, topic, n, FALSE, error);
  rd_kafka_destroy(rk);
  return heads;
}

GArray *gust_validate_kafka_offsets_for_time(const char *bootstrap, const char *topic,
                                             int64_t time_ms, GError **error)
{
  rd_kafka_t *rk = client_new(RD_KAFKA_CONSUMER, bootstrap, NULL, error);
  if (!rk) return NULL;
  int n = partition_count(rk, bootstrap, topic, error);
  GArray *offsets = n < 0 ? NULL : times_of(rk, bootstrap, topic, n, time_ms, error);
  rd_kafka_destroy(rk);
  return offsets;
}

GArray *gust_validate_kafka_committed(const char *bootstrap, const char *group, const char *topic,
                                      GError **error)
{
  rd_kafka_t *rk = client_new(RD_KAFKA_CONSUMER, bootstrap, group, error);
  if (!rk) return NULL;
  GArray *offsets = NULL;
  GError *kafka_error = NULL;
  rd_kafka_topic_partition_list_t *list = gust_kafka_tool_partitions(
      rk, bootstrap, topic, RD_KAFKA_OFFSET_INVALID, TIMEOUT_MS, &kafka_error);
  if (list && gust_kafka_tool_committed(rk, list, bootstrap, group, TIMEOUT_MS, &kafka_error)) {
    offsets = g_array_new(FALSE, TRUE, sizeof(int64_t));
    g_array_set_size(offsets, (guint)list->cnt);
    for (int i = 0; i < list->cnt; i++)
      if (list->elems[i].partition >= 0 && list->elems[i].partition < list->cnt)
        g_array_index(offsets, int64_t, list->elems[i].partition) = list->elems[i].offset;
  }
  if (kafka_error) unusable_kafka(error, kafka_error);
  if (list) rd_kafka_topic_partition_list_destroy(list);
  rd_kafka_destroy(rk);
  return offsets;
}

gboolean gust_validate_kafka_commit(const char *bootstrap, const char *group, const char *topic,
                                    GArray *offsets, GError **error)
{
  rd_kafka_t *rk = client_new(RD_KAFKA_CONSUMER, bootstrap, group, error);
  if (!rk) return FALSE;
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(offsets->len);
  for (guint p = 0; p < offsets->len; p++)
    if (g_array_index(offsets, int64_t, p) >= 0)
      rd_kafka_topic_partition_list_add(list, topic, (int32_t)p)->offset =
          g_array_index(offsets, int64_t, p);
  rd_kafka_resp_err_t err = list->cnt ? rd_kafka_commit(rk, list, 0) : 0;
  rd_kafka_topic_partition_list_destroy(list);
  rd_kafka_destroy(rk);
  if (err)
    return unusable(error, "cannot commit group '%s''s start offsets of topic '%s' at %s: %s",
                    group, topic, bootstrap, rd_kafka_err2str(err));
  return TRUE;
}
