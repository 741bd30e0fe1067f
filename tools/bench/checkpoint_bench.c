/* checkpoint_bench.c — what checkpoints cost and how fast a topology
 * comes back, in one run on this machine:
 *
 *   (1) native WordCount words/s with checkpoints off (acks at emit),
 *       every 1 s and every 100 ms (in memory), and every 1 s written to a
 *       directory (durable); ratios to "off";
 *   (2) recovery: a `gust local` process on the built-in word count with a
 *       checkpoint directory is killed with SIGKILL, started again, and
 *       timed from the new start to its first output tuple (LogInfoBolt's
 *       log line), several times: min / median / max.
 *
 * The size and duration of checkpoints of large keyed state are in
 * state-bench.
 *
 * Usage: checkpoint-bench [--seconds S] [--kills N]
 */
#include <gust/flinkcore.h>
#include <gust/flux.h>
#include <gust/runtime.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

static double words_per_second(const char *flux, int ackers, int interval_ms, const char *dir,
                               double seconds, GError **error)
{
  gust_topology *t = gust_flux_load_file(flux, NULL, error);
  if (!t) return -1;
  gust_topology_set_conf_value(t, "topology.acker.executors", json_integer(ackers));
  gust_topology_set_conf_value(t, "topology.gust.reliability", json_string("checkpoint"));
  gust_topology_set_conf_value(t, "topology.gust.checkpoint.interval.ms",
                               json_integer(interval_ms));
  gust_topology_set_conf_value(t, "topology.max.spout.pending", json_integer(0)); /* unlimited */
  if (dir) gust_topology_set_conf_value(t, "topology.gust.checkpoint.dir", json_string(dir));
  gust_runtime *rt = gust_runtime_new(t, NULL, error);
  if (!rt) {
    gust_topology_free(t);
    return -1;
  }
  gust_runtime_start(rt);
  g_usleep((gulong)(seconds * 0.25 * 1e6));
  gust_component_summary *s = NULL;
  guint n = gust_runtime_summary(rt, &s);
  uint64_t w0 = 0, w1 = 0;
  for (guint i = 0; i < n; i++)
    if (!strcmp(s[i].component, "count")) w0 = s[i].executed;
  g_free(s);
  int64_t t0 = g_get_monotonic_time();
  g_usleep((gulong)(seconds * 0.75 * 1e6));
  double window = (g_get_monotonic_time() - t0) / 1e6;
  n = gust_runtime_summary(rt, &s);
  for (guint i = 0; i < n; i++)
    if (!strcmp(s[i].component, "count")) w1 = s[i].executed;
  g_free(s);
  gust_runtime_stop(rt, 60000, NULL);
  gust_runtime_free(rt);
  gust_topology_free(t);
  return (w1 - w0) / window;
}

/* Starts `gust local` on flux with dir; returns when its stderr shows the
 * first output tuple: seconds since the start, or < 0. *pid gets the child. */
static double start_until_first_output(const char *gust, const char *flux, const char *dir,
                                       GPid *pid)
{
  const char *argv[] = {gust, "local", flux, "--duration", "0", "--checkpoint-dir", dir, NULL};
  int err_fd = -1;
  int64_t t0 = g_get_monotonic_time();
  if (!g_spawn_async_with_pipes(NULL, (char **)argv, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                                pid, NULL, NULL, &err_fd, NULL))
    return -1;
  FILE *err = fdopen(err_fd, "r");
  char line[4096];
  double seen = -1;
  while (fgets(line, sizeof line, err)) {
    if (strstr(line, "source: counter:")) {
      seen = (g_get_monotonic_time() - t0) / 1e6;
      break;
    }
  }
  /* keep draining in the background is not needed: the child is killed next */
  fclose(err);
  return seen;
}

static int compare_doubles(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
  double seconds = 5;
  int kills = 5;
  GOptionEntry entries[] = {
      {"seconds", 's', 0, G_OPTION_ARG_DOUBLE, &seconds, "length of each throughput run", "S"},
      {"kills", 'k', 0, G_OPTION_ARG_INT, &kills, "kill/restart rounds (default 5)", "N"},
      {NULL},
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("- checkpoint cost and recovery time");
  g_option_context_add_main_entries(ctx, entries, NULL);
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "checkpoint-bench: %s\n", error->message);
    return 2;
  }
  g_autofree char *bin = g_path_get_dirname(argv[0]);
  g_autofree char *wordcount =
      g_build_filename(bin, "..", "examples", "native", "wordcount.yaml", NULL);
  g_autofree char *gust = g_build_filename(bin, "gust", NULL);
  g_autofree char *builtin =
      g_build_filename(bin, "..", "..", "examples", "flux", "wordcount.yaml", NULL);
  g_autofree char *dir = g_dir_make_tmp("gust-ckpt-bench-XXXXXX", NULL);
  g_log_set_handler(NULL, G_LOG_LEVEL_MESSAGE, g_log_default_handler, NULL);

  printf("checkpoint-bench: %u cores, %.0f s per run\n", g_get_num_processors(), seconds);
  struct {
    const char *label;
    int ackers, interval_ms;
    bool durable;
    double rate;
  } runs[] = {
      {"checkpoints off", 0, 1000, false, 0},
      {"every 1 s", 1, 1000, false, 0},
      {"every 100 ms", 1, 100, false, 0},
      {"every 1 s, to disk", 1, 1000, true, 0},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(runs); i++) {
    g_autofree char *sub = g_build_filename(dir, runs[i].label, NULL);
    runs[i].rate = words_per_second(wordcount, runs[i].ackers, runs[i].interval_ms,
                                    runs[i].durable ? sub : NULL, seconds, &error);
    if (runs[i].rate < 0) {
      fprintf(stderr, "checkpoint-bench: %s\n", error->message);
      return 1;
    }
    printf("  %-22s %7.2f M words/s  (%.3f of off)\n", runs[i].label, runs[i].rate / 1e6,
           runs[i].rate / runs[0].rate);
  }
  printf("  cost at 1 s: %.1f%% (goal <= 5%%)\n", 100 * (1 - runs[1].rate / runs[0].rate));

  g_autofree char *rdir = g_build_filename(dir, "recovery", NULL);
  double *times = g_new0(double, kills);
  int got = 0;
  GPid pid;
  if (start_until_first_output(gust, builtin, rdir, &pid) < 0) {
    fprintf(stderr, "checkpoint-bench: gust local produced no output\n");
    return 1;
  }
  for (int k = 0; k < kills; k++) {
    g_usleep(1500000); /* let it checkpoint */
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    g_spawn_close_pid(pid);
    double t = start_until_first_output(gust, builtin, rdir, &pid);
    if (t >= 0) times[got++] = t;
  }
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  qsort(times, got, sizeof *times, compare_doubles);
  if (got)
    printf("recovery, SIGKILL then restart to first output (%d rounds): min %.3f s, median %.3f s, "
           "max %.3f s (goal < 3 s)\n",
           got, times[0], times[got / 2], times[got - 1]);
  g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "checkpoint-bench: could not remove %s\n", dir);
  g_free(times);
  return got == kills ? 0 : 1;
}
