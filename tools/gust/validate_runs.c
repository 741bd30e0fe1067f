/* validate_runs.c — one validation run of a topology (validate_runs.h).
 *
 * The parent starts `gust validate run-side FLUX --group G ...` with
 * posix_spawn (stdout and stderr to the run's log file), then polls every
 * 250 ms: has the child ended by itself (a failure), did the user press
 * Ctrl-C (the child, in the same process group, got it too; the parent
 * waits for its clean stop), has the group committed the input up to
 * input_end, have the output topics' heads stopped moving for settle_s.
 * Then it sends SIGINT, and the child stops as `gust local` does (spouts
 * deactivated, in-flight tuples settled, a final checkpoint).  Every three
 * seconds it prints a progress line: records committed, outputs, elapsed,
 * rate, what it waits for.
 *
 * The child (gust_validate_run_side_main) loads the Flux file, applies the
 * redirection (validate_topology.h) and runs until SIGINT.
 */
#define G_LOG_DOMAIN "gust-validate"

#include "validate_runs.h"
#include "local_report.h"
#include "log_writer.h"
#include "topology_run.h"
#include "validate_kafka.h"
#include "validate_topology.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <gust/flux.h>
#include <gust/runtime.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

enum {
  POLL_MS = 250,
  PROGRESS_EVERY_US = 3 * G_USEC_PER_SEC,
  OFFSETS_EVERY_US = G_USEC_PER_SEC,
  STOP_BOUND_S = 120, /* a clean stop that takes longer is a hang */
  COMMIT_PERIOD_MS = 500,
};

/* ---- the child ---- */

int gust_validate_run_side_main(int argc, char **argv)
{
  char *filter = NULL, *bootstrap = NULL, *group = NULL, *suffix = NULL, *reliability = NULL,
       *checkpoint_dir = NULL;
  gboolean env_filter = FALSE;
  g_autofree char *native_path = gust_native_search_path();
  GOptionEntry entries[] = {
      {"filter", 0, 0, G_OPTION_ARG_FILENAME, &filter, NULL, NULL},
      {"env-filter", 0, 0, G_OPTION_ARG_NONE, &env_filter, NULL, NULL},
      {"bootstrap", 0, 0, G_OPTION_ARG_STRING, &bootstrap, NULL, NULL},
      {"group", 0, 0, G_OPTION_ARG_STRING, &group, NULL, NULL},
      {"topic-suffix", 0, 0, G_OPTION_ARG_STRING, &suffix, NULL, NULL},
      {"reliability", 0, 0, G_OPTION_ARG_STRING, &reliability, NULL, NULL},
      {"checkpoint-dir", 0, 0, G_OPTION_ARG_FILENAME, &checkpoint_dir, NULL, NULL},
      {NULL},
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("FLUX - one validation run");
  g_option_context_add_main_entries(ctx, entries, NULL);
  GError *error = NULL;
  int status = 1;
  gust_topology *topology = NULL;
  gust_runtime *rt = NULL;
  prctl(PR_SET_PDEATHSIG, SIGINT); /* the validation that started it died: stop */
  if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 2 || !group) {
    gust_log_error("%s", error ? error->message : "run-side FLUX --group G is needed");
    status = 2;
    goto out;
  }
  gust_flux_options flux_opts = {.properties_file = filter, .env_filter = env_filter};
  if (!(topology = gust_flux_load_file(argv[1], &flux_opts, &error))) goto fail;
  gust_validate_redirect redirect = {.bootstrap = bootstrap,
                                     .group = group,
                                     .topic_suffix = suffix,
                                     .reliability = reliability,
                                     .commit_period_ms = COMMIT_PERIOD_MS};
  gust_validate_redirect_topology(topology, &redirect);
  if (checkpoint_dir)
    gust_topology_set_conf_value(topology, "topology.gust.checkpoint.dir",
                                 json_string(checkpoint_dir));
  gust_runtime_options rt_opts = {.native_path = native_path};
  if (!(rt = gust_runtime_new(topology, &rt_opts, &error))) goto fail;
  gust_stop_signals_install();
  g_message("validation run of '%s': group %s, outputs to topic%s, reliability %s",
            gust_topology_name(topology), group, suffix ? suffix : "(unchanged)",
            reliability ? reliability : "as configured");
  int64_t start = g_get_monotonic_time();
  gust_runtime_start(rt);
  status = gust_run_until_stop(rt, 0, NULL, NULL);
  if (status == 0) status = gust_drain(rt);
  gust_local_print_summary(rt, (g_get_monotonic_time() - start) / 1e6);
  goto out;
fail:
  gust_log_error("%s", error->message);
out:
  g_clear_error(&error);
  gust_runtime_free(rt);
  gust_topology_free(topology);
  g_free(filter);
  g_free(bootstrap);
  g_free(group);
  g_free(suffix);
  g_free(reliability);
  g_free(checkpoint_dir);
  return status;
}

