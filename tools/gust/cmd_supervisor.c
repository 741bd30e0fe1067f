/* cmd_supervisor.c — `gust supervisor`: Storm's supervisor daemon.
 *
 * Reads the daemon configuration (Storm's defaults < storm.yaml < -c),
 * logs its id, slots and ZooKeeper address, then runs the supervisor
 * (gust/supervisor.h) until Ctrl-C or SIGTERM, which stop its workers
 * (each takes a final checkpoint) before it exits.  Workers are this same
 * program run as `gust worker`.  It binds no port.
 */
#define G_LOG_DOMAIN "gust-supervisor"

#include "commands.h"
#include "daemon_conf.h"
#include "daemon_main.h"
#include "log_writer.h"
#include "topology_run.h"

#include <gust/supervisor.h>

enum { TICK_MS = 100 };

static char *zookeeper_address(json_t *conf)
{
  GString *text = g_string_new(NULL);
  size_t i;
  json_t *host;
  json_array_foreach(json_object_get(conf, "storm.zookeeper.servers"), i, host)
      g_string_append_printf(text, "%s%s:%d", i ? "," : "", json_string_value(host),
                             gust_daemon_conf_int(conf, "storm.zookeeper.port"));
  g_string_append(text, gust_daemon_conf_string(conf, "storm.zookeeper.root"));
  return g_string_free(text, FALSE);
}

int gust_cmd_supervisor(int argc, char **argv)
{
  json_t *conf = gust_daemon_command_line(
      argc, argv, "supervisor", "- run a supervisor: start the workers Nimbus assigns here");
  if (!conf) return 2;
  GError *error = NULL;
  g_autofree char *self = g_file_read_link("/proc/self/exe", &error);
  if (!self) {
    gust_log_error("cannot find this program to start workers with: %s", error->message);
    g_error_free(error);
    json_decref(conf);
    return 1;
  }
  const char *worker_command[] = {self, "worker", NULL};
  gust_supervisor_options options = {.worker_command = worker_command};
  gust_stop_signals_install();
  gust_supervisor *supervisor = gust_supervisor_new(conf, &options, &error);
  if (!supervisor) {
    gust_log_error("supervisor cannot start: %s", error->message);
    g_error_free(error);
    json_decref(conf);
    return 1;
  }
  g_autofree char *zookeeper = zookeeper_address(conf);
  g_autofree char *slots =
      json_dumps(json_object_get(conf, "supervisor.slots.ports"), JSON_ENCODE_ANY | JSON_COMPACT);
  g_message("supervisor %s started: slots %s, ZooKeeper %s, storm.local.dir %s",
            gust_supervisor_id(supervisor), slots, zookeeper,
            gust_daemon_conf_string(conf, "storm.local.dir"));
  while (!gust_stop_requests()) {
    gust_supervisor_tick(supervisor);
    g_usleep(TICK_MS * 1000);
  }
  g_message("supervisor %s stopping: stopping its workers", gust_supervisor_id(supervisor));
  gust_supervisor_free(supervisor);
  g_message("supervisor stopped");
  json_decref(conf);
  return 0;
}
