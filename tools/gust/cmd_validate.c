/* cmd_validate.c — `gust validate local|shadow|offline`: side-by-side
 * migration validation (the comparison itself is tools/validate/).
 *
 *   local FLUX --input SRC [--kills K]
 *       An embedded Kafka broker starts in this process; the recorded
 *       input (a file or directory of JSON lines / CSV, or a kafka:// range,
 *       copied partition by partition) is written to the topic of the
 *       topology's KafkaSpout.  The topology runs twice against that
 *       broker (validate_runs.h): in Storm's acker mode (the legacy
 *       semantics) and in checkpoint mode (as migrated), the latter killed
 *       with SIGKILL K times at random points (seeded, the seed printed)
 *       and restored from its checkpoint directory.  Each run ends once its
 *       consumer group committed the whole input and its outputs settled.
 *       Every KafkaBolt topic T is compared: T.acker against T.checkpoint.
 *   shadow FLUX [--shadow-suffix S] [--since T] [--until T]
 *       The topology reads the legacy job's input (its own consumer group,
 *       starting at --since if given) and writes every KafkaBolt topic T to
 *       T+S; once it committed the input (up to --until, or the heads at
 *       start) and its outputs settled, each legacy T (within the window)
 *       is compared with what this run wrote to T+S.
 *   offline LEGACY NEW
 *       Compares two recorded outputs (files, directories, kafka:// ranges).
 *
 * The verdict goes to stdout (one line per sink, then the overall one) and
 * to --json / --html.  Exit status: 0 equivalent (identical, or duplicates
 * only), 1 different, 2 no verdict possible (unusable input, a run that
 * failed: a sentence says what), 130 interrupted (Ctrl-C; the reports
 * written then say they are partial).  Progress lines go to stderr every
 * few seconds.  Main thread only.
 */
#define G_LOG_DOMAIN "gust-validate"

#include "commands.h"
#include "log_writer.h"
#include "number_options.h"
#include "topology_run.h"
#include "validate_kafka.h"
#include "validate_report.h"
#include "validate_runs.h"
#include "validate_topology.h"

#include <glib/gstdio.h>
#include <gust/flinkcore.h>
#include <gust/flux.h>
#include <gust/kafka.h>
#include <stdio.h>

enum {
  EXIT_EQUIVALENT = 0,
  EXIT_DIFFERENT = 1,
  EXIT_UNUSABLE = 2,
  MAX_KILLS = 100,
  DEFAULT_PARTITIONS = 4,
  DEFAULT_SHOWN = 20,
};

typedef struct {
  /* comparison */
  char *key, *value, *json_path, *html_path;
  gboolean final_values, ordered;
  double tolerance, settle_s;
  int kills, partitions, shown;
  /* runs */
  char *input, *filter, *checkpoint_dir, *shadow_suffix, *group, *since, *until, *seed_text;
  gboolean env_filter;
  /* reading progress */
  int64_t read_start, last_progress;
  int stops_before_read; /* a further Ctrl-C stops the read */
} validate_options;

static gboolean read_progress(const char *source, guint64 records, void *data)
{
  validate_options *o = data;
  int64_t now = g_get_monotonic_time();
  if (now - o->last_progress >= 3 * G_USEC_PER_SEC) {
    o->last_progress = now;
    double elapsed = (now - o->read_start) / 1e6;
    g_message("reading %s: %" G_GUINT64_FORMAT " records, %.0f s, %.0f records/s", source, records,
              elapsed, elapsed > 0 ? records / elapsed : 0.0);
  }
  return gust_stop_requests() <= o->stops_before_read;
}

/* Reads both sides of a sink and compares them into report.  FALSE with
 * *error UNUSABLE, or INTERRUPTED (report->partial_reason set). */
