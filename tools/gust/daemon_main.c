/* daemon_main.c — the command line and the stop-signal wait shared by
 * gust's daemons (see daemon_main.h).  Main thread only: the stop loop
 * and its signal sources are this file's, from catch to the end of the wait. */
#include "daemon_main.h"

#include "daemon_conf.h"
#include "log_writer.h"

#include <glib-unix.h>

json_t *gust_daemon_command_line(int argc, char **argv, const char *command, const char *summary)
{
  gust_daemon_conf_args conf_args = {0};
  gboolean verbose = FALSE;
  GOptionEntry entries[] = {
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "also log debug messages", NULL},
      {NULL},
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new(summary);
  g_option_context_add_main_entries(ctx, entries, NULL);
  gust_daemon_conf_add_options(ctx, &conf_args);
  GError *error = NULL;
  json_t *conf = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 1 ||
      !(conf = gust_daemon_conf_load_args(&conf_args, &error))) {
    if (error)
      gust_log_error("%s", error->message);
    else
      gust_log_error("gust %s takes no arguments", command);
    g_clear_error(&error);
  }
  gust_daemon_conf_args_clear(&conf_args);
  gust_log_writer_set_verbose(verbose);
  return conf;
}

static gboolean on_stop_signal(gpointer data)
{
  g_main_loop_quit(data);
  return G_SOURCE_CONTINUE;
}

/* The loop the stop signals quit, and their sources, while caught. */
static GMainLoop *stop_loop;
static guint stop_sources[2];

void gust_daemon_catch_stop_signals(void)
{
  if (stop_loop) return;
  stop_loop = g_main_loop_new(NULL, FALSE);
  stop_sources[0] = g_unix_signal_add(SIGINT, on_stop_signal, stop_loop);
  stop_sources[1] = g_unix_signal_add(SIGTERM, on_stop_signal, stop_loop);
}

void gust_daemon_wait_for_stop_signal(void)
{
  gust_daemon_catch_stop_signals();
  g_main_loop_run(stop_loop);
  g_source_remove(stop_sources[0]);
  g_source_remove(stop_sources[1]);
  g_clear_pointer(&stop_loop, g_main_loop_unref);
}
