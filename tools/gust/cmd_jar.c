/* cmd_jar.c — `gust jar [--local] JAR MAINCLASS [ARGS...]`: run a Java
 * topology's main, as `storm jar` (to a cluster) and `storm local` do.
 *
 * Without --local, the main runs in a JVM that replaces this process and
 * its StormSubmitter submits to the cluster's Nimbus (jar_submit.c; the
 * client conf from storm.yaml, --config and -c, as every cluster command
 * reads it).
 *
 * With --local it starts one JVM with gust's Storm API jar (gust-storm.jar, with SLF4J and
 * Thrift) and JAR on its class path and runs MAINCLASS.main(ARGS) in it.
 * The topology that main submits (StormSubmitter.submitTopology, directly
 * or through ConfigurableTopology, or LocalCluster.submitTopology) runs
 * in this process for --local-ttl seconds (20 by default, as Storm's),
 * or until a LocalCluster kills it or shuts down, Ctrl-C or SIGTERM; then
 * it stops cleanly (spouts deactivate, in-flight tuples settle) and the
 * summary is printed.  Its Java spouts and bolts run in the same JVM (the
 * JVM host, compat/jvm/); ShellBolt and ShellSpout subclasses run through
 * the multilang host with their command.  --local-ttl may also follow the
 * main class's arguments, as with `storm local`.  That JVM has the system
 * property gust.local.mode=true, which sends StormSubmitter's topology
 * here instead of to a Nimbus.
 *
 * The main class org.apache.storm.flux.Flux is Storm's Flux: its options
 * and Flux file go to `gust local --jar` or `gust submit --jar`
 * (jar_flux.c), whose JVM builds the file's Java classes.
 */
#define G_LOG_DOMAIN "gust-jar"

#include "commands.h"
#include "jar_flux.h"
#include "jar_submit.h"
#include "jvm_command_line.h"
#include "local_report.h"
#include "log_writer.h"
#include "number_options.h"
#include "topology_run.h"

#include <gust/flinkcore.h>
#include <gust/jvm.h>
#include <gust/runtime.h>
#include <string.h>

enum {
  MAX_TTL_S = 10 * 365 * 24 * 3600,
  STOP_TIMEOUT_MS = 60 * 1000, /* the drain's bound */
  JVM_GRACE_MS = 5000,
};

/* Takes "--local-ttl N" (or "--local-ttl=N") out of the main class's arguments. */
static void take_trailing_ttl(int *argc, char **argv, char **ttl_text)
{
  int out = 0;
  for (int i = 0; i < *argc; i++) {
    if (!strcmp(argv[i], "--local-ttl") && i + 1 < *argc) {
      g_free(*ttl_text);
      *ttl_text = g_strdup(argv[++i]);
    } else if (g_str_has_prefix(argv[i], "--local-ttl=")) {
      g_free(*ttl_text);
      *ttl_text = g_strdup(argv[i] + strlen("--local-ttl="));
    } else {
      argv[out++] = argv[i];
    }
  }
  *argc = out;
  argv[out] = NULL;
}

/* Waits for the topology main submits.  NULL when main ended without one
 * (*status says how the command ends) or the JVM went away. */
static gust_topology *wait_for_submission(gust_jvm *jvm, int *status, gboolean *inactive)
{
  for (;;) {
    gust_jvm_event ev;
    GError *error = NULL;
    if (gust_stop_requests()) {
      *status = 130;
      return NULL;
    }
    if (!gust_jvm_next_event(jvm, 100, &ev, &error)) {
      gust_log_error("%s", error->message);
      g_error_free(error);
      *status = 1;
      return NULL;
    }
    gust_topology *t = NULL;
    switch (ev.kind) {
    case GUST_JVM_EVENT_SUBMIT:
      t = g_steal_pointer(&ev.topology);
      *inactive = ev.inactive;
      break;
    case GUST_JVM_EVENT_MAIN_DONE:
      if (ev.status)
        gust_log_error("%s", ev.text);
      else
        gust_log_error("the main class returned without submitting a topology");
      *status = 1;
      break;
    case GUST_JVM_EVENT_EXITED:
      gust_log_error("the JVM %s before a topology was submitted", ev.text);
      *status = 1;
      break;
    default:
      break;
    }
    gboolean done = ev.kind == GUST_JVM_EVENT_SUBMIT || ev.kind == GUST_JVM_EVENT_MAIN_DONE ||
                    ev.kind == GUST_JVM_EVENT_EXITED;
    gust_jvm_event_clear(&ev);
    if (done) return t;
  }
}

