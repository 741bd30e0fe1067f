/* test_ui_server.c — the UI library without a runtime: a scripted data
 * source whose snapshot is built by hand (two tasks of a spout with an
 * error, a bolt with an input stream, a checkpointing topology), rendered
 * as Storm's API and as Prometheus text, and served over a loopback
 * socket: answers, Storm's errors, JSONP, actions reaching the source,
 * and a server that stays up. */
#include "ui_api.h"
#include "ui_prometheus.h"

#include <arpa/inet.h>
#include <gust/ui.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
  int snapshots;
  gust_ui_action last_action;
  int last_wait;
  int actions;
} scripted;

static void fill_stream(gust_ui_stream *st, gboolean input, const char *component,
                        const char *stream, uint64_t n, double ms)
{
  st->is_input = input;
  st->component = g_strdup(component);
  st->stream = g_strdup(stream);
  for (int w = 0; w < GUST_UI_N_WINDOWS; w++) {
    /* the windows differ, so a wrong window shows */
    uint64_t v = n * (uint64_t)(w + 1);
    if (input) {
      st->executed[w] = v;
      st->acked[w] = v;
      st->execute_ms[w] = ms;
      st->process_ms[w] = ms / 2;
    } else {
      st->emitted[w] = st->transferred[w] = v;
      if (!component) st->acked[w] = v, st->complete_ms[w] = ms;
    }
  }
}

static gust_ui_snapshot *scripted_snapshot(void *data)
{
  scripted *sc = data;
  sc->snapshots++;
  gust_ui_snapshot *s = gust_ui_snapshot_new(1);
  s->host = g_strdup("testhost");
  s->uptime_secs = 3725;
  gust_ui_topology *t = &s->topologies[0];
  t->id = g_strdup("demo-1-1700000000");
  t->name = g_strdup("demo");
  t->status = g_strdup("ACTIVE");
  t->uptime_secs = 3725;
  t->conf = json_pack("{s:i}", "topology.message.timeout.secs", 45);
  t->checkpoints = TRUE;
  t->checkpoint_last_id = (uint64_t)sc->snapshots;
  t->checkpoints_completed = (uint64_t)sc->snapshots;
  t->checkpoint_last_duration_us = 2500;
  t->checkpoint_last_size = 4096;
  gust_ui_topology_alloc_components(t, 2);
  gust_ui_component *spout = &t->components[0], *bolt = &t->components[1];
  spout->id = g_strdup("words");
  spout->is_spout = TRUE;
  spout->n_tasks = spout->executors = 2;
  spout->tasks = g_new0(gust_ui_task, 2);
  for (int i = 0; i < 2; i++) {
    spout->tasks[i].task_id = 3 + i;
    spout->tasks[i].emitted = 100 * (uint64_t)sc->snapshots;
    spout->tasks[i].latency_ns = 4000000;
    spout->tasks[i].latency_count = 2;
    spout->tasks[i].queue_capacity = 8;
    spout->tasks[i].queued_batches = 2;
    fill_stream(gust_ui_task_alloc_streams(&spout->tasks[i], 1), FALSE, NULL, "default", 10,
                i ? 3.0 : 1.0);
  }
  gust_ui_error_info *e = g_new0(gust_ui_error_info, 1);
  e->message = g_strdup("java.lang.RuntimeException: \"boom\"\nline two");
  e->time_secs = s->time_us / G_USEC_PER_SEC - 5;
  e->task_id = 3;
  e->host = g_strdup("testhost");
  g_ptr_array_add(spout->errors, e);
  bolt->id = g_strdup("count");
  bolt->n_tasks = bolt->executors = 1;
  bolt->tasks = g_new0(gust_ui_task, 1);
  bolt->tasks[0].task_id = 1;
  bolt->tasks[0].busy_ns = 3725 * G_GUINT64_CONSTANT(250000000); /* a quarter of its uptime */
  gust_ui_stream *rows = gust_ui_task_alloc_streams(&bolt->tasks[0], 2);
  fill_stream(&rows[0], TRUE, "words", "default", 20, 0.5);
  fill_stream(&rows[1], FALSE, NULL, "counts", 20, 0);
  return s;
}

static gboolean scripted_act(void *data, const char *id, gust_ui_action action, int wait_secs,
                             const json_t *rebalance_options, GError **error)
{
  scripted *sc = data;
  if (action == GUST_UI_REBALANCE) {
    g_set_error(error, GUST_UI_ERROR, GUST_UI_ERROR_UNSUPPORTED, "no rebalance here");
    return FALSE;
  }
  sc->actions++;
  sc->last_action = action;
  sc->last_wait = wait_secs;
  return TRUE;
}

