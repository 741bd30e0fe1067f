/* topology_table.c — the topologies Nimbus knows, their summaries and the
 * state changes that wait (Storm's semantics):
 *
 *   kill:      status KILLED at once (the worker deactivates its spouts);
 *              after wait_secs (default: the topology's
 *              topology.message.timeout.secs) the topology is removed.
 *   rebalance: status REBALANCING at once; after wait_secs (same default)
 *              the conf overrides go into the stored conf and the new worker
 *              count and executor counts into the stored topology, a new
 *              assignment version is written, and the status returns to
 *              what it was.
 *
 * The waits are timers on the timer thread (nimbus.c); they take
 * nimbus->lock.  Everything else here is called with the lock held. */
#define G_LOG_DOMAIN "gust-nimbus"

#include "nimbus_private.h"

#include <string.h>

const char *gust_nimbus_name_problem(const char *name)
{
  if (!name || !*name) return "the name is empty";
  if (strpbrk(name, "/.:\\"))
    return "it contains one of / . : \\ (Storm's rule: names match ^[^/.:\\\\]+$)";
  return NULL;
}

gust_nimbus_topology *gust_nimbus_find_by_name(gust_nimbus *nimbus, const char *name)
{
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init(&iter, nimbus->topologies);
  while (name && g_hash_table_iter_next(&iter, NULL, &value))
    if (!strcmp(((gust_nimbus_topology *)value)->name, name)) return value;
  return NULL;
}

gust_nimbus_topology *gust_nimbus_find_by_id(gust_nimbus *nimbus, const char *id)
{
  return id ? g_hash_table_lookup(nimbus->topologies, id) : NULL;
}

void gust_nimbus_topology_free(gust_nimbus_topology *t)
{
  if (!t) return;
  g_free(t->id);
  g_free(t->name);
  g_free(t->status);
  g_free(t->prev_status);
  g_free(t->owner);
  json_decref(t->rebalance);
  json_decref(t->conf);
  if (t->topology) g_object_unref(t->topology);
  g_free(t->supervisor_id);
  g_free(t->supervisor_host);
  g_free(t);
}

static gint component_tasks(GustStormComponentCommon *common)
{
  gint executors = common->__isset_parallelism_hint ? MAX(common->parallelism_hint, 1) : 1;
  if (!common->__isset_json_conf || !common->json_conf) return executors;
  json_t *conf = json_loads(common->json_conf, 0, NULL);
  gint tasks = (gint)gust_nimbus_conf_int(conf, "topology.tasks", executors);
  json_decref(conf);
  return tasks > 0 ? tasks : executors;
}

static void count_components(GHashTable *components, gboolean spouts, gint *executors, gint *tasks)
{
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init(&iter, components);
  while (g_hash_table_iter_next(&iter, NULL, &value)) {
    GustStormComponentCommon *common =
        spouts ? GUST_STORM_SPOUT_SPEC(value)->common : GUST_STORM_BOLT(value)->common;
    *executors += common->__isset_parallelism_hint ? MAX(common->parallelism_hint, 1) : 1;
    *tasks += component_tasks(common);
  }
}

void gust_nimbus_component_counts(const gust_nimbus_topology *t, const char *component,
                                  gint *executors, gint *tasks)
{
  gpointer spec = g_hash_table_lookup(t->topology->spouts, component);
  GustStormComponentCommon *common = spec ? GUST_STORM_SPOUT_SPEC(spec)->common : NULL;
  if (!common && (spec = g_hash_table_lookup(t->topology->bolts, component)))
    common = GUST_STORM_BOLT(spec)->common;
  *executors = *tasks = 0;
  if (!common) return;
  *executors = common->__isset_parallelism_hint ? MAX(common->parallelism_hint, 1) : 1;
  *tasks = component_tasks(common);
}

void gust_nimbus_topology_counts(const gust_nimbus_topology *t, gint *executors, gint *tasks)
{
  *executors = *tasks = 0;
  count_components(t->topology->spouts, TRUE, executors, tasks);
  count_components(t->topology->bolts, FALSE, executors, tasks);
}