/* Runs until the ttl ends, a stop is asked for (a signal, a LocalCluster
 * kill), or the topology ends; 0, or 1 when it failed. */
static int run_until_stop(gust_runtime *rt, gust_jvm *jvm, double ttl)
{
  int64_t end = g_get_monotonic_time() + (int64_t)(ttl * 1e6);
  gboolean jvm_gone = FALSE;
  while (!gust_stop_requests() && (ttl <= 0 || g_get_monotonic_time() < end)) {
    if (jvm_gone) { /* its tasks fail as they next call it; the topology with them */
      int status = gust_run_poll(rt, 100);
      if (status != GUST_RUN_GOING_ON) return 1;
      continue;
    }
    gust_jvm_event ev;
    GError *error = NULL;
    if (!gust_jvm_next_event(jvm, 100, &ev, &error)) {
      g_warning("%s", error->message);
      g_clear_error(&error);
    }
    gust_jvm_event_kind kind = ev.kind;
    if (kind == GUST_JVM_EVENT_KILL) g_message("topology '%s' killed by the main class", ev.text);
    if (kind == GUST_JVM_EVENT_MAIN_DONE && ev.status) g_warning("%s", ev.text);
    if (kind == GUST_JVM_EVENT_EXITED) gust_jvm_schedule_relaunch(jvm, ev.text);
    gust_jvm_event_clear(&ev);
    if (!gust_jvm_relaunch_when_due(jvm, &error)) { /* its tasks wait; the topology ends */
      gust_log_error("%s", error->message);
      g_clear_error(&error);
      jvm_gone = TRUE;
    }
    if (kind == GUST_JVM_EVENT_KILL) return 0;
    int status = gust_run_poll(rt, 0);
    if (status != GUST_RUN_GOING_ON) return status;
  }
  return jvm_gone ? 1 : 0;
}

static int run_topology(gust_topology *topology, gust_jvm *jvm, double ttl, gboolean inactive)
{
  GError *error = NULL;
  gust_runtime_options options = {.jvm_socket = gust_jvm_socket(jvm)};
  gust_runtime *rt = gust_runtime_new(topology, &options, &error);
  if (!rt) {
    gust_log_error("%s", error->message);
    g_error_free(error);
    return 1;
  }
  g_message("running topology '%s'%s", gust_topology_name(topology),
            ttl > 0 ? "" : " until Ctrl-C");
  if (inactive) {
    g_message("the topology starts deactivated (SubmitOptions: initial status INACTIVE): its "
              "spouts are not called until it is activated");
    gust_runtime_set_active(rt, FALSE);
  }
  int64_t start = g_get_monotonic_time();
  gust_runtime_start(rt);
  int status = run_until_stop(rt, jvm, ttl);
  if (status == 0) {
    g_message("stopping: deactivating the spouts and draining (up to %d s)",
              STOP_TIMEOUT_MS / 1000);
    if (!gust_runtime_stop(rt, STOP_TIMEOUT_MS, &error)) {
      gust_log_error("stopping failed: %s", error->message);
      g_clear_error(&error);
      gust_runtime_log_tasks(rt, G_LOG_LEVEL_CRITICAL);
      status = 1;
    }
  }
  gust_local_print_summary(rt, (g_get_monotonic_time() - start) / 1e6);
  gust_runtime_free(rt);
  return status;
}

