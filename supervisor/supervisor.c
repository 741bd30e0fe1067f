/* supervisor.c — Storm's supervisor daemon: registration, assignments,
 * heartbeats (see gust/supervisor.h for the whole picture).
 *
 * State on disk, under storm.local.dir (absolute once read):
 *   supervisor/id                   this supervisor's id, kept across restarts
 *   supervisor/daemon-conf.json     the daemon conf, handed to workers
 *   supervisor/stormdist/<id>/      the topology's files (stormdist.c)
 *   workers/<port>/pid              the worker running in the slot
 *   logs/workers-artifacts/<id>/<port>/worker.log   its stdout and stderr
 * A worker left behind by a supervisor that died (its pid file names a live
 * `gust worker`) is stopped at start, before anything is launched.
 *
 * ZooKeeper: /supervisors/<id> (ephemeral) is rewritten every
 * supervisor.heartbeat.frequency.secs (Storm's default 5) with the slots
 * and each worker's state and /proc figures.  /assignments and each
 * /assignments/<topology-id> are watched; a watch only sets a flag (it runs
 * on ZooKeeper's thread), and the next tick reads every assignment again
 * and sets each slot's wanted topology and version; so does every
 * supervisor.monitor.frequency.secs (Storm's default 3) in case a change
 * was missed.  Locality: everything but the watch callback runs on the
 * thread that calls gust_supervisor_new/tick/free.
 */
#define G_LOG_DOMAIN "gust-supervisor"

#define _GNU_SOURCE /* memmem */
#include "proc_usage.h"
#include "supervisor_private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <gust/cluster.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

G_DEFINE_QUARK(gust - supervisor - error - quark, gust_supervisor_error)

struct gust_supervisor {
  json_t *conf;
  char *id, *host, *local_dir, *conf_path;
  const char *const *worker_command;
  gust_blob_download_fn download;
  void *download_data;
  gust_cluster *cluster;
  gint64 start_time_secs;
  sv_slot *slots;
  guint n_slots;
  sv_slot_policy policy;
  gint64 heartbeat_every_us, monitor_every_us, next_heartbeat_us, next_scan_us;
  guint64 max_resources_bytes;
  gint assignments_changed;       /* atomic: set by ZooKeeper's thread */
  GHashTable *assignment_watches; /* topology id -> watch id */
  guint assignments_watch;
  GHashTable *fetched; /* topology id -> assignment version whose files are here */
};

static gboolean storage_error(GError **error, const char *what, const char *path)
{
  g_set_error(error, GUST_SUPERVISOR_ERROR, GUST_SUPERVISOR_ERROR_STORAGE, "cannot %s %s: %s", what,
              path, g_strerror(errno));
  return FALSE;
}

/* storm.local.dir/supervisor/id, created with a new UUID the first time. */
static char *load_or_create_id(const char *local_dir, GError **error)
{
  g_autofree char *dir = g_build_filename(local_dir, "supervisor", NULL);
  g_autofree char *path = g_build_filename(dir, "id", NULL);
  char *text = NULL;
  if (g_file_get_contents(path, &text, NULL, NULL)) {
    g_strstrip(text);
    if (sv_topology_id_is_safe(text)) return text;
    g_set_error(error, GUST_SUPERVISOR_ERROR, GUST_SUPERVISOR_ERROR_STORAGE,
                "%s holds '%s', not a supervisor id (remove the file to get a new id)", path, text);
    g_free(text);
    return NULL;
  }
  if (g_mkdir_with_parents(dir, 0755) < 0) {
    storage_error(error, "create", dir);
    return NULL;
  }
  char *id = g_uuid_string_random();
  g_autofree char *line = g_strconcat(id, "\n", NULL);
  if (!g_file_set_contents(path, line, -1, error)) {
    g_free(id);
    return NULL;
  }
  return id;
}

static char *slot_dir(const gust_supervisor *s, int port)
{
  g_autofree char *name = g_strdup_printf("%d", port);
  return g_build_filename(s->local_dir, "workers", name, NULL);
}