static json_t *component_executors(const gust_nimbus_topology *t)
{
  json_t *map = json_object();
  GHashTable *groups[] = {t->topology->spouts, t->topology->bolts};
  for (int g = 0; g < 2; g++) {
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, groups[g]);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
      GustStormComponentCommon *common =
          g == 0 ? GUST_STORM_SPOUT_SPEC(value)->common : GUST_STORM_BOLT(value)->common;
      json_object_set_new(
          map, key,
          json_integer(common->__isset_parallelism_hint ? MAX(common->parallelism_hint, 1) : 1));
    }
  }
  return map;
}

json_t *gust_nimbus_topology_base(const gust_nimbus_topology *t)
{
  json_t *base =
      json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:i, s:o, s:i}", "id", t->id, "name", t->name,
                "status", t->status, "prev_status", t->prev_status ? t->prev_status : t->status,
                "launch_time_secs", (json_int_t)t->launch_time_secs, "owner", t->owner,
                "num_workers_requested", t->num_workers_requested, "component_executors",
                component_executors(t), "assignment_version", t->assignment_version);
  if (t->action_at_secs)
    json_object_set_new(base, "action_at_secs", json_integer(t->action_at_secs));
  if (t->rebalance) json_object_set(base, "rebalance", t->rebalance);
  return base;
}

GustStormTopologySummary *gust_nimbus_topology_summary(gust_nimbus *nimbus,
                                                       const gust_nimbus_topology *t)
{
  gint executors, tasks;
  gust_nimbus_topology_counts(t, &executors, &tasks);
  gint64 uptime = g_get_real_time() / G_USEC_PER_SEC - t->launch_time_secs;
  GustStormTopologySummary *s = g_object_new(
      GUST_STORM_TYPE_TOPOLOGY_SUMMARY, "id", t->id, "name", t->name, "num_tasks", tasks,
      "num_executors", executors, "num_workers", 1 /* one worker per topology */, "uptime_secs",
      (gint32)MAX(uptime, 0), "status", t->status, "storm_version", GUST_NIMBUS_VERSION, "owner",
      t->owner, "replication_count", 1, "requested_memonheap", 0.0, "requested_memoffheap", 0.0,
      "requested_cpu", 0.0, "assigned_memonheap", 0.0, "assigned_memoffheap", 0.0, "assigned_cpu",
      0.0, NULL);
  /* Storm writes the generic resource maps, empty. */
  s->__isset_requested_generic_resources = TRUE;
  s->__isset_assigned_generic_resources = TRUE;
  if (t->num_workers_requested > 1)
    g_object_set(s, "sched_status",
                 "gust runs a topology in one worker; topology.workers asked for more", NULL);
  return s;
}

void gust_nimbus_topology_apply_base(gust_nimbus_topology *t, json_t *base)
{
  const char *fields[] = {"status", "prev_status", "owner"};
  char **targets[] = {&t->status, &t->prev_status, &t->owner};
  for (int i = 0; i < 3; i++) {
    const char *value = json_string_value(json_object_get(base, fields[i]));
    if (value) {
      g_free(*targets[i]);
      *targets[i] = g_strdup(value);
    }
  }
  t->launch_time_secs = json_integer_value(json_object_get(base, "launch_time_secs"));
  t->num_workers_requested =
      (gint)json_integer_value(json_object_get(base, "num_workers_requested"));
  t->action_at_secs = json_integer_value(json_object_get(base, "action_at_secs"));
  t->assignment_version = (gint)json_integer_value(json_object_get(base, "assignment_version"));
  json_t *rebalance = json_object_get(base, "rebalance");
  json_decref(t->rebalance);
  t->rebalance = rebalance ? json_incref(rebalance) : NULL;
}

void gust_nimbus_publish(gust_nimbus *nimbus, gust_nimbus_topology *t)
{
  gust_nimbus_cluster_publish(nimbus, t);
  GError *error = NULL;
  if (!gust_nimbus_store_write_base(nimbus, t, &error)) {
    g_warning("topology %s: its status could not be stored: %s", t->id, error->message);
    g_clear_error(&error);
  }
}