static int jar_command(int argc, char **argv, gust_daemon_conf_args *conf_args)
{
  gboolean local = FALSE, verbose = FALSE;
  g_autofree char *ttl_text = NULL, *jvm_opts = NULL, *java = NULL;
  GOptionEntry entries[] = {
      {"local", 0, 0, G_OPTION_ARG_NONE, &local, "run the topology in this process", NULL},
      {"local-ttl", 0, 0, G_OPTION_ARG_STRING, &ttl_text,
       "seconds the topology runs, 0 = until Ctrl-C (default 20)", "SECONDS"},
      {"jvm-opts", 0, 0, G_OPTION_ARG_STRING, &jvm_opts,
       "the JVM's options, space-separated (default \"" GUST_DEFAULT_JVM_OPTS "\")", "OPTIONS"},
      {"java", 0, 0, G_OPTION_ARG_FILENAME, &java, "the java program (default: java on PATH)",
       "PATH"},
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "also log debug messages", NULL},
      {NULL},
  };
  g_autoptr(GOptionContext) ctx =
      g_option_context_new("JAR MAINCLASS [ARGS...] - run a Java topology's main, as `storm jar` "
                           "does: its StormSubmitter submits to Nimbus (--local: runs it here)");
  g_option_context_set_strict_posix(ctx, TRUE); /* what follows JAR is main's */
  g_option_context_add_main_entries(ctx, entries, NULL);
  gust_daemon_conf_add_options(ctx, conf_args);
  GError *error = NULL;
  double ttl = 20;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    gust_log_error("%s", error->message);
    g_error_free(error);
    return 2;
  }
  int n_args = argc - 3 > 0 ? argc - 3 : 0;
  char **main_args = g_new0(char *, n_args + 1);
  for (int i = 0; i < n_args; i++)
    main_args[i] = argv[3 + i];
  if (argc >= 3 && !strcmp(argv[2], GUST_FLUX_MAIN_CLASS)) {
    take_trailing_ttl(&n_args, main_args, &ttl_text);
    gust_jar_flux_options fo = {.jar = argv[1],
                                .flux_args = main_args,
                                .local = local,
                                .ttl_text = ttl_text,
                                .java = java,
                                .jvm_opts = jvm_opts,
                                .verbose = verbose,
                                .conf_args = conf_args};
    int status = gust_jar_flux(&fo);
    g_free(main_args);
    return status;
  }
  if (local) take_trailing_ttl(&n_args, main_args, &ttl_text);
  if (local && (conf_args->config_file || conf_args->overrides)) {
    gust_log_error("--config and -c configure the submission to a cluster; with --local the "
                   "topology's settings come from its main");
    g_free(main_args);
    return 2;
  }
  if (argc < 3 || !gust_option_double("--local-ttl", ttl_text, 0, MAX_TTL_S, &ttl, &error)) {
    gust_log_error("%s", error ? error->message : "a jar and a main class are needed");
    g_clear_error(&error);
    g_free(main_args);
    return 2;
  }
  gust_log_writer_set_verbose(verbose);
  if (!g_file_test(argv[1], G_FILE_TEST_IS_REGULAR)) {
    gust_log_error("%s: no such jar", argv[1]);
    g_free(main_args);
    return 1;
  }
  g_autoptr(GPtrArray) jvm_options = gust_jvm_option_words(
      jvm_opts ? jvm_opts : GUST_DEFAULT_JVM_OPTS, local ? "-Dgust.local.mode=true" : NULL);
  if (!local) {
    gust_jar_submit_options so = {.jar = argv[1],
                                  .main_class = argv[2],
                                  .main_args = main_args,
                                  .java = java,
                                  .jvm_options = (const char *const *)jvm_options->pdata,
                                  .conf_args = conf_args};
    gust_jar_submit_exec(&so, &error); /* returns only on failure */
    gust_log_error("%s", error->message);
    g_error_free(error);
    g_free(main_args);
    return 1;
  }
  g_autofree char *class_path = gust_jvm_class_path(argv[1]);
  gust_jvm_options jo = {.java = java,
                         .class_path = class_path,
                         .main_class = argv[2],
                         .args = (const char *const *)main_args,
                         .jvm_options = (const char *const *)jvm_options->pdata};
  gust_jvm *jvm = gust_jvm_start(&jo, &error);
  g_free(main_args);
  if (!jvm) {
    gust_log_error("%s", error->message);
    g_error_free(error);
    return 1;
  }
  gust_stop_signals_install();

  int status = 0;
  gboolean inactive = FALSE;
  gust_topology *topology = wait_for_submission(jvm, &status, &inactive);
  if (topology) {
    status = run_topology(topology, jvm, ttl, inactive);
    gust_topology_free(topology);
  }
  g_autofree char *ended = gust_jvm_stop(jvm, JVM_GRACE_MS);
  g_debug("the JVM %s", ended);
  gust_jvm_free(jvm);
  return status;
}

int gust_cmd_jar(int argc, char **argv)
{
  gust_daemon_conf_args conf_args = {0};
  int status = jar_command(argc, argv, &conf_args);
  gust_daemon_conf_args_clear(&conf_args);
  return status;
}
