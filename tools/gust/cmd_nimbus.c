/* cmd_nimbus.c — `gust nimbus`: runs Nimbus (gust/nimbus.h) until SIGINT
 * or SIGTERM.  Configuration is Storm's keys, as every daemon reads them
 * (daemon_conf.h: defaults < storm.yaml or --config < -c key=value).
 * The open-files limit is raised to its hard limit first: every client
 * connection holds a descriptor.  Main thread: the signal loop; Nimbus runs
 * on threads of its own. */
#define G_LOG_DOMAIN "gust-nimbus"

#include "commands.h"
#include "daemon_conf.h"
#include "log_writer.h"

#include <glib-unix.h>
#include <gust/nimbus.h>
#include <string.h>
#include <sys/resource.h>

static gboolean on_stop_signal(gpointer data)
{
  g_main_loop_quit(data);
  return G_SOURCE_CONTINUE;
}

static void raise_open_files_limit(void)
{
  struct rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
      g_warning("could not raise the open-files limit to %lu", (unsigned long)limit.rlim_max);
  }
}

int gust_cmd_nimbus(int argc, char **argv)
{
  gust_daemon_conf_args conf_args = {0};
  gboolean verbose = FALSE;
  GOptionEntry entries[] = {
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "also log debug messages", NULL},
      {NULL},
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("- run Storm's Nimbus Thrift service");
  g_option_context_add_main_entries(ctx, entries, NULL);
  gust_daemon_conf_add_options(ctx, &conf_args);
  GError *error = NULL;
  json_t *conf = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 1 ||
      !(conf = gust_daemon_conf_load_args(&conf_args, &error))) {
    gust_log_error("%s", error ? error->message : "gust nimbus takes no arguments");
    g_clear_error(&error);
    gust_daemon_conf_args_clear(&conf_args);
    return 2;
  }
  gust_daemon_conf_args_clear(&conf_args);
  gust_log_writer_set_verbose(verbose);
  raise_open_files_limit();
  /* The handlers come first: a SIGTERM right after "listening" is logged
   * (a supervisor script's stop) must stop Nimbus cleanly, not kill it. */
  GMainLoop *loop = g_main_loop_new(NULL, FALSE);
  guint sigint = g_unix_signal_add(SIGINT, on_stop_signal, loop);
  guint sigterm = g_unix_signal_add(SIGTERM, on_stop_signal, loop);
  gust_nimbus *nimbus = gust_nimbus_start(conf, &error);
  json_decref(conf);
  if (nimbus) g_main_loop_run(loop);
  g_source_remove(sigint);
  g_source_remove(sigterm);
  g_main_loop_unref(loop);
  if (!nimbus) {
    gust_log_error("%s", error->message);
    g_error_free(error);
    return 1;
  }
  g_message("nimbus stopping");
  gust_nimbus_stop(nimbus);
  return 0;
}