/* A worker a previous supervisor process left running in this slot. */
static void stop_leftover_worker(gust_supervisor *s, int port)
{
  g_autofree char *dir = slot_dir(s, port);
  g_autofree char *pid_path = g_build_filename(dir, "pid", NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents(pid_path, &text, NULL, NULL)) return;
  g_unlink(pid_path);
  gint64 pid = g_ascii_strtoll(text, NULL, 10);
  if (pid <= 1 || pid > G_MAXINT) return;
  g_autofree char *cmdline_path = g_strdup_printf("/proc/%d/cmdline", (int)pid);
  g_autofree char *cmdline = NULL;
  gsize len = 0;
  if (!g_file_get_contents(cmdline_path, &cmdline, &len, NULL)) return; /* gone */
  if (!memmem(cmdline, len, "worker\0", 7) || getpgid((pid_t)pid) != (pid_t)pid) return;
  g_message("slot %d: stopping worker pid %d left by a previous supervisor", port, (int)pid);
  kill(-(pid_t)pid, SIGTERM);
  gint64 until = g_get_monotonic_time() + s->policy.stop_timeout_ms * 1000;
  while (kill((pid_t)pid, 0) == 0 && g_get_monotonic_time() < until)
    g_usleep(100 * 1000);
  kill(-(pid_t)pid, SIGKILL);
}

static json_t *heartbeat_json(gust_supervisor *s)
{
  json_t *ports = json_array(), *workers = json_array();
  for (guint i = 0; i < s->n_slots; i++) {
    sv_slot *slot = &s->slots[i];
    json_array_append_new(ports, json_integer(slot->port));
    if (!slot->topology || slot->state == SV_SLOT_IDLE) continue;
    gust_proc_usage usage = {0};
    if (slot->pid > 0) {
      GError *error = NULL;
      if (!gust_proc_tree_usage(slot->pid, &usage, &error)) {
        g_debug("slot %d: %s", slot->port, error->message);
        g_error_free(error);
      }
    }
    json_array_append_new(
        workers, json_pack("{s:i, s:s, s:I, s:I, s:s, s:i, s:f, s:I, s:I}", "port", slot->port,
                           "topology_id", slot->topology, "assignment_version",
                           (json_int_t)slot->version, "pid", (json_int_t)slot->pid, "state",
                           sv_slot_state_name(slot), "restarts", slot->restarts, "cpu_secs",
                           usage.cpu_secs, "rss_bytes", (json_int_t)usage.rss_bytes,
                           "start_time_secs", (json_int_t)slot->start_time_secs));
  }
  return json_pack("{s:s, s:s, s:o, s:I, s:I, s:o}", "id", s->id, "host", s->host, "ports", ports,
                   "start_time_secs", (json_int_t)s->start_time_secs, "heartbeat_secs",
                   (json_int_t)(g_get_real_time() / G_USEC_PER_SEC), "workers", workers);
}

/* Whether each running worker wrote its heartbeat yet ("starting" until). */
static void check_worker_beats(gust_supervisor *s)
{
  for (guint i = 0; i < s->n_slots; i++) {
    sv_slot *slot = &s->slots[i];
    if (slot->state != SV_SLOT_RUNNING || slot->heartbeat_seen) continue;
    g_autofree char *path =
        g_strdup_printf("/workerbeats/%s/%s-%d", slot->topology, s->id, slot->port);
    char *data = NULL;
    gsize len;
    if (gust_cluster_get(s->cluster, path, &data, &len, NULL)) slot->heartbeat_seen = TRUE;
    g_free(data);
  }
}

/* patient: the first one, which the supervisor cannot start without, is
 * tried again while the connection is lost; a later one is written again
 * at the next beat anyway. */
static gboolean heartbeat(gust_supervisor *s, gboolean patient, GError **error)
{
  check_worker_beats(s);
  json_t *beat = heartbeat_json(s);
  g_autofree char *path = g_strconcat("/supervisors/", s->id, NULL);
  gboolean ok =
      patient ? gust_cluster_put_json_patiently(s->cluster, path, beat, GUST_NODE_EPHEMERAL, error)
              : gust_cluster_put_json(s->cluster, path, beat, GUST_NODE_EPHEMERAL, error);
  json_decref(beat);
  return ok;
}

