/* ui_bench.c — what watching costs: the native WordCount's throughput
 * with the UI server running and no client, against the same with N
 * clients (default 200) polling the REST API and /metrics, each once every
 * --interval-ms (default 1000, as a dashboard refreshes; 0 = as fast as
 * they can).  Runs alternate (none, clients, none, clients, ...) so a
 * drift of the machine hits both, and every other round starts with the
 * clients; prints words/s of each run, the medians
 * and their ratio (goal: clients/none >= 0.98).
 *
 * Clients are threads of this process speaking HTTP/1.1 over loopback
 * sockets (GSocketClient), one request per connection.
 *
 * Usage: ui-bench [--seconds S] [--rounds R] [--clients N] [--interval-ms MS] [FLUX_FILE]
 */
#include <gust/flux.h>
#include <gust/runtime.h>
#include <gust/ui_local.h>
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  int port;
  char *topology_id;
  int interval_ms;
  gint stop;
  gint requests, failures;
} clients;

static const char *const PATHS[] = {"/api/v1/topology/%s", "/api/v1/topology/%s/component/count",
                                    "/metrics", "/api/v1/topology/%s/metrics",
                                    "/api/v1/cluster/summary"};

static gboolean one_request(GSocketClient *sc, clients *c, const char *path)
{
  GSocketConnection *conn =
      g_socket_client_connect_to_host(sc, "127.0.0.1", (guint16)c->port, NULL, NULL);
  if (!conn) return FALSE;
  g_autofree char *req =
      g_strdup_printf("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
  GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(conn));
  GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(conn));
  gboolean ok = g_output_stream_write_all(out, req, strlen(req), NULL, NULL, NULL);
  char buf[16384], first[16] = "";
  gssize n;
  gsize got = 0;
  while (ok && (n = g_input_stream_read(in, buf, sizeof buf, NULL, NULL)) > 0) {
    if (!got) memcpy(first, buf, MIN((gsize)n, sizeof first - 1));
    got += (gsize)n;
  }
  g_object_unref(conn);
  return ok && g_str_has_prefix(first, "HTTP/1.1 200");
}

static gpointer client_thread(gpointer data)
{
  clients *c = data;
  GSocketClient *sc = g_socket_client_new();
  for (guint i = g_random_int(); !g_atomic_int_get(&c->stop); i++) {
    g_autofree char *path = g_strdup_printf(PATHS[i % G_N_ELEMENTS(PATHS)], c->topology_id);
    if (!one_request(sc, c, path)) g_atomic_int_inc(&c->failures);
    g_atomic_int_inc(&c->requests);
    if (c->interval_ms) g_usleep((gulong)c->interval_ms * 1000);
  }
  g_object_unref(sc);
  return NULL;
}

static uint64_t count_executed(gust_runtime *rt)
{
  gust_component_summary *s = NULL;
  guint n = gust_runtime_summary(rt, &s);
  uint64_t v = 0;
  for (guint i = 0; i < n; i++)
    if (!strcmp(s[i].component, "count")) v = s[i].executed;
  g_free(s);
  return v;
}

static void on_kill(int wait_secs, void *data) {}

