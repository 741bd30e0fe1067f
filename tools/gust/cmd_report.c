/* cmd_report.c — `gust report`: how much CPU and memory a topology uses
 * on gust and on the legacy Storm cluster, side by side (tools/report/).
 *
 *   gust report sample --side gust|legacy --topology NAME
 *        (--ui URL | --nimbus HOST:PORT) [--pid PID | --proc WORD...]
 *        [--interval S] [--duration S] --samples FILE.jsonl
 *     samples one side into a JSON-lines file, until --duration or Ctrl-C;
 *   gust report build [--gust FILE] [--legacy FILE] --out PREFIX
 *     writes PREFIX.html, PREFIX.json and PREFIX.md from sample files;
 *   gust report run FLUX.yaml --duration S [--interval S]
 *        [--legacy-ui URL | --legacy-nimbus HOST:PORT] [--legacy-topology NAME]
 *        [--legacy-proc WORD...] [--feed FILE --feed-bootstrap HOSTS --feed-topic T]
 *        --out PREFIX
 *     starts `gust local FLUX.yaml --ui-port 0`, feeds FILE's lines to the
 *     Kafka topic both sides read, samples both sides, stops gust, writes
 *     PREFIX.gust.jsonl, PREFIX.legacy.jsonl and the report.
 * The summary line goes to stdout; progress and errors to the log on
 * stderr.  Exit status: 0 done, 2 unusable input (an endpoint that cannot
 * be reached, a malformed or empty sample file, bad options), 1 a report
 * that cannot be written or a gust run that failed, 130 interrupted (the
 * partial report is written and says it is partial).  Main thread only;
 * SIGINT and SIGTERM set a flag that the sampling loop reads. */
#define G_LOG_DOMAIN "gust-report"

#include "cmd_report.h"
#include "commands.h"
#include "daemon_conf.h"
#include "log_writer.h"
#include "number_options.h"
#include "report_loop.h"
#include "report_model.h"
#include "report_writers.h"

#include <gio/gio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

volatile sig_atomic_t gust_report_stop_requested;

static void on_stop_signal(int signal_number)
{
  (void)signal_number;
  gust_report_stop_requested = 1;
}

void gust_report_catch_stop_signals(void)
{
  struct sigaction action = {.sa_handler = on_stop_signal};
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, NULL);
  sigaction(SIGTERM, &action, NULL);
}

int gust_report_fail(int status, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  g_autofree char *text = g_strdup_vprintf(format, args);
  va_end(args);
  gust_log_error("gust report: %s", text);
  return status;
}

/* HOST:PORT into a daemon conf naming that Nimbus; NULL + error. */
json_t *gust_report_nimbus_conf(const char *address, GError **error)
{
  const char *colon = strrchr(address, ':');
  int port = 0;
  if (!colon || colon == address ||
      !gust_option_int("the Nimbus port", colon + 1, 1, 65535, &port, error)) {
    if (error && !*error)
      g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                  "a Nimbus is named HOST:PORT, not \"%s\"", address);
    return NULL;
  }
  g_autofree char *host = g_strndup(address, colon - address);
  g_autofree char *seeds = g_strdup_printf("nimbus.seeds=[\"%s\"]", host);
  g_autofree char *port_key = g_strdup_printf("nimbus.thrift.port=%d", port);
  char *overrides[] = {seeds, port_key, NULL};
  return gust_daemon_conf_load(NULL, overrides, error);
}

/* ---- build ---- */

int gust_report_write(const gust_report_series *gust, const gust_report_series *legacy,
                      const char *prefix, gboolean interrupted)
{
  GError *error = NULL;
  g_autoptr(json_t) report = gust_report_build(gust, legacy, &error);
  if (!report) {
    int status = gust_report_fail(GUST_REPORT_EXIT_UNUSABLE, "%s", error->message);
    g_error_free(error);
    return status;
  }
  g_autofree char *html = g_strconcat(prefix, ".html", NULL);
  g_autofree char *json = g_strconcat(prefix, ".json", NULL);
  g_autofree char *md = g_strconcat(prefix, ".md", NULL);
  if (!gust_report_write_html(report, GUST_REPORT_DYGRAPHS_DIR, html, &error) ||
      !gust_report_write_json(report, json, &error) ||
      !gust_report_write_markdown(report, md, &error)) {
    int status = gust_report_fail(1, "%s", error->message);
    g_error_free(error);
    return status;
  }
  printf("%s%s\n", json_is_true(json_object_get(report, "partial")) ? "PARTIAL: " : "",
         gust_report_summary_line(report));
  fflush(stdout);
  g_message("report written: %s, %s, %s", html, json, md);
  return interrupted ? GUST_REPORT_EXIT_INTERRUPTED : 0;
}