static json_t *scripted_conf(void *data)
{
  return json_pack("{s:s}", "storm.zookeeper.root", "/storm");
}

static const gust_ui_source_funcs scripted_funcs = {
    .snapshot = scripted_snapshot, .act = scripted_act, .cluster_conf = scripted_conf};

static void test_pretty_durations_and_windows_are_storms(void)
{
  g_autofree char *a = ui_api_pretty_secs(3725), *b = ui_api_pretty_secs(600),
                  *c = ui_api_pretty_secs(0), *d = ui_api_window_hint(GUST_UI_WINDOW_86400);
  g_assert_cmpstr(a, ==, "1h 2m 5s");
  g_assert_cmpstr(b, ==, "10m 0s");
  g_assert_cmpstr(c, ==, "");
  g_assert_cmpstr(d, ==, "1d 0h 0m 0s");
  gust_ui_window w;
  g_assert_true(ui_api_parse_window(NULL, &w, NULL) && w == GUST_UI_WINDOW_ALL_TIME);
  g_assert_true(ui_api_parse_window("10800", &w, NULL) && w == GUST_UI_WINDOW_10800);
  GError *error = NULL;
  g_assert_false(ui_api_parse_window("3600", &w, &error));
  g_assert_error(error, GUST_UI_ERROR, GUST_UI_ERROR_BAD_REQUEST);
  g_error_free(error);
}

static void test_topology_page_adds_tasks_up_over_the_asked_window(void)
{
  scripted sc = {0};
  gust_ui_snapshot *s = scripted_snapshot(&sc);
  json_t *t = ui_api_topology(s, "demo-1-1700000000", GUST_UI_WINDOW_10800, FALSE, NULL);
  g_assert_nonnull(t);
  g_assert_cmpint(json_integer_value(json_object_get(t, "msgTimeout")), ==, 45);
  g_assert_cmpstr(json_string_value(json_object_get(t, "uptime")), ==, "1h 2m 5s");
  json_t *spout = json_array_get(json_object_get(t, "spouts"), 0);
  /* two tasks x 10 x (window index 1 + 1) */
  g_assert_cmpint(json_integer_value(json_object_get(spout, "emitted")), ==, 40);
  /* the acked-weighted mean of 1 ms and 3 ms */
  g_assert_cmpstr(json_string_value(json_object_get(spout, "completeLatency")), ==, "2.000");
  g_assert_cmpstr(json_string_value(json_object_get(spout, "lastError")), ==,
                  "java.lang.RuntimeException: \"boom\"\nline two");
  g_assert_cmpint(json_integer_value(json_object_get(spout, "errorLapsedSecs")), >=, 5);
  json_t *bolt = json_array_get(json_object_get(t, "bolts"), 0);
  g_assert_cmpint(json_integer_value(json_object_get(bolt, "executed")), ==, 40);
  g_assert_cmpstr(json_string_value(json_object_get(bolt, "executeLatency")), ==, "0.500");
  g_assert_cmpstr(json_string_value(json_object_get(bolt, "processLatency")), ==, "0.250");
  g_assert_cmpstr(json_string_value(json_object_get(bolt, "capacity")), ==, "0.250");
  /* the topology's acked are its spouts' */
  json_t *stats = json_object_get(t, "topologyStats");
  g_assert_cmpint(json_array_size(stats), ==, 4);
  g_assert_cmpint(json_integer_value(json_object_get(json_array_get(stats, 0), "acked")), ==, 20);
  json_decref(t);

  json_t *c = ui_api_component(s, "demo-1-1700000000", "count", GUST_UI_WINDOW_600, FALSE, NULL);
  json_t *input = json_array_get(json_object_get(c, "inputStats"), 0);
  g_assert_cmpstr(json_string_value(json_object_get(input, "component")), ==, "words");
  g_assert_cmpint(json_integer_value(json_object_get(input, "executed")), ==, 20);
  json_t *output = json_array_get(json_object_get(c, "outputStats"), 0);
  g_assert_cmpstr(json_string_value(json_object_get(output, "stream")), ==, "counts");
  json_decref(c);
  c = ui_api_component(s, "demo-1-1700000000", "words", GUST_UI_WINDOW_ALL_TIME, FALSE, NULL);
  json_t *errors = json_object_get(c, "componentErrors");
  g_assert_cmpint(json_array_size(errors), ==, 1);
  g_assert_cmpint(json_integer_value(json_object_get(json_array_get(errors, 0), "errorPort")), ==,
                  0);
  json_decref(c);

  GError *error = NULL;
  g_assert_null(
      ui_api_component(s, "demo-1-1700000000", "nope", GUST_UI_WINDOW_600, FALSE, &error));
  g_assert_error(error, GUST_UI_ERROR, GUST_UI_ERROR_NOT_ALIVE);
  g_clear_error(&error);
  g_assert_null(ui_api_topology(s, "other-1-1", GUST_UI_WINDOW_600, FALSE, &error));
  g_assert_error(error, GUST_UI_ERROR, GUST_UI_ERROR_NOT_ALIVE);
  g_clear_error(&error);
  gust_ui_snapshot_unref(s);
}

