/* test_recovery.c — a topology survives a crashing task and resumes from a
 * stopped run: the runtime restarts from the latest complete checkpoint
 * (spout position and keyed state restored together, so per-key counts
 * come out exact), and a later run resumes from the final checkpoint a
 * clean stop leaves in the checkpoint directory, also with another
 * parallelism (keyed state redistributed by key group).
 *
 * Components are C definitions found through the native lookup hook;
 * what they observe goes into `seen` (mutex-guarded).
 */
#include <gust/flinkcore.h>
#include <gust/runtime.h>
#include <gust/state.h>
#include <gust/storm.h>

#include <glib/gstdio.h>
#include <pthread.h>
#include <string.h>

enum { BUCKETS = 10 };

static struct {
  pthread_mutex_t lock;
  GHashTable *processed; /* n -> times a bolt saw it */
  /* keyed-state counts per (Storm task, bucket), written at close: a task
   * closed again after a restart overwrites what its failed run wrote */
  int64_t bucket_count[16][BUCKETS];
  int64_t min_emitted; /* smallest n emitted by the current run's spouts */
  int crashes;
  int64_t crash_at; /* a bolt fails once on this n; -1 = never */
} seen;

static void seen_reset(int64_t crash_at)
{
  pthread_mutex_init(&seen.lock, NULL);
  seen.processed = g_hash_table_new(g_direct_hash, g_direct_equal);
  memset(seen.bucket_count, 0, sizeof seen.bucket_count);
  seen.min_emitted = G_MAXINT64;
  seen.crashes = 0;
  seen.crash_at = crash_at;
}

static void seen_clear(void)
{
  g_hash_table_destroy(seen.processed);
  pthread_mutex_destroy(&seen.lock);
}

static int64_t conf_int(const gust_context *ctx, const char *key, int64_t fallback)
{
  json_t *v = json_object_get(gust_context_conf(ctx), key);
  return json_is_integer(v) ? json_integer_value(v) : fallback;
}

/* ---- a spout whose position is its snapshot ---- */

typedef struct {
  int64_t next, limit;
} position_spout;

static void number_and_bucket(gust_declarer *d, const json_t *conf)
{
  const char *const fields[] = {"n", "bucket", NULL};
  gust_declare_stream(d, NULL, fields, FALSE);
}

static gboolean position_open(const gust_context *ctx, void **state, GError **error)
{
  position_spout *s = g_new0(position_spout, 1);
  s->limit = conf_int(ctx, "test.limit", 1000);
  size_t len = 0;
  const uint8_t *bytes = gust_context_restored_state(ctx, &len);
  if (bytes && len == sizeof s->next) memcpy(&s->next, bytes, sizeof s->next);
  *state = s;
  return TRUE;
}

static gboolean position_next(void *state, gust_collector *out, GError **error)
{
  position_spout *s = state;
  if (s->next >= s->limit) return TRUE;
  fc_value v[2] = {fc_i64(s->next), fc_i64(s->next % BUCKETS)}, id = fc_i64(s->next);
  pthread_mutex_lock(&seen.lock);
  seen.min_emitted = MIN(seen.min_emitted, s->next);
  pthread_mutex_unlock(&seen.lock);
  s->next++;
  gust_spout_emit(out, NULL, v, 2, &id, NULL, 0);
  return TRUE;
}

static gboolean position_snapshot(void *state, uint64_t id, GByteArray *out, GError **error)
{
  g_byte_array_append(out, (const guint8 *)&((position_spout *)state)->next, sizeof(int64_t));
  return TRUE;
}

static const gust_component_def position_spout_def = {.abi = GUST_NATIVE_ABI,
                                                      .kind = GUST_DEF_SPOUT,
                                                      .declare_outputs = number_and_bucket,
                                                      .open = position_open,
                                                      .next_tuple = position_next,
                                                      .snapshot = position_snapshot,
                                                      .close = g_free};

/* ---- a bolt counting per bucket (n % 10) in keyed state ---- */

typedef struct {
  gust_state *st;
  int task;
} bucket_bolt;

static gboolean bucket_open(const gust_context *ctx, void **state, GError **error)
{
  bucket_bolt *b = g_new0(bucket_bolt, 1);
  b->st = gust_context_state(ctx);
  b->task = gust_context_task_id(ctx);
  g_assert_cmpint(b->task, <, 16);
  g_assert_nonnull(b->st);
  *state = b;
  return TRUE;
}

