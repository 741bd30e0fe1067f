/* kafka_test_bolt.c — a native bolt for the Kafka CLI tests
 * (test_gust_kafka.py), loaded from a Flux file as
 * native:libkafka_test_bolt.so:flaky_bolt.
 *
 * It fails the first delivery of every tuple whose "value" is "v<n>" with
 * n divisible by 3 and acks everything else, printing one line per
 * decision on stderr ("flaky: failed v3", "flaky: acked v4") for the test
 * to count.  State per instance (the values failed once), on the task's
 * thread; no globals.
 *
 * native:libkafka_test_bolt.so:crash_once_bolt acks every tuple, except
 * that the first tuple it sees once the file named by conf
 * "test.crash_file" exists makes the task fail (execute() returns an
 * error) — once: it creates "<test.crash_file>.done" first, so the
 * restarted topology does not fail again.  How a test injects a task
 * failure at a moment of its choosing.
 */
#include <gust/storm.h>
#include <stdio.h>
#include <stdlib.h>

static gboolean flaky_open(const gust_context *ctx, void **state, GError **error)
{
  *state = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  return TRUE;
}

static gboolean flaky_execute(void *state, const gust_tuple *input, gust_collector *out,
                              GError **error)
{
  if (gust_tuple_is_tick(input)) return TRUE;
  const fc_value *value = gust_tuple_get_by_field(input, "value");
  if (!value || value->type != FC_STR) {
    gust_fail(out, input);
    return TRUE;
  }
  g_autofree char *text = g_strndup(value->u.str, value->len);
  GHashTable *failed_once = state;
  if (text[0] == 'v' && atoi(text + 1) % 3 == 0 && !g_hash_table_contains(failed_once, text)) {
    g_hash_table_add(failed_once, g_strdup(text));
    fprintf(stderr, "flaky: failed %s\n", text);
    gust_fail(out, input);
  } else {
    fprintf(stderr, "flaky: acked %s\n", text);
    gust_ack(out, input);
  }
  return TRUE;
}

static void flaky_close(void *state)
{
  g_hash_table_destroy(state);
}

const gust_component_def flaky_bolt = {
    .abi = GUST_NATIVE_ABI,
    .kind = GUST_DEF_BOLT,
    .open = flaky_open,
    .execute = flaky_execute,
    .close = flaky_close,
};

static gboolean crash_open(const gust_context *ctx, void **state, GError **error)
{
  const char *file = json_string_value(json_object_get(gust_context_conf(ctx), "test.crash_file"));
  *state = g_strdup(file);
  return TRUE;
}

static gboolean crash_execute(void *state, const gust_tuple *input, gust_collector *out,
                              GError **error)
{
  const char *file = state;
  if (file && !gust_tuple_is_tick(input) && g_file_test(file, G_FILE_TEST_EXISTS)) {
    g_autofree char *done = g_strconcat(file, ".done", NULL);
    if (!g_file_test(done, G_FILE_TEST_EXISTS) && g_file_set_contents(done, "", 0, NULL)) {
      g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "crash_once_bolt: %s exists", file);
      return FALSE;
    }
  }
  gust_ack(out, input);
  return TRUE;
}

const gust_component_def crash_once_bolt = {
    .abi = GUST_NATIVE_ABI,
    .kind = GUST_DEF_BOLT,
    .open = crash_open,
    .execute = crash_execute,
    .close = g_free,
};
