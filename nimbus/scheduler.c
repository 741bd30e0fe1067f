/* scheduler.c — Nimbus in the cluster (ZooKeeper, gust/cluster.h):
 *
 *  - registration: /nimbuses/<host:port> (ephemeral) and a candidacy in
 *    /leader-lock.  The leader loads the stored topologies and serves
 *    writes; a standby answers getLeader with the leader's address and
 *    refuses writes naming the leader (dispatch.c, leader_only rows).  When
 *    the leader's session ends the next candidate takes over and loads the
 *    topologies from storm.local.dir (shared with the old leader when
 *    both run on one machine) and their status from /storms.
 *  - status: every change of a topology is written to /storms/<id> (the
 *    worker watches it); a removed topology loses /storms/<id> and
 *    /assignments/<id>.
 *  - scheduling, on the timer thread every nimbus.monitor.freq.secs and
 *    when /supervisors changes: each live topology gets one worker slot
 *    (one worker per topology in this version, whatever topology.workers
 *    says) on a supervisor with a free port; its executors are the task
 *    ranges of its components (tasks 1..N, components in id order).  A
 *    supervisor whose node has been gone for nimbus.supervisor.timeout.secs
 *    loses its topologies to another one, each once its worker's heartbeat
 *    (/workerbeats, the worker's own session) is gone too: a worker that
 *    outlived its supervisor keeps running its topology, as it would with
 *    Storm, and no second worker shares its checkpoints.  A rebalance
 *    writes a new assignment version.  /assignments/<id> = {"topology_id", "version",
 *    "workers": [{"supervisor_id", "host", "port", "executors"}]}.
 *
 * ZooKeeper calls block; they run on handler threads (status writes, under
 * nimbus->lock) and the timer thread (scheduling).  Leader callbacks come
 * from ZooKeeper's event thread and only post to the timer thread. */
#define G_LOG_DOMAIN "gust-nimbus"

#include "nimbus_private.h"
#include "stats_view.h"

#include <string.h>

static gint64 now_secs(void)
{
  return g_get_real_time() / G_USEC_PER_SEC;
}

static char *storms_path(const char *id)
{
  return g_strconcat("/storms/", id, NULL);
}

static char *assignment_path(const char *id)
{
  return g_strconcat("/assignments/", id, NULL);
}

void gust_nimbus_cluster_publish(gust_nimbus *nimbus, gust_nimbus_topology *t)
{
  if (!nimbus->cluster || !g_atomic_int_get(&nimbus->is_leader)) return;
  json_t *base = gust_nimbus_topology_base(t);
  char *path = storms_path(t->id);
  GError *error = NULL;
  if (!gust_cluster_put_json(nimbus->cluster, path, base, GUST_NODE_PERSISTENT, &error)) {
    g_warning("topology %s: %s could not be written: %s", t->id, path, error->message);
    g_error_free(error);
  }
  g_free(path);
  json_decref(base);
}

void gust_nimbus_cluster_forget(gust_nimbus *nimbus, const char *id)
{
  if (!nimbus->cluster) return;
  char *paths[] = {assignment_path(id), storms_path(id)};
  for (int i = 0; i < 2; i++) {
    gust_cluster_delete(nimbus->cluster, paths[i], TRUE, NULL);
    g_free(paths[i]);
  }
}

/* [[first_task, last_task], ...] per executor: tasks numbered 1..N over
 * the components in id order, each component's tasks split evenly over its
 * executors. */
static json_t *executor_ranges(const gust_nimbus_topology *t)
{
  GList *ids = NULL;
  GHashTable *groups[] = {t->topology->spouts, t->topology->bolts};
  for (int g = 0; g < 2; g++) {
    GList *keys = g_hash_table_get_keys(groups[g]);
    ids = g_list_concat(ids, keys);
  }
  ids = g_list_sort(ids, (GCompareFunc)strcmp);
  json_t *ranges = json_array();
  gint next_task = 1;
  for (GList *l = ids; l; l = l->next) {
    gint executors, tasks;
    gust_nimbus_component_counts(t, l->data, &executors, &tasks);
    executors = MAX(MIN(executors, tasks), 1);
    for (gint e = 0; e < executors; e++) {
      gint count = tasks / executors + (e < tasks % executors ? 1 : 0);
      json_array_append_new(ranges, json_pack("[i,i]", next_task, next_task + count - 1));
      next_task += count;
    }
  }
  g_list_free(ids);
  return ranges;
}