static gboolean compare_sink(validate_options *o, gust_validate_report *report, const char *sink,
                             const char *legacy_source, const char *new_source, GError **error)
{
  gust_validate_selection sel = {o->key, o->value};
  gust_validate_options opts = {o->final_values, o->tolerance, o->ordered, (guint)o->shown};
  o->read_start = o->last_progress = g_get_monotonic_time();
  o->stops_before_read = gust_stop_requests();
  g_autoptr(gust_validate_recordset) partial_legacy = NULL;
  g_autoptr(gust_validate_recordset) partial_new = NULL;
  g_autoptr(gust_validate_recordset) legacy =
      gust_validate_read(legacy_source, &sel, read_progress, o, &partial_legacy, error);
  g_autoptr(gust_validate_recordset) new_side =
      legacy ? gust_validate_read(new_source, &sel, read_progress, o, &partial_new, error) : NULL;
  if (!legacy || !new_side) {
    if (!g_error_matches(*error, GUST_VALIDATE_ERROR, GUST_VALIDATE_ERROR_INTERRUPTED))
      return FALSE;
    if (!report->partial_reason)
      report->partial_reason = g_strdup_printf("interrupted while reading %s", sink);
    if (!legacy) return FALSE;
    new_side =
        partial_new ? g_steal_pointer(&partial_new) : gust_validate_recordset_new(new_source);
  }
  if (legacy->columns && new_side->columns &&
      !g_strv_equal((const char *const *)legacy->columns, (const char *const *)new_side->columns)) {
    g_autofree char *l = g_strjoinv(", ", legacy->columns),
                    *n = g_strjoinv(", ", new_side->columns);
    g_set_error(error, GUST_VALIDATE_ERROR, GUST_VALIDATE_ERROR_UNUSABLE,
                "the schemas differ: %s has the columns (%s), %s has (%s)", legacy_source, l,
                new_source, n);
    return FALSE;
  }
  gust_validate_sink_result *result = gust_validate_compare(sink, legacy, new_side, &opts);
  g_autofree char *line = gust_validate_sink_summary(result);
  printf("%s\n", line);
  g_ptr_array_add(report->sinks, result);
  return report->partial_reason == NULL;
}

/* Prints the verdict, writes the reports; the exit status. */
static int finish(validate_options *o, gust_validate_report *report, GError *error)
{
  int status;
  gboolean interrupted = error && error->domain == GUST_VALIDATE_ERROR &&
                         error->code == GUST_VALIDATE_ERROR_INTERRUPTED;
  if (error && !interrupted && !report->partial_reason) {
    gust_log_error("%s", error->message);
    report->unusable = g_strdup(error->message);
    status = EXIT_UNUSABLE;
  } else {
    status = report->partial_reason ? GUST_FORCED_STOP_STATUS
             : gust_validate_report_verdict(report) == GUST_VALIDATE_DIFFERENT ? EXIT_DIFFERENT
                                                                               : EXIT_EQUIVALENT;
  }
  g_autofree char *line = gust_validate_report_verdict_line(report);
  printf("%s\n", line);
  fflush(stdout);
  GError *write_error = NULL;
  if ((o->json_path && !gust_validate_report_write_json(report, o->json_path, &write_error)) ||
      (o->html_path && !gust_validate_report_write_html(report, o->html_path, &write_error))) {
    gust_log_error("%s", write_error->message);
    g_error_free(write_error);
    if (status == EXIT_EQUIVALENT) status = EXIT_UNUSABLE;
  }
  g_clear_error(&error);
  gust_validate_report_free(report);
  return status;
}

static int validate_offline(validate_options *o, const char *legacy, const char *new_side)
{
  gust_validate_report *report = gust_validate_report_new("offline");
  gust_validate_report_note(report, "legacy: %s", legacy);
  gust_validate_report_note(report, "new: %s", new_side);
  GError *error = NULL;
  compare_sink(o, report, "output", legacy, new_side, &error);
  return finish(o, report, error);
}

/* ---- local ---- */

typedef struct {
  GPtrArray *keys, *values;
  GArray *partitions;
} copied_input;

static gboolean copy_record(int32_t partition, const char *key, size_t key_len, const char *value,
                            size_t value_len, void *data)
{
  copied_input *in = data;
  g_ptr_array_add(in->keys, key ? g_strndup(key, key_len) : NULL);
  g_ptr_array_add(in->values, g_strndup(value ? value : "", value_len));
  g_array_append_val(in->partitions, partition);
  return gust_stop_requests() == 0;
}

