/* kafka_discovery.c — the partitions a Kafka spout task reads.
 *
 * storm-kafka-client assigns partitions by hand, without Kafka's group
 * rebalancing: every task lists the partitions of the named topics (or of
 * the topics matching the pattern), sorts them by topic then partition,
 * and takes those whose index i in that list has i mod n_tasks == its task
 * index (RoundRobinManualPartitioner); it refreshes the list every
 * partition.refresh.period.ms.
 *
 * Reading metadata and committed offsets blocks on the broker, so it runs
 * here, on one helper thread per spout task.  The thread owns everything
 * below `thread-private`; `published` and `stop` are shared with the task
 * thread under `lock` (the task takes what was published without ever
 * waiting on Kafka).  A failed read is logged once per distinct message
 * (a broker that stays down does not flood the log) and retried after
 * RETRY_MS; the previous assignment stays in force meanwhile.
 */
#define G_LOG_DOMAIN "gust-kafka"

#include "kafka_discovery.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

enum { BROKER_TIMEOUT_MS = 2000, RETRY_MS = 500 };

struct gust_kafka_discovery {
  rd_kafka_t *rk;
  const gust_kafka_client *client;
  char **topics;   /* or NULL */
  GRegex *pattern; /* or NULL */
  int task_index, n_tasks;
  int64_t refresh_ms;
  gboolean want_committed;
  pthread_t thread;

  pthread_mutex_t lock;
  pthread_cond_t wake;
  gboolean stop;        /* under lock */
  GPtrArray *published; /* under lock; NULL once taken */

  /* thread-private */
  char *last_keys;       /* "topic/partition ..." of the last published set */
  char *last_error;      /* the last error logged, or NULL after a clean round */
  gboolean round_failed; /* something was reported in the current round */
};

void gust_kafka_partition_free(gust_kafka_partition *p)
{
  if (!p) return;
  g_free(p->topic);
  g_free(p);
}

static void report(gust_kafka_discovery *d, const char *format, ...) G_GNUC_PRINTF(2, 3);
static void report(gust_kafka_discovery *d, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  char *message = g_strdup_vprintf(format, args);
  va_end(args);
  d->round_failed = TRUE;
  if (g_strcmp0(message, d->last_error))
    g_warning("%s: cannot list the partitions of %s: %s", d->client->who, d->client->where,
              message);
  g_free(d->last_error);
  d->last_error = message;
}

static void add_partitions(GPtrArray *all, const rd_kafka_metadata_topic_t *topic)
{
  for (int i = 0; i < topic->partition_cnt; i++) {
    gust_kafka_partition *p = g_new0(gust_kafka_partition, 1);
    p->topic = g_strdup(topic->topic);
    p->partition = topic->partitions[i].id;
    p->committed = -1;
    g_ptr_array_add(all, p);
  }
}

/* Every partition of the named topics; FALSE when the broker cannot be
 * asked (an unknown topic only reports). */
static gboolean read_named(gust_kafka_discovery *d, GPtrArray *all)
{
  for (char **topic = d->topics; *topic; topic++) {
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(d->rk, *topic, NULL);
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t err = rd_kafka_metadata(d->rk, 0, rkt, &md, BROKER_TIMEOUT_MS);
    rd_kafka_topic_destroy(rkt);
    if (err) {
      report(d, "metadata request failed: %s", rd_kafka_err2str(err));
      return FALSE;
    }
    for (int i = 0; i < md->topic_cnt; i++) {
      if (md->topics[i].err)
        report(d, "topic '%s': %s", md->topics[i].topic, rd_kafka_err2str(md->topics[i].err));
      else
        add_partitions(all, &md->topics[i]);
    }
    rd_kafka_metadata_destroy(md);
  }
  return TRUE;
}

static gboolean read_matching(gust_kafka_discovery *d, GPtrArray *all)
{
  const struct rd_kafka_metadata *md = NULL;
  rd_kafka_resp_err_t err = rd_kafka_metadata(d->rk, 1, NULL, &md, BROKER_TIMEOUT_MS);
  if (err) {
    report(d, "metadata request failed: %s", rd_kafka_err2str(err));
    return FALSE;
  }
  for (int i = 0; i < md->topic_cnt; i++) {
    const rd_kafka_metadata_topic_t *topic = &md->topics[i];
    if (!topic->err && !g_str_has_prefix(topic->topic, "__") &&
        g_regex_match(d->pattern, topic->topic, 0, NULL))
      add_partitions(all, topic);
  }
  rd_kafka_metadata_destroy(md);
  return TRUE;
}

static gint compare_partitions(gconstpointer a, gconstpointer b)
{
  const gust_kafka_partition *x = *(gust_kafka_partition *const *)a;
  const gust_kafka_partition *y = *(gust_kafka_partition *const *)b;
  int c = strcmp(x->topic, y->topic);
  return c ? c : (x->partition > y->partition) - (x->partition < y->partition);
}

/* This task's share, sorted; NULL when the broker could not be asked. */
static GPtrArray *read_mine(gust_kafka_discovery *d)
{
  GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify)gust_kafka_partition_free);
  if (!(d->topics ? read_named(d, all) : read_matching(d, all))) {
    g_ptr_array_unref(all);
    return NULL;
  }
  g_ptr_array_sort(all, compare_partitions);
  GPtrArray *mine = g_ptr_array_new_with_free_func((GDestroyNotify)gust_kafka_partition_free);
  for (guint i = 0; i < all->len; i++)
    if ((int)(i % (guint)d->n_tasks) == d->task_index) {
      g_ptr_array_add(mine, all->pdata[i]);
      all->pdata[i] = NULL;
    }
  g_ptr_array_unref(all);
  return mine;
}

