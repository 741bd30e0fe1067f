/* cmd_nimbus.c — `gust nimbus`: runs Nimbus (gust/nimbus.h) until SIGINT
 * or SIGTERM.  Configuration is Storm's keys: `-c key=value` overrides
 * (value read as JSON when it parses as JSON, else as a string), e.g.
 * `gust nimbus -c nimbus.thrift.port=6627 -c storm.local.dir=/var/gust`.
 * The open-files limit is raised to its hard limit first: every client
 * connection holds a descriptor.  Main thread: the signal loop; Nimbus runs
 * on threads of its own. */
#define G_LOG_DOMAIN "gust-nimbus"

#include "commands.h"
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

/* "key=value" into conf; FALSE with error when there is no '='. */
static gboolean add_override(json_t *conf, const char *option, GError **error)
{
  const char *eq = strchr(option, '=');
  if (!eq || eq == option) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "-c '%s': expected key=value (e.g. -c nimbus.thrift.port=6627)", option);
    return FALSE;
  }
  g_autofree char *key = g_strndup(option, eq - option);
  json_t *value = json_loads(eq + 1, JSON_DECODE_ANY, NULL);
  json_object_set_new(conf, key, value ? value : json_string(eq + 1));
  return TRUE;
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
  g_auto(GStrv) overrides = NULL;
  gboolean verbose = FALSE;
  GOptionEntry entries[] = {
      {"conf", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &overrides,
       "set a Storm configuration key (repeatable)", "KEY=VALUE"},
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "log debug lines", NULL},
      {NULL},
  };
  g_autoptr(GOptionContext) options = g_option_context_new("- run Storm's Nimbus Thrift service");
  g_option_context_add_main_entries(options, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(options, &argc, &argv, &error)) {
    gust_log_error("%s", error->message);
    return 2;
  }
  gust_log_writer_set_verbose(verbose);
  json_t *conf = json_object();
  for (char **o = overrides; o && *o; o++)
    if (!add_override(conf, *o, &error)) {
      gust_log_error("%s", error->message);
      json_decref(conf);
      return 2;
    }
  raise_open_files_limit();
  gust_nimbus *nimbus = gust_nimbus_start(conf, &error);
  json_decref(conf);
  if (!nimbus) {
    gust_log_error("%s", error->message);
    return 1;
  }
  GMainLoop *loop = g_main_loop_new(NULL, FALSE);
  guint sigint = g_unix_signal_add(SIGINT, on_stop_signal, loop);
  guint sigterm = g_unix_signal_add(SIGTERM, on_stop_signal, loop);
  g_main_loop_run(loop);
  g_source_remove(sigint);
  g_source_remove(sigterm);
  g_main_loop_unref(loop);
  g_message("nimbus stopping");
  gust_nimbus_stop(nimbus);
  return 0;
}