typedef struct {
  char *id;
  char *host;
  GArray *ports; /* gint */
} supervisor_info;

static void supervisor_info_free(supervisor_info *s)
{
  g_free(s->id);
  g_free(s->host);
  g_array_unref(s->ports);
  g_free(s);
}

/* /supervisors/<id> as a JSON object, or NULL when gone or unreadable. */
static json_t *supervisor_node(gust_nimbus *nimbus, const char *id)
{
  char *path = g_strconcat("/supervisors/", id, NULL);
  json_t *node = gust_cluster_get_json(nimbus->cluster, path, NULL);
  g_free(path);
  if (json_is_object(node)) return node;
  json_decref(node);
  return NULL;
}

/* Live supervisors from /supervisors: id -> supervisor_info. */
static GHashTable *read_supervisors(gust_nimbus *nimbus)
{
  GHashTable *live =
      g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)supervisor_info_free);
  GPtrArray *children = gust_cluster_children(nimbus->cluster, "/supervisors", NULL);
  for (guint i = 0; children && i < children->len; i++) {
    json_t *node = supervisor_node(nimbus, children->pdata[i]);
    if (!node) continue;
    supervisor_info *s = g_new0(supervisor_info, 1);
    s->id = g_strdup(children->pdata[i]);
    s->host = g_strdup(json_string_value(json_object_get(node, "host")));
    s->ports = g_array_new(FALSE, FALSE, sizeof(gint));
    size_t k;
    json_t *port;
    json_array_foreach(json_object_get(node, "ports"), k, port)
    {
      gint p = (gint)json_integer_value(port);
      if (p > 0) g_array_append_val(s->ports, p);
    }
    if (!s->host) s->host = g_strdup("127.0.0.1");
    g_hash_table_insert(live, s->id, s);
    json_decref(node);
  }
  if (children) g_ptr_array_unref(children);
  return live;
}

static gboolean slot_taken(gust_nimbus *nimbus, const char *supervisor_id, gint port)
{
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init(&iter, nimbus->topologies);
  while (g_hash_table_iter_next(&iter, NULL, &value)) {
    gust_nimbus_topology *t = value;
    if (t->supervisor_id && !strcmp(t->supervisor_id, supervisor_id) && t->port == port)
      return TRUE;
  }
  return FALSE;
}

static gboolean pick_slot(gust_nimbus *nimbus, GHashTable *live, supervisor_info **picked,
                          gint *port)
{
  GList *ids = g_list_sort(g_hash_table_get_keys(live), (GCompareFunc)strcmp);
  gboolean found = FALSE;
  for (GList *l = ids; l && !found; l = l->next) {
    supervisor_info *s = g_hash_table_lookup(live, l->data);
    for (guint i = 0; i < s->ports->len && !found; i++)
      if (!slot_taken(nimbus, s->id, g_array_index(s->ports, gint, i))) {
        *picked = s;
        *port = g_array_index(s->ports, gint, i);
        found = TRUE;
      }
  }
  g_list_free(ids);
  return found;
}