static gboolean bucket_execute(void *state, const gust_tuple *input, gust_collector *out,
                               GError **error)
{
  bucket_bolt *b = state;
  int64_t n = gust_tuple_get(input, 0)->u.i;
  pthread_mutex_lock(&seen.lock);
  bool crash = n == seen.crash_at && seen.crashes == 0;
  if (crash)
    seen.crashes++;
  else
    g_hash_table_insert(
        seen.processed, GSIZE_TO_POINTER(n + 1),
        GSIZE_TO_POINTER(
            GPOINTER_TO_SIZE(g_hash_table_lookup(seen.processed, GSIZE_TO_POINTER(n + 1))) + 1));
  pthread_mutex_unlock(&seen.lock);
  if (crash) {
    g_set_error(error, g_quark_from_static_string("test"), 1,
                "deliberate crash at %" G_GINT64_FORMAT, n);
    return FALSE;
  }
  fc_value key = *gust_tuple_get_by_field(input, "bucket");
  const fc_value *count = gust_state_value_get(b->st, "count", &key, error);
  if (!count && *error) return FALSE;
  fc_value next = fc_i64(count ? count->u.i + 1 : 1);
  if (!gust_state_value_put(b->st, "count", &key, &next, error)) return FALSE;
  gust_ack(out, input);
  return TRUE;
}

/* At close (a clean stop), the buckets this task holds go into `seen`. */
static void bucket_close(void *state)
{
  bucket_bolt *b = state;
  for (int k = 0; k < BUCKETS; k++) {
    fc_value key = fc_i64(k);
    GError *error = NULL;
    const fc_value *count = gust_state_value_get(b->st, "count", &key, &error);
    g_assert_no_error(error);
    if (count) {
      pthread_mutex_lock(&seen.lock);
      seen.bucket_count[b->task][k] = count->u.i;
      pthread_mutex_unlock(&seen.lock);
    } else {
      pthread_mutex_lock(&seen.lock);
      seen.bucket_count[b->task][k] = 0;
      pthread_mutex_unlock(&seen.lock);
    }
  }
  g_free(b);
}

static const gust_component_def bucket_bolt_def = {.abi = GUST_NATIVE_ABI,
                                                   .kind = GUST_DEF_BOLT,
                                                   .open = bucket_open,
                                                   .execute = bucket_execute,
                                                   .close = bucket_close};

static const gust_component_def *lookup(const char *library, const char *symbol, void *data)
{
  return !strcmp(symbol, "position_spout") ? &position_spout_def : &bucket_bolt_def;
}

/* numbers (position spout: [n, n % 10]) -> buckets (fields grouping on
 * "bucket", keyed state on the bucket: one task holds each bucket, and
 * after a change of parallelism the bucket's new owner both receives its
 * tuples and holds its state) */
static gust_topology *bucket_topology(int bolt_parallelism, int64_t limit, const char *dir)
{
  gust_topology *t = gust_topology_new("buckets");
  gust_topology_set_conf_value(t, "topology.gust.reliability", json_string("checkpoint"));
  gust_topology_set_conf_value(t, "topology.gust.checkpoint.interval.ms", json_integer(50));
  gust_topology_set_conf_value(t, "topology.gust.restart.delay.ms", json_integer(10));
  if (dir) gust_topology_set_conf_value(t, "topology.gust.checkpoint.dir", json_string(dir));
  gust_component *spout = gust_topology_add_component(t, "numbers", GUST_COMPONENT_SPOUT);
  gust_component_set_impl(spout, gust_impl_new_native("in-process", "position_spout"));
  gust_component_set_conf_value(spout, "test.limit", json_integer(limit));
  gust_component *bolt = gust_topology_add_component(t, "buckets", GUST_COMPONENT_BOLT);
  gust_component_set_parallelism(bolt, bolt_parallelism);
  gust_component_set_impl(bolt, gust_impl_new_native("in-process", "bucket_bolt"));
  const char *const fields[] = {"bucket", NULL};
  GError *error = NULL;
  g_assert_nonnull(gust_component_add_input(
      bolt, "numbers", "default", gust_grouping_new_fields(GUST_GROUPING_FIELDS, fields), &error));
  return t;
}

static int64_t bucket_total(int k)
{
  int64_t sum = 0;
  for (int t = 0; t < 16; t++)
    sum += seen.bucket_count[t][k];
  return sum;
}

static int64_t total_counted(void)
{
  int64_t sum = 0;
  for (int k = 0; k < BUCKETS; k++)
    sum += bucket_total(k);
  return sum;
}