/* One run: words/s over the last 3/4 of seconds, with n_clients polling. */
static gboolean run(const char *flux, double seconds, int n_clients, int interval_ms,
                    double *words_per_s, int *requests, int *failures, GError **error)
{
  gust_topology *t = gust_flux_load_file(flux, NULL, error);
  if (!t) return FALSE;
  gust_topology_set_conf_value(t, "topology.max.spout.pending", json_integer(0));
  gust_runtime *rt = gust_runtime_new(t, NULL, error);
  if (!rt) {
    gust_topology_free(t);
    return FALSE;
  }
  void *data = NULL;
  const gust_ui_source_funcs *funcs = gust_ui_local_source(rt, t, on_kill, NULL, &data);
  gust_ui_options opts = {.port = 0};
  gust_ui_server *ui = gust_ui_server_start(funcs, data, &opts, error);
  if (!ui) {
    gust_runtime_free(rt);
    gust_topology_free(t);
    return FALSE;
  }
  gust_runtime_start(rt);
  clients c = {.port = gust_ui_server_port(ui), .interval_ms = interval_ms};
  gust_ui_snapshot *probe = funcs->snapshot(data);
  c.topology_id = g_strdup(probe->topologies[0].id);
  gust_ui_snapshot_unref(probe);
  GThread **threads = g_new0(GThread *, n_clients ? n_clients : 1);
  for (int i = 0; i < n_clients; i++)
    threads[i] = g_thread_new("client", client_thread, &c);
  g_usleep((gulong)(seconds * 0.25 * 1e6));
  uint64_t w0 = count_executed(rt);
  int64_t t0 = g_get_monotonic_time();
  g_usleep((gulong)(seconds * 0.75 * 1e6));
  uint64_t w1 = count_executed(rt);
  *words_per_s = (w1 - w0) / ((g_get_monotonic_time() - t0) / 1e6);
  g_atomic_int_set(&c.stop, 1);
  for (int i = 0; i < n_clients; i++)
    g_thread_join(threads[i]);
  g_free(threads);
  *requests = c.requests;
  *failures = c.failures;
  g_free(c.topology_id);
  gboolean ok = gust_runtime_stop(rt, 60000, error);
  gust_ui_server_stop(ui);
  gust_runtime_free(rt);
  gust_topology_free(t);
  return ok;
}

static int compare_doubles(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n)
{
  qsort(v, (size_t)n, sizeof v[0], compare_doubles);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
  double seconds = 6;
  int rounds = 3, n_clients = 200, interval_ms = 1000;
  GOptionEntry entries[] = {
      {"seconds", 's', 0, G_OPTION_ARG_DOUBLE, &seconds, "length of each run (default 6)", "S"},
      {"rounds", 'r', 0, G_OPTION_ARG_INT, &rounds, "runs of each kind (default 3)", "R"},
      {"clients", 'c', 0, G_OPTION_ARG_INT, &n_clients, "polling clients (default 200)", "N"},
      {"interval-ms", 'i', 0, G_OPTION_ARG_INT, &interval_ms,
       "each client's pause between requests (default 1000; 0 = none)", "MS"},
      {NULL},
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("[FLUX_FILE] - cost of watching");
  g_option_context_add_main_entries(ctx, entries, NULL);
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) || rounds < 1 || rounds > 100 ||
      n_clients < 0 || n_clients > 10000 || interval_ms < 0 || seconds <= 0) {
    fprintf(stderr, "ui-bench: %s\n",
            error ? error->message
                  : "--rounds 1..100, --clients 0..10000, --interval-ms >= 0, --seconds > 0");
    return 2;
  }
  g_autofree char *bin_dir = g_path_get_dirname(argv[0]);
  g_autofree char *default_flux =
      g_build_filename(bin_dir, "..", "examples", "native", "wordcount.yaml", NULL);
  const char *flux = argc > 1 ? argv[1] : default_flux;
  g_log_set_handler(NULL, G_LOG_LEVEL_MESSAGE, g_log_default_handler, NULL);
  printf("ui-bench: %s, %u cores, %.0f s per run, %d clients polling every %d ms\n", flux,
         g_get_num_processors(), seconds, n_clients, interval_ms);
  double *none = g_new0(double, rounds), *polled = g_new0(double, rounds);
  for (int r = 0; r < rounds; r++)
    for (int j = 0; j < 2; j++) {
      int k = (j + r) % 2; /* odd rounds start with the clients: no order bias */
      int requests = 0, failures = 0;
      double *out = k ? &polled[r] : &none[r];
      if (!run(flux, seconds, k ? n_clients : 0, interval_ms, out, &requests, &failures, &error)) {
        fprintf(stderr, "ui-bench: %s\n", error->message);
        return 1;
      }
      printf("  round %d %-12s %8.3f M words/s", r + 1, k ? "clients:" : "no clients:", *out / 1e6);
      if (k) printf("  (%d requests, %.0f/s, %d failed)", requests, requests / seconds, failures);
      printf("\n");
    }
  double a = median(none, rounds), b = median(polled, rounds);
  printf("  medians: %.3f M words/s without clients, %.3f M with; ratio %.3f (goal >= 0.98)\n",
         a / 1e6, b / 1e6, b / a);
  g_free(none);
  g_free(polled);
  return 0;
}