static void on_assignment_change(gust_cluster *c, const char *path, void *data)
{
  gust_supervisor *s = data;
  g_atomic_int_set(&s->assignments_changed, 1);
}

static sv_slot *slot_of_port(gust_supervisor *s, gint64 port)
{
  for (guint i = 0; i < s->n_slots; i++)
    if (s->slots[i].port == port) return &s->slots[i];
  return NULL;
}

/* Sets slot wants from one /assignments/<id> node; FALSE if unreadable. */
static void apply_assignment(gust_supervisor *s, const char *topology_id, json_t *assignment)
{
  json_t *workers = json_object_get(assignment, "workers");
  json_t *version = json_object_get(assignment, "version");
  size_t i;
  json_t *w;
  json_array_foreach(workers, i, w)
  {
    if (g_strcmp0(json_string_value(json_object_get(w, "supervisor_id")), s->id)) continue;
    json_t *port = json_object_get(w, "port");
    sv_slot *slot = json_is_integer(port) ? slot_of_port(s, json_integer_value(port)) : NULL;
    if (!slot) {
      g_warning("assignment of %s names port %s of this supervisor, which is not one of its "
                "supervisor.slots.ports; ignored",
                topology_id, json_is_integer(port) ? "that" : "(no port)");
      continue;
    }
    if (slot->want_topology && strcmp(slot->want_topology, topology_id)) {
      g_warning("slot %d is assigned to both %s and %s; keeping %s", slot->port,
                slot->want_topology, topology_id, slot->want_topology);
      continue;
    }
    g_free(slot->want_topology);
    slot->want_topology = g_strdup(topology_id);
    slot->want_version = json_is_integer(version) ? json_integer_value(version) : 0;
  }
}

/* Keeps a watch on each /assignments/<id> (a new version changes only
 * that node's data) and drops those of assignments that are gone. */
static void update_assignment_watches(gust_supervisor *s, GPtrArray *ids)
{
  GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < ids->len; i++) {
    const char *id = g_ptr_array_index(ids, i);
    g_hash_table_add(seen, (gpointer)id);
    if (g_hash_table_contains(s->assignment_watches, id)) continue;
    g_autofree char *path = g_strconcat("/assignments/", id, NULL);
    g_hash_table_insert(
        s->assignment_watches, g_strdup(id),
        GUINT_TO_POINTER(gust_cluster_watch(s->cluster, path, on_assignment_change, s)));
  }
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, s->assignment_watches);
  while (g_hash_table_iter_next(&it, &key, &value))
    if (!g_hash_table_contains(seen, key)) {
      gust_cluster_unwatch(s->cluster, GPOINTER_TO_UINT(value));
      g_hash_table_iter_remove(&it);
    }
  g_hash_table_unref(seen);
}

/* Reads every assignment again and sets each slot's wanted topology and
 * version.  All or nothing: when one cannot be read (a lost connection)
 * the slots keep what they want, so no worker is stopped for it. */
static gboolean scan_assignments(gust_supervisor *s, GError **error)
{
  GPtrArray *ids = gust_cluster_children(s->cluster, "/assignments", error);
  if (!ids) return FALSE;
  update_assignment_watches(s, ids);
  GPtrArray *assignments = g_ptr_array_new_full(ids->len, (GDestroyNotify)json_decref);
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < ids->len; i++) {
    g_autofree char *path = g_strconcat("/assignments/", (char *)ids->pdata[i], NULL);
    GError *why = NULL;
    json_t *assignment = gust_cluster_get_json(s->cluster, path, &why);
    if (!assignment && !g_error_matches(why, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_NOT_FOUND)) {
      g_propagate_prefixed_error(error, why, "%s: ", path);
      ok = FALSE;
      break;
    }
    g_clear_error(&why); /* removed meanwhile: not assigned */
    g_ptr_array_add(assignments, assignment ? assignment : json_null());
  }
  if (ok) {
    for (guint i = 0; i < s->n_slots; i++)
      g_clear_pointer(&s->slots[i].want_topology, g_free);
    for (guint i = 0; i < ids->len; i++) {
      const char *id = g_ptr_array_index(ids, i);
      json_t *assignment = g_ptr_array_index(assignments, i);
      if (json_is_null(assignment)) continue;
      if (!sv_topology_id_is_safe(id))
        g_warning("assignment /assignments/%s: the topology id cannot name a folder; ignored", id);
      else
        apply_assignment(s, id, assignment);
    }
  }
  g_ptr_array_unref(assignments);
  g_ptr_array_unref(ids);
  return ok;
}