static void wait_processed(guint want, int seconds)
{
  int64_t end = g_get_monotonic_time() + seconds * G_USEC_PER_SEC;
  while (g_get_monotonic_time() < end) {
    pthread_mutex_lock(&seen.lock);
    guint n = g_hash_table_size(seen.processed);
    pthread_mutex_unlock(&seen.lock);
    if (n >= want) return;
    g_usleep(10000);
  }
}

static void test_crashed_task_restarts_from_the_latest_checkpoint(void)
{
  enum { N = 3000 };
  seen_reset(1500);
  gust_topology *t = bucket_topology(2, N, NULL);
  GError *error = NULL;
  gust_runtime_options opts = {.threads = 2, .native_lookup = lookup};
  gust_runtime *rt = gust_runtime_new(t, &opts, &error);
  g_assert_no_error(error);
  gust_runtime_start(rt);
  wait_processed(N, 120);
  /* the failure was absorbed by a restart: the runtime is still running */
  g_assert_false(gust_runtime_wait(rt, 0, &error));
  g_assert_error(error, FC_ERROR, FC_ERROR_TIMEOUT);
  g_clear_error(&error);
  g_assert_true(gust_runtime_stop(rt, 120000, &error));
  g_assert_no_error(error);
  gust_runtime_free(rt);
  g_assert_cmpint(seen.crashes, ==, 1);
  g_assert_cmpuint(g_hash_table_size(seen.processed), ==, N); /* every n at least once */
  /* state and spout position were restored together: exact counts */
  for (int k = 0; k < BUCKETS; k++)
    g_assert_cmpint(bucket_total(k), ==, N / BUCKETS);
  gust_topology_free(t);
  seen_clear();
}

static void run_until_processed(gust_topology *t, guint want)
{
  GError *error = NULL;
  gust_runtime_options opts = {.threads = 2, .native_lookup = lookup};
  gust_runtime *rt = gust_runtime_new(t, &opts, &error);
  g_assert_no_error(error);
  gust_runtime_start(rt);
  wait_processed(want, 120);
  g_assert_true(gust_runtime_stop(rt, 120000, &error));
  g_assert_no_error(error);
  gust_runtime_free(rt);
}

static void resume_with_parallelism(int first, int second)
{
  g_autofree char *dir = g_dir_make_tmp("gust-recovery-XXXXXX", NULL);
  seen_reset(-1);
  gust_topology *t1 = bucket_topology(first, 1000, dir);
  run_until_processed(t1, 1000);
  gust_topology_free(t1);
  g_assert_cmpint(total_counted(), ==, 1000);
  seen_clear();

  seen_reset(-1);
  gust_topology *t2 = bucket_topology(second, 2000, dir);
  run_until_processed(t2, 1000);
  gust_topology_free(t2);
  /* resumed where the first run stopped: nothing repeated, nothing lost */
  g_assert_cmpint(seen.min_emitted, ==, 1000);
  g_assert_cmpuint(g_hash_table_size(seen.processed), ==, 1000);
  for (int k = 0; k < BUCKETS; k++)
    g_assert_cmpint(bucket_total(k), ==, 2000 / BUCKETS);
  seen_clear();
  g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
  g_assert_cmpint(system(cmd), ==, 0);
}

static void test_stopped_topology_resumes_from_its_final_checkpoint(void)
{
  resume_with_parallelism(2, 2);
}

static void test_resume_with_more_tasks_redistributes_keyed_state(void)
{
  resume_with_parallelism(2, 3);
}

static void test_resume_with_fewer_tasks_redistributes_keyed_state(void)
{
  resume_with_parallelism(3, 1);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL);
  g_log_set_fatal_mask(NULL, G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR); /* the restart warns */
  g_test_add_func("/recovery/crashed_task_restarts_from_the_latest_checkpoint",
                  test_crashed_task_restarts_from_the_latest_checkpoint);
  g_test_add_func("/recovery/stopped_topology_resumes_from_its_final_checkpoint",
                  test_stopped_topology_resumes_from_its_final_checkpoint);
  g_test_add_func("/recovery/resume_with_more_tasks_redistributes_keyed_state",
                  test_resume_with_more_tasks_redistributes_keyed_state);
  g_test_add_func("/recovery/resume_with_fewer_tasks_redistributes_keyed_state",
                  test_resume_with_fewer_tasks_redistributes_keyed_state);
  return g_test_run();
}
