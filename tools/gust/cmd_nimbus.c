/* cmd_nimbus.c — `gust nimbus`: runs Nimbus (gust/nimbus.h) until SIGINT
 * or SIGTERM.  Configuration is Storm's keys, as every daemon reads them
 * (daemon_conf.h: defaults < storm.yaml or --config < -c key=value).
 * The open-files limit is raised to its hard limit first: every client
 * connection holds a descriptor.  Main thread: the signal loop; Nimbus runs
 * on threads of its own. */
#define G_LOG_DOMAIN "gust-nimbus"

#include "commands.h"
#include "daemon_conf.h"
#include "daemon_main.h"
#include "log_writer.h"

#include <gust/nimbus.h>
#include <string.h>
#include <sys/resource.h>

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
  json_t *conf =
      gust_daemon_command_line(argc, argv, "nimbus", "- run Storm's Nimbus Thrift service");
  if (!conf) return 2;
  GError *error = NULL;
  raise_open_files_limit();
  gust_daemon_catch_stop_signals();
  gust_nimbus *nimbus = gust_nimbus_start(conf, &error);
  json_decref(conf);
  if (!nimbus) {
    gust_log_error("%s", error->message);
    g_error_free(error);
    return 1;
  }
  gust_daemon_wait_for_stop_signal();
  g_message("nimbus stopping");
  gust_nimbus_stop(nimbus);
  return 0;
}