/* Writes the recorded input into topic of the mock; FALSE + UNUSABLE. */
static gboolean feed_input(validate_options *o, gust_kafka_mock *mock, const char *topic,
                           guint *n_records, GError **error)
{
  copied_input in = {g_ptr_array_new_with_free_func(g_free), g_ptr_array_new_with_free_func(g_free),
                     g_array_new(FALSE, FALSE, 4)};
  int partitions = o->partitions;
  gboolean ok;
  if (g_str_has_prefix(o->input, "kafka://")) {
    gust_validate_kafka_source src;
    ok = gust_validate_kafka_parse(o->input, &src, error) &&
         gust_validate_kafka_each(&src, copy_record, &in, &partitions, error);
    gust_validate_kafka_source_clear(&src);
  } else {
    GPtrArray *lines = gust_validate_read_lines(o->input, error);
    ok = lines != NULL;
    if (ok) {
      g_ptr_array_unref(in.values);
      in.values = lines;
    }
  }
  gboolean copied = in.partitions->len > 0;
  ok = ok && gust_kafka_mock_create_topic(mock, topic, partitions, error) &&
       gust_validate_kafka_produce(gust_kafka_mock_bootstrap(mock), topic, copied ? in.keys : NULL,
                                   in.values, copied ? in.partitions : NULL, error);
  *n_records = in.values->len;
  g_ptr_array_unref(in.keys);
  g_ptr_array_unref(in.values);
  g_array_unref(in.partitions);
  return ok;
}

static GPtrArray *suffixed(GPtrArray *topics, const char *suffix)
{
  GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < topics->len; i++)
    g_ptr_array_add(out, g_strconcat(g_ptr_array_index(topics, i), suffix, NULL));
  return out;
}

static gboolean run_or_fail(const gust_validate_run *run, double kill_delay_s,
                            gust_validate_report *report, GError **error)
{
  gust_validate_run_status s = gust_validate_run_once(run, kill_delay_s, error);
  if (s == GUST_VALIDATE_RUN_INTERRUPTED)
    report->partial_reason = g_strdup_printf("interrupted during the %s", run->label);
  return s == GUST_VALIDATE_RUN_DONE || s == GUST_VALIDATE_RUN_KILLED;
}

/* Compares every output topic: kafka://B/T+legacy_suffix with T+new_suffix. */
static void compare_outputs(validate_options *o, gust_validate_report *report,
                            const char *bootstrap, GPtrArray *topics, const char *legacy_suffix,
                            const char *legacy_query, const char *new_suffix, const char *new_query,
                            GError **error)
{
  for (guint i = 0; i < topics->len && !*error; i++) {
    const char *t = g_ptr_array_index(topics, i);
    g_autofree char *l = g_strdup_printf("kafka://%s/%s%s%s", bootstrap, t, legacy_suffix,
                                         legacy_query ? legacy_query : "");
    g_autofree char *n =
        g_strdup_printf("kafka://%s/%s%s%s", bootstrap, t, new_suffix, new_query ? new_query : "");
    compare_sink(o, report, t, l, n, error);
  }
}

/* Keeps the runs' logs when a run failed (the error names one), else
 * removes them with the default checkpoint directory. */
static void clean_workdir(const char *workdir, const GError *error)
{
  GError *remove_error = NULL;
  if (!workdir) return;
  if (error && error->domain == G_SPAWN_ERROR)
    g_message("run logs kept in %s", workdir);
  else if (!fc_remove_tree(workdir, &remove_error)) {
    g_warning("%s", remove_error->message);
    g_error_free(remove_error);
  }
}

