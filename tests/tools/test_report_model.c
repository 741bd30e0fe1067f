/* test_report_model.c — the report library without a network: the
 * recorded Storm 2.6.0 getTopologyInfoByNameWithOpts replies
 * (tests/fixtures/storm-2.6.0/f-monitor) decoded and read into samples,
 * checked against what `storm monitor` printed from them, and the
 * getTopologyInfo replies of f-stats-python; the recorded
 * Storm UI pages read, and one with a bad latency refused; a report built
 * from those and the recorded gust samples, with its writers; /proc
 * sampling of this process. */
#include "report_model.h"
#include "report_nimbus.h"
#include "report_proc.h"
#include "report_storm_ui.h"
#include "report_writers.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <thrift/c_glib/protocol/thrift_binary_protocol.h>
#include <thrift/c_glib/transport/thrift_memory_buffer.h>
#include <unistd.h>

#define MONITOR GUST_SOURCE_DIR "/tests/fixtures/storm-2.6.0/f-monitor/"
#define STATS_PYTHON GUST_SOURCE_DIR "/tests/fixtures/storm-2.6.0/f-stats-python/"
#define REPORT_FIXTURES GUST_SOURCE_DIR "/tests/tools/fixtures/report/"

static const char *const MONITOR_REPLIES[] = {"04-s2c-getTopologyInfoByNameWithOpts.bin",
                                              "06-s2c-getTopologyInfoByNameWithOpts.bin",
                                              "08-s2c-getTopologyInfoByNameWithOpts.bin"};

/* A recorded reply frame (a file of the fixtures) read into result, as
 * Storm's client reads it; method is the call it answers. */
static void read_recorded_reply(const char *path, const char *method, ThriftStruct *result)
{
  g_autofree char *frame = NULL;
  gsize length = 0;
  g_assert_true(g_file_get_contents(path, &frame, &length, NULL));
  g_assert_cmpuint(length, >, 4);
  /* the buffer reads from bytes, and frees them */
  GByteArray *bytes = g_byte_array_new();
  g_byte_array_append(bytes, (const guint8 *)frame + 4, (guint)length - 4);
  ThriftMemoryBuffer *buffer = g_object_new(THRIFT_TYPE_MEMORY_BUFFER, "buf", bytes, NULL);
  ThriftProtocol *protocol = g_object_new(THRIFT_TYPE_BINARY_PROTOCOL, "transport", buffer, NULL);
  g_autofree gchar *name = NULL;
  ThriftMessageType type;
  gint32 seqid;
  g_assert_cmpint(thrift_protocol_read_message_begin(protocol, &name, &type, &seqid, NULL), >, 0);
  g_assert_cmpstr(name, ==, method);
  g_assert_cmpint(thrift_struct_read(result, protocol, NULL), >, 0);
  g_object_unref(protocol);
  g_object_unref(buffer);
}

/* One f-monitor reply: getTopologyInfoByNameWithOpts. */
static GustStormTopologyInfo *recorded_info(const char *name)
{
  g_autofree char *path = g_strconcat(MONITOR, name, NULL);
  GustStormNimbusGetTopologyInfoByNameWithOptsResult *result =
      g_object_new(GUST_STORM_TYPE_NIMBUS_GET_TOPOLOGY_INFO_BY_NAME_WITH_OPTS_RESULT, NULL);
  read_recorded_reply(path, "getTopologyInfoByNameWithOpts", THRIFT_STRUCT(result));
  g_assert_true(result->__isset_success);
  GustStormTopologyInfo *info = g_object_ref(result->success);
  g_object_unref(result);
  return info;
}

/* One f-stats-python reply: getTopologyInfo by id. */
static GustStormTopologyInfo *recorded_info_by_id(const char *name)
{
  g_autofree char *path = g_strconcat(STATS_PYTHON, name, NULL);
  GustStormNimbusGetTopologyInfoResult *result =
      g_object_new(GUST_STORM_TYPE_NIMBUS_GET_TOPOLOGY_INFO_RESULT, NULL);
  read_recorded_reply(path, "getTopologyInfo", THRIFT_STRUCT(result));
  g_assert_true(result->__isset_success);
  GustStormTopologyInfo *info = g_object_ref(result->success);
  g_object_unref(result);
  return info;
}