/* Rebalance's act: the conf overrides into the stored conf, new
 * parallelism into the stored topology (an explicit worker count over an
 * overridden topology.workers), a new assignment version (its worker
 * starts with the new conf and counts), the status from before. */
static void apply_rebalance(gust_nimbus *nimbus, gust_nimbus_topology *t)
{
  json_t *overrides = json_object_get(t->rebalance, "conf_overrides");
  if (json_is_object(overrides)) json_object_update(t->conf, overrides);
  json_t *executors = json_object_get(t->rebalance, "num_executors");
  const char *component;
  json_t *count;
  json_object_foreach(executors, component, count)
  {
    gpointer spec = g_hash_table_lookup(t->topology->spouts, component);
    GustStormComponentCommon *common = spec ? GUST_STORM_SPOUT_SPEC(spec)->common : NULL;
    if (!common && (spec = g_hash_table_lookup(t->topology->bolts, component)))
      common = GUST_STORM_BOLT(spec)->common;
    if (common) g_object_set(common, "parallelism_hint", (gint32)json_integer_value(count), NULL);
  }
  json_t *workers = json_object_get(t->rebalance, "num_workers");
  if (!json_is_integer(workers)) workers = json_object_get(overrides, "topology.workers");
  if (json_is_integer(workers) && json_integer_value(workers) > 0) {
    t->num_workers_requested = (gint)json_integer_value(workers);
    json_object_set(t->conf, "topology.workers", workers);
  }
  t->assignment_version++;
  GError *error = NULL;
  if (!gust_nimbus_store_write_code(nimbus, t, &error)) {
    g_warning("topology %s: the rebalanced topology could not be stored: %s", t->id,
              error->message);
    g_clear_error(&error);
  }
  g_message("topology %s rebalanced (assignment version %d)", t->id, t->assignment_version);
  g_free(t->status);
  t->status = g_strdup(t->prev_status ? t->prev_status : "ACTIVE");
  json_decref(t->rebalance);
  t->rebalance = NULL;
}

typedef struct {
  gust_nimbus *nimbus;
  char *id;
} action_timer;

static void action_timer_free(gpointer data)
{
  action_timer *a = data;
  g_free(a->id);
  g_free(a);
}

/* Locality: timer thread. */
static gboolean on_action_due(gpointer data)
{
  action_timer *a = data;
  gust_nimbus *nimbus = a->nimbus;
  g_mutex_lock(&nimbus->lock);
  gust_nimbus_topology *t = gust_nimbus_find_by_id(nimbus, a->id);
  if (t) {
    t->timer = 0;
    t->action_at_secs = 0;
    if (!strcmp(t->status, "KILLED")) {
      g_message("topology %s killed: removed", t->id);
      gust_nimbus_store_remove(nimbus, t->id);
      gust_nimbus_cluster_forget(nimbus, t->id);
      g_hash_table_remove(nimbus->topologies, a->id);
    } else if (!strcmp(t->status, "REBALANCING")) {
      apply_rebalance(nimbus, t);
      gust_nimbus_publish(nimbus, t);
      gust_nimbus_schedule_soon(nimbus);
    }
  }
  g_mutex_unlock(&nimbus->lock);
  return G_SOURCE_REMOVE;
}

void gust_nimbus_arm_action(gust_nimbus *nimbus, gust_nimbus_topology *t)
{
  if (t->timer) {
    GSource *old = g_main_context_find_source_by_id(nimbus->timer_context, t->timer);
    if (old) g_source_destroy(old);
    t->timer = 0;
  }
  gint64 now = g_get_real_time() / G_USEC_PER_SEC;
  gint64 wait = MAX(t->action_at_secs - now, 0);
  action_timer *a = g_new0(action_timer, 1);
  a->nimbus = nimbus;
  a->id = g_strdup(t->id);
  GSource *source = g_timeout_source_new_seconds((guint)MIN(wait, G_MAXUINT32 / 2));
  if (wait == 0) g_source_set_ready_time(source, 0);
  g_source_set_callback(source, on_action_due, a, action_timer_free);
  t->timer = g_source_attach(source, nimbus->timer_context);
  g_source_unref(source);
}