static int validate_local(validate_options *o, const char *flux)
{
  gust_validate_report *report = gust_validate_report_new("local");
  GError *error = NULL;
  gust_kafka_mock *mock = NULL;
  gust_validate_kafka_ends *ends = NULL;
  g_autofree char *workdir = NULL, *checkpoints = NULL, *acker_log = NULL;
  g_autoptr(GArray) input_end = NULL;
  g_autoptr(GPtrArray) acker_topics = NULL, checkpoint_topics = NULL;
  g_autoptr(GRand) rng = NULL;
  gust_flux_options flux_opts = {.properties_file = o->filter, .env_filter = o->env_filter};
  gust_topology *topology = gust_flux_load_file(flux, &flux_opts, &error);
  if (!topology) {
    error->domain = GUST_VALIDATE_ERROR, error->code = GUST_VALIDATE_ERROR_UNUSABLE;
    goto out;
  }
  if (!(ends = gust_validate_kafka_ends_of(topology, flux, &error))) goto out;
  if (!o->input) {
    g_set_error(&error, GUST_VALIDATE_ERROR, GUST_VALIDATE_ERROR_UNUSABLE,
                "validate local needs --input SRC: the recorded input to run the topology on");
    goto out;
  }
  if (ends->input_topics->len != 1) {
    g_set_error(&error, GUST_VALIDATE_ERROR, GUST_VALIDATE_ERROR_UNUSABLE,
                "%s's KafkaSpouts read %u topics; validate local feeds the input to one", flux,
                ends->input_topics->len);
    goto out;
  }
  const char *input_topic = g_ptr_array_index(ends->input_topics, 0);
  if (!(mock = gust_kafka_mock_new(1, &error))) goto out;
  const char *bootstrap = gust_kafka_mock_bootstrap(mock);
  guint n_input = 0;
  if (!feed_input(o, mock, input_topic, &n_input, &error)) goto out;
  g_message("wrote %u input records from %s to topic '%s' of an embedded broker at %s", n_input,
            o->input, input_topic, bootstrap);
  gust_validate_report_note(report, "input: %u records from %s", n_input, o->input);
  if (!(workdir = g_dir_make_tmp("gust-validate-XXXXXX", &error))) goto out;
  checkpoints = o->checkpoint_dir ? g_strdup(o->checkpoint_dir)
                                  : g_build_filename(workdir, "checkpoints", NULL);
  if (!(input_end = gust_validate_kafka_heads(bootstrap, input_topic, &error))) goto out;
  acker_topics = suffixed(ends->output_topics, ".acker");
  checkpoint_topics = suffixed(ends->output_topics, ".checkpoint");
  acker_log = g_build_filename(workdir, "acker.log", NULL);
  gust_validate_run acker = {.label = "acker run",
                             .flux = flux,
                             .filter = o->filter,
                             .env_filter = o->env_filter,
                             .bootstrap = bootstrap,
                             .group = "gust-validate-acker",
                             .topic_suffix = ".acker",
                             .reliability = "acker",
                             .log_path = acker_log,
                             .input_bootstrap = bootstrap,
                             .input_topic = input_topic,
                             .input_end = input_end,
                             .output_bootstrap = bootstrap,
                             .output_topics = acker_topics,
                             .settle_s = o->settle_s};
  gust_validate_report_note(report, "legacy side: the topology in Storm's acker mode "
                                    "(topology.gust.reliability=acker), outputs to TOPIC.acker");
  if (!run_or_fail(&acker, -1, report, &error)) goto out;
  guint64 seed = g_get_real_time();
  if (o->seed_text && !g_ascii_string_to_unsigned(o->seed_text, 10, 0, G_MAXUINT32, &seed, &error))
    goto out;
  seed &= G_MAXUINT32;
  rng = g_rand_new_with_seed((guint32)seed);
  gust_validate_report_note(report,
                            "new side: checkpoint mode (topology.gust.reliability=checkpoint), "
                            "outputs to TOPIC.checkpoint, killed with SIGKILL %d time(s) at random "
                            "points and restored from %s (seed %" G_GUINT64_FORMAT ")",
                            o->kills, checkpoints, seed);
  g_message("checkpoint runs: %d kill(s) at random points, seed %" G_GUINT64_FORMAT
            " (--seed %" G_GUINT64_FORMAT " repeats them)",
            o->kills, seed, seed);
  for (int k = 0; k <= o->kills; k++) {
    g_autofree char *label = g_strdup_printf("checkpoint run %d of %d", k + 1, o->kills + 1);
    g_autofree char *log = g_strdup_printf("%s/checkpoint-%d.log", workdir, k + 1);
    gust_validate_run run = acker;
    run.label = label, run.log_path = log, run.group = "gust-validate-checkpoint";
    run.topic_suffix = ".checkpoint", run.reliability = "checkpoint";
    run.checkpoint_dir = checkpoints, run.output_topics = checkpoint_topics;
    double delay = k < o->kills ? g_rand_double_range(rng, 0.0, 1.5) : -1;
    if (!run_or_fail(&run, delay, report, &error)) goto out;
  }
  compare_outputs(o, report, bootstrap, ends->output_topics, ".acker", NULL, ".checkpoint", NULL,
                  &error);
out:
  if (report->partial_reason && !report->sinks->len && mock && ends) {
    g_clear_error(&error); /* compare what came out so far */
    compare_outputs(o, report, gust_kafka_mock_bootstrap(mock), ends->output_topics, ".acker", NULL,
                    ".checkpoint", NULL, &error);
  }
  clean_workdir(workdir, error);
  gust_validate_kafka_ends_free(ends);
  gust_topology_free(topology);
  gust_kafka_mock_free(mock);
  return finish(o, report, error);
}