static void test_prometheus_histograms_are_cumulative_and_metrics_labelled(void)
{
  scripted sc = {0};
  gust_ui_snapshot *s = scripted_snapshot(&sc);
  gust_ui_task *task = &s->topologies[0].components[1].tasks[0]; /* count, a bolt */
  task->has_latency_histograms = TRUE;
  gust_latency_histogram *h = &task->latencies[GUST_LATENCY_EXECUTE];
  h->counts[0] = 3;                    /* <= 0.0001 s */
  h->counts[2] = 4;                    /* <= 0.0005 s */
  h->counts[GUST_LATENCY_BUCKETS] = 1; /* above 10 s */
  h->sum_ns = 12000000000;
  gust_ui_component_metric *m = g_new0(gust_ui_component_metric, 1);
  m->component = g_strdup("count");
  m->task_id = 1;
  m->name = g_strdup("by\"kind");
  m->key = g_strdup("a.b");
  m->value = 2.5;
  g_ptr_array_add(s->topologies[0].component_metrics, m);
  g_autofree char *text = ui_prometheus_render(s);
  const char *prefix = "gust_execute_latency_seconds_bucket{topology=\"demo\",component=\"count\","
                       "task=\"1\",";
  static const struct {
    const char *le;
    int cumulative;
  } want[] = {{"0.0001", 3}, {"0.00025", 3}, {"0.0005", 7}, {"0.001", 7}, {"10", 7}, {"+Inf", 8}};
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    g_autofree char *line =
        g_strdup_printf("%sle=\"%s\"} %d\n", prefix, want[i].le, want[i].cumulative);
    g_assert_nonnull(strstr(text, line));
  }
  g_assert_nonnull(strstr(text, "gust_execute_latency_seconds_sum{topology=\"demo\",component="
                                "\"count\",task=\"1\"} 12\n"));
  g_assert_nonnull(strstr(text, "gust_execute_latency_seconds_count{topology=\"demo\",component="
                                "\"count\",task=\"1\"} 8\n"));
  g_assert_nonnull(strstr(text, "gust_process_latency_seconds_count{topology=\"demo\",component="
                                "\"count\",task=\"1\"} 0\n"));
  g_assert_nonnull(strstr(text, "# TYPE gust_component_metric gauge\n"));
  g_assert_nonnull(strstr(text, "gust_component_metric{topology=\"demo\",component=\"count\","
                                "task=\"1\",name=\"by\\\"kind\",key=\"a.b\"} 2.5\n"));
  gust_ui_snapshot_unref(s);
}

static void test_prometheus_text_has_help_type_and_escaped_labels(void)
{
  scripted sc = {0};
  gust_ui_snapshot *s = scripted_snapshot(&sc);
  g_free(s->topologies[0].name);
  s->topologies[0].name = g_strdup("de\"mo\\x");
  g_autofree char *text = ui_prometheus_render(s);
  g_assert_nonnull(strstr(text, "# TYPE gust_tuples_emitted_total counter\n"));
  g_assert_nonnull(strstr(text, "gust_tuples_emitted_total{topology=\"de\\\"mo\\\\x\",component="
                                "\"words\",task=\"3\"} 100\n"));
  g_assert_nonnull(strstr(text, "gust_complete_latency_seconds_bucket{topology=\"de\\\"mo\\\\x\","
                                "component=\"words\",task=\"4\",le=\"+Inf\"} 2\n"));
  g_assert_nonnull(strstr(text, "gust_task_queue_fill_ratio{topology=\"de\\\"mo\\\\x\","
                                "component=\"words\",task=\"3\"} 0.25\n"));
  g_assert_nonnull(
      strstr(text, "gust_checkpoint_last_size_bytes{topology=\"de\\\"mo\\\\x\"} 4096\n"));
  /* without buckets from the source, +Inf only; a process latency needs them */
  g_assert_null(strstr(text, "le=\"0.0001\""));
  g_assert_null(strstr(text, "gust_process_latency_seconds_bucket"));

  /* every sample line belongs to a family announced before it */
  g_auto(GStrv) lines = g_strsplit(text, "\n", 0);
  GHashTable *typed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (char **l = lines; *l && **l; l++) {
    if (g_str_has_prefix(*l, "# TYPE ")) {
      g_auto(GStrv) f = g_strsplit(*l + 7, " ", 2);
      g_hash_table_add(typed, g_strdup(f[0]));
    } else if (**l != '#') {
      g_autofree char *name = g_strndup(*l, strcspn(*l, "{ "));
      const char *suffixes[] = {"", "_bucket", "_sum", "_count"};
      gboolean known = FALSE;
      for (guint i = 0; i < G_N_ELEMENTS(suffixes) && !known; i++) {
        if (!g_str_has_suffix(name, suffixes[i])) continue;
        g_autofree char *family = g_strndup(name, strlen(name) - strlen(suffixes[i]));
        known = g_hash_table_contains(typed, family);
      }
      if (!known) g_error("sample without a TYPE line: %s", *l);
    }
  }
  g_hash_table_unref(typed);
  gust_ui_snapshot_unref(s);
}