static void write_assignment(gust_nimbus *nimbus, gust_nimbus_topology *t)
{
  json_t *worker = json_pack("{s:s, s:s, s:i, s:o}", "supervisor_id", t->supervisor_id, "host",
                             t->supervisor_host, "port", t->port, "executors", executor_ranges(t));
  json_t *assignment = json_pack("{s:s, s:i, s:[o]}", "topology_id", t->id, "version",
                                 t->assignment_version, "workers", worker);
  char *path = assignment_path(t->id);
  GError *error = NULL;
  if (gust_cluster_put_json(nimbus->cluster, path, assignment, GUST_NODE_PERSISTENT, &error)) {
    t->written_version = t->assignment_version;
    g_message("topology %s assigned to supervisor %s port %d (version %d)", t->id, t->supervisor_id,
              t->port, t->assignment_version);
  } else {
    g_warning("topology %s: %s could not be written: %s", t->id, path, error->message);
    g_error_free(error);
  }
  g_free(path);
  json_decref(assignment);
}

/* Whether the worker of t's assignment still heartbeats: its ephemeral
 * /workerbeats/<id>/<supervisor>-<port> node lives with the worker's own
 * ZooKeeper session, whatever became of its supervisor.  A read that fails
 * for another reason than a missing node counts as alive: nothing moves on
 * a guess. */
static gboolean worker_beats(gust_nimbus *nimbus, const gust_nimbus_topology *t)
{
  char *path = g_strdup_printf("/workerbeats/%s/%s-%d", t->id, t->supervisor_id, t->port);
  char *data = NULL;
  gsize len = 0;
  GError *error = NULL;
  gboolean beats = gust_cluster_get(nimbus->cluster, path, &data, &len, &error);
  if (error) {
    beats = !g_error_matches(error, GUST_CLUSTER_ERROR, GUST_CLUSTER_ERROR_NOT_FOUND);
    if (beats) g_debug("topology %s: %s unreadable: %s", t->id, path, error->message);
    g_error_free(error);
  }
  g_free(data);
  g_free(path);
  return beats;
}

/* One scheduling round.  Locality: timer thread. */
static void schedule(gust_nimbus *nimbus)
{
  if (!nimbus->cluster || !g_atomic_int_get(&nimbus->is_leader)) return;
  GHashTable *live = read_supervisors(nimbus);
  gint64 now = now_secs();
  gint64 timeout = gust_nimbus_conf_int(nimbus->conf, "nimbus.supervisor.timeout.secs", 60);
  g_mutex_lock(&nimbus->lock);
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init(&iter, live);
  while (g_hash_table_iter_next(&iter, &key, NULL))
    g_hash_table_insert(nimbus->supervisors_seen, g_strdup(key), g_memdup2(&now, sizeof now));
  g_hash_table_iter_init(&iter, nimbus->topologies);
  while (g_hash_table_iter_next(&iter, &key, &value)) {
    gust_nimbus_topology *t = value;
    if (!strcmp(t->status, "KILLED")) continue;
    if (t->supervisor_id && !g_hash_table_contains(live, t->supervisor_id)) {
      gint64 *seen = g_hash_table_lookup(nimbus->supervisors_seen, t->supervisor_id);
      if (seen && now - *seen < timeout) continue; /* its node may come back */
      if (worker_beats(nimbus, t)) {               /* a second worker would share its checkpoints */
        if (!t->orphan_logged)
          g_message("topology %s: supervisor %s is gone but its worker on port %d still "
                    "heartbeats; the topology stays there until the worker's heartbeat goes",
                    t->id, t->supervisor_id, t->port);
        t->orphan_logged = TRUE;
        continue;
      }
      t->orphan_logged = FALSE;
      g_message("topology %s: supervisor %s is gone (no node for %" G_GINT64_FORMAT
                " s) and so is its worker; moving it",
                t->id, t->supervisor_id, timeout);
      g_clear_pointer(&t->supervisor_id, g_free);
      g_clear_pointer(&t->supervisor_host, g_free);
      t->assignment_version++;
    }
    if (!t->supervisor_id) {
      supervisor_info *s;
      gint port;
      if (!pick_slot(nimbus, live, &s, &port)) {
        if (!t->waiting_logged)
          g_message("topology %s waits for a supervisor with a free slot", t->id);
        t->waiting_logged = TRUE;
        continue;
      }
      t->waiting_logged = FALSE;
      t->supervisor_id = g_strdup(s->id);
      t->supervisor_host = g_strdup(s->host);
      t->port = port;
      if (t->written_version >= t->assignment_version) t->assignment_version++;
    }
    if (t->written_version != t->assignment_version) write_assignment(nimbus, t);
  }
  g_mutex_unlock(&nimbus->lock);
  g_hash_table_destroy(live);
}

