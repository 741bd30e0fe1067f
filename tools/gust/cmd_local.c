/* cmd_local.c — `gust local FILE.yaml`: run a Flux topology in this
 * process, as `storm local` does.
 *
 * Loads the Flux file (with --filter properties and --env-filter), builds
 * the runtime, runs it for --duration seconds or until Ctrl-C / SIGTERM,
 * then stops it cleanly (spouts deactivate, in-flight tuples settle) and
 * prints one summary line per component.  Logs go to stderr.
 *
 * Checkpoints: --checkpoint-dir DIR keeps them in DIR; a run started on a
 * DIR that holds a complete checkpoint resumes from it (the newest intact
 * one), also after the process was killed.  A clean stop takes a final
 * checkpoint, so the next run neither loses nor repeats anything (a
 * savepoint; the Flux file may change parallelism in between).  DIR is
 * checked writable before the topology starts.  A checkpoint that cannot
 * be resumed from (damaged, or another topology's: refused unless
 * --allow-non-restored-state) ends the run with an error and exit status
 * 1, never with a fresh start; so does a stop whose final checkpoint
 * cannot be written.
 *
 * Kafka: when a KafkaSpout or KafkaBolt names the bootstrap servers
 * "embedded", an embedded broker (librdkafka's mock cluster, on 127.0.0.1)
 * starts in this process first and its address replaces "embedded".
 */
#include "commands.h"

#include <gust/flinkcore.h>
#include <gust/flux.h>
#include <gust/kafka.h>
#include <gust/runtime.h>
#include <signal.h>
#include <stdio.h>

static volatile sig_atomic_t stop_requested;

/* INFO and up go to stderr (Storm logs at INFO: LogInfoBolt, for one);
 * DEBUG only with --verbose. */
static GLogWriterOutput write_log(GLogLevelFlags level, const GLogField *fields, gsize n_fields,
                                  gpointer verbose)
{
  if ((level & G_LOG_LEVEL_DEBUG) && !GPOINTER_TO_INT(verbose)) return G_LOG_WRITER_HANDLED;
  return g_log_writer_default(level, fields, n_fields, NULL);
}

static void on_signal(int signo)
{
  stop_requested = 1;
}

static void print_summary(gust_runtime *rt, double seconds)
{
  gust_component_summary *s = NULL;
  guint n = gust_runtime_summary(rt, &s);
  printf("%-16s %-5s %5s %12s %12s %10s %12s %8s %12s\n", "component", "kind", "tasks", "emitted",
         "acked", "failed", "executed", "errors", "latency ms");
  for (guint i = 0; i < n; i++)
    printf("%-16s %-5s %5d %12" G_GUINT64_FORMAT " %12" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT
           " %12" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT " %12.3f\n",
           s[i].component, s[i].is_spout ? "spout" : "bolt", s[i].tasks, s[i].emitted, s[i].acked,
           s[i].failed, s[i].executed, s[i].errors, s[i].latency_ms);
  printf("ran %.1f s\n", seconds);
  g_free(s);
}

