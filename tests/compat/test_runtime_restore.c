/* test_runtime_restore.c — a runtime never turns a checkpoint it cannot
 * resume from into a fresh start: bytes a spout's reader rejects (behind
 * valid checksums) fail the runtime naming checkpoint, task and reason,
 * with nothing deleted; another topology's checkpoint is refused unless
 * allow_non_restored_state; a restored run that fails before completing a
 * checkpoint of its own restarts from the same checkpoint.
 *
 * The spout's snapshot is "POS1" and its position; its open() refuses
 * anything else.  The bolt only counts what it saw (mutex-guarded).
 */
#define _GNU_SOURCE /* memmem */
#include <gust/flinkcore.h>
#include <gust/runtime.h>
#include <gust/storm.h>

#include <pthread.h>
#include <string.h>

static struct {
  pthread_mutex_t lock;
  int64_t min_emitted, processed;
  int64_t crash_at; /* the bolt fails once on this n; -1 = never */
  bool crashed;
} seen = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void seen_reset(int64_t crash_at)
{
  seen.min_emitted = G_MAXINT64;
  seen.processed = 0;
  seen.crash_at = crash_at;
  seen.crashed = false;
}

typedef struct {
  int64_t next;
} position_spout;

static void declare_n(gust_declarer *d, const json_t *conf)
{
  const char *const fields[] = {"n", NULL};
  gust_declare_stream(d, NULL, fields, FALSE);
}

static gboolean spout_open(const gust_context *ctx, void **state, GError **error)
{
  position_spout *s = g_new0(position_spout, 1);
  size_t len = 0;
  const uint8_t *bytes = gust_context_restored_state(ctx, &len);
  if (bytes && (len != 4 + sizeof s->next || memcmp(bytes, "POS1", 4) != 0)) {
    g_set_error(error, g_quark_from_static_string("test"), 1,
                "restored position of %zu bytes is not POS1 and a position", len);
    g_free(s);
    return FALSE;
  }
  if (bytes) memcpy(&s->next, bytes + 4, sizeof s->next);
  *state = s;
  return TRUE;
}

static gboolean spout_next(void *state, gust_collector *out, GError **error)
{
  position_spout *s = state;
  fc_value v = fc_i64(s->next), id = fc_i64(s->next);
  pthread_mutex_lock(&seen.lock);
  seen.min_emitted = MIN(seen.min_emitted, s->next);
  pthread_mutex_unlock(&seen.lock);
  s->next++;
  gust_spout_emit(out, NULL, &v, 1, &id, NULL, 0);
  return TRUE;
}

static gboolean spout_snapshot(void *state, uint64_t id, GByteArray *out, GError **error)
{
  g_byte_array_append(out, (const guint8 *)"POS1", 4);
  g_byte_array_append(out, (const guint8 *)&((position_spout *)state)->next, sizeof(int64_t));
  return TRUE;
}

static const gust_component_def spout_def = {.abi = GUST_NATIVE_ABI,
                                             .kind = GUST_DEF_SPOUT,
                                             .declare_outputs = declare_n,
                                             .open = spout_open,
                                             .next_tuple = spout_next,
                                             .snapshot = spout_snapshot,
                                             .close = g_free};

static gboolean bolt_execute(void *state, const gust_tuple *input, gust_collector *out,
                             GError **error)
{
  int64_t n = gust_tuple_get(input, 0)->u.i;
  pthread_mutex_lock(&seen.lock);
  bool crash = !seen.crashed && seen.crash_at >= 0 && n >= seen.crash_at;
  seen.crashed |= crash;
  seen.processed += !crash;
  pthread_mutex_unlock(&seen.lock);
  if (crash) {
    g_set_error(error, g_quark_from_static_string("test"), 2,
                "deliberate crash at %" G_GINT64_FORMAT, n);
    return FALSE;
  }
  gust_ack(out, input);
  return TRUE;
}

static const gust_component_def bolt_def = {
    .abi = GUST_NATIVE_ABI, .kind = GUST_DEF_BOLT, .execute = bolt_execute};

static const gust_component_def *lookup(const char *library, const char *symbol, void *data)
{
  return !strcmp(symbol, "spout") ? &spout_def : &bolt_def;
}