static gboolean on_schedule_due(gpointer data)
{
  gust_nimbus *nimbus = data;
  g_atomic_int_set(&nimbus->schedule_posted, 0);
  schedule(nimbus);
  return G_SOURCE_REMOVE;
}

/* Posts fn to the timer thread, never running it in place (callers may hold
 * nimbus->lock, on the timer thread too). */
static void post_to_timer_thread(gust_nimbus *nimbus, GSourceFunc fn)
{
  GSource *idle = g_idle_source_new();
  g_source_set_callback(idle, fn, nimbus, NULL);
  g_source_attach(idle, nimbus->timer_context);
  g_source_unref(idle);
}

void gust_nimbus_schedule_soon(gust_nimbus *nimbus)
{
  if (!nimbus->cluster || !g_atomic_int_compare_and_exchange(&nimbus->schedule_posted, 0, 1))
    return;
  post_to_timer_thread(nimbus, on_schedule_due);
}

static gboolean on_schedule_tick(gpointer data)
{
  schedule(data);
  return G_SOURCE_CONTINUE;
}

static void on_supervisors_change(gust_cluster *c, const char *path, void *data)
{
  gust_nimbus_schedule_soon(data);
}

/* Takes the status of every stored topology from /storms and its slot from
 * /assignments (they are newer than the files when another Nimbus led). */
static void adopt_cluster_state(gust_nimbus *nimbus, gust_nimbus_topology *t)
{
  char *path = storms_path(t->id);
  json_t *base = gust_cluster_get_json(nimbus->cluster, path, NULL);
  g_free(path);
  if (json_is_object(base)) gust_nimbus_topology_apply_base(t, base);
  json_decref(base);
  path = assignment_path(t->id);
  json_t *assignment = gust_cluster_get_json(nimbus->cluster, path, NULL);
  g_free(path);
  json_t *worker = json_array_get(json_object_get(assignment, "workers"), 0);
  if (worker) {
    t->supervisor_id = g_strdup(json_string_value(json_object_get(worker, "supervisor_id")));
    t->supervisor_host = g_strdup(json_string_value(json_object_get(worker, "host")));
    t->port = (gint)json_integer_value(json_object_get(worker, "port"));
    t->written_version = (gint)json_integer_value(json_object_get(assignment, "version"));
    t->assignment_version = MAX(t->assignment_version, t->written_version);
  }
  json_decref(assignment);
}

/* Locality: timer thread (posted by the leader callback). */
static gboolean on_leadership(gpointer data)
{
  gust_nimbus *nimbus = data;
  gboolean leader = gust_cluster_is_leader(nimbus->cluster);
  if (nimbus->leadership_known && leader == g_atomic_int_get(&nimbus->is_leader))
    return G_SOURCE_REMOVE;
  nimbus->leadership_known = TRUE;
  g_mutex_lock(&nimbus->lock);
  g_hash_table_remove_all(nimbus->topologies);
  if (leader) {
    gust_nimbus_store_load(nimbus);
    nimbus->submissions = MAX(nimbus->submissions, g_hash_table_size(nimbus->topologies));
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, nimbus->topologies);
    while (g_hash_table_iter_next(&iter, NULL, &value))
      adopt_cluster_state(nimbus, value);
  }
  g_atomic_int_set(&nimbus->is_leader, leader);
  if (leader) {
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, nimbus->topologies);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
      gust_nimbus_topology *t = value;
      if (t->action_at_secs) gust_nimbus_arm_action(nimbus, t);
      gust_nimbus_cluster_publish(nimbus, t);
    }
  }
  g_mutex_unlock(&nimbus->lock);
  g_message("nimbus %s:%u is %s", nimbus->host, nimbus->port, leader ? "the leader" : "a standby");
  if (leader) schedule(nimbus);
  return G_SOURCE_REMOVE;
}

