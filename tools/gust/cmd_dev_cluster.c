/* cmd_dev_cluster.c — `gust dev-cluster`: a whole cluster on this machine
 * for trying things: Debian's ZooKeeper server, a `gust nimbus` and a
 * `gust supervisor`, each a child process with its log in a folder of its
 * own; prints how to reach them; Ctrl-C stops them all.
 *
 * The configuration is the daemons' (storm.yaml, --config, -c): ZooKeeper
 * listens on storm.gust.bind.address (127.0.0.1) port storm.zookeeper.port,
 * Nimbus on nimbus.thrift.port, the supervisor offers
 * supervisor.slots.ports, so that the other commands reach the cluster with
 * the same configuration.  Everything is kept under --dir (default
 * <storm.local.dir>/dev-cluster): zookeeper/, nimbus/, supervisor/, each
 * with its log; a second run finds ZooKeeper's data and the topologies
 * Nimbus stored again.
 *
 * Start: ports checked free first, then ZooKeeper (waits until it serves),
 * Nimbus (until its port accepts), the supervisor (until it registered
 * under /supervisors).  Stop (Ctrl-C, SIGTERM, or a daemon that exits by
 * itself): supervisor, what it left behind (workers), Nimbus, ZooKeeper.
 *
 * Threads: the main thread only (a GLib main loop for signals and a
 * periodic look at the children).
 */
#include "commands.h"
#include "daemon_conf.h"
#include "dev_process.h"
#include "dev_zookeeper.h"
#include "log_writer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib-unix.h>
#include <gust/cluster.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Bounds on waits that only catch a hang (a JVM on a loaded machine can
 * take half a minute to start). */
#define ZOOKEEPER_START_MS 120000
#define DAEMON_START_MS 60000
#define STOP_MS 30000

typedef struct {
  const char *host; /* storm.gust.bind.address */
  int zookeeper_port, nimbus_port;
  const char *root; /* storm.zookeeper.root */
  json_t *slots;    /* supervisor.slots.ports (borrowed) */
  char *dir;        /* absolute */
  char *self;       /* this program */
  gust_daemon_conf_args *conf_args;
  gust_dev_process *zookeeper, *nimbus, *supervisor;
  gust_cluster *cluster; /* our own session, to see the supervisor register */
  GMainLoop *loop;
  gboolean stopping;      /* Ctrl-C or SIGTERM came */
  gust_dev_process *died; /* the daemon that exited by itself, if one did */
} dev_cluster;

/* TRUE if nothing listens on host:port (it can be bound now). */
static gboolean port_free(const char *host, int port)
{
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET, host, &address.sin_addr) != 1)
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  gboolean ok = fd >= 0 && bind(fd, (struct sockaddr *)&address, sizeof address) == 0;
  if (fd >= 0) close(fd);
  return ok;
}

static gboolean accepts_connections(const char *host, int port)
{
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET, host, &address.sin_addr) != 1)
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  gboolean ok = fd >= 0 && connect(fd, (struct sockaddr *)&address, sizeof address) == 0;
  if (fd >= 0) close(fd);
  return ok;
}

static gboolean check_port(const char *host, int port, const char *key)
{
  if (port_free(host, port)) return TRUE;
  gust_log_error(
      "port %d (%s) is in use on %s: stop what uses it, or choose another port with -c %s=...",
      port, key, host, key);
  return FALSE;
}

static gboolean check_ports(dev_cluster *dc)
{
  if (!check_port(dc->host, dc->zookeeper_port, "storm.zookeeper.port") ||
      !check_port(dc->host, dc->nimbus_port, "nimbus.thrift.port"))
    return FALSE;
  size_t i;
  json_t *slot;
  json_array_foreach(dc->slots, i, slot)
  {
    if (!check_port(dc->host, (int)json_integer_value(slot), "supervisor.slots.ports"))
      return FALSE;
  }
  return TRUE;
}

/* `gust KIND` with the user's --config and -c, then what makes it part of
 * this cluster (later -c options win). */
static gust_dev_process *start_daemon(dev_cluster *dc, const char *kind, GError **error)
{
  char *folder = g_build_filename(dc->dir, kind, NULL);
  char *local_dir = g_build_filename(folder, "storm-local", NULL);
  char *log = g_strdup_printf("%s/%s.log", folder, kind);
  g_mkdir_with_parents(folder, 0755);
  GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(argv, g_strdup(dc->self));
  g_ptr_array_add(argv, g_strdup(kind));
  if (dc->conf_args->config_file) {
    g_ptr_array_add(argv, g_strdup("--config"));
    g_ptr_array_add(argv, g_strdup(dc->conf_args->config_file));
  }
  for (char **o = dc->conf_args->overrides; o && *o; o++) {
    g_ptr_array_add(argv, g_strdup("-c"));
    g_ptr_array_add(argv, g_strdup(*o));
  }
  char *servers = g_strdup_printf("storm.zookeeper.servers=[\"%s\"]", dc->host);
  char *seeds = g_strdup_printf("nimbus.seeds=[\"%s\"]", dc->host);
  const char *ours[] = {servers, seeds, NULL};
  for (const char **o = ours; *o; o++) {
    g_ptr_array_add(argv, g_strdup("-c"));
    g_ptr_array_add(argv, g_strdup(*o));
  }
  g_ptr_array_add(argv, g_strdup("-c"));
  g_ptr_array_add(argv, g_strdup_printf("storm.local.dir=%s", local_dir));
  g_ptr_array_add(argv, NULL);
  gust_dev_process *p = gust_dev_process_start(kind, (char **)argv->pdata, log, error);
  g_ptr_array_unref(argv);
  g_free(seeds);
  g_free(servers);
  g_free(log);
  g_free(local_dir);
  g_free(folder);
  return p;
}