static double component_number(const json_t *sample, const char *component, const char *field)
{
  return gust_report_sample_number(
      json_object_get(json_object_get(sample, "components"), component), field);
}

/* The legacy series from the three recorded replies, at their uptimes. */
static gust_report_series *recorded_nimbus_series(void)
{
  gust_report_series *series = gust_report_series_new("legacy");
  double first_uptime = -1;
  for (guint i = 0; i < G_N_ELEMENTS(MONITOR_REPLIES); i++) {
    GustStormTopologyInfo *info = recorded_info(MONITOR_REPLIES[i]);
    if (first_uptime < 0) first_uptime = info->uptime_secs;
    json_t *sample = json_pack("{s:f}", "t", info->uptime_secs - first_uptime);
    gust_report_nimbus_read_info(info, sample);
    gust_report_series_add(series, sample);
    g_object_unref(info);
  }
  return series;
}

static void test_recorded_thrift_replies_read_as_storm_monitor_reads_them(void)
{
  g_autoptr(gust_report_series) series = recorded_nimbus_series();
  const json_t *first = g_ptr_array_index(series->samples, 0);
  const json_t *last = g_ptr_array_index(series->samples, 2);
  /* `storm monitor fx-java -m count` printed 309484380 emitted at the
   * first poll and 19743000 more by the third (cli-output.txt) */
  g_assert_cmpfloat(component_number(first, "count", "emitted"), ==, 309484380);
  g_assert_cmpfloat(component_number(last, "count", "emitted") -
                        component_number(first, "count", "emitted"),
                    ==, 19743000);
  g_assert_cmpfloat(component_number(last, "count", "executors"), ==, 2);
  g_assert_cmpfloat(component_number(last, "split", "executors"), ==, 2);
  g_assert_cmpfloat(component_number(last, "sentences", "executors"), ==, 1);
  g_assert_null(json_object_get(json_object_get(last, "components"), "__acker"));
  /* the spout emits what the topology reads; it acks with a latency */
  g_assert_cmpfloat(gust_report_sample_number(last, "tuples"), ==,
                    component_number(last, "sentences", "emitted"));
  g_assert_cmpfloat(gust_report_sample_number(last, "tuples"), >,
                    gust_report_sample_number(first, "tuples"));
  g_assert_cmpfloat(gust_report_sample_number(last, "acked"), >, 0);
  g_assert_cmpfloat(gust_report_sample_number(last, "complete_ms"), >, 0);
  g_assert_cmpfloat(component_number(last, "count", "executed"), >, 0);
}

static void test_recorded_get_topology_info_replies_of_both_topologies(void)
{
  /* fx-java at uptime 733 s (f-stats-python), then the same topology at
   * 1102 s (f-monitor): counters only grow */
  const char *const replies[] = {"12-s2c-getTopologyInfo.bin", "34-s2c-getTopologyInfo.bin"};
  g_autoptr(json_t) later = json_object();
  GustStormTopologyInfo *monitor = recorded_info(MONITOR_REPLIES[0]);
  gust_report_nimbus_read_info(monitor, later);
  g_object_unref(monitor);
  for (guint i = 0; i < G_N_ELEMENTS(replies); i++) {
    GustStormTopologyInfo *info = recorded_info_by_id(replies[i]);
    g_autoptr(json_t) sample = json_object();
    gust_report_nimbus_read_info(info, sample);
    g_assert_cmpuint(json_object_size(json_object_get(sample, "components")), ==, 3);
    g_assert_cmpfloat(component_number(sample, "sentences", "executors"), ==, 1);
    g_assert_cmpfloat(component_number(sample, "split", "executors"), ==, 2);
    g_assert_cmpfloat(component_number(sample, "count", "executors"), ==, 2);
    g_assert_cmpfloat(gust_report_sample_number(sample, "tuples"), >, 0);
    g_assert_cmpfloat(gust_report_sample_number(sample, "complete_ms"), >, 0);
    g_assert_cmpfloat(component_number(sample, "split", "latency_ms"), >, 0);
    if (!strcmp(info->name, "fx-java")) {
      g_assert_cmpfloat(gust_report_sample_number(sample, "tuples"), <,
                        gust_report_sample_number(later, "tuples"));
      g_assert_cmpfloat(component_number(sample, "count", "emitted"), <,
                        component_number(later, "count", "emitted"));
    } else {
      g_assert_cmpstr(info->name, ==, "fx-ml");
    }
    g_object_unref(info);
  }
}