static void on_leader_change(gust_cluster *c, gboolean is_leader, void *data)
{
  post_to_timer_thread(data, on_leadership);
}

/* Before the Thrift server starts: a call never finds nimbus->cluster unset. */
gboolean gust_nimbus_cluster_connect(gust_nimbus *nimbus, GError **error)
{
  nimbus->cluster = gust_cluster_connect_conf(nimbus->conf, error);
  if (!nimbus->cluster) {
    g_prefix_error(error, "nimbus cannot reach ZooKeeper: ");
    return FALSE;
  }
  return TRUE;
}

/* Once the server listens: the address registered in /nimbuses answers. */
gboolean gust_nimbus_cluster_start(gust_nimbus *nimbus, GError **error)
{
  char *member = g_strdup_printf("%s:%u", nimbus->host, nimbus->port);
  char *path = g_strconcat("/nimbuses/", member, NULL);
  json_t *me = json_pack("{s:s, s:i, s:s, s:I}", "host", nimbus->host, "port", nimbus->port,
                         "version", GUST_NIMBUS_VERSION "-gust-" GUST_NIMBUS_GUST_VERSION,
                         "start_time_secs", (json_int_t)nimbus->start_time_secs);
  gboolean ok =
      gust_cluster_put_json_patiently(nimbus->cluster, path, me, GUST_NODE_EPHEMERAL, error) &&
      gust_cluster_elect(nimbus->cluster, member, on_leader_change, nimbus, error);
  json_decref(me);
  g_free(path);
  g_free(member);
  if (!ok) return FALSE;
  post_to_timer_thread(nimbus, on_leadership); /* says which it is, leader or standby */
  nimbus->supervisors_watch =
      gust_cluster_watch(nimbus->cluster, "/supervisors", on_supervisors_change, nimbus);
  GSource *tick = g_timeout_source_new_seconds(
      (guint)CLAMP(gust_nimbus_conf_int(nimbus->conf, "nimbus.monitor.freq.secs", 10), 1, 3600));
  g_source_set_callback(tick, on_schedule_tick, nimbus, NULL);
  g_source_attach(tick, nimbus->timer_context);
  g_source_unref(tick);
  return TRUE;
}

void gust_nimbus_cluster_stop(gust_nimbus *nimbus)
{
  if (!nimbus->cluster) return;
  if (nimbus->supervisors_watch) gust_cluster_unwatch(nimbus->cluster, nimbus->supervisors_watch);
  gust_cluster_free(nimbus->cluster);
  nimbus->cluster = NULL;
}

char *gust_nimbus_leader_address(gust_nimbus *nimbus)
{
  if (!nimbus->cluster) return g_strdup_printf("%s:%u", nimbus->host, nimbus->port);
  return gust_cluster_leader(nimbus->cluster, NULL);
}

/* The supervisors for getClusterInfo, from /supervisors.  Handler thread. */
void gust_nimbus_add_supervisor_summaries(gust_nimbus *nimbus, GPtrArray *summaries)
{
  if (!nimbus->cluster) return;
  GPtrArray *children = gust_cluster_children(nimbus->cluster, "/supervisors", NULL);
  gint64 now = now_secs();
  for (guint i = 0; children && i < children->len; i++) {
    json_t *node = supervisor_node(nimbus, children->pdata[i]);
    if (!node) continue;
    if (!json_is_string(json_object_get(node, "id")))
      json_object_set_new(node, "id", json_string(children->pdata[i]));
    GustStormSupervisorSummary *s = gust_stats_supervisor_summary(node, now); /* stats_pages.c */
    g_ptr_array_add(summaries, s);
    json_decref(node);
  }
  if (children) g_ptr_array_unref(children);
}
