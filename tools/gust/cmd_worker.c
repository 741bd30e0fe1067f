/* cmd_worker.c — `gust worker`: one worker of a cluster topology, started
 * by `gust supervisor` (not by users).
 *
 * It reads the topology the supervisor fetched (stormdist folder:
 * stormcode.ser, the StormTopology in Thrift binary; stormconf.ser, the
 * topology conf as JSON; resources/, the multilang working directory),
 * builds it (worker_java.h: `serialized_java` components in one JVM, the
 * ShellBolts among them through the multilang host) and runs it with the
 * runtime of `gust local` (topology_run.h),
 * the whole topology in this one process whatever topology.workers asks
 * (it says so in its log).  Checkpoints go to the stored conf's
 * topology.gust.checkpoint.dir (Nimbus sets it), else to
 * storm.local.dir/checkpoints/<topology-id>: a restarted worker resumes
 * from the newest complete one.  The worker follows its topology's status
 * in ZooKeeper (ACTIVE runs the spouts; INACTIVE, KILLED, REBALANCING
 * deactivate them) and writes its heartbeat with its statistics
 * (gust/supervisor.h, gust_worker_link).  With topology.gust.metrics.port
 * it serves Prometheus's /metrics (metrics_server.h) on
 * storm.gust.bind.address, the port offset by its slot's index in
 * supervisor.slots.ports.  SIGTERM (or Ctrl-C) stops it:
 * the spouts deactivate, the drain ends with a final checkpoint, exit 0.
 * Its stdout and stderr are the worker log the supervisor keeps.
 */
#define G_LOG_DOMAIN "gust-worker"

#include "commands.h"
#include "log_writer.h"
#include "metrics_server.h"
#include "topology_run.h"
#include "worker_java.h"

#include <gust/runtime.h>
#include <gust/storm_thrift.h>
#include <gust/supervisor.h>

static void set_active(gboolean active, void *rt)
{
  gust_runtime_set_active(rt, active);
}

static json_t *stats(void *rt)
{
  return gust_runtime_stats_json(rt);
}

typedef struct {
  gust_worker_link *link;
  gust_jvm *jvm; /* NULL: no Java components */
} worker_tick;

/* Every 100 ms: the link's heartbeats, and the JVM started again when it
 * ended (gust_jvm_schedule_relaunch: its Java tasks open again there). */
static void tick(void *data)
{
  worker_tick *t = data;
  gust_worker_link_tick(t->link);
  if (!t->jvm) return;
  GError *error = NULL;
  if (!gust_jvm_tend(t->jvm, &error)) {
    gust_log_error("%s", error->message);
    g_clear_error(&error);
  }
}

static json_t *load_json_file(const char *path, GError **error)
{
  json_error_t why;
  json_t *value = json_load_file(path, 0, &why);
  if (!value)
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s:%d: %s", path, why.line, why.text);
  else if (!json_is_object(value)) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: not a JSON object", path);
    json_decref(value);
    value = NULL;
  }
  return value;
}

/* The index of the worker's port in supervisor.slots.ports (0 if absent):
 * what topology.gust.metrics.port is offset by. */
static int slot_index(const json_t *daemon_conf, int port)
{
  const json_t *ports = json_object_get(daemon_conf, "supervisor.slots.ports");
  size_t i;
  const json_t *p;
  json_array_foreach(ports, i, p)
  {
    if (json_integer_value(p) == port) return (int)i;
  }
  return 0;
}

/* The worker's /metrics (topology.gust.metrics.port) on
 * storm.gust.bind.address; a port it cannot listen on is logged and the
 * worker runs on without it. */
static gust_ui_server *start_metrics(gust_runtime *rt, gust_topology *topology,
                                     const json_t *daemon_conf, int port)
{
  const char *bind = json_string_value(json_object_get(daemon_conf, "storm.gust.bind.address"));
  gust_metrics_server_options opts = {.host = bind ? bind : "127.0.0.1",
                                      .host_key = "storm.gust.bind.address",
                                      .slot_index = slot_index(daemon_conf, port)};
  gust_ui_server *server = NULL;
  GError *error = NULL;
  if (!gust_metrics_server_start(rt, topology, &opts, &server, &error)) {
    gust_log_error("no /metrics for this worker: %s (with two workers on one host, each adds "
                   "its slot's index in supervisor.slots.ports to the port: keep that range "
                   "free)",
                   error->message);
    g_error_free(error);
  }
  return server;
}

/* The stored topology with its conf; the checkpoint folder set. */
static gust_topology *load_topology(const char *stormdist, const gust_worker_identity *who,
                                    json_t *daemon_conf, gust_jvm **jvm, GError **error)
{
  const char *topology_id = who->topology_id;
  g_autofree char *code_path = g_build_filename(stormdist, "stormcode.ser", NULL);
  g_autofree char *conf_path = g_build_filename(stormdist, "stormconf.ser", NULL);
  g_autofree char *code = NULL;
  gsize code_len = 0;
  if (!g_file_get_contents(code_path, &code, &code_len, error)) return NULL;
  json_t *conf = load_json_file(conf_path, error);
  if (!conf) return NULL;
  if (!json_is_string(json_object_get(conf, "topology.gust.checkpoint.dir"))) {
    const char *local = json_string_value(json_object_get(daemon_conf, "storm.local.dir"));
    g_autofree char *base = g_canonicalize_filename(local ? local : "storm-local", NULL);
    g_autofree char *dir = g_build_filename(base, "checkpoints", topology_id, NULL);
    json_object_set_new(conf, "topology.gust.checkpoint.dir", json_string(dir));
  }
  const char *name = json_string_value(json_object_get(conf, "topology.name"));
  GustStormStormTopology *thrift =
      gust_thrift_decode(GUST_STORM_TYPE_STORM_TOPOLOGY, code, code_len, code_len, error);
  gust_topology *topology = NULL;
  if (!thrift)
    g_prefix_error(error, "%s: ", code_path);
  else
    topology = gust_worker_topology(thrift, name ? name : topology_id, conf, stormdist,
                                    daemon_conf, who, jvm, error);
  if (thrift) g_object_unref(thrift);
  json_decref(conf);
  return topology;
}

