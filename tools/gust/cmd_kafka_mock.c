/* cmd_kafka_mock.c — `gust kafka-mock`: an embedded Kafka broker for
 * development and tests (librdkafka's mock cluster on 127.0.0.1, see
 * gust/kafka.h).
 *
 * Prints the bootstrap address on stdout (and writes it to
 * --bootstrap-file, atomically, once the brokers listen), then runs until
 * SIGINT or SIGTERM.  Topics are created on first use (4 partitions) or
 * up front with --topic NAME:PARTITIONS.  With --control it also reads
 * commands on stdin, one per line, and answers "ok" or "error: ..." on
 * stdout:
 *     down BROKER|all     disconnect clients, refuse connections
 *     up BROKER|all       accept connections again
 *     topic NAME:PARTITIONS
 * Numbers are range-checked (number_options.h): a bad --brokers or --topic
 * exits with status 2 before any broker starts.  Diagnostics go through the
 * log writer (log_writer.h) on stderr.
 * The main loop (signals, stdin) runs on the main thread; the brokers on
 * librdkafka's threads.
 */
#define G_LOG_DOMAIN "gust-kafka-mock"

#include "commands.h"
#include "log_writer.h"
#include "number_options.h"

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gust/kafka.h>
#include <stdio.h>
#include <string.h>

enum {
  MAX_BROKERS = 64,
  MAX_PARTITIONS = 100000,
};

typedef struct {
  GMainLoop *loop;
  gust_kafka_mock *mock;
  guint stdin_watch; /* 0 once stdin ended */
} mock_run;

static gboolean on_stop_signal(gpointer data)
{
  g_main_loop_quit(((mock_run *)data)->loop);
  return G_SOURCE_CONTINUE;
}

/* Reads "NAME:PARTITIONS" (or "NAME": one partition) into *name (the
 * caller frees it) and *partitions; what names where spec came from. */
static gboolean parse_topic(const char *what, const char *spec, char **name, int *partitions,
                            GError **error)
{
  const char *colon = strrchr(spec, ':');
  if (colon == spec || !*spec) {
    g_set_error(error, GUST_KAFKA_ERROR, GUST_KAFKA_ERROR_ARGUMENT,
                "%s '%s': the topic name is empty (use NAME:PARTITIONS)", what, spec);
    return FALSE;
  }
  *partitions = 1;
  g_autofree char *count = g_strdup_printf("%s '%s': the partition count", what, spec);
  if (colon && !gust_option_int(count, colon + 1, 1, MAX_PARTITIONS, partitions, error))
    return FALSE;
  *name = colon ? g_strndup(spec, colon - spec) : g_strdup(spec);
  return TRUE;
}

static gboolean create_topic(gust_kafka_mock *mock, const char *what, const char *spec,
                             GError **error)
{
  g_autofree char *name = NULL;
  int partitions;
  return parse_topic(what, spec, &name, &partitions, error) &&
         gust_kafka_mock_create_topic(mock, name, partitions, error);
}

static gboolean run_command(gust_kafka_mock *mock, char **words, GError **error)
{
  guint n = g_strv_length(words);
  if (n == 2 && (g_str_equal(words[0], "down") || g_str_equal(words[0], "up"))) {
    int id = -1;
    if (!g_str_equal(words[1], "all") &&
        !gust_option_int("broker", words[1], 1, G_MAXINT, &id, error))
      return FALSE;
    return gust_kafka_mock_set_broker_up(mock, id, g_str_equal(words[0], "up"), error);
  }
  if (n == 2 && g_str_equal(words[0], "topic")) return create_topic(mock, "topic", words[1], error);
  g_set_error(error, GUST_KAFKA_ERROR, GUST_KAFKA_ERROR_ARGUMENT,
              "unknown command (use: down BROKER|all, up BROKER|all, topic NAME:PARTITIONS)");
  return FALSE;
}

/* Every --topic is well formed (checked before a broker starts). */
static gboolean check_topics(char **topics, GError **error)
{
  for (char **topic = topics; topic && *topic; topic++) {
    g_autofree char *name = NULL;
    int partitions;
    if (!parse_topic("--topic", *topic, &name, &partitions, error)) return FALSE;
  }
  return TRUE;
}