static char *keys_of(const GPtrArray *partitions)
{
  GString *keys = g_string_new(NULL);
  for (guint i = 0; i < partitions->len; i++) {
    const gust_kafka_partition *p = partitions->pdata[i];
    g_string_append_printf(keys, "%s/%d ", p->topic, p->partition);
  }
  return g_string_free(keys, FALSE);
}

static gboolean read_committed(gust_kafka_discovery *d, GPtrArray *partitions)
{
  if (!d->want_committed || !partitions->len) return TRUE;
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new((int)partitions->len);
  for (guint i = 0; i < partitions->len; i++) {
    const gust_kafka_partition *p = partitions->pdata[i];
    rd_kafka_topic_partition_list_add(list, p->topic, p->partition);
  }
  rd_kafka_resp_err_t err = rd_kafka_committed(d->rk, list, BROKER_TIMEOUT_MS);
  for (guint i = 0; !err && i < partitions->len; i++) {
    gust_kafka_partition *p = partitions->pdata[i];
    rd_kafka_topic_partition_t *tp =
        rd_kafka_topic_partition_list_find(list, p->topic, p->partition);
    p->committed = tp && !tp->err && tp->offset >= 0 ? tp->offset : -1;
  }
  rd_kafka_topic_partition_list_destroy(list);
  if (err) report(d, "reading the committed offsets failed: %s", rd_kafka_err2str(err));
  return !err;
}

/* One round; returns how long to wait before the next. */
static int64_t refresh(gust_kafka_discovery *d)
{
  d->round_failed = FALSE;
  GPtrArray *mine = read_mine(d);
  if (!mine) return RETRY_MS;
  char *keys = keys_of(mine);
  if (!g_strcmp0(keys, d->last_keys)) {
    g_free(keys);
    g_ptr_array_unref(mine);
  } else if (!read_committed(d, mine)) {
    g_free(keys);
    g_ptr_array_unref(mine);
    return RETRY_MS;
  } else {
    g_free(d->last_keys);
    d->last_keys = keys;
    pthread_mutex_lock(&d->lock);
    if (d->published) g_ptr_array_unref(d->published);
    d->published = mine;
    pthread_mutex_unlock(&d->lock);
  }
  if (d->last_error && !d->round_failed) {
    g_message("%s: partitions of %s listed again", d->client->who, d->client->where);
    g_clear_pointer(&d->last_error, g_free);
  }
  return d->refresh_ms;
}

static void *discovery_main(void *data)
{
  gust_kafka_discovery *d = data;
  for (;;) {
    int64_t wait_ms = refresh(d);
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += wait_ms / 1000;
    until.tv_nsec += (wait_ms % 1000) * 1000000;
    if (until.tv_nsec >= 1000000000) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&d->lock);
    while (!d->stop && pthread_cond_timedwait(&d->wake, &d->lock, &until) == 0)
      ;
    gboolean stop = d->stop;
    pthread_mutex_unlock(&d->lock);
    if (stop) return NULL;
  }
}

gust_kafka_discovery *gust_kafka_discovery_start(const gust_kafka_discovery_options *options,
                                                 GError **error)
{
  g_assert(options->topics || options->pattern);
  g_assert(options->n_tasks > 0);
  GRegex *pattern = NULL;
  if (!options->topics) {
    g_autofree char *anchored = g_strdup_printf("\\A(?:%s)\\z", options->pattern);
    GError *regex_error = NULL;
    pattern = g_regex_new(anchored, 0, 0, &regex_error);
    if (!pattern) {
      g_set_error(error, GUST_KAFKA_ERROR, GUST_KAFKA_ERROR_ARGUMENT,
                  "%s: the topic pattern '%s' does not compile: %s", options->client->who,
                  options->pattern, regex_error->message);
      g_error_free(regex_error);
      return NULL;
    }
  }
  gust_kafka_discovery *d = g_new0(gust_kafka_discovery, 1);
  d->rk = options->rk;
  d->client = options->client;
  d->topics = g_strdupv((char **)options->topics);
  d->pattern = pattern;
  d->task_index = options->task_index;
  d->n_tasks = options->n_tasks;
  d->refresh_ms = MAX(options->refresh_ms, 10);
  d->want_committed = options->want_committed;
  pthread_mutex_init(&d->lock, NULL);
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&d->wake, &attr);
  pthread_condattr_destroy(&attr);
  pthread_create(&d->thread, NULL, discovery_main, d);
  return d;
}

GPtrArray *gust_kafka_discovery_take(gust_kafka_discovery *d)
{
  pthread_mutex_lock(&d->lock);
  GPtrArray *taken = d->published;
  d->published = NULL;
  pthread_mutex_unlock(&d->lock);
  return taken;
}

void gust_kafka_discovery_stop(gust_kafka_discovery *d)
{
  if (!d) return;
  pthread_mutex_lock(&d->lock);
  d->stop = TRUE;
  pthread_cond_signal(&d->wake);
  pthread_mutex_unlock(&d->lock);
  pthread_join(d->thread, NULL);
  if (d->published) g_ptr_array_unref(d->published);
  pthread_mutex_destroy(&d->lock);
  pthread_cond_destroy(&d->wake);
  g_strfreev(d->topics);
  if (d->pattern) g_regex_unref(d->pattern);
  g_free(d->last_keys);
  g_free(d->last_error);
  g_free(d);
}