int gust_cmd_worker(int argc, char **argv)
{
  g_autofree char *stormdist = NULL, *topology_id = NULL, *supervisor_id = NULL,
                  *daemon_conf_path = NULL;
  int port = 0;
  GOptionEntry entries[] = {
      {"stormdist", 0, 0, G_OPTION_ARG_FILENAME, &stormdist, "the topology's files", "DIR"},
      {"topology-id", 0, 0, G_OPTION_ARG_STRING, &topology_id, "the topology's id", "ID"},
      {"port", 0, 0, G_OPTION_ARG_INT, &port, "the slot this worker runs in", "PORT"},
      {"supervisor-id", 0, 0, G_OPTION_ARG_STRING, &supervisor_id, "the supervisor's id", "ID"},
      {"daemon-conf", 0, 0, G_OPTION_ARG_FILENAME, &daemon_conf_path,
       "the supervisor's daemon configuration (JSON)", "FILE"},
      {NULL},
  };
  g_autoptr(GOptionContext) ctx =
      g_option_context_new("- run a cluster topology's worker (started by gust supervisor)");
  g_option_context_add_main_entries(ctx, entries, NULL);
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 1 || !stormdist ||
      !topology_id || !supervisor_id || !daemon_conf_path || port < 1 || port > 65535) {
    gust_log_error("%s", error ? error->message
                               : "--stormdist, --topology-id, --port (1 to 65535), "
                                 "--supervisor-id and --daemon-conf are needed");
    g_clear_error(&error);
    return 2;
  }
  gust_stop_signals_install();
  json_t *daemon_conf = load_json_file(daemon_conf_path, &error);
  gust_jvm *jvm = NULL;
  gust_worker_identity who = {topology_id, supervisor_id, port};
  gust_topology *topology =
      daemon_conf ? load_topology(stormdist, &who, daemon_conf, &jvm, &error) : NULL;
  if (!topology) {
    gust_log_error("worker of %s cannot start: %s", topology_id, error->message);
    g_error_free(error);
    json_decref(daemon_conf);
    return 1;
  }
  json_t *conf = gust_topology_conf(topology);
  json_t *workers = json_object_get(conf, "topology.workers");
  g_message("worker of topology %s ('%s') on port %d, supervisor %s: runs the whole topology in "
            "ONE worker (topology.workers asks for %" JSON_INTEGER_FORMAT
            "; workers that exchange tuples over the network are not there yet)",
            topology_id, gust_topology_name(topology), port, supervisor_id,
            json_is_integer(workers) ? json_integer_value(workers) : 1);
  g_message("checkpoints in %s",
            json_string_value(json_object_get(conf, "topology.gust.checkpoint.dir")));
  g_autofree char *native_path = gust_native_search_path();
  gust_runtime_options rt_opts = {
      .native_path = native_path,
      .worker_host = json_string_value(json_object_get(daemon_conf, "storm.local.hostname")),
      .worker_port = port,
      .jvm_socket = jvm ? gust_jvm_socket(jvm) : NULL};
  gust_runtime *rt = gust_runtime_new(topology, &rt_opts, &error);
  gust_worker_link_options link_opts = {.topology_id = topology_id,
                                        .supervisor_id = supervisor_id,
                                        .port = port,
                                        .set_active = set_active,
                                        .stats = stats,
                                        .data = rt};
  gust_worker_link *link = rt ? gust_worker_link_new(daemon_conf, &link_opts, &error) : NULL;
  if (!link) {
    gust_log_error("worker of %s cannot start: %s", topology_id, error->message);
    g_error_free(error);
    gust_runtime_free(rt);
    gust_topology_free(topology);
    gust_jvm_free(jvm);
    json_decref(daemon_conf);
    return 1;
  }
  gust_worker_link_tick(link); /* an INACTIVE topology's spouts open deactivated */
  gust_ui_server *metrics = start_metrics(rt, topology, daemon_conf, port);
  gust_runtime_start(rt);
  g_message("topology %s running%s", topology_id,
            gust_runtime_is_active(rt) ? "" : " with its spouts deactivated");
  worker_tick ticking = {link, jvm};
  int status = gust_run_until_stop(rt, 0, tick, &ticking);
  if (status == 0) {
    g_message("stopping: deactivating the spouts%s",
              gust_stop_requests() ? " (stop requested)" : "");
    status = gust_drain(rt);
  }
  g_message("worker of %s stopped%s", topology_id, status ? " with an error" : "");
  gust_ui_server_stop(metrics);
  gust_worker_link_free(link);
  gust_runtime_free(rt);
  gust_topology_free(topology);
  gust_jvm_free(jvm);
  json_decref(daemon_conf);
  return status;
}