/* ---- the parent ---- */

static gboolean spawn_side(const gust_validate_run *run, GPid *pid, GError **error)
{
  g_autofree char *self = g_file_read_link("/proc/self/exe", error);
  if (!self) return FALSE;
  GPtrArray *args = g_ptr_array_new();
  g_ptr_array_add(args, self);
  g_ptr_array_add(args, "validate");
  g_ptr_array_add(args, "run-side");
  g_ptr_array_add(args, (char *)run->flux);
#define ADD_OPTION(name, value)                                                                    \
  if (value) {                                                                                     \
    g_ptr_array_add(args, name);                                                                   \
    g_ptr_array_add(args, (char *)(value));                                                        \
  }
  ADD_OPTION("--filter", run->filter);
  ADD_OPTION("--bootstrap", run->bootstrap);
  ADD_OPTION("--group", run->group);
  ADD_OPTION("--topic-suffix", run->topic_suffix);
  ADD_OPTION("--reliability", run->reliability);
  ADD_OPTION("--checkpoint-dir", run->checkpoint_dir);
#undef ADD_OPTION
  if (run->env_filter) g_ptr_array_add(args, "--env-filter");
  g_ptr_array_add(args, NULL);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, run->log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  /* its own process group: Ctrl-C reaches this process, which stops it once */
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t child;
  int err = posix_spawn(&child, self, &actions, &attr, (char **)args->pdata, environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  g_ptr_array_free(args, TRUE);
  if (err) {
    g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "cannot start the %s: %s", run->label,
                g_strerror(err));
    return FALSE;
  }
  *pid = child;
  return TRUE;
}

/* The newest complete checkpoint's id in dir (0: none). */
static guint64 newest_checkpoint(const char *dir)
{
  guint64 newest = 0;
  GDir *d = dir ? g_dir_open(dir, 0, NULL) : NULL;
  const char *name;
  while (d && (name = g_dir_read_name(d))) {
    guint64 id;
    if (!g_str_has_prefix(name, "chk-") ||
        !g_ascii_string_to_unsigned(name + 4, 10, 1, G_MAXINT64, &id, NULL))
      continue;
    g_autofree char *meta = g_build_filename(dir, name, "_metadata", NULL);
    if (g_file_test(meta, G_FILE_TEST_EXISTS)) newest = MAX(newest, id);
  }
  if (d) g_dir_close(d);
  return newest;
}

static int64_t sum(GArray *offsets)
{
  int64_t total = 0;
  for (guint i = 0; offsets && i < offsets->len; i++)
    total += MAX(g_array_index(offsets, int64_t, i), 0);
  return total;
}

/* Records the group committed of the input (so far), and whether all. */
static int64_t committed_input(const gust_validate_run *run, gboolean *all)
{
  g_autoptr(GArray) committed =
      gust_validate_kafka_committed(run->input_bootstrap, run->group, run->input_topic, NULL);
  *all = committed != NULL;
  int64_t done = 0;
  for (guint p = 0; p < run->input_end->len; p++) {
    int64_t end = g_array_index(run->input_end, int64_t, p);
    int64_t c = committed && p < committed->len ? g_array_index(committed, int64_t, p) : -1;
    if (c < end && end > 0) *all = FALSE; /* an empty partition has nothing to commit */
    done += MIN(MAX(c, 0), end);
  }
  return done;
}

static int64_t output_records(const gust_validate_run *run)
{
  int64_t total = 0;
  for (guint i = 0; i < run->output_topics->len; i++) {
    g_autoptr(GArray) heads = gust_validate_kafka_heads(
        run->output_bootstrap, g_ptr_array_index(run->output_topics, i), NULL);
    total += sum(heads);
  }
  return total;
}