static void set_pgid(gpointer unused)
{
  setpgid(0, 0);
}

static gboolean fetch_files(gust_supervisor *s, sv_slot *slot, const char *dir, GError **error)
{
  gpointer have = g_hash_table_lookup(s->fetched, slot->topology);
  if (have && *(gint64 *)have == slot->version) return TRUE;
  g_autofree char *leader = gust_cluster_leader(s->cluster, error);
  if (!leader) {
    if (error && !*error)
      g_set_error(error, GUST_SUPERVISOR_ERROR, GUST_SUPERVISOR_ERROR_DOWNLOAD,
                  "no Nimbus is leader (nothing under /leader-lock) to fetch the topology from");
    return FALSE;
  }
  g_message("fetching the files of %s from Nimbus %s into %s", slot->topology, leader, dir);
  sv_stormdist_fetch fetch = {.dir = dir,
                              .topology_id = slot->topology,
                              .nimbus = leader,
                              .download = s->download,
                              .download_data = s->download_data,
                              .max_resources_bytes = s->max_resources_bytes};
  if (!sv_stormdist_fetch_all(&fetch, error)) return FALSE;
  gint64 *version = g_new(gint64, 1);
  *version = slot->version;
  g_hash_table_insert(s->fetched, g_strdup(slot->topology), version);
  return TRUE;
}

static int open_worker_log(gust_supervisor *s, sv_slot *slot, char **log_path, GError **error)
{
  g_autofree char *port = g_strdup_printf("%d", slot->port);
  g_autofree char *dir =
      g_build_filename(s->local_dir, "logs", "workers-artifacts", slot->topology, port, NULL);
  *log_path = g_build_filename(dir, "worker.log", NULL);
  if (g_mkdir_with_parents(dir, 0755) < 0) {
    storage_error(error, "create", dir);
    return -1;
  }
  int fd = g_open(*log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) storage_error(error, "open", *log_path);
  return fd;
}

static gboolean write_pid_file(gust_supervisor *s, int port, GPid pid, GError **error)
{
  g_autofree char *dir = slot_dir(s, port);
  g_autofree char *path = g_build_filename(dir, "pid", NULL);
  g_autofree char *text = g_strdup_printf("%d\n", (int)pid);
  if (g_mkdir_with_parents(dir, 0755) < 0) return storage_error(error, "create", dir);
  return g_file_set_contents(path, text, -1, error);
}