/* ---- over a socket ---- */

/* One request over a plain socket (GIO's client would add its own
 * resolver threads, which TSan cannot follow). */
static char *http(int port, const char *method, const char *path, const char *body, int *status)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  g_assert_cmpint(fd, >=, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  g_assert_cmpint(connect(fd, (struct sockaddr *)&sa, sizeof sa), ==, 0);
  g_autofree char *req = g_strdup_printf("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
                                         "close\r\nContent-Length: %zu\r\n\r\n%s",
                                         method, path, body ? strlen(body) : 0, body ? body : "");
  for (size_t done = 0; done < strlen(req);) {
    ssize_t n = write(fd, req + done, strlen(req) - done);
    g_assert_cmpint(n, >, 0);
    done += (size_t)n;
  }
  GString *reply = g_string_new(NULL);
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0)
    g_string_append_len(reply, buf, n);
  close(fd);
  g_assert_true(sscanf(reply->str, "HTTP/1.1 %d", status) == 1);
  const char *start = strstr(reply->str, "\r\n\r\n");
  char *out = g_strdup(start ? start + 4 : "");
  g_string_free(reply, TRUE);
  return out;
}

static json_t *http_json(int port, const char *method, const char *path, const char *body,
                         int want_status)
{
  int status = 0;
  g_autofree char *text = http(port, method, path, body, &status);
  if (status != want_status)
    g_error("%s %s: %d, not %d: %s", method, path, status, want_status, text);
  json_t *doc = json_loads(text, 0, NULL);
  g_assert_nonnull(doc);
  return doc;
}

static void assert_storm_error(json_t *doc, const char *mentions)
{
  g_assert_cmpstr(json_string_value(json_object_get(doc, "error")), ==, "500 Server Error");
  g_assert_nonnull(strstr(json_string_value(json_object_get(doc, "errorMessage")), mentions));
  json_decref(doc);
}

