/* wordcount_bench.c — the native WordCount (sentence spout -> split ->
 * fields-grouped count) on this machine, in one run, with tuple tracking
 * off (topology.acker.executors 0), in acker mode, and in checkpoint
 * mode, each without a max.spout.pending cap; prints words/s for each and
 * the ratios to the untracked run.
 *
 * Usage: wordcount-bench [--seconds S] [FLUX_FILE]
 * (default FLUX_FILE: the wordcount.yaml built beside libwordcount.so)
 */
#include <gust/flinkcore.h>
#include <gust/flux.h>
#include <gust/runtime.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  double words_per_s, sentences_per_s;
  uint64_t acked, failed;
} mode_result;

static uint64_t executed_of(gust_runtime *rt, const char *component, uint64_t *acked)
{
  gust_component_summary *s = NULL;
  guint n = gust_runtime_summary(rt, &s);
  uint64_t v = 0;
  for (guint i = 0; i < n; i++) {
    if (!strcmp(s[i].component, component)) {
      v = s[i].is_spout ? s[i].emitted : s[i].executed;
      if (acked) *acked = s[i].acked;
    }
  }
  g_free(s);
  return v;
}

static gboolean run_mode(const char *flux, const char *reliability, int ackers, double seconds,
                         mode_result *out, GError **error)
{
  gust_topology *t = gust_flux_load_file(flux, NULL, error);
  if (!t) return FALSE;
  gust_topology_set_conf_value(t, "topology.acker.executors", json_integer(ackers));
  gust_topology_set_conf_value(t, "topology.gust.reliability", json_string(reliability));
  /* the same for every mode: no max.spout.pending cap (back-pressure bounds
   * what is in flight); with a cap, checkpoint mode asks for a checkpoint
   * each time the cap is reached */
  gust_topology_set_conf_value(t, "topology.max.spout.pending", json_integer(0));
  gust_runtime *rt = gust_runtime_new(t, NULL, error);
  if (!rt) {
    gust_topology_free(t);
    return FALSE;
  }
  gust_runtime_start(rt);
  g_usleep((gulong)(seconds * 0.25 * 1e6)); /* warm-up */
  uint64_t w0 = executed_of(rt, "count", NULL), s0 = executed_of(rt, "sentences", NULL);
  int64_t t0 = g_get_monotonic_time();
  g_usleep((gulong)(seconds * 0.75 * 1e6));
  double window = (g_get_monotonic_time() - t0) / 1e6;
  uint64_t w1 = executed_of(rt, "count", NULL), s1 = executed_of(rt, "sentences", NULL);
  gboolean ok = gust_runtime_stop(rt, 60000, error);
  uint64_t acked = 0;
  executed_of(rt, "sentences", &acked);
  out->words_per_s = (w1 - w0) / window;
  out->sentences_per_s = (s1 - s0) / window;
  out->acked = acked;
  gust_runtime_free(rt);
  gust_topology_free(t);
  return ok;
}

int main(int argc, char **argv)
{
  double seconds = 6;
  GOptionEntry entries[] = {
      {"seconds", 's', 0, G_OPTION_ARG_DOUBLE, &seconds, "length of each run (default 6)", "S"},
      {NULL},
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("[FLUX_FILE] - native WordCount benchmark");
  g_option_context_add_main_entries(ctx, entries, NULL);
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "wordcount-bench: %s\n", error->message);
    return 2;
  }
  g_autofree char *bin_dir = g_path_get_dirname(argv[0]);
  g_autofree char *default_flux =
      g_build_filename(bin_dir, "..", "examples", "native", "wordcount.yaml", NULL);
  const char *flux = argc > 1 ? argv[1] : default_flux;
  g_log_set_handler(NULL, G_LOG_LEVEL_MESSAGE, g_log_default_handler, NULL);

  struct {
    const char *label, *reliability;
    int ackers;
    mode_result r;
  } modes[] = {
      {.label = "untracked (0 ackers)", .reliability = "acker", .ackers = 0},
      {.label = "acker mode (1 acker)", .reliability = "acker", .ackers = 1},
      {.label = "checkpoint mode", .reliability = "checkpoint", .ackers = 1},
  };
  printf("wordcount-bench: %s, %u cores, %.0f s per mode\n", flux, g_get_num_processors(), seconds);
  for (size_t i = 0; i < G_N_ELEMENTS(modes); i++) {
    if (!run_mode(flux, modes[i].reliability, modes[i].ackers, seconds, &modes[i].r, &error)) {
      fprintf(stderr, "wordcount-bench: %s: %s\n", modes[i].label, error->message);
      return 1;
    }
    printf("  %-22s %8.2f M words/s  %8.3f M sentences/s  (%" G_GUINT64_FORMAT
           " sentences acked)\n",
           modes[i].label, modes[i].r.words_per_s / 1e6, modes[i].r.sentences_per_s / 1e6,
           modes[i].r.acked);
  }
  double base = modes[0].r.words_per_s;
  printf("  acker / untracked:      %5.2f  (goal >= 0.50)\n", modes[1].r.words_per_s / base);
  printf("  checkpoint / untracked: %5.2f  (goal >= 0.90)\n", modes[2].r.words_per_s / base);
  return 0;
}
