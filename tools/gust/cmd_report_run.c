/* cmd_report_run.c — `gust report run FLUX.yaml --duration S ...`: both
 * sides of a comparison driven by one command.
 *
 * It starts `gust local FLUX.yaml --duration 0 --ui-port 0` (this same
 * executable) with its output in PREFIX.gust-local.log, waits for the
 * "UI at http://..." line there, and opens the gust side on that UI plus
 * /proc sampling of the gust process and its children.  The legacy side
 * (optional) is a Storm UI or a Nimbus, with /proc sampling of the
 * processes holding --legacy-proc words.  When --feed is given, FILE's
 * lines are produced to the Kafka topic both topologies read (each with
 * its own consumer group), by `gust kafka-console produce`, once sampling
 * starts.  After --duration (or Ctrl-C, or gust local ending early) gust
 * local gets SIGTERM, and the report is written; an early end makes it a
 * partial report that says why.  Main thread only. */
#define G_LOG_DOMAIN "gust-report"

#include "cmd_report.h"
#include "commands.h"
#include "log_writer.h"
#include "number_options.h"
#include "report_loop.h"

#include <gio/gio.h>
#include <string.h>

enum { START_TIMEOUT_S = 120, STOP_TIMEOUT_S = 60 };

typedef struct {
  char *flux, *duration_text, *interval_text, *legacy_ui, *legacy_nimbus, *legacy_topology;
  char **legacy_proc, **gust_args;
  char *feed, *feed_bootstrap, *feed_topic, *prefix;
  double duration_s, interval_s;
} run_options;

typedef struct {
  GSubprocess *gust;
  char *log_path;
} gust_run;

static gboolean gust_still_running(void *data, char **why)
{
  gust_run *run = data;
  if (g_subprocess_get_identifier(run->gust)) return TRUE;
  *why =
      g_strdup_printf("gust local ended before the sampling did (its output: %s)", run->log_path);
  return FALSE;
}

/* Waits for gust local's "UI at URL" line; the URL (g_free()) or NULL with
 * error saying what happened instead. */
static char *wait_for_ui(gust_run *run, GError **error)
{
  gint64 deadline = g_get_monotonic_time() + START_TIMEOUT_S * G_USEC_PER_SEC;
  gint64 next_progress = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
  g_autoptr(GRegex) line = g_regex_new("UI at (http://[^ /]+)/", 0, 0, NULL);
  while (g_get_monotonic_time() < deadline && !gust_report_stop_requested) {
    g_autofree char *log = NULL;
    g_autoptr(GMatchInfo) match = NULL;
    if (g_file_get_contents(run->log_path, &log, NULL, NULL) && g_regex_match(line, log, 0, &match))
      return g_match_info_fetch(match, 1);
    if (!g_subprocess_get_identifier(run->gust)) {
      g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
                  "gust local ended before serving its UI; its output is in %s", run->log_path);
      return NULL;
    }
    if (g_get_monotonic_time() > next_progress) {
      g_message("report: waiting for gust local to serve its UI (output in %s)", run->log_path);
      next_progress += 5 * G_USEC_PER_SEC;
    }
    g_usleep(100 * 1000);
  }
  g_set_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
              gust_report_stop_requested
                  ? "interrupted while gust local was starting"
                  : "gust local served no UI within %d s; its output is in %s",
              START_TIMEOUT_S, run->log_path);
  return NULL;
}