static gboolean launch_worker(sv_slot *slot, GPid *pid, void *data, GError **error)
{
  gust_supervisor *s = data;
  g_autofree char *dir =
      g_build_filename(s->local_dir, "supervisor", "stormdist", slot->topology, NULL);
  if (!fetch_files(s, slot, dir, error)) return FALSE;
  g_autofree char *log_path = NULL;
  int log_fd = open_worker_log(s, slot, &log_path, error);
  if (log_fd < 0) return FALSE;
  GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
  for (const char *const *a = s->worker_command; *a; a++)
    g_ptr_array_add(argv, g_strdup(*a));
  g_ptr_array_add(argv, g_strdup("--stormdist"));
  g_ptr_array_add(argv, g_strdup(dir));
  g_ptr_array_add(argv, g_strdup("--topology-id"));
  g_ptr_array_add(argv, g_strdup(slot->topology));
  g_ptr_array_add(argv, g_strdup("--port"));
  g_ptr_array_add(argv, g_strdup_printf("%d", slot->port));
  g_ptr_array_add(argv, g_strdup("--supervisor-id"));
  g_ptr_array_add(argv, g_strdup(s->id));
  g_ptr_array_add(argv, g_strdup("--daemon-conf"));
  g_ptr_array_add(argv, g_strdup(s->conf_path));
  g_ptr_array_add(argv, NULL);
  g_autofree char *cwd = slot_dir(s, slot->port);
  gboolean ok = g_mkdir_with_parents(cwd, 0755) == 0 || storage_error(error, "create", cwd);
  ok = ok && g_spawn_async_with_fds(cwd, (char **)argv->pdata, NULL,
                                    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL,
                                    set_pgid, NULL, pid, -1, log_fd, log_fd, error);
  close(log_fd);
  g_ptr_array_unref(argv);
  if (!ok) return FALSE;
  setpgid(*pid, *pid); /* also from here: no signal may reach it before it leads its group */
  g_message("slot %d: worker log %s", slot->port, log_path);
  GError *why = NULL;
  if (!write_pid_file(s, slot->port, *pid, &why)) {
    g_warning("slot %d: %s", slot->port, why->message);
    g_error_free(why);
  }
  return TRUE;
}

static gboolean read_conf(gust_supervisor *s, GError **error)
{
  const char *local_dir;
  gint64 heartbeat_s, monitor_s, stop_s, backoff_s, max_mb;
  if (!sv_conf_string(s->conf, "storm.local.dir", "storm-local", &local_dir, error) ||
      !sv_conf_int(s->conf, "supervisor.heartbeat.frequency.secs", 5, 1, 3600, &heartbeat_s,
                   error) ||
      !sv_conf_int(s->conf, "supervisor.monitor.frequency.secs", 3, 1, 3600, &monitor_s, error) ||
      !sv_conf_int(s->conf, "storm.gust.worker.stop.timeout.secs", 75, 1, 3600, &stop_s, error) ||
      !sv_conf_int(s->conf, "storm.gust.worker.restart.backoff.max.secs", 30, 1, 3600, &backoff_s,
                   error) ||
      !sv_conf_int(s->conf, "storm.gust.supervisor.resources.max.mb", 1024, 1, 1 << 20, &max_mb,
                   error))
    return FALSE;
  GArray *ports = sv_conf_ports(s->conf, error);
  if (!ports) return FALSE;
  s->local_dir = g_canonicalize_filename(local_dir, NULL);
  s->n_slots = ports->len;
  s->slots = g_new0(sv_slot, ports->len);
  for (guint i = 0; i < ports->len; i++)
    s->slots[i].port = g_array_index(ports, int, i);
  g_array_unref(ports);
  s->heartbeat_every_us = heartbeat_s * G_USEC_PER_SEC;
  s->monitor_every_us = monitor_s * G_USEC_PER_SEC;
  s->max_resources_bytes = (guint64)max_mb << 20;
  s->policy = (sv_slot_policy){.stop_timeout_ms = stop_s * 1000,
                               .backoff_max_ms = backoff_s * 1000,
                               .backoff_reset_ms = 60 * 1000,
                               .launch = launch_worker,
                               .data = s};
  s->host = sv_conf_hostname(s->conf);
  return TRUE;
}

static gboolean write_daemon_conf(gust_supervisor *s, GError **error)
{
  s->conf_path = g_build_filename(s->local_dir, "supervisor", "daemon-conf.json", NULL);
  /* workers run in workers/<port>/: a relative storm.local.dir would move */
  json_t *conf = json_copy(s->conf);
  json_object_set_new(conf, "storm.local.dir", json_string(s->local_dir));
  g_autofree char *text = json_dumps(conf, JSON_INDENT(2) | JSON_SORT_KEYS);
  json_decref(conf);
  return text && g_file_set_contents(s->conf_path, text, -1, error);
}