static json_t *load_json(const char *path)
{
  json_error_t error;
  json_t *value = json_load_file(path, 0, &error);
  if (!value) g_error("%s: %s", path, error.text);
  return value;
}

static void test_recorded_storm_ui_pages_read_with_latencies_as_strings(void)
{
  g_autoptr(json_t) replies = load_json(REPORT_FIXTURES "storm-ui-fx-java.json");
  const json_t *pages = json_object_get(replies, "/api/v1/topology/:id?window=:all-time");
  const json_t *page = json_array_get(pages, 2);
  g_autoptr(json_t) sample = json_object();
  GError *error = NULL;
  g_assert_true(gust_report_storm_ui_read_topology(page, "page 3", sample, &error));
  g_assert_no_error(error);
  g_assert_cmpfloat(gust_report_sample_number(sample, "complete_ms"), ==, 12.01);
  g_assert_cmpfloat(gust_report_sample_number(sample, "tuples"), ==, 33170140);
  g_assert_cmpfloat(component_number(sample, "count", "latency_ms"), ==, 0.009);
  g_assert_cmpfloat(component_number(sample, "count", "executed"), ==, 320484380);

  g_autoptr(json_t) broken = json_deep_copy(page);
  json_object_set_new(json_array_get(json_object_get(broken, "bolts"), 0), "executeLatency",
                      json_string("fast"));
  g_autoptr(json_t) unused = json_object();
  g_assert_false(gust_report_storm_ui_read_topology(broken, "page 3", unused, &error));
  g_assert_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_INPUT);
  g_assert_cmpstr(error->message, ==, "page 3: \"executeLatency\" is not a number");
  g_clear_error(&error);
  g_assert_false(gust_report_storm_ui_read_topology(
      json_object_get(replies, "/api/v1/cluster/summary"), "cluster", unused, &error));
  g_assert_nonnull(strstr(error->message, "not a Storm UI topology page"));
  g_clear_error(&error);
}

static void test_a_report_from_recorded_nimbus_replies_and_gust_samples(void)
{
  g_autoptr(gust_report_series) legacy = recorded_nimbus_series();
  for (guint i = 0; i < legacy->samples->len; i++) { /* a worker of 1 GiB using 2 cores */
    json_t *s = g_ptr_array_index(legacy->samples, i);
    json_object_set_new(s, "cpu_s", json_real(2 * gust_report_sample_number(s, "t")));
    json_object_set_new(s, "rss_bytes", json_integer(1 << 30));
  }
  GError *error = NULL;
  g_autoptr(gust_report_series) gust =
      gust_report_series_load(REPORT_FIXTURES "gust-wordcount.jsonl", &error);
  g_assert_no_error(error);
  g_autoptr(json_t) report = gust_report_build(gust, legacy, &error);
  g_assert_no_error(error);
  const json_t *figures =
      json_object_get(json_object_get(json_object_get(report, "sides"), "legacy"), "figures");
  const json_t *first = g_ptr_array_index(legacy->samples, 0),
               *last = g_ptr_array_index(legacy->samples, 2);
  double tuples =
      gust_report_sample_number(last, "tuples") - gust_report_sample_number(first, "tuples");
  double seconds = gust_report_sample_number(last, "t");
  g_assert_cmpfloat(gust_report_sample_number(figures, "tuples"), ==, tuples);
  g_assert_cmpfloat_with_epsilon(gust_report_sample_number(figures, "cpu_s_per_million_tuples"),
                                 2 * seconds / tuples * 1e6, 1e-6);
  g_assert_cmpfloat(gust_report_sample_number(figures, "rss_peak_bytes"), ==, 1 << 30);
  g_assert_false(isnan(gust_report_sample_number(figures, "latency_p99_ms")));
  const char *line = gust_report_summary_line(report);
  g_assert_true(
      g_regex_match_simple("^CPU per million tuples [\u2212+]\\d+ %, peak memory \u2212\\d+ %, "
                           "throughput \u00d7[0-9.]+$",
                           line, 0, 0));
  g_autofree char *md = gust_report_markdown(report);
  g_assert_nonnull(strstr(md, line));
  g_assert_nonnull(strstr(md, "| legacy | count | bolt | 2 |"));
  g_autofree char *dir = g_dir_make_tmp("gust-report-XXXXXX", NULL);
  g_autofree char *html_path = g_build_filename(dir, "r.html", NULL);
  g_assert_true(gust_report_write_html(report, GUST_REPORT_DYGRAPHS_DIR, html_path, &error));
  g_autofree char *html = NULL;
  g_assert_true(g_file_get_contents(html_path, &html, NULL, NULL));
  g_assert_nonnull(strstr(html, "Dygraph"));
  g_assert_nonnull(strstr(html, "id=\"chart-throughput\""));
  g_assert_null(strstr(html, "<script src="));
  g_assert_null(strstr(html, "id=\"partial\""));
  g_unlink(html_path);
  g_rmdir(dir);
}

