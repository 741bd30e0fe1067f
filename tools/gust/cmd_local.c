/* cmd_local.c — `gust local FILE.yaml`: run a Flux topology in this
 * process, as `storm local` does.
 *
 * Loads the Flux file (with --filter properties and --env-filter), builds
 * the runtime, runs it for --duration seconds or until Ctrl-C / SIGTERM,
 * then stops it cleanly (spouts deactivate, in-flight tuples settle) and
 * prints one summary line per component.  While it drains it says what it
 * waits for; a second Ctrl-C (or SIGTERM) forces the stop.  Logs go to
 * stderr (log_writer.h), the summary to stdout.
 *
 * --check FILE (Flux's --dry-run) loads the file (with --jar, has the JVM
 * build its Java classes) and reports every problem
 * it finds (every unsupported class, every broken subscription), then
 * opens the native libraries, and exits non-zero if there was any.
 *
 * --jar JAR: spouts and bolts whose className is none of gust's built-in
 * classes nor native are the jar's own Java classes; one JVM (gust's Storm
 * API and JAR on its class path; --java, --jvm-opts) builds them as Storm's
 * Flux does and hosts their tasks (flux_java.h).  A class that cannot be
 * built ends the command with status 2 and a message naming the component,
 * its line and the reason.
 *
 * Native libraries: a className "native:PATH:SYMBOL" names PATH relative
 * to the Flux file; a library that is not there is looked for by its file
 * name in $GUST_NATIVE_PATH (':'-separated), then in the build's library
 * directory (GUST_BUILD_LIBRARY_DIR, where the examples' libraries are).
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
 * --ui-port N serves Storm UI's REST API, the web pages and Prometheus
 * metrics for the run on ui.host (default 127.0.0.1) port N (0: a free
 * port); the address is logged.  topology.gust.metrics.port serves
 * /metrics alone on ui.host, as a cluster's worker does (metrics_server.h).  A kill over the API
 * deactivates the spouts and, after its wait time, stops the run as Ctrl-C does.
 *
 * Kafka: when a KafkaSpout or KafkaBolt names the bootstrap servers
 * "embedded", an embedded broker (librdkafka's mock cluster, on 127.0.0.1)
 * starts in this process first and its address replaces "embedded".
 */
#define G_LOG_DOMAIN "gust-local"

#include "commands.h"
#include "flux_java.h"
#include "jvm_command_line.h"
#include "local_report.h"
#include "metrics_server.h"
#include "log_writer.h"
#include "number_options.h"
#include "topology_run.h"

#include <gust/conf.h>
#include <gust/ui_local.h>

#include <gust/flinkcore.h>
#include <gust/flux.h>
#include <gust/kafka.h>
#include <gust/runtime.h>
#include <stdio.h>

enum {
  MAX_DURATION_S = 10 * 365 * 24 * 3600, /* ten years: beyond that, say 0 (until Ctrl-C) */
  MAX_THREADS = 1024,
};

static void stop_jvm(gust_jvm *jvm)
{
  if (!jvm) return;
  g_autofree char *ended = gust_jvm_stop(jvm, 5000);
  g_debug("the JVM %s", ended);
  gust_jvm_free(jvm);
}