/* SIGINT, then waits for the clean stop (SIGKILL after the bound). */
static int stop_child(GPid pid)
{
  kill(pid, SIGINT);
  int wstatus = 0;
  for (int waited = 0; waited < STOP_BOUND_S * 10; waited++) {
    if (waitpid(pid, &wstatus, WNOHANG) == pid) return wstatus;
    g_usleep(100000);
  }
  g_warning("the run did not stop within %d s: killing it", STOP_BOUND_S);
  kill(pid, SIGKILL);
  waitpid(pid, &wstatus, 0);
  return wstatus;
}

gust_validate_run_status gust_validate_run_once(const gust_validate_run *run, double kill_delay_s,
                                                GError **error)
{
  guint64 checkpoint_before = newest_checkpoint(run->checkpoint_dir);
  GPid pid;
  if (!spawn_side(run, &pid, error)) return GUST_VALIDATE_RUN_FAILED;
  int64_t input_total = sum(run->input_end);
  int64_t start = g_get_monotonic_time(), last_progress = start, last_offsets = 0;
  int64_t outputs = -1, outputs_changed = start, committed = 0, kill_at = 0;
  gboolean consumed = FALSE;
  for (;;) {
    g_usleep(POLL_MS * 1000);
    int64_t now = g_get_monotonic_time();
    int wstatus;
    if (waitpid(pid, &wstatus, WNOHANG) == pid) {
      g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                  "the %s ended by itself (%s %d) before its input was consumed; its log is %s",
                  run->label, WIFEXITED(wstatus) ? "exit status" : "signal",
                  WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : WTERMSIG(wstatus), run->log_path);
      return GUST_VALIDATE_RUN_FAILED;
    }
    if (gust_stop_requests()) {
      g_message("%s: interrupted, stopping it", run->label);
      stop_child(pid);
      return GUST_VALIDATE_RUN_INTERRUPTED;
    }
    if (kill_delay_s >= 0 && !kill_at && newest_checkpoint(run->checkpoint_dir) > checkpoint_before)
      kill_at = now + (int64_t)(kill_delay_s * G_USEC_PER_SEC);
    if (kill_at && now >= kill_at) {
      kill(pid, SIGKILL);
      waitpid(pid, &wstatus, 0);
      g_message("%s: killed with SIGKILL after %.1f s (%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
                " input records committed)",
                run->label, (now - start) / 1e6, committed, input_total);
      return GUST_VALIDATE_RUN_KILLED;
    }
    if (now - last_offsets >= OFFSETS_EVERY_US) {
      last_offsets = now;
      committed = committed_input(run, &consumed);
      int64_t o = output_records(run);
      if (o != outputs) outputs = o, outputs_changed = now;
    }
    if (consumed && now - outputs_changed >= run->settle_s * G_USEC_PER_SEC) {
      if (kill_delay_s >= 0 && !kill_at) kill_at = now; /* nothing left to kill it in */
      if (!kill_at) break;
    }
    if (now - last_progress >= PROGRESS_EVERY_US) {
      last_progress = now;
      double elapsed = (now - start) / 1e6;
      g_message("%s: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
                " input records committed, %" G_GINT64_FORMAT
                " output records, %.0f s, %.0f records/s; waiting for %s",
                run->label, committed, input_total, MAX(outputs, 0), elapsed,
                elapsed > 0 ? committed / elapsed : 0.0,
                kill_at             ? "the moment to kill it"
                : kill_delay_s >= 0 ? "a completed checkpoint before killing it"
                : consumed          ? "the outputs to settle"
                                    : "the spouts to commit the input");
    }
  }
  int wstatus = stop_child(pid);
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                "the %s did not stop cleanly (%s %d); its log is %s", run->label,
                WIFEXITED(wstatus) ? "exit status" : "signal",
                WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : WTERMSIG(wstatus), run->log_path);
    return GUST_VALIDATE_RUN_FAILED;
  }
  g_message("%s: input consumed, outputs settled at %" G_GINT64_FORMAT " records, %.1f s",
            run->label, outputs, (g_get_monotonic_time() - start) / 1e6);
  return GUST_VALIDATE_RUN_DONE;
}