/* ---- shadow ---- */

static gboolean parse_window_time(const char *option, const char *text, int64_t *ms, GError **error)
{
  gust_validate_kafka_source probe;
  g_autofree char *url = g_strdup_printf("kafka://x/y?since=%s", text);
  if (!gust_validate_kafka_parse(url, &probe, error)) {
    g_clear_error(error);
    g_set_error(error, GUST_VALIDATE_ERROR, GUST_VALIDATE_ERROR_UNUSABLE,
                "%s '%s' is not a time (epoch milliseconds or ISO 8601)", option, text);
    return FALSE;
  }
  *ms = probe.since_ms;
  gust_validate_kafka_source_clear(&probe);
  return TRUE;
}

static int validate_shadow(validate_options *o, const char *flux)
{
  gust_validate_report *report = gust_validate_report_new("shadow");
  GError *error = NULL;
  gust_validate_kafka_ends *ends = NULL;
  g_autofree char *workdir = NULL, *group = NULL, *legacy_query = NULL, *log = NULL;
  g_autoptr(GString) shadow_query = g_string_new(NULL);
  g_autoptr(GArray) input_end = NULL;
  g_autoptr(GPtrArray) shadow_topics = NULL;
  const char *in_bootstrap = NULL, *out_bootstrap = NULL, *input_topic = NULL;
  gust_flux_options flux_opts = {.properties_file = o->filter, .env_filter = o->env_filter};
  gust_topology *topology = gust_flux_load_file(flux, &flux_opts, &error);
  int64_t since = -1, until = -1;
  if (!topology) {
    error->domain = GUST_VALIDATE_ERROR, error->code = GUST_VALIDATE_ERROR_UNUSABLE;
    goto out;
  }
  if (!(ends = gust_validate_kafka_ends_of(topology, flux, &error))) goto out;
  if (ends->input_topics->len != 1) {
    g_set_error(&error, GUST_VALIDATE_ERROR, GUST_VALIDATE_ERROR_UNUSABLE,
                "%s's KafkaSpouts read %u topics; validate shadow follows one", flux,
                ends->input_topics->len);
    goto out;
  }
  if ((o->since && !parse_window_time("--since", o->since, &since, &error)) ||
      (o->until && !parse_window_time("--until", o->until, &until, &error)))
    goto out;
  input_topic = g_ptr_array_index(ends->input_topics, 0);
  in_bootstrap = ends->input_bootstrap, out_bootstrap = ends->output_bootstrap;
  group = o->group ? g_strdup(o->group)
                   : g_strdup_printf("gust-shadow-%s", gust_topology_name(topology));
  input_end = until >= 0
                  ? gust_validate_kafka_offsets_for_time(in_bootstrap, input_topic, until, &error)
                  : gust_validate_kafka_heads(in_bootstrap, input_topic, &error);
  if (!input_end) goto out;
  if (since >= 0) {
    g_autoptr(GArray) start =
        gust_validate_kafka_offsets_for_time(in_bootstrap, input_topic, since, &error);
    if (!start || !gust_validate_kafka_commit(in_bootstrap, group, input_topic, start, &error))
      goto out;
  }
  /* the shadow topics are compared from where they stood before this run */
  shadow_topics = suffixed(ends->output_topics, o->shadow_suffix);
  int64_t shadow_from = G_MAXINT64;
  for (guint i = 0; i < shadow_topics->len; i++) {
    g_autoptr(GArray) heads =
        gust_validate_kafka_heads(out_bootstrap, g_ptr_array_index(shadow_topics, i), NULL);
    for (guint p = 0; heads && p < heads->len; p++)
      shadow_from = MIN(shadow_from, g_array_index(heads, int64_t, p));
  }
  if (shadow_from != G_MAXINT64 && shadow_from > 0)
    g_string_printf(shadow_query, "?from=%" G_GINT64_FORMAT, shadow_from);
  if (since >= 0 || until >= 0)
    legacy_query =
        g_strdup_printf("?%s%s%s", since >= 0 ? "since=" : "", since >= 0 ? o->since : "",
                        until >= 0 ? (since >= 0 ? "&until=" : "until=") : "");
  if (until >= 0) {
    g_autofree char *q = g_strconcat(legacy_query, o->until, NULL);
    g_free(legacy_query);
    legacy_query = g_steal_pointer(&q);
  }
  if (!(workdir = g_dir_make_tmp("gust-validate-XXXXXX", &error))) goto out;
  log = g_build_filename(workdir, "shadow.log", NULL);
  gust_validate_run run = {.label = "shadow run",
                           .flux = flux,
                           .filter = o->filter,
                           .env_filter = o->env_filter,
                           .group = group,
                           .topic_suffix = o->shadow_suffix,
                           .log_path = log,
                           .input_bootstrap = in_bootstrap,
                           .input_topic = input_topic,
                           .input_end = input_end,
                           .output_bootstrap = out_bootstrap,
                           .output_topics = shadow_topics,
                           .settle_s = o->settle_s};
  gust_validate_report_note(report, "legacy side: the legacy job's output topics at %s%s%s",
                            out_bootstrap, legacy_query ? ", records stamped within " : "",
                            legacy_query ? legacy_query + 1 : "");
  gust_validate_report_note(report,
                            "new side: gust on topic '%s' (consumer group %s), outputs to "
                            "TOPIC%s",
                            input_topic, group, o->shadow_suffix);
  if (!run_or_fail(&run, -1, report, &error)) goto out;
  compare_outputs(o, report, out_bootstrap, ends->output_topics, "", legacy_query, o->shadow_suffix,
                  shadow_query->str, &error);
out:
  if (report->partial_reason && !report->sinks->len && ends && out_bootstrap) {
    g_clear_error(&error);
    compare_outputs(o, report, out_bootstrap, ends->output_topics, "", legacy_query,
                    o->shadow_suffix, shadow_query->str, &error);
  }
  clean_workdir(workdir, error);
  gust_validate_kafka_ends_free(ends);
  gust_topology_free(topology);
  return finish(o, report, error);
}