static void test_server_answers_errs_as_storm_and_stays_up(void)
{
  scripted sc = {0};
  gust_ui_options opts = {.port = 0, .sample_ms = 100};
  GError *error = NULL;
  gust_ui_server *ui = gust_ui_server_start(&scripted_funcs, &sc, &opts, &error);
  g_assert_no_error(error);
  int port = gust_ui_server_port(ui);
  g_assert_cmpint(port, >, 0);
  g_assert_cmpstr(gust_ui_server_host(ui), ==, "127.0.0.1");

  json_t *doc = http_json(port, "GET", "/api/v1/topology/summary", NULL, 200);
  g_assert_cmpstr(json_string_value(
                      json_object_get(json_array_get(json_object_get(doc, "topologies"), 0), "id")),
                  ==, "demo-1-1700000000");
  json_decref(doc);
  doc = http_json(port, "GET", "/api/v1/cluster/configuration", NULL, 200);
  g_assert_cmpstr(json_string_value(json_object_get(doc, "storm.zookeeper.root")), ==, "/storm");
  json_decref(doc);
  assert_storm_error(http_json(port, "GET", "/api/v1/topology/x-1-1", NULL, 500), "x-1-1");
  assert_storm_error(
      http_json(port, "GET", "/api/v1/topology/demo-1-1700000000?window=5", NULL, 500),
      "window '5'");
  assert_storm_error(
      http_json(port, "POST", "/api/v1/topology/demo-1-1700000000/rebalance/3", "[1,", 500),
      "not JSON");
  assert_storm_error(
      http_json(port, "POST", "/api/v1/topology/demo-1-1700000000/rebalance/3", "{}", 500),
      "no rebalance here");
  doc = http_json(port, "GET", "/api/v1/nope", NULL, 404);
  g_assert_cmpstr(json_string_value(json_object_get(doc, "error")), ==, "404 Not Found");
  json_decref(doc);

  doc = http_json(port, "POST", "/api/v1/topology/demo-1-1700000000/kill/7", NULL, 200);
  g_assert_cmpstr(json_string_value(json_object_get(doc, "topologyOperation")), ==, "kill");
  json_decref(doc);
  g_assert_cmpint(sc.actions, ==, 1);
  g_assert_cmpint(sc.last_action, ==, GUST_UI_KILL);
  g_assert_cmpint(sc.last_wait, ==, 7);

  int status = 0;
  g_autofree char *jsonp =
      http(port, "GET", "/api/v1/cluster/summary?callback=my.cb", NULL, &status);
  g_assert_cmpint(status, ==, 200);
  g_assert_true(g_str_has_prefix(jsonp, "my.cb({") && g_str_has_suffix(jsonp, "});"));
  g_autofree char *bad_cb =
      http(port, "GET", "/api/v1/cluster/summary?callback=alert(1)", NULL, &status);
  g_assert_true(bad_cb[0] == '{'); /* not an identifier: plain JSON */

  /* the sampler runs: checkpoints appear in the history */
  int64_t end = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
  size_t n = 0;
  while (n < 3 && g_get_monotonic_time() < end) {
    doc = http_json(port, "GET", "/api/v1/gust/topology/demo-1-1700000000/history", NULL, 200);
    n = json_array_size(json_object_get(doc, "checkpoints"));
    json_decref(doc);
    g_usleep(50000);
  }
  g_assert_cmpuint(n, >=, 3);
  g_autofree char *metrics = http(port, "GET", "/metrics", NULL, &status);
  g_assert_cmpint(status, ==, 200);
  g_assert_nonnull(strstr(metrics, "process_resident_memory_bytes "));
  g_autofree char *page = http(port, "GET", "/", NULL, &status);
  g_assert_cmpint(status, ==, 200);
  g_assert_nonnull(strstr(page, "<html"));
  g_autofree char *chart = http(port, "GET", "/js/dygraphs/dygraph.min.js", NULL, &status);
  g_assert_cmpint(status, ==, 200);
  const char *outside[] = {"/js/dygraphs/..%2f..%2fjquery/jquery.js", "/js/dygraphs/dist",
                           "/.hidden", "/ui.js/../../CMakeLists.txt"};
  for (guint i = 0; i < G_N_ELEMENTS(outside); i++) {
    g_autofree char *text = http(port, "GET", outside[i], NULL, &status);
    if (status != 404 && status != 400) g_error("%s: %d", outside[i], status);
  }
  gust_ui_server_stop(ui);
}

static void test_a_taken_port_is_an_error_naming_it(void)
{
  scripted sc = {0};
  gust_ui_options opts = {.port = 0};
  gust_ui_server *first = gust_ui_server_start(&scripted_funcs, &sc, &opts, NULL);
  g_assert_nonnull(first);
  opts.port = gust_ui_server_port(first);
  GError *error = NULL;
  g_assert_null(gust_ui_server_start(&scripted_funcs, &sc, &opts, &error));
  g_assert_error(error, GUST_UI_ERROR, GUST_UI_ERROR_BIND);
  g_autofree char *port = g_strdup_printf("127.0.0.1:%d", opts.port);
  g_assert_nonnull(strstr(error->message, port));
  g_clear_error(&error);
  opts.host = "ui.example";
  opts.port = 0;
  g_assert_null(gust_ui_server_start(&scripted_funcs, &sc, &opts, &error));
  g_assert_error(error, GUST_UI_ERROR, GUST_UI_ERROR_BIND);
  g_error_free(error);
  gust_ui_server_stop(first);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ui/pretty_durations_and_windows", test_pretty_durations_and_windows_are_storms);
  g_test_add_func("/ui/topology_page_windows",
                  test_topology_page_adds_tasks_up_over_the_asked_window);
  g_test_add_func("/ui/prometheus_text", test_prometheus_text_has_help_type_and_escaped_labels);
  g_test_add_func("/ui/prometheus_histograms",
                  test_prometheus_histograms_are_cumulative_and_metrics_labelled);
  g_test_add_func("/ui/server", test_server_answers_errs_as_storm_and_stays_up);
  g_test_add_func("/ui/taken_port", test_a_taken_port_is_an_error_naming_it);
  return g_test_run();
}