static gust_topology *numbers_topology(const char *name, const char *dir)
{
  gust_topology *t = gust_topology_new(name);
  gust_topology_set_conf_value(t, "topology.gust.checkpoint.interval.ms", json_integer(50));
  gust_topology_set_conf_value(t, "topology.gust.restart.delay.ms", json_integer(10));
  gust_topology_set_conf_value(t, "topology.max.spout.pending", json_integer(100));
  gust_topology_set_conf_value(t, "topology.gust.checkpoint.dir", json_string(dir));
  gust_component *spout = gust_topology_add_component(t, "numbers", GUST_COMPONENT_SPOUT);
  gust_component_set_impl(spout, gust_impl_new_native("in-process", "spout"));
  gust_component *bolt = gust_topology_add_component(t, "sink", GUST_COMPONENT_BOLT);
  gust_component_set_impl(bolt, gust_impl_new_native("in-process", "bolt"));
  GError *error = NULL;
  g_assert_nonnull(gust_component_add_input(bolt, "numbers", "default",
                                            gust_grouping_new(GUST_GROUPING_SHUFFLE), &error));
  return t;
}

static gust_runtime *runtime_new(gust_topology *t, gboolean allow, GError **error)
{
  gust_runtime_options opts = {
      .threads = 2, .native_lookup = lookup, .allow_non_restored_state = allow};
  return gust_runtime_new(t, &opts, error);
}

static void wait_processed(int64_t want)
{
  int64_t end = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
  for (;;) {
    pthread_mutex_lock(&seen.lock);
    int64_t n = seen.processed;
    pthread_mutex_unlock(&seen.lock);
    if (n >= want || g_get_monotonic_time() > end) return;
    g_usleep(5000);
  }
}

/* Runs until `want` tuples were processed, then stops cleanly. */
static void run_and_stop(const char *name, const char *dir, int64_t want)
{
  gust_topology *t = numbers_topology(name, dir);
  GError *error = NULL;
  gust_runtime *rt = runtime_new(t, FALSE, &error);
  g_assert_no_error(error);
  gust_runtime_start(rt);
  wait_processed(want);
  g_assert_true(gust_runtime_stop(rt, 60000, &error));
  g_assert_no_error(error);
  gust_runtime_free(rt);
  gust_topology_free(t);
}

static char *listing(const char *dir)
{
  g_autofree char *cmd = g_strdup_printf("ls -R '%s'", dir);
  char *out = NULL;
  g_assert_true(g_spawn_command_line_sync(cmd, &out, NULL, NULL, NULL));
  return out;
}

static uint64_t newest_id(const char *dir)
{
  GError *error = NULL;
  fc_checkpoint_info *info = fc_checkpoint_latest(dir, &error);
  g_assert_no_error(error);
  uint64_t id = info->id;
  fc_checkpoint_info_free(info);
  return id;
}

/* Replaces "POS1" in the spout's state file of the newest checkpoint with
 * "POSX" and re-signs: every checksum valid, the spout's reader refuses. */
static uint64_t damage_spout_bytes(const char *dir)
{
  uint64_t id = newest_id(dir);
  g_autofree char *chk = g_strdup_printf("%s/chk-%" G_GUINT64_FORMAT, dir, id);
  g_autofree char *file = g_build_filename(chk, "task-0.state", NULL); /* numbers[0]: task 0 */
  g_autofree char *meta = g_build_filename(chk, "_metadata", NULL);
  char *bytes, *text;
  gsize len, text_len;
  g_assert_true(g_file_get_contents(file, &bytes, &len, NULL));
  g_assert_true(g_file_get_contents(meta, &text, &text_len, NULL));
  char *magic = memmem(bytes, len, "POS1", 4);
  g_assert_nonnull(magic);
  g_autofree char *old_sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *)bytes, len);
  magic[3] = 'X';
  g_autofree char *new_sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *)bytes, len);
  g_assert_true(g_file_set_contents(file, bytes, (gssize)len, NULL));
  g_autoptr(GString) body = g_string_new_len(text, strstr(text, "\n[integrity]") - text);
  g_assert_cmpuint(g_string_replace(body, old_sum, new_sum, 0), >=, 1);
  g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, body->str, -1);
  g_autofree char *signed_text = g_strdup_printf("%s\n[integrity]\nsha256=%s\n", body->str, sum);
  g_assert_true(g_file_set_contents(meta, signed_text, -1, NULL));
  g_free(bytes);
  g_free(text);
  return id;
}

static void remove_tree(const char *dir)
{
  g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
  g_assert_cmpint(system(cmd), ==, 0);
}