/* ---- the command line ---- */

static void options_clear(validate_options *o)
{
  g_free(o->key), g_free(o->value), g_free(o->json_path), g_free(o->html_path);
  g_free(o->input), g_free(o->filter), g_free(o->checkpoint_dir), g_free(o->shadow_suffix);
  g_free(o->group), g_free(o->since), g_free(o->until), g_free(o->seed_text);
}

int gust_cmd_validate(int argc, char **argv)
{
  if (argc >= 2 && g_str_equal(argv[1], "run-side"))
    return gust_validate_run_side_main(argc - 1, argv + 1);
  validate_options o = {.settle_s = 2, .shown = DEFAULT_SHOWN, .partitions = DEFAULT_PARTITIONS};
  g_autofree char *tolerance_text = NULL, *kills_text = NULL, *settle_text = NULL,
                  *partitions_text = NULL, *shown_text = NULL;
  GOptionEntry entries[] = {
      {"key", 'k', 0, G_OPTION_ARG_STRING, &o.key,
       "the key field: JSON field, CSV column name or 1-based number (default: Kafka key)",
       "FIELD"},
      {"value", 0, 0, G_OPTION_ARG_STRING, &o.value,
       "the compared fields, comma-separated (default: the whole record)", "FIELDS"},
      {"final", 0, 0, G_OPTION_ARG_NONE, &o.final_values,
       "compare the last value per key (aggregations: the last count per word)", NULL},
      {"tolerance", 0, 0, G_OPTION_ARG_STRING, &tolerance_text,
       "with --final: numbers this close are equal (default 0)", "X"},
      {"ordered", 0, 0, G_OPTION_ARG_NONE, &o.ordered, "also check the order per key", NULL},
      {"json", 0, 0, G_OPTION_ARG_FILENAME, &o.json_path, "write the result as JSON", "FILE"},
      {"html", 0, 0, G_OPTION_ARG_FILENAME, &o.html_path, "write the result as an HTML page",
       "FILE"},
      {"show", 0, 0, G_OPTION_ARG_STRING, &shown_text, "differences kept per sink (default 20)",
       "N"},
      {"input", 'i', 0, G_OPTION_ARG_STRING, &o.input,
       "local: the recorded input (file, directory or kafka:// range)", "SRC"},
      {"kills", 0, 0, G_OPTION_ARG_STRING, &kills_text,
       "local: kill -9 the checkpoint run K times at random points (default 0)", "K"},
      {"seed", 0, 0, G_OPTION_ARG_STRING, &o.seed_text,
       "local: the seed of the kill points (default: the clock; printed)", "N"},
      {"checkpoint-dir", 'c', 0, G_OPTION_ARG_FILENAME, &o.checkpoint_dir,
       "local: where the checkpoint runs keep their checkpoints (default: a temporary one)", "DIR"},
      {"partitions", 0, 0, G_OPTION_ARG_STRING, &partitions_text,
       "local: partitions of the input topic fed from a file (default 4)", "N"},
      {"shadow-suffix", 0, 0, G_OPTION_ARG_STRING, &o.shadow_suffix,
       "shadow: appended to every output topic (default .shadow)", "SUFFIX"},
      {"group", 'g', 0, G_OPTION_ARG_STRING, &o.group,
       "shadow: the consumer group (default gust-shadow-TOPOLOGY)", "GROUP"},
      {"since", 0, 0, G_OPTION_ARG_STRING, &o.since,
       "shadow: start of the input window (epoch ms or ISO 8601)", "TIME"},
      {"until", 0, 0, G_OPTION_ARG_STRING, &o.until, "shadow: end of the input window", "TIME"},
      {"settle", 0, 0, G_OPTION_ARG_STRING, &settle_text,
       "local, shadow: seconds the outputs must stay unchanged once the input is consumed "
       "(default 2)",
       "S"},
      {"filter", 'f', 0, G_OPTION_ARG_FILENAME, &o.filter,
       "properties file for the Flux file's ${key}", "FILE"},
      {"env-filter", 'e', 0, G_OPTION_ARG_NONE, &o.env_filter, "substitute ${ENV-NAME}", NULL},
      {NULL},
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new(
      "local FLUX.yaml --input SRC | shadow FLUX.yaml | offline LEGACY NEW - compare what a "
      "topology's sinks received on two sides");
  g_option_context_set_description(
      ctx, "A source is a file of JSON lines, a .csv file with a header line, a directory of\n"
           "them, or kafka://BOOTSTRAP/TOPIC[?from=N&to=M | ?since=T&until=T].\n"
           "Exit status: 0 equivalent (duplicates alone are equivalent under at-least-once),\n"
           "1 different, 2 unusable input (a sentence says what), 130 interrupted (partial).\n");
  g_option_context_add_main_entries(ctx, entries, NULL);
  GError *error = NULL;
  int status = EXIT_UNUSABLE;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) ||
      !gust_option_double("--tolerance", tolerance_text, 0, G_MAXDOUBLE, &o.tolerance, &error) ||
      !gust_option_double("--settle", settle_text, 0, 3600, &o.settle_s, &error) ||
      !gust_option_int("--kills", kills_text, 0, MAX_KILLS, &o.kills, &error) ||
      !gust_option_int("--partitions", partitions_text, 1, 10000, &o.partitions, &error) ||
      !gust_option_int("--show", shown_text, 0, 100000, &o.shown, &error)) {
    gust_log_error("%s", error->message);
    g_error_free(error);
    options_clear(&o);
    return EXIT_UNUSABLE;
  }
  if (!o.shadow_suffix) o.shadow_suffix = g_strdup(".shadow");
  gust_stop_signals_install();
  const char *mode = argc >= 2 ? argv[1] : "";
  if (g_str_equal(mode, "offline") && argc == 4)
    status = validate_offline(&o, argv[2], argv[3]);
  else if (g_str_equal(mode, "local") && argc == 3)
    status = validate_local(&o, argv[2]);
  else if (g_str_equal(mode, "shadow") && argc == 3)
    status = validate_shadow(&o, argv[2]);
  else
    gust_log_error("use: gust validate local FLUX.yaml --input SRC | shadow FLUX.yaml | offline "
                   "LEGACY NEW (gust validate --help)");
  options_clear(&o);
  return status;
}