static void test_a_partial_series_makes_a_partial_report(void)
{
  g_autoptr(gust_report_series) legacy = recorded_nimbus_series();
  legacy->partial = TRUE;
  legacy->partial_reason = g_strdup("interrupted after 3.0 s of the 60 s asked for");
  GError *error = NULL;
  g_autoptr(json_t) report = gust_report_build(NULL, legacy, &error);
  g_assert_no_error(error);
  g_assert_true(json_is_true(json_object_get(report, "partial")));
  g_autofree char *md = gust_report_markdown(report);
  g_assert_nonnull(strstr(md, "**PARTIAL REPORT**"));
  g_assert_nonnull(strstr(md, "legacy side: interrupted after 3.0 s of the 60 s asked for"));
  g_ptr_array_set_size(legacy->samples, 1);
  g_assert_null(gust_report_build(NULL, legacy, &error));
  g_assert_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_INPUT);
  g_clear_error(&error);
}

static void test_proc_sampling_finds_this_process_and_not_a_missing_one(void)
{
  gust_report_proc *tree = gust_report_proc_new_tree(getpid());
  g_autoptr(json_t) sample = json_object();
  GError *error = NULL;
  g_assert_true(gust_report_proc_sample(tree, sample, &error));
  g_assert_cmpfloat(gust_report_sample_number(sample, "processes"), ==, 1);
  g_assert_cmpfloat(gust_report_sample_number(sample, "threads"), >=, 1);
  g_assert_cmpfloat(gust_report_sample_number(sample, "rss_bytes"), >, 0);
  g_assert_cmpfloat(gust_report_sample_number(sample, "cpu_s"), >=, 0);
  gust_report_proc_free(tree);
  const char *words[] = {"no-such-worker-7b1f", NULL};
  gust_report_proc *none = gust_report_proc_new_matching(words);
  g_assert_false(gust_report_proc_sample(none, sample, &error));
  g_assert_cmpstr(
      error->message, ==,
      "no processes whose command line holds \"no-such-worker-7b1f\" is running on this host");
  g_clear_error(&error);
  gust_report_proc_free(none);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/report/recorded-thrift-replies-read-as-storm-monitor-reads-them",
                  test_recorded_thrift_replies_read_as_storm_monitor_reads_them);
  g_test_add_func("/report/recorded-get-topology-info-replies-of-both-topologies",
                  test_recorded_get_topology_info_replies_of_both_topologies);
  g_test_add_func("/report/recorded-storm-ui-pages-read-with-latencies-as-strings",
                  test_recorded_storm_ui_pages_read_with_latencies_as_strings);
  g_test_add_func("/report/a-report-from-recorded-nimbus-replies-and-gust-samples",
                  test_a_report_from_recorded_nimbus_replies_and_gust_samples);
  g_test_add_func("/report/a-partial-series-makes-a-partial-report",
                  test_a_partial_series_makes_a_partial_report);
  g_test_add_func("/report/proc-sampling-finds-this-process-and-not-a-missing-one",
                  test_proc_sampling_finds_this_process_and_not_a_missing_one);
  return g_test_run();
}