static void test_bytes_the_reader_rejects_fail_the_runtime_and_delete_nothing(void)
{
  g_autofree char *dir = g_dir_make_tmp("gust-rt-restore-XXXXXX", NULL);
  seen_reset(-1);
  run_and_stop("numbers", dir, 500);
  uint64_t id = damage_spout_bytes(dir);
  g_autofree char *before = listing(dir);

  seen_reset(-1);
  gust_topology *t = numbers_topology("numbers", dir);
  gust_topology_set_conf_value(t, "topology.gust.restart.attempts", json_integer(1));
  GError *error = NULL;
  gust_runtime *rt = runtime_new(t, FALSE, &error);
  g_assert_no_error(error);
  gust_runtime_start(rt);
  g_assert_false(gust_runtime_wait(rt, 60000, &error));
  g_assert_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_RESTORE);
  g_autofree char *want = g_strdup_printf("cannot resume from checkpoint %" G_GUINT64_FORMAT, id);
  g_assert_nonnull(strstr(error->message, want));
  g_assert_nonnull(strstr(error->message, "numbers[0]"));
  g_assert_nonnull(strstr(error->message, "is not POS1"));
  g_clear_error(&error);
  gust_runtime_free(rt);
  gust_topology_free(t);
  g_autofree char *after = listing(dir);
  g_assert_cmpstr(after, ==, before);
  remove_tree(dir);
}

static void test_another_topologys_checkpoint_is_refused_unless_allowed(void)
{
  g_autofree char *dir = g_dir_make_tmp("gust-rt-restore-XXXXXX", NULL);
  seen_reset(-1);
  run_and_stop("first", dir, 500);
  g_autofree char *before = listing(dir);
  gust_topology *t = numbers_topology("second", dir);
  GError *error = NULL;
  g_assert_null(runtime_new(t, FALSE, &error));
  g_assert_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_RESTORE);
  g_assert_nonnull(strstr(error->message, "was written by topology 'first'"));
  g_assert_nonnull(strstr(error->message, "--allow-non-restored-state"));
  g_clear_error(&error);
  g_autofree char *after = listing(dir);
  g_assert_cmpstr(after, ==, before);

  /* allowed: it resumes, the spout where the first run stopped */
  gust_topology_free(t); /* a topology declares its streams once: a new one */
  t = numbers_topology("second", dir);
  g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*resuming topology 'second'*anyway*");
  gust_runtime *rt = runtime_new(t, TRUE, &error);
  g_test_assert_expected_messages();
  g_assert_no_error(error);
  seen_reset(-1);
  gust_runtime_start(rt);
  wait_processed(100);
  g_assert_true(gust_runtime_stop(rt, 60000, &error));
  g_assert_no_error(error);
  gust_runtime_free(rt);
  gust_topology_free(t);
  g_assert_cmpint(seen.min_emitted, >=, 500);
  remove_tree(dir);
}

static void test_a_restored_run_failing_before_its_first_checkpoint_restarts_from_the_same_one(void)
{
  g_autofree char *dir = g_dir_make_tmp("gust-rt-restore-XXXXXX", NULL);
  seen_reset(-1);
  run_and_stop("numbers", dir, 500);

  /* the bolt fails on the first tuple it sees: before any checkpoint of
   * the new run can complete */
  seen_reset(0);
  gust_topology *t = numbers_topology("numbers", dir);
  GError *error = NULL;
  gust_runtime *rt = runtime_new(t, FALSE, &error);
  g_assert_no_error(error);
  gust_runtime_start(rt);
  wait_processed(200);
  g_assert_true(gust_runtime_stop(rt, 60000, &error));
  g_assert_no_error(error);
  gust_runtime_free(rt);
  gust_topology_free(t);
  g_assert_true(seen.crashed);
  g_assert_cmpint(seen.min_emitted, >=, 500); /* never from scratch */
  remove_tree(dir);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL);
  g_log_set_fatal_mask(NULL, G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR); /* restarts warn */
  g_test_add_func("/runtime_restore/bytes_the_reader_rejects_fail_the_runtime_and_delete_nothing",
                  test_bytes_the_reader_rejects_fail_the_runtime_and_delete_nothing);
  g_test_add_func("/runtime_restore/another_topologys_checkpoint_is_refused_unless_allowed",
                  test_another_topologys_checkpoint_is_refused_unless_allowed);
  g_test_add_func(
      "/runtime_restore/"
      "a_restored_run_failing_before_its_first_checkpoint_restarts_from_the_same_one",
      test_a_restored_run_failing_before_its_first_checkpoint_restarts_from_the_same_one);
  return g_test_run();
}