/* --check: every problem of the file, one line each; 0 when there is none. */
static int check_file(const char *file, gust_flux_options flux_opts, const char *native_path,
                      const gust_flux_java_options *java)
{
  GError *error = NULL;
  flux_opts.skip_validation = TRUE;
  gust_topology *topology = gust_flux_load_file(file, &flux_opts, &error);
  if (!topology) {
    gust_log_error("%s", error->message);
    g_error_free(error);
    return 1;
  }
  gust_jvm *jvm = NULL; /* --jar: the JVM that builds the Java classes */
  if (java && !gust_flux_java_host(topology, java, &jvm, &error)) {
    gust_log_error("%s", error->message);
    printf("%s: 1 problem\n", file);
    g_error_free(error);
    gust_topology_free(topology);
    return 2;
  }
  gust_validate_flags flags = gust_topology_has_native_components(topology)
                                  ? GUST_VALIDATE_SKIP_NATIVE_STREAMS
                                  : GUST_VALIDATE_DEFAULT;
  GPtrArray *problems = gust_topology_validate_all(topology, flags);
  for (guint i = 0; i < problems->len; i++)
    gust_log_error("%s", ((GError *)g_ptr_array_index(problems, i))->message);
  guint n = problems->len;
  g_ptr_array_unref(problems);
  if (n == 0) { /* loads the native libraries and validates their streams */
    gust_runtime_options rt_opts = {
        .threads = 1, .native_path = native_path, .jvm_socket = jvm ? gust_jvm_socket(jvm) : NULL};
    gust_runtime *rt = gust_runtime_new(topology, &rt_opts, &error);
    if (rt)
      gust_runtime_free(rt);
    else {
      gust_log_error("%s", error->message);
      g_clear_error(&error);
      n = 1;
    }
  }
  if (n == 0)
    printf("%s: topology '%s' is valid\n", file, gust_topology_name(topology));
  else
    printf("%s: %u problem%s\n", file, n, n == 1 ? "" : "s");
  stop_jvm(jvm);
  gust_topology_free(topology);
  return n ? 1 : 0;
}

static gboolean stop_after_kill(gpointer data)
{
  gust_stop_request();
  return G_SOURCE_REMOVE;
}

/* A kill asked over the UI's API, on the UI's thread: the run stops after
 * wait_secs, timed on that thread's context. */
static void on_ui_kill(int wait_secs, void *user_data)
{
  g_message("killed over the UI: stopping in %d s", wait_secs);
  GSource *timer = g_timeout_source_new_seconds((guint)wait_secs);
  g_source_set_callback(timer, stop_after_kill, NULL, NULL);
  g_source_attach(timer, g_main_context_get_thread_default());
  g_source_unref(timer);
}

/* The UI server for this run (ui.host, ui.gust.sample.ms from the
 * topology conf), or NULL after logging why it cannot listen. */
static gust_ui_server *start_ui(gust_runtime *rt, gust_topology *topology, int port)
{
  const json_t *conf = gust_runtime_conf(rt);
  void *data = NULL;
  const gust_ui_source_funcs *funcs = gust_ui_local_source(rt, topology, on_ui_kill, NULL, &data);
  gust_ui_options opts = {.host = gust_conf_string(conf, "ui.host"),
                          .port = port,
                          .sample_ms = gust_conf_int(conf, "ui.gust.sample.ms")};
  GError *error = NULL;
  gust_ui_server *ui = gust_ui_server_start(funcs, data, &opts, &error);
  if (!ui) {
    gust_log_error("%s", error->message);
    g_error_free(error);
    return NULL;
  }
  g_message("UI at http://%s:%d/ (Storm UI's REST API under /api/v1/, Prometheus at /metrics)",
            gust_ui_server_host(ui), gust_ui_server_port(ui));
  return ui;
}

/* --jar: the Flux file's own Java classes built and hosted by a JVM, then
 * the validation the load left out.  0, or the exit status: 2 for a class
 * that cannot be built or a topology that is not valid, 1 when the JVM
 * cannot start. */
static int host_java(gust_topology *topology, const gust_flux_java_options *options, gust_jvm **jvm)
{
  GError *error = NULL;
  gust_validate_flags flags = gust_topology_has_native_components(topology)
                                  ? GUST_VALIDATE_SKIP_NATIVE_STREAMS
                                  : GUST_VALIDATE_DEFAULT;
  if (gust_flux_java_host(topology, options, jvm, &error) &&
      gust_topology_validate_with_flags(topology, flags, &error))
    return 0;
  gust_log_error("%s", error->message);
  int status = g_error_matches(error, GUST_FLUX_ERROR, GUST_FLUX_ERROR_UNSUPPORTED) ||
                       error->domain == GUST_TOPOLOGY_ERROR
                   ? 2
                   : 1;
  g_error_free(error);
  stop_jvm(*jvm);
  *jvm = NULL;
  return status;
}