gust_supervisor *gust_supervisor_new(json_t *conf, const gust_supervisor_options *options,
                                     GError **error)
{
  g_return_val_if_fail(options && options->worker_command, NULL);
  gust_supervisor *s = g_new0(gust_supervisor, 1);
  s->conf = conf;
  s->worker_command = options->worker_command;
  s->download = options->download ? options->download : sv_nimbus_blob_download;
  s->download_data = options->download_data;
  s->start_time_secs = g_get_real_time() / G_USEC_PER_SEC;
  s->assignment_watches = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  s->fetched = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  if (!read_conf(s, error) || !(s->id = load_or_create_id(s->local_dir, error)) ||
      !write_daemon_conf(s, error))
    goto fail;
  for (guint i = 0; i < s->n_slots; i++)
    stop_leftover_worker(s, s->slots[i].port);
  if (!(s->cluster = gust_cluster_connect_conf(conf, error)) || !heartbeat(s, TRUE, error))
    goto fail;
  s->assignments_watch = gust_cluster_watch(s->cluster, "/assignments", on_assignment_change, s);
  g_atomic_int_set(&s->assignments_changed, 1);
  s->next_heartbeat_us = g_get_monotonic_time() + s->heartbeat_every_us;
  return s;
fail:
  gust_supervisor_free(s);
  return NULL;
}

const char *gust_supervisor_id(const gust_supervisor *s)
{
  return s->id;
}

void gust_supervisor_tick(gust_supervisor *s)
{
  gint64 now = g_get_monotonic_time();
  GError *error = NULL;
  if (g_atomic_int_and(&s->assignments_changed, 0) || now >= s->next_scan_us) {
    s->next_scan_us = now + s->monitor_every_us;
    if (!scan_assignments(s, &error)) {
      g_warning("cannot read the assignments: %s; trying again", error->message);
      g_clear_error(&error);
      g_atomic_int_set(&s->assignments_changed, 1);
    }
  }
  for (guint i = 0; i < s->n_slots; i++)
    sv_slot_tick(&s->slots[i], &s->policy);
  if (now >= s->next_heartbeat_us) {
    s->next_heartbeat_us = now + s->heartbeat_every_us;
    if (!heartbeat(s, FALSE, &error)) {
      g_warning("cannot write the heartbeat: %s", error->message);
      g_clear_error(&error);
    }
  }
}

/* SIGTERM to every worker, then SIGKILL to those left at the bound. */
static void stop_all_workers(gust_supervisor *s)
{
  for (guint i = 0; i < s->n_slots; i++) {
    sv_slot *slot = &s->slots[i];
    g_clear_pointer(&slot->want_topology, g_free);
    if (slot->pid > 0 && slot->state != SV_SLOT_STOPPING) {
      g_message("slot %d: stopping worker pid %d of %s (supervisor stops)", slot->port,
                (int)slot->pid, slot->topology);
      sv_slot_signal(slot, SIGTERM);
      slot->state = SV_SLOT_STOPPING;
      slot->kill_at_us = g_get_monotonic_time() + s->policy.stop_timeout_ms * 1000;
    }
  }
  for (;;) {
    gboolean any = FALSE;
    for (guint i = 0; i < s->n_slots; i++) {
      sv_slot_tick(&s->slots[i], &s->policy);
      any = any || s->slots[i].pid > 0;
    }
    if (!any) break;
    g_usleep(50 * 1000);
  }
}

void gust_supervisor_free(gust_supervisor *s)
{
  if (!s) return;
  if (s->slots) stop_all_workers(s);
  if (s->cluster) {
    GHashTableIter it;
    gpointer watch;
    g_hash_table_iter_init(&it, s->assignment_watches);
    while (g_hash_table_iter_next(&it, NULL, &watch))
      gust_cluster_unwatch(s->cluster, GPOINTER_TO_UINT(watch));
    if (s->assignments_watch) gust_cluster_unwatch(s->cluster, s->assignments_watch);
    gust_cluster_free(s->cluster);
  }
  for (guint i = 0; i < s->n_slots; i++)
    sv_slot_clear(&s->slots[i]);
  g_free(s->slots);
  g_hash_table_unref(s->assignment_watches);
  g_hash_table_unref(s->fetched);
  g_free(s->id);
  g_free(s->host);
  g_free(s->local_dir);
  g_free(s->conf_path);
  g_free(s);
}