static int report_build(int argc, char **argv)
{
  g_autofree char *gust_path = NULL, *legacy_path = NULL, *prefix = NULL;
  GOptionEntry entries[] = {
      {"gust", 0, 0, G_OPTION_ARG_FILENAME, &gust_path, "gust's samples", "FILE.jsonl"},
      {"legacy", 0, 0, G_OPTION_ARG_FILENAME, &legacy_path, "the legacy cluster's samples",
       "FILE.jsonl"},
      {"out", 'o', 0, G_OPTION_ARG_FILENAME, &prefix, "write PREFIX.html, .json and .md", "PREFIX"},
      {NULL}};
  g_autoptr(GOptionContext) context = g_option_context_new("- a report from recorded samples");
  g_option_context_add_main_entries(context, entries, NULL);
  GError *error = NULL;
  if (!g_option_context_parse(context, &argc, &argv, &error)) {
    int status = gust_report_fail(GUST_REPORT_EXIT_UNUSABLE, "%s", error->message);
    g_error_free(error);
    return status;
  }
  if ((!gust_path && !legacy_path) || !prefix || argc != 1)
    return gust_report_fail(GUST_REPORT_EXIT_UNUSABLE,
                            "usage: gust report build [--gust FILE] [--legacy FILE] --out PREFIX "
                            "(at least one sample file)");
  g_autoptr(gust_report_series) gust = NULL, legacy = NULL;
  if (gust_path && !(gust = gust_report_series_load(gust_path, &error))) goto bad;
  if (legacy_path && !(legacy = gust_report_series_load(legacy_path, &error))) goto bad;
  if (gust) g_free(gust->side), gust->side = g_strdup("gust");
  if (legacy) g_free(legacy->side), legacy->side = g_strdup("legacy");
  return gust_report_write(gust, legacy, prefix, FALSE);
bad:;
  int status = gust_report_fail(GUST_REPORT_EXIT_UNUSABLE, "%s", error->message);
  g_error_free(error);
  return status;
}

/* ---- sample ---- */

typedef struct {
  char *side, *topology, *ui, *nimbus, *pid_text, *interval_text, *duration_text, *samples;
  char **proc_words;
  double interval_s, duration_s;
  int pid;
} sample_options;

static int sample_side(sample_options *o)
{
  GError *error = NULL;
  g_autoptr(json_t) conf = NULL;
  if (o->nimbus && !(conf = gust_report_nimbus_conf(o->nimbus, &error))) {
    int status = gust_report_fail(GUST_REPORT_EXIT_UNUSABLE, "--nimbus: %s", error->message);
    g_error_free(error);
    return status;
  }
  gust_report_side_options so = {.side = o->side,
                                 .topology = o->topology,
                                 .ui_url = o->ui,
                                 .nimbus_conf = conf,
                                 .nimbus_name = o->nimbus,
                                 .root_pid = o->pid,
                                 .proc_words = (const char *const *)o->proc_words,
                                 .samples_path = o->samples,
                                 .interval_s = o->interval_s};
  gust_report_side *side = gust_report_side_open(&so, &error);
  if (!side) {
    int status =
        gust_report_fail(GUST_REPORT_EXIT_UNUSABLE, "%s side: %s", o->side, error->message);
    g_error_free(error);
    return status;
  }
  gust_report_catch_stop_signals();
  gust_report_loop_options lo = {.duration_s = o->duration_s,
                                 .interval_s = o->interval_s,
                                 .progress_s = GUST_REPORT_PROGRESS_S,
                                 .stop = &gust_report_stop_requested};
  g_autofree char *why = gust_report_loop_run(&side, 1, &lo);
  gboolean empty = gust_report_side_series(side)->samples->len == 0;
  gust_report_side_finish(side, why);
  gust_report_side_free(side);
  if (empty)
    return gust_report_fail(GUST_REPORT_EXIT_UNUSABLE, "%s side: %s", o->side,
                            why ? why : "no sample taken");
  if (why)
    g_message("samples written to %s (partial: %s)", o->samples, why);
  else
    g_message("samples written to %s", o->samples);
  return why && gust_report_stop_requested ? GUST_REPORT_EXIT_INTERRUPTED : 0;
}