/* Every 100 ms with --jar: the JVM started again when it ended (its Java
 * tasks and custom groupings open again there). */
static void tend_jvm(void *data)
{
  GError *error = NULL;
  if (!gust_jvm_tend(data, &error)) {
    gust_log_error("%s", error->message);
    g_clear_error(&error);
  }
}

int gust_cmd_local(int argc, char **argv)
{
  double duration = 20;
  g_autofree char *duration_text = NULL, *threads_text = NULL;
  char *filter = NULL;
  gboolean env_filter = FALSE, check = FALSE;
  int threads = 0;
  g_autofree char *checkpoint_dir = NULL;
  gboolean verbose = FALSE;
  gboolean allow_non_restored = FALSE;
  g_autofree char *jar = NULL, *java = NULL, *jvm_opts = NULL;
  g_autofree char *ui_port_text = NULL;
  int ui_port = -1;
  GOptionEntry entries[] = {
      {"duration", 'd', 0, G_OPTION_ARG_STRING, &duration_text,
       "seconds to run, 0 = until Ctrl-C (default 20)", "SECONDS"},
      {"filter", 'f', 0, G_OPTION_ARG_FILENAME, &filter, "properties file for ${key} substitution",
       "FILE"},
      {"env-filter", 'e', 0, G_OPTION_ARG_NONE, &env_filter, "substitute ${ENV-NAME}", NULL},
      {"threads", 't', 0, G_OPTION_ARG_STRING, &threads_text,
       "scheduler threads, 1 to 1024 (default: cores)", "N"},
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "also log debug messages", NULL},
      {"check", 0, 0, G_OPTION_ARG_NONE, &check,
       "report every problem of the file and exit (Flux's --dry-run)", NULL},
      {"checkpoint-dir", 'c', 0, G_OPTION_ARG_FILENAME, &checkpoint_dir,
       "keep checkpoints in DIR and resume from the newest one there", "DIR"},
      {"allow-non-restored-state", 0, 0, G_OPTION_ARG_NONE, &allow_non_restored,
       "resume from another topology's checkpoint, dropping the state nothing here can take", NULL},
      {"jar", 'j', 0, G_OPTION_ARG_FILENAME, &jar,
       "the jar of the spouts' and bolts' own Java classes (built and hosted in one JVM)", "JAR"},
      {"java", 0, 0, G_OPTION_ARG_FILENAME, &java, "with --jar: the java program (default: java)",
       "PATH"},
      {"jvm-opts", 0, 0, G_OPTION_ARG_STRING, &jvm_opts,
       "with --jar: the JVM's options, space-separated (default \"" GUST_DEFAULT_JVM_OPTS "\")",
       "OPTIONS"},
      {"ui-port", 0, 0, G_OPTION_ARG_STRING, &ui_port_text,
       "serve Storm UI's REST API, web pages and /metrics on port N of ui.host (0: any free "
       "port)",
       "N"},
      {NULL},
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("FILE.yaml - run a Flux topology locally");
  g_option_context_set_description(
      ctx, "A native library (className native:PATH:SYMBOL) is looked for at PATH relative to the\n"
           "Flux file, then by its file name in $GUST_NATIVE_PATH (':'-separated directories),\n"
           "then in " GUST_BUILD_LIBRARY_DIR ".\n");
  g_option_context_add_main_entries(ctx, entries, NULL);
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) ||
      !gust_option_double("--duration", duration_text, 0, MAX_DURATION_S, &duration, &error) ||
      !gust_option_int("--threads", threads_text, 1, MAX_THREADS, &threads, &error) ||
      !gust_option_int("--ui-port", ui_port_text, 0, 65535, &ui_port, &error) || argc != 2) {
    gust_log_error("%s", error ? error->message : "exactly one Flux file is needed");
    g_clear_error(&error);
    g_free(filter);
    return 2;
  }
  gust_log_writer_set_verbose(verbose);
  g_autofree char *native_path = gust_native_search_path();
  gust_flux_options flux_opts = {
      .properties_file = filter, .env_filter = env_filter, .skip_validation = jar != NULL};
  if (check) {
    int status = check_file(argv[1], flux_opts, native_path,
                            jar ? &(gust_flux_java_options){jar, java, jvm_opts} : NULL);
    g_free(filter);
    return status;
  }
  gust_topology *topology = gust_flux_load_file(argv[1], &flux_opts, &error);
  g_free(filter);
  if (!topology) {
    gust_log_error("%s", error->message);
    g_error_free(error);
    return 1;
  }
  gust_jvm *jvm = NULL; /* --jar: the JVM that builds and hosts the Java classes */
  if (jar) {
    int status = host_java(topology, &(gust_flux_java_options){jar, java, jvm_opts}, &jvm);
    if (status) {
      gust_topology_free(topology);
      return status;
    }
  }
  gust_kafka_mock *kafka = NULL; /* bootstrap servers "embedded": a broker in this process */
  if (!gust_kafka_embed_topology(topology, &kafka, &error)) {
    gust_log_error("%s", error->message);
    g_error_free(error);
    stop_jvm(jvm);
    gust_topology_free(topology);
    return 1;
  }
  if (kafka) g_message("embedded Kafka broker at %s", gust_kafka_mock_bootstrap(kafka));
  if (checkpoint_dir)
    gust_topology_set_conf_value(topology, "topology.gust.checkpoint.dir",
                                 json_string(checkpoint_dir));
  gust_runtime_options rt_opts = {.threads = threads,
                                  .native_path = native_path,
                                  .allow_non_restored_state = allow_non_restored,
                                  .jvm_socket = jvm ? gust_jvm_socket(jvm) : NULL};
  gust_runtime *rt = gust_runtime_new(topology, &rt_opts, &error);
  if (!rt) {
    gust_log_error("%s", error->message);
    g_error_free(error);
    gust_kafka_mock_free(kafka);
    stop_jvm(jvm);
    gust_topology_free(topology);
    return 1;
  }
  gust_stop_signals_install();
  gust_ui_server *ui = NULL;
  if (ui_port_text && !(ui = start_ui(rt, topology, ui_port))) {
    gust_runtime_free(rt);
    gust_kafka_mock_free(kafka);
    stop_jvm(jvm);
    gust_topology_free(topology);
    return 1;
  }
  gust_ui_server *metrics = NULL;
  gust_metrics_server_options metrics_opts = {
      .host = gust_conf_string(gust_runtime_conf(rt), "ui.host"), .host_key = "ui.host"};
  if (!gust_metrics_server_start(rt, topology, &metrics_opts, &metrics, &error)) {
    gust_log_error("%s", error->message);
    g_error_free(error);
    gust_ui_server_stop(ui);
    gust_runtime_free(rt);
    gust_kafka_mock_free(kafka);
    stop_jvm(jvm);
    gust_topology_free(topology);
    return 1;
  }
  g_message("running topology '%s' from %s%s", gust_topology_name(topology), argv[1],
            duration > 0 ? "" : " until Ctrl-C");
  int64_t start = g_get_monotonic_time();
  gust_runtime_start(rt);
  int status = gust_run_until_stop(rt, duration, jvm ? tend_jvm : NULL, jvm);
  if (status == 0) {
    g_message("stopping: deactivating the spouts%s",
              gust_stop_requests() ? " (stop requested)" : "");
    status = gust_drain(rt);
  }
  gust_local_print_summary(rt, (g_get_monotonic_time() - start) / 1e6);
  gust_ui_server_stop(metrics);
  gust_ui_server_stop(ui);
  gust_runtime_free(rt);
  gust_kafka_mock_free(kafka);
  stop_jvm(jvm);
  gust_topology_free(topology);
  return status;
}