/* Waits (bounded) until ready(dc) or the daemon exits; the error names
 * what was awaited and shows the end of the daemon's log. */
static gboolean wait_ready(dev_cluster *dc, gust_dev_process *p, gboolean (*ready)(dev_cluster *dc),
                           const char *what, GError **error)
{
  gint64 deadline = g_get_monotonic_time() + (gint64)DAEMON_START_MS * 1000;
  while (gust_dev_process_running(p)) {
    while (g_main_context_iteration(NULL, FALSE))
      ;
    if (dc->stopping) return FALSE;
    if (ready(dc)) return TRUE;
    if (g_get_monotonic_time() > deadline) break;
    g_usleep(200 * 1000);
  }
  char *tail = gust_dev_process_log_tail(p, 20);
  g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "%s %s before %s; the end of %s:\n%s",
              p->name, gust_dev_process_running(p) ? "took too long" : "exited", what, p->log,
              tail);
  g_free(tail);
  return FALSE;
}

static gboolean nimbus_ready(dev_cluster *dc)
{
  return accepts_connections(dc->host, dc->nimbus_port);
}

static gboolean supervisor_registered(dev_cluster *dc)
{
  GPtrArray *children = gust_cluster_children(dc->cluster, "/supervisors", NULL);
  gboolean registered = children && children->len > 0;
  if (children) g_ptr_array_unref(children);
  return registered;
}

static gboolean start_all(dev_cluster *dc, GError **error)
{
  char *zookeeper_dir = g_build_filename(dc->dir, "zookeeper", NULL);
  g_message("starting ZooKeeper on %s:%d (data in %s)", dc->host, dc->zookeeper_port,
            zookeeper_dir);
  dc->zookeeper = gust_dev_zookeeper_start(zookeeper_dir, dc->host, dc->zookeeper_port, error);
  g_free(zookeeper_dir);
  if (!dc->zookeeper || !gust_dev_zookeeper_wait(dc->zookeeper, dc->host, dc->zookeeper_port,
                                                 ZOOKEEPER_START_MS, &dc->stopping, error))
    return FALSE;
  char *servers = g_strdup_printf("%s:%d", dc->host, dc->zookeeper_port);
  dc->cluster = gust_cluster_connect(servers, dc->root, 20000, error);
  g_free(servers);
  if (!dc->cluster) return FALSE;
  g_message("starting Nimbus on %s:%d", dc->host, dc->nimbus_port);
  dc->nimbus = start_daemon(dc, "nimbus", error);
  if (!dc->nimbus ||
      !wait_ready(dc, dc->nimbus, nimbus_ready, "its Thrift port accepted connections", error))
    return FALSE;
  g_message("starting the supervisor");
  dc->supervisor = start_daemon(dc, "supervisor", error);
  return dc->supervisor &&
         wait_ready(dc, dc->supervisor, supervisor_registered, "it registered in ZooKeeper", error);
}

static void stop_all(dev_cluster *dc)
{
  gust_dev_process *known[] = {dc->zookeeper, dc->nimbus, dc->supervisor};
  g_clear_pointer(&dc->cluster, gust_cluster_free);
  if (dc->supervisor) gust_dev_process_stop(dc->supervisor, STOP_MS);
  gust_dev_process_reap_orphans(known, G_N_ELEMENTS(known), STOP_MS); /* workers */
  if (dc->nimbus) gust_dev_process_stop(dc->nimbus, STOP_MS);
  if (dc->zookeeper) gust_dev_process_stop(dc->zookeeper, STOP_MS);
  gust_dev_process_reap_orphans(known, G_N_ELEMENTS(known), STOP_MS);
  g_message("stopped");
}

static void print_how_to_reach(dev_cluster *dc)
{
  GString *slots = g_string_new(NULL);
  size_t i;
  json_t *slot;
  json_array_foreach(dc->slots, i, slot)
  {
    g_string_append_printf(slots, "%s%d", i ? "," : "", (int)json_integer_value(slot));
  }
  printf("gust dev-cluster is running (everything under %s):\n"
         "  ZooKeeper   %s:%d (storm.zookeeper.root %s; log zookeeper/zookeeper.log)\n"
         "  Nimbus      %s:%d (log nimbus/nimbus.log)\n"
         "  supervisor  worker slots %s (log supervisor/supervisor.log)\n"
         "Commands given the same configuration reach it, e.g.\n"
         "  gust list -c nimbus.seeds='[\"%s\"]' -c nimbus.thrift.port=%d\n"
         "Ctrl-C stops them all.\n",
         dc->dir, dc->host, dc->zookeeper_port, dc->root, dc->host, dc->nimbus_port, slots->str,
         dc->host, dc->nimbus_port);
  fflush(stdout);
  g_string_free(slots, TRUE);
}