static gboolean on_control_line(GIOChannel *channel, GIOCondition condition, gpointer data)
{
  mock_run *run = data;
  char *line = NULL;
  GIOStatus status = g_io_channel_read_line(channel, &line, NULL, NULL, NULL);
  if (status != G_IO_STATUS_NORMAL) {
    g_free(line);
    if (status == G_IO_STATUS_AGAIN) return G_SOURCE_CONTINUE;
    run->stdin_watch = 0; /* EOF: stop reading, keep serving */
    return G_SOURCE_REMOVE;
  }
  g_strstrip(line);
  g_auto(GStrv) words = g_strsplit_set(line, " \t", -1);
  GError *error = NULL;
  if (!*line)
    ;
  else if (run_command(run->mock, words, &error))
    printf("ok\n");
  else
    printf("error: %s\n", error->message);
  fflush(stdout);
  g_clear_error(&error);
  g_free(line);
  return G_SOURCE_CONTINUE;
}

int gust_cmd_kafka_mock(int argc, char **argv)
{
  int brokers = 1;
  g_autofree char *brokers_text = NULL;
  char **topics = NULL;
  char *bootstrap_file = NULL;
  gboolean control = FALSE;
  GOptionEntry entries[] = {
      {"brokers", 'b', 0, G_OPTION_ARG_STRING, &brokers_text,
       "number of brokers, 1 to 64 (default 1)", "N"},
      {"topic", 't', 0, G_OPTION_ARG_STRING_ARRAY, &topics,
       "create a topic up front with 1 to 100000 partitions (repeatable)", "NAME:PARTITIONS"},
      {"bootstrap-file", 'f', 0, G_OPTION_ARG_FILENAME, &bootstrap_file,
       "also write the bootstrap address to FILE", "FILE"},
      {"control", 'c', 0, G_OPTION_ARG_NONE, &control,
       "read commands on stdin: down|up BROKER|all, topic NAME:PARTITIONS", NULL},
      {NULL},
  };
  g_autoptr(GOptionContext) ctx =
      g_option_context_new("- run an embedded Kafka broker (librdkafka's mock cluster)");
  g_option_context_add_main_entries(ctx, entries, NULL);
  GError *error = NULL;
  int status = 0;
  gust_kafka_mock *mock = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) ||
      !gust_option_int("--brokers", brokers_text, 1, MAX_BROKERS, &brokers, &error) ||
      !check_topics(topics, &error) || argc != 1) {
    gust_log_error("%s", error ? error->message : "unexpected arguments");
    status = 2;
    goto out;
  }
  if (!(mock = gust_kafka_mock_new(brokers, &error))) goto fail;
  for (char **topic = topics; topic && *topic; topic++)
    if (!create_topic(mock, "--topic", *topic, &error)) goto fail;
  if (bootstrap_file) {
    g_autofree char *text = g_strdup_printf("%s\n", gust_kafka_mock_bootstrap(mock));
    if (!g_file_set_contents(bootstrap_file, text, -1, &error)) goto fail;
  }
  printf("%s\n", gust_kafka_mock_bootstrap(mock));
  fflush(stdout);
  g_message("%d broker(s) at %s; Ctrl-C stops", brokers, gust_kafka_mock_bootstrap(mock));

  mock_run run = {g_main_loop_new(NULL, FALSE), mock, 0};
  guint sigint = g_unix_signal_add(SIGINT, on_stop_signal, &run);
  guint sigterm = g_unix_signal_add(SIGTERM, on_stop_signal, &run);
  GIOChannel *stdin_channel = NULL;
  if (control) {
    stdin_channel = g_io_channel_unix_new(0);
    run.stdin_watch = g_io_add_watch(stdin_channel, G_IO_IN | G_IO_HUP, on_control_line, &run);
  }
  g_main_loop_run(run.loop);
  if (run.stdin_watch) g_source_remove(run.stdin_watch);
  if (stdin_channel) g_io_channel_unref(stdin_channel);
  g_source_remove(sigint);
  g_source_remove(sigterm);
  g_main_loop_unref(run.loop);
  g_message("stopped");
  goto out;
fail:
  gust_log_error("%s", error->message);
  status = 1;
out:
  g_clear_error(&error);
  if (bootstrap_file && status == 0) g_unlink(bootstrap_file);
  gust_kafka_mock_free(mock);
  g_strfreev(topics);
  g_free(bootstrap_file);
  return status;
}