int gust_cmd_local(int argc, char **argv)
{
  double duration = 20;
  char *filter = NULL;
  gboolean env_filter = FALSE;
  int threads = 0;
  g_autofree char *checkpoint_dir = NULL;
  gboolean verbose = FALSE;
  gboolean allow_non_restored = FALSE;
  GOptionEntry entries[] = {
      {"duration", 'd', 0, G_OPTION_ARG_DOUBLE, &duration,
       "seconds to run, 0 = until Ctrl-C (default 20)", "SECONDS"},
      {"filter", 'f', 0, G_OPTION_ARG_FILENAME, &filter, "properties file for ${key} substitution",
       "FILE"},
      {"env-filter", 'e', 0, G_OPTION_ARG_NONE, &env_filter, "substitute ${ENV-NAME}", NULL},
      {"threads", 't', 0, G_OPTION_ARG_INT, &threads, "scheduler threads (default: cores)", "N"},
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "also log debug messages", NULL},
      {"checkpoint-dir", 'c', 0, G_OPTION_ARG_FILENAME, &checkpoint_dir,
       "keep checkpoints in DIR and resume from the newest one there", "DIR"},
      {"allow-non-restored-state", 0, 0, G_OPTION_ARG_NONE, &allow_non_restored,
       "resume from another topology's checkpoint, dropping the state nothing here can take", NULL},
      {NULL},
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("FILE.yaml - run a Flux topology locally");
  g_option_context_add_main_entries(ctx, entries, NULL);
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 2) {
    fprintf(stderr, "gust local: %s\n", error ? error->message : "exactly one Flux file is needed");
    g_clear_error(&error);
    g_free(filter);
    return 2;
  }
  g_setenv("G_MESSAGES_DEBUG", "all", FALSE); /* the writer below filters */
  g_log_set_writer_func(write_log, GINT_TO_POINTER(verbose), NULL);
  gust_flux_options flux_opts = {.properties_file = filter, .env_filter = env_filter};
  gust_topology *topology = gust_flux_load_file(argv[1], &flux_opts, &error);
  g_free(filter);
  if (!topology) {
    fprintf(stderr, "gust local: %s\n", error->message);
    g_error_free(error);
    return 1;
  }
  gust_kafka_mock *kafka = NULL; /* bootstrap servers "embedded": a broker in this process */
  if (!gust_kafka_embed_topology(topology, &kafka, &error)) {
    fprintf(stderr, "gust local: %s\n", error->message);
    g_error_free(error);
    gust_topology_free(topology);
    return 1;
  }
  if (kafka)
    fprintf(stderr, "gust local: embedded Kafka broker at %s\n", gust_kafka_mock_bootstrap(kafka));
  if (checkpoint_dir)
    gust_topology_set_conf_value(topology, "topology.gust.checkpoint.dir",
                                 json_string(checkpoint_dir));
  gust_runtime_options rt_opts = {.threads = threads,
                                  .allow_non_restored_state = allow_non_restored};
  gust_runtime *rt = gust_runtime_new(topology, &rt_opts, &error);
  if (!rt) {
    fprintf(stderr, "gust local: %s\n", error->message);
    g_error_free(error);
    gust_kafka_mock_free(kafka);
    gust_topology_free(topology);
    return 1;
  }
  struct sigaction sa = {.sa_handler = on_signal};
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);

  fprintf(stderr, "gust local: running topology '%s' from %s%s\n", gust_topology_name(topology),
          argv[1], duration > 0 ? "" : " until Ctrl-C");
  int64_t start = g_get_monotonic_time();
  gust_runtime_start(rt);
  int status = 0;
  while (!stop_requested) {
    if (duration > 0 && g_get_monotonic_time() - start >= (int64_t)(duration * 1e6)) break;
    if (gust_runtime_wait(rt, 100, &error)) break; /* every spout ended by itself */
    if (!g_error_matches(error, FC_ERROR, FC_ERROR_TIMEOUT)) {
      fprintf(stderr, "gust local: topology failed: %s\n", error->message);
      status = 1;
      break;
    }
    g_clear_error(&error);
  }
  g_clear_error(&error);
  if (status == 0) {
    fprintf(stderr, "gust local: stopping (deactivating spouts, draining)\n");
    if (!gust_runtime_stop(rt, 60000, &error)) {
      bool hung = g_error_matches(error, FC_ERROR, FC_ERROR_TIMEOUT);
      fprintf(stderr, "gust local: stopping failed: %s%s\n", error->message,
              hung ? "; tasks:" : "");
      if (hung) gust_runtime_dump_tasks(rt, stderr);
      g_clear_error(&error);
      status = 1;
    }
  }
  print_summary(rt, (g_get_monotonic_time() - start) / 1e6);
  gust_runtime_free(rt);
  gust_kafka_mock_free(kafka);
  gust_topology_free(topology);
  return status;
}