static gboolean on_stop_signal(gpointer data)
{
  dev_cluster *dc = data;
  g_message("stopping the cluster");
  dc->stopping = TRUE;
  g_main_loop_quit(dc->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean look_at_children(gpointer data)
{
  dev_cluster *dc = data;
  gust_dev_process *all[] = {dc->zookeeper, dc->nimbus, dc->supervisor};
  for (guint i = 0; i < G_N_ELEMENTS(all); i++)
    if (!gust_dev_process_running(all[i])) {
      dc->died = all[i];
      g_main_loop_quit(dc->loop);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void report_death(gust_dev_process *p)
{
  char *tail = gust_dev_process_log_tail(p, 20);
  gust_log_error("%s exited by itself (wait status %d); stopping the others; the end of %s:\n%s",
                 p->name, p->status, p->log, tail);
  g_free(tail);
}

/* Reads what the cluster needs from the loaded configuration. */
static gboolean configure(dev_cluster *dc, json_t *conf, const char *dir_option)
{
  dc->host = gust_daemon_conf_string(conf, "storm.gust.bind.address");
  if (!dc->host) dc->host = "127.0.0.1";
  dc->zookeeper_port = gust_daemon_conf_int(conf, "storm.zookeeper.port");
  dc->nimbus_port = gust_daemon_conf_int(conf, "nimbus.thrift.port");
  dc->root = gust_daemon_conf_string(conf, "storm.zookeeper.root");
  if (!dc->root) dc->root = "/storm";
  dc->slots = json_object_get(conf, "supervisor.slots.ports");
  const char *local_dir = gust_daemon_conf_string(conf, "storm.local.dir");
  char *dir = dir_option
                  ? g_strdup(dir_option)
                  : g_build_filename(local_dir ? local_dir : "storm-local", "dev-cluster", NULL);
  dc->dir = g_canonicalize_filename(dir, NULL);
  g_free(dir);
  if (g_mkdir_with_parents(dc->dir, 0755) != 0) {
    gust_log_error("cannot create %s: %s", dc->dir, g_strerror(errno));
    return FALSE;
  }
  dc->self = g_file_read_link("/proc/self/exe", NULL);
  return dc->self != NULL;
}

int gust_cmd_dev_cluster(int argc, char **argv)
{
  gust_daemon_conf_args conf_args = {0};
  char *dir_option = NULL;
  GOptionEntry entries[] = {
      {"dir", 0, 0, G_OPTION_ARG_FILENAME, &dir_option,
       "where ZooKeeper, Nimbus and the supervisor keep their data and logs (default: "
       "<storm.local.dir>/dev-cluster)",
       "DIR"},
      {NULL}};
  GOptionContext *context =
      g_option_context_new("- ZooKeeper, a Nimbus and a supervisor on this machine");
  g_option_context_set_summary(context, "Starts a cluster for trying things; Ctrl-C stops it all.");
  g_option_context_add_main_entries(context, entries, NULL);
  gust_daemon_conf_add_options(context, &conf_args);
  GError *error = NULL;
  int status = 1;
  dev_cluster dc = {.conf_args = &conf_args};
  json_t *conf = NULL;
  if (!g_option_context_parse(context, &argc, &argv, &error)) {
    gust_log_error("%s", error->message);
    status = 2;
    goto out;
  }
  conf = gust_daemon_conf_load_args(&conf_args, &error);
  if (!conf) {
    gust_log_error("%s", error->message);
    status = 2;
    goto out;
  }
  if (!configure(&dc, conf, dir_option) || !check_ports(&dc)) goto out;

  gust_dev_process_become_subreaper();
  dc.loop = g_main_loop_new(NULL, FALSE);
  guint sigint = g_unix_signal_add(SIGINT, on_stop_signal, &dc);
  guint sigterm = g_unix_signal_add(SIGTERM, on_stop_signal, &dc);
  if (!start_all(&dc, &error)) {
    if (error) gust_log_error("%s", error->message);
    if (dc.stopping) status = 0; /* Ctrl-C while starting */
  } else {
    print_how_to_reach(&dc);
    g_timeout_add(500, look_at_children, &dc);
    if (!dc.stopping) g_main_loop_run(dc.loop);
    if (dc.died)
      report_death(dc.died);
    else
      status = 0;
  }
  stop_all(&dc);
  g_source_remove(sigint);
  g_source_remove(sigterm);
  g_main_loop_unref(dc.loop);

out:
  g_clear_error(&error);
  json_decref(conf);
  gust_dev_process_free(dc.zookeeper);
  gust_dev_process_free(dc.nimbus);
  gust_dev_process_free(dc.supervisor);
  g_free(dc.dir);
  g_free(dc.self);
  g_free(dir_option);
  gust_daemon_conf_args_clear(&conf_args);
  g_option_context_free(context);
  return status;
}