static gboolean start_gust(const run_options *o, gust_run *run, GError **error)
{
  g_autofree char *self = g_file_read_link("/proc/self/exe", error);
  if (!self) return FALSE;
  GPtrArray *argv = g_ptr_array_new();
  g_ptr_array_add(argv, self);
  g_ptr_array_add(argv, "local");
  g_ptr_array_add(argv, o->flux);
  g_ptr_array_add(argv, "--duration");
  g_ptr_array_add(argv, "0");
  g_ptr_array_add(argv, "--ui-port");
  g_ptr_array_add(argv, "0");
  for (int i = 0; o->gust_args && o->gust_args[i]; i++)
    g_ptr_array_add(argv, o->gust_args[i]);
  g_ptr_array_add(argv, NULL);
  run->log_path = g_strconcat(o->prefix, ".gust-local.log", NULL);
  g_autofree char *out_path = g_strconcat(o->prefix, ".gust-local.out", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_stderr_file_path(launcher, run->log_path);
  g_subprocess_launcher_set_stdout_file_path(launcher, out_path);
  run->gust = g_subprocess_launcher_spawnv(launcher, (const char *const *)argv->pdata, error);
  g_ptr_array_free(argv, TRUE);
  return run->gust != NULL;
}

static void stop_gust(gust_run *run)
{
  if (!run->gust) return;
  g_subprocess_send_signal(run->gust, SIGTERM);
  gint64 deadline = g_get_monotonic_time() + STOP_TIMEOUT_S * G_USEC_PER_SEC;
  while (g_subprocess_get_identifier(run->gust) && g_get_monotonic_time() < deadline)
    g_usleep(50 * 1000);
  if (g_subprocess_get_identifier(run->gust)) {
    g_warning("gust local did not stop within %d s of SIGTERM: killing it", STOP_TIMEOUT_S);
    g_subprocess_force_exit(run->gust);
  }
  g_subprocess_wait(run->gust, NULL, NULL);
}

/* `gust kafka-console produce` with FILE on its stdin; NULL + error. */
static GSubprocess *start_feed(const run_options *o, GError **error)
{
  g_autofree char *self = g_file_read_link("/proc/self/exe", error);
  if (!self) return NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_stdin_file_path(launcher, o->feed);
  g_message("report: feeding %s to Kafka topic %s at %s", o->feed, o->feed_topic,
            o->feed_bootstrap);
  return g_subprocess_launcher_spawn(launcher, error, self, "kafka-console", "produce",
                                     "--bootstrap-server", o->feed_bootstrap, "--topic",
                                     o->feed_topic, NULL);
}

static gust_report_side *open_side(const gust_report_side_options *so, GError **error)
{
  gust_report_side *side = gust_report_side_open(so, error);
  if (!side) g_prefix_error(error, "%s side: ", so->side);
  return side;
}

static int run_sides(const run_options *o, gust_run *run)
{
  GError *error = NULL;
  g_autofree char *gust_samples = g_strconcat(o->prefix, ".gust.jsonl", NULL);
  g_autofree char *legacy_samples = g_strconcat(o->prefix, ".legacy.jsonl", NULL);
  g_autofree char *why = NULL;
  g_autoptr(json_t) conf = NULL;
  g_autoptr(GSubprocess) feed = NULL;
  int status;
  g_autofree char *ui = wait_for_ui(run, &error);
  if (!ui) goto unusable;
  gust_report_side_options gust_options = {.side = "gust",
                                           .ui_url = ui,
                                           .root_pid = atoi(g_subprocess_get_identifier(run->gust)),
                                           .samples_path = gust_samples,
                                           .interval_s = o->interval_s};
  if (o->legacy_nimbus && !(conf = gust_report_nimbus_conf(o->legacy_nimbus, &error)))
    goto unusable;
  gust_report_side_options legacy_options = {.side = "legacy",
                                             .topology = o->legacy_topology,
                                             .ui_url = o->legacy_ui,
                                             .nimbus_conf = conf,
                                             .nimbus_name = o->legacy_nimbus,
                                             .proc_words = (const char *const *)o->legacy_proc,
                                             .samples_path = legacy_samples,
                                             .interval_s = o->interval_s};
  gboolean has_legacy = o->legacy_ui || o->legacy_nimbus || o->legacy_proc;
  gust_report_side *sides[2] = {NULL, NULL};
  guint n_sides = has_legacy ? 2 : 1;
  if (!(sides[0] = open_side(&gust_options, &error)) ||
      (has_legacy && !(sides[1] = open_side(&legacy_options, &error)))) {
    gust_report_side_free(sides[0]);
    goto unusable;
  }
  if (o->feed && !(feed = start_feed(o, &error))) {
    gust_report_side_free(sides[0]), gust_report_side_free(sides[1]);
    goto unusable;
  }
  gust_report_loop_options lo = {.duration_s = o->duration_s,
                                 .interval_s = o->interval_s,
                                 .progress_s = GUST_REPORT_PROGRESS_S,
                                 .stop = &gust_report_stop_requested,
                                 .still_running = gust_still_running,
                                 .data = run};
  why = gust_report_loop_run(sides, n_sides, &lo);
  stop_gust(run);
  if (feed && !g_subprocess_wait_check(feed, NULL, &error)) {
    g_warning("report: feeding %s failed: %s", o->feed, error->message);
    g_clear_error(&error);
  }
  for (guint i = 0; i < n_sides; i++)
    gust_report_side_finish(sides[i], why);
  if (gust_report_side_series(sides[0])->samples->len == 0 ||
      (has_legacy && gust_report_side_series(sides[1])->samples->len == 0))
    status = gust_report_fail(GUST_REPORT_EXIT_UNUSABLE, "%s", why ? why : "no sample taken");
  else
    status = gust_report_write(gust_report_side_series(sides[0]),
                               has_legacy ? gust_report_side_series(sides[1]) : NULL, o->prefix,
                               gust_report_stop_requested);
  gust_report_side_free(sides[0]);
  gust_report_side_free(sides[1]);
  return status;
unusable:
  stop_gust(run);
  status = gust_report_fail(GUST_REPORT_EXIT_UNUSABLE, "%s", error->message);
  g_error_free(error);
  return status;
}

int gust_cmd_report_run(int argc, char **argv)
{
  run_options o = {0};
  o.interval_s = 1;
  GOptionEntry entries[] = {
      {"duration", 'd', 0, G_OPTION_ARG_STRING, &o.duration_text, "seconds to sample", "S"},
      {"interval", 'i', 0, G_OPTION_ARG_STRING, &o.interval_text, "seconds between samples (1)",
       "S"},
      {"legacy-ui", 0, 0, G_OPTION_ARG_STRING, &o.legacy_ui, "the legacy cluster's Storm UI",
       "http://HOST:PORT"},
      {"legacy-nimbus", 0, 0, G_OPTION_ARG_STRING, &o.legacy_nimbus, "the legacy cluster's Nimbus",
       "HOST:PORT"},
      {"legacy-topology", 0, 0, G_OPTION_ARG_STRING, &o.legacy_topology,
       "the topology's id or name on the legacy cluster", "NAME"},
      {"legacy-proc", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.legacy_proc,
       "the legacy workers on this host hold WORD in their command line (repeatable)", "WORD"},
      {"gust-arg", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.gust_args,
       "one more argument for gust local (repeatable)", "ARG"},
      {"feed", 0, 0, G_OPTION_ARG_FILENAME, &o.feed, "lines to produce to the input topic", "FILE"},
      {"feed-bootstrap", 0, 0, G_OPTION_ARG_STRING, &o.feed_bootstrap, "its Kafka brokers",
       "HOSTS"},
      {"feed-topic", 0, 0, G_OPTION_ARG_STRING, &o.feed_topic, "the input topic", "TOPIC"},
      {"out", 'o', 0, G_OPTION_ARG_FILENAME, &o.prefix,
       "write PREFIX.html, .json, .md and the samples", "PREFIX"},
      {NULL}};
  g_autoptr(GOptionContext) context = g_option_context_new(
      "FLUX.yaml - run the topology on gust and sample it and the legacy cluster");
  g_option_context_add_main_entries(context, entries, NULL);
  GError *error = NULL;
  int status = GUST_REPORT_EXIT_UNUSABLE;
  if (!g_option_context_parse(context, &argc, &argv, &error) ||
      !gust_option_double("--duration", o.duration_text, 0.1, 7 * 86400, &o.duration_s, &error) ||
      !gust_option_double("--interval", o.interval_text, 0.05, 3600, &o.interval_s, &error)) {
    gust_report_fail(status, "%s", error->message);
    g_error_free(error);
  } else if (argc != 2 || !o.prefix || !o.duration_text ||
             ((o.legacy_ui || o.legacy_nimbus) && !o.legacy_topology) ||
             (o.legacy_ui && o.legacy_nimbus) || (o.feed && (!o.feed_bootstrap || !o.feed_topic))) {
    gust_report_fail(
        status, "usage: gust report run FLUX.yaml --duration S --out PREFIX [--legacy-ui URL | "
                "--legacy-nimbus HOST:PORT] [--legacy-topology NAME] [--legacy-proc WORD...] "
                "[--feed FILE --feed-bootstrap HOSTS --feed-topic TOPIC]: a legacy statistics "
                "source needs --legacy-topology, and --feed needs its Kafka topic");
  } else if (!g_file_test(argv[1], G_FILE_TEST_IS_REGULAR)) {
    gust_report_fail(status, "%s: no such Flux file", argv[1]);
  } else if (o.feed && !g_file_test(o.feed, G_FILE_TEST_IS_REGULAR)) {
    gust_report_fail(status, "--feed %s: no such file", o.feed);
  } else {
    o.flux = g_strdup(argv[1]);
    gust_run run = {0};
    gust_report_catch_stop_signals();
    if (!start_gust(&o, &run, &error)) {
      status = gust_report_fail(1, "cannot start gust local: %s", error->message);
      g_error_free(error);
    } else {
      status = run_sides(&o, &run);
    }
    g_clear_object(&run.gust);
    g_free(run.log_path);
  }
  g_free(o.flux), g_free(o.duration_text), g_free(o.interval_text), g_free(o.legacy_ui);
  g_free(o.legacy_nimbus), g_free(o.legacy_topology), g_free(o.feed), g_free(o.feed_bootstrap);
  g_free(o.feed_topic), g_free(o.prefix);
  g_strfreev(o.legacy_proc), g_strfreev(o.gust_args);
  return status;
}