static int report_sample(int argc, char **argv)
{
  sample_options o = {0};
  o.interval_s = 1;
  GOptionEntry entries[] = {
      {"side", 0, 0, G_OPTION_ARG_STRING, &o.side, "gust or legacy", "SIDE"},
      {"topology", 't', 0, G_OPTION_ARG_STRING, &o.topology, "the topology's id or name", "NAME"},
      {"ui", 0, 0, G_OPTION_ARG_STRING, &o.ui, "a Storm UI REST API (Storm's or gust's)",
       "http://HOST:PORT"},
      {"nimbus", 0, 0, G_OPTION_ARG_STRING, &o.nimbus, "a Nimbus (Storm's or gust's)", "HOST:PORT"},
      {"pid", 0, 0, G_OPTION_ARG_STRING, &o.pid_text, "the engine's process (and its children)",
       "PID"},
      {"proc", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.proc_words,
       "the engine's processes hold WORD in their command line (repeatable; all must match)",
       "WORD"},
      {"interval", 'i', 0, G_OPTION_ARG_STRING, &o.interval_text, "seconds between samples (1)",
       "S"},
      {"duration", 'd', 0, G_OPTION_ARG_STRING, &o.duration_text,
       "seconds to sample (0: until Ctrl-C, the default)", "S"},
      {"samples", 's', 0, G_OPTION_ARG_FILENAME, &o.samples, "the JSON-lines file to write",
       "FILE.jsonl"},
      {NULL}};
  g_autoptr(GOptionContext) context = g_option_context_new("- sample one side into a file");
  g_option_context_add_main_entries(context, entries, NULL);
  GError *error = NULL;
  int status = GUST_REPORT_EXIT_UNUSABLE;
  if (!g_option_context_parse(context, &argc, &argv, &error) ||
      !gust_option_double("--interval", o.interval_text, 0.05, 3600, &o.interval_s, &error) ||
      !gust_option_double("--duration", o.duration_text, 0, 7 * 86400, &o.duration_s, &error) ||
      !gust_option_int("--pid", o.pid_text, 1, G_MAXINT, &o.pid, &error)) {
    gust_report_fail(GUST_REPORT_EXIT_UNUSABLE, "%s", error->message);
    g_error_free(error);
  } else if (argc != 1 || !o.samples || !o.side ||
             (strcmp(o.side, "gust") && strcmp(o.side, "legacy")) ||
             (!o.ui && !o.nimbus && !o.pid && !o.proc_words) || (o.ui && o.nimbus) ||
             ((o.ui || o.nimbus) && !o.topology)) {
    gust_report_fail(GUST_REPORT_EXIT_UNUSABLE,
                     "usage: gust report sample --side gust|legacy --topology NAME "
                     "(--ui URL | --nimbus HOST:PORT) [--pid PID | --proc WORD...] "
                     "--samples FILE.jsonl: one statistics source at most, and a topology "
                     "with it");
  } else {
    status = sample_side(&o);
  }
  g_free(o.side), g_free(o.topology), g_free(o.ui), g_free(o.nimbus), g_free(o.pid_text);
  g_free(o.interval_text), g_free(o.duration_text), g_free(o.samples);
  g_strfreev(o.proc_words);
  return status;
}

int gust_cmd_report(int argc, char **argv)
{
  const char *usage = "usage: gust report sample|build|run ... (gust report COMMAND --help)";
  if (argc < 2) return gust_report_fail(GUST_REPORT_EXIT_UNUSABLE, "%s", usage);
  if (!strcmp(argv[1], "sample")) return report_sample(argc - 1, argv + 1);
  if (!strcmp(argv[1], "build")) return report_build(argc - 1, argv + 1);
  if (!strcmp(argv[1], "run")) return gust_cmd_report_run(argc - 1, argv + 1);
  if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
    printf("%s\n", usage);
    return 0;
  }
  return gust_report_fail(GUST_REPORT_EXIT_UNUSABLE, "no report command \"%s\": %s", argv[1],
                          usage);
}
