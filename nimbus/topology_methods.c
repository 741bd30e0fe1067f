/* topology_methods.c — the Nimbus methods about topologies: submit, the
 * state changes (kill, activate, deactivate, rebalance) and the reads
 * (summaries, conf, topology, name check), with Storm's semantics:
 *
 *  - ids are <name>-<N>-<epoch seconds>, N counting this Nimbus's
 *    submissions;
 *  - names match ^[^/.:\\]+$; isTopologyNameAllowed answers false for a bad
 *    or live name, submit raises InvalidTopologyException / AlreadyAlive;
 *  - name-based calls on an unknown name raise NotAliveException "<name> is
 *    not alive"; id-based reads of an unknown id the same with the id;
 *  - activate on ACTIVE and deactivate on INACTIVE change nothing; during a
 *    rebalance they change the status the rebalance returns to; a KILLED
 *    topology only accepts another kill (a new wait);
 *  - kill and rebalance wait (wait_secs, default the topology's
 *    topology.message.timeout.secs) then act (topology_table.c); a
 *    rebalance's topology_conf_overrides (`storm rebalance -t`), a JSON
 *    object checked as a submitted conf is, then go into the stored conf,
 *    less the keys that say who submitted the topology, its ZooKeeper
 *    credentials and its name and id, which Nimbus keeps.
 * Handler threads; every table access under nimbus->lock. */
#define G_LOG_DOMAIN "gust-nimbus"

#include "nimbus_private.h"

#include <glib/gstdio.h>
#include <gust/conf.h>
#include <string.h>

#define NOT_ALIVE GUST_STORM_TYPE_NOT_ALIVE_EXCEPTION
#define INVALID GUST_STORM_TYPE_INVALID_TOPOLOGY_EXCEPTION

static gint64 now_secs(void)
{
  return g_get_real_time() / G_USEC_PER_SEC;
}

GUST_NIMBUS_HANDLER(gust_nimbus_get_topology_summaries)
{
  gust_nimbus *nimbus = call->nimbus;
  GPtrArray *list = ((GustStormNimbusGetTopologySummariesResult *)result)->success;
  g_mutex_lock(&nimbus->lock);
  GList *topologies = g_hash_table_get_values(nimbus->topologies);
  for (GList *l = topologies; l; l = l->next)
    g_ptr_array_add(list, gust_nimbus_topology_summary(nimbus, l->data));
  g_list_free(topologies);
  g_mutex_unlock(&nimbus->lock);
  ((GustStormNimbusGetTopologySummariesResult *)result)->__isset_success = TRUE;
  return TRUE;
}

/* Puts the summary of the topology found by find(key) into result's
 * success, or NotAlive into its "e". */
static gboolean summary_of(const gust_nimbus_call *call, const char *key,
                           gust_nimbus_topology *(*find)(gust_nimbus *, const char *),
                           gpointer result)
{
  gust_nimbus *nimbus = call->nimbus;
  g_mutex_lock(&nimbus->lock);
  gust_nimbus_topology *t = find(nimbus, key);
  GustStormTopologySummary *summary = t ? gust_nimbus_topology_summary(nimbus, t) : NULL;
  g_mutex_unlock(&nimbus->lock);
  if (!summary) {
    gust_nimbus_set_exception(result, "e", NOT_ALIVE, "%s is not alive", key ? key : "");
    return TRUE;
  }
  g_object_set(result, "success", summary, NULL);
  g_object_unref(summary);
  return TRUE;
}

GUST_NIMBUS_HANDLER(gust_nimbus_get_topology_summary_by_name)
{
  return summary_of(call, ((GustStormNimbusGetTopologySummaryByNameArgs *)args)->name,
                    gust_nimbus_find_by_name, result);
}

GUST_NIMBUS_HANDLER(gust_nimbus_get_topology_summary)
{
  return summary_of(call, ((GustStormNimbusGetTopologySummaryArgs *)args)->id,
                    gust_nimbus_find_by_id, result);
}

GUST_NIMBUS_HANDLER(gust_nimbus_is_topology_name_allowed)
{
  const char *name = ((GustStormNimbusIsTopologyNameAllowedArgs *)args)->name;
  gust_nimbus *nimbus = call->nimbus;
  g_mutex_lock(&nimbus->lock);
  gboolean allowed = !gust_nimbus_name_problem(name) && !gust_nimbus_find_by_name(nimbus, name);
  g_mutex_unlock(&nimbus->lock);
  g_object_set(result, "success", allowed, NULL);
  return TRUE;
}

GUST_NIMBUS_HANDLER(gust_nimbus_get_topology_conf)
{
  const char *id = ((GustStormNimbusGetTopologyConfArgs *)args)->id;
  gust_nimbus *nimbus = call->nimbus;
  g_mutex_lock(&nimbus->lock);
  gust_nimbus_topology *t = gust_nimbus_find_by_id(nimbus, id);
  char *conf = t ? json_dumps(t->conf, JSON_COMPACT) : NULL;
  g_mutex_unlock(&nimbus->lock);
  if (!conf)
    gust_nimbus_set_exception(result, "e", NOT_ALIVE, "%s is not alive", id ? id : "");
  else
    g_object_set(result, "success", conf, NULL);
  free(conf);
  return TRUE;
}

/* getTopology and getUserTopology: the stored topology (gust adds no system
 * components: its ackers are not Storm bolts). */
static gboolean stored_topology(const gust_nimbus_call *call, const char *id, gpointer result,
                                GError **error)
{
  gust_nimbus *nimbus = call->nimbus;
  g_mutex_lock(&nimbus->lock);
  gust_nimbus_topology *t = gust_nimbus_find_by_id(nimbus, id);
  GBytes *code = t ? gust_thrift_encode(t->topology, G_MAXSIZE, error) : NULL;
  g_mutex_unlock(&nimbus->lock);
  if (!t) {
    gust_nimbus_set_exception(result, "e", NOT_ALIVE, "%s is not alive", id ? id : "");
    return TRUE;
  }
  if (!code) return FALSE;
  gpointer copy = gust_thrift_decode_bytes(GUST_STORM_TYPE_STORM_TOPOLOGY, code, G_MAXSIZE, error);
  g_bytes_unref(code);
  if (!copy) return FALSE;
  g_object_set(result, "success", copy, NULL);
  g_object_unref(copy);
  return TRUE;
}

GUST_NIMBUS_HANDLER(gust_nimbus_get_topology)
{
  return stored_topology(call, ((GustStormNimbusGetTopologyArgs *)args)->id, result, error);
}

GUST_NIMBUS_HANDLER(gust_nimbus_get_user_topology)
{
  return stored_topology(call, ((GustStormNimbusGetUserTopologyArgs *)args)->id, result, error);
}

/* ---- submit ---- */

/* JSON text that must hold an object (a submission's jsonConf, a
 * rebalance's conf overrides); NULL with an InvalidTopologyException
 * message in *problem naming the text as `name`. */
static json_t *json_object_in(const char *text, const char *name, char **problem)
{
  json_error_t json_error;
  json_t *object = json_loads(text, 0, &json_error);
  if (!object || !json_is_object(object)) {
    *problem = g_strdup_printf("%s is not a JSON object: %s", name,
                               object ? "another JSON value" : json_error.text);
    json_decref(object);
    return NULL;
  }
  return object;
}

/* conf when its keys pass gust_conf_check; else NULL (conf released) with
 * an InvalidTopologyException message in *problem naming it as `name`. */
static json_t *checked_conf(json_t *conf, const char *name, char **problem)
{
  GError *error = NULL;
  if (!gust_conf_check(conf, &error)) {
    *problem = g_strdup_printf("%s: %s", name, error->message);
    g_error_free(error);
    json_decref(conf);
    return NULL;
  }
  return conf;
}

/* The topology conf to store: jsonConf plus what Nimbus adds.  NULL with
 * an InvalidTopologyException message in *problem. */
static json_t *topology_conf(gust_nimbus *nimbus, const char *name, const char *id,
                             const char *json_conf, char **problem)
{
  json_t *conf = json_conf ? json_object_in(json_conf, "jsonConf", problem) : json_object();
  if (!conf || !(conf = checked_conf(conf, "topology conf", problem))) return NULL;
  json_object_set_new(conf, "storm.id", json_string(id));
  json_object_set_new(conf, "topology.name", json_string(name));
  if (!json_object_get(conf, "topology.submitter.user"))
    json_object_set_new(conf, "topology.submitter.user", json_string(g_get_user_name()));
  if (!json_is_string(json_object_get(conf, "topology.gust.checkpoint.dir"))) {
    char *dir = g_build_filename(nimbus->local_dir, "checkpoints", name, NULL);
    json_object_set_new(conf, "topology.gust.checkpoint.dir", json_string(dir));
    g_free(dir);
  }
  return conf;
}

/* What submitTopology and submitTopologyWithOpts share. */
typedef struct {
  const char *name;
  const char *uploadedJarLocation;
  const char *jsonConf;
  GustStormStormTopology *topology;
} submission;

static gboolean submit(const gust_nimbus_call *call, const submission *a,
                       const char *initial_status, gpointer result, GError **error)
{
  gust_nimbus *nimbus = call->nimbus;
  const char *name = a->name ? a->name : "";
  const char *problem = gust_nimbus_name_problem(a->name);
  if (problem) {
    gust_nimbus_set_exception(result, "ite", INVALID, "Topology name '%s' is invalid: %s", name,
                              problem);
    return TRUE;
  }
  if (!a->topology) {
    gust_nimbus_set_exception(result, "ite", INVALID, "%s: no topology given", name);
    return TRUE;
  }
  if (g_hash_table_size(a->topology->spouts) == 0) {
    gust_nimbus_set_exception(result, "ite", INVALID,
                              "Topology '%s' has no spouts: a topology needs at least one", name);
    return TRUE;
  }
  gint64 now = now_secs();
  g_mutex_lock(&nimbus->lock);
  gboolean alive = gust_nimbus_find_by_name(nimbus, name) != NULL;
  gboolean jar_ready = gust_nimbus_upload_finished(nimbus, a->uploadedJarLocation);
  guint n = alive || !jar_ready ? 0 : ++nimbus->submissions;
  if (n) gust_nimbus_upload_forget(nimbus, a->uploadedJarLocation); /* this submission owns it */
  g_mutex_unlock(&nimbus->lock);
  if (alive) {
    gust_nimbus_set_exception(result, "e", GUST_STORM_TYPE_ALREADY_ALIVE_EXCEPTION,
                              "%s is already alive", name);
    return TRUE;
  }
  if (!jar_ready) {
    gust_nimbus_set_exception(result, "ite", INVALID,
                              "%s: uploadedJarLocation '%s' is not a finished upload of this "
                              "Nimbus (beginFileUpload, uploadChunk, finishFileUpload first)",
                              name, a->uploadedJarLocation ? a->uploadedJarLocation : "");
    return TRUE;
  }
  gust_nimbus_topology *t = g_new0(gust_nimbus_topology, 1);
  t->id = g_strdup_printf("%s-%u-%" G_GINT64_FORMAT, name, n, now);
  t->name = g_strdup(name);
  char *conf_problem = NULL;
  t->conf = topology_conf(nimbus, name, t->id, a->jsonConf, &conf_problem);
  GError *model_error = NULL;
  gust_topology *model = NULL;
  if (t->conf) {
    char *conf_text = json_dumps(t->conf, JSON_COMPACT);
    model = gust_nimbus_topology_model(nimbus, a->topology, name, conf_text, a->uploadedJarLocation,
                                       &model_error);
    free(conf_text);
  }
  if (!t->conf || !model) {
    gust_nimbus_set_exception(result, "ite", INVALID, "%s",
                              conf_problem ? conf_problem : model_error->message);
    g_free(conf_problem);
    g_clear_error(&model_error);
    g_unlink(a->uploadedJarLocation);
    gust_nimbus_topology_free(t);
    return TRUE;
  }
  gust_topology_free(model);
  t->status = g_strdup(initial_status);
  t->prev_status = g_strdup(initial_status);
  t->launch_time_secs = now;
  t->owner = g_strdup(json_string_value(json_object_get(t->conf, "topology.submitter.user")));
  t->num_workers_requested = (gint)gust_nimbus_conf_int(t->conf, "topology.workers", 1);
  t->topology = g_object_ref(a->topology);
  t->assignment_version = 1;
  if (t->num_workers_requested > 1)
    g_message("topology %s: topology.workers is %d; gust runs a topology in one worker", t->id,
              t->num_workers_requested);
  if (!gust_nimbus_store_save(nimbus, t, a->uploadedJarLocation, error)) {
    g_prefix_error(error, "submitTopology %s: ", name);
    gust_nimbus_topology_free(t);
    return FALSE;
  }
  g_mutex_lock(&nimbus->lock);
  g_hash_table_insert(nimbus->topologies, t->id, t);
  gust_nimbus_cluster_publish(nimbus, t);
  g_mutex_unlock(&nimbus->lock);
  g_message("topology %s submitted (%s)", t->id, initial_status);
  gust_nimbus_schedule_soon(nimbus);
  return TRUE;
}

GUST_NIMBUS_HANDLER(gust_nimbus_submit_topology)
{
  GustStormNimbusSubmitTopologyArgs *a = args;
  submission s = {a->name, a->uploadedJarLocation, a->jsonConf, a->topology};
  return submit(call, &s, "ACTIVE", result, error);
}

GUST_NIMBUS_HANDLER(gust_nimbus_submit_topology_with_opts)
{
  GustStormNimbusSubmitTopologyWithOptsArgs *a = args;
  if (!a->options) {
    gust_nimbus_set_exception(result, "ite", INVALID, "%s: SubmitOptions missing",
                              a->name ? a->name : "");
    return TRUE;
  }
  const char *status = a->options->initial_status == GUST_STORM_TOPOLOGY_INITIAL_STATUS_INACTIVE
                           ? "INACTIVE"
                           : "ACTIVE";
  submission s = {a->name, a->uploadedJarLocation, a->jsonConf, a->topology};
  return submit(call, &s, status, result, error);
}

/* ---- state changes ---- */

static void set_status(gust_nimbus_topology *t, const char *status)
{
  g_free(t->status);
  t->status = g_strdup(status);
}

static gint wait_secs(const gust_nimbus_topology *t, gboolean given, gint32 value)
{
  if (given && value >= 0) return value;
  return (gint)gust_nimbus_conf_int(t->conf, "topology.message.timeout.secs", 30);
}

/* Looks up name for a state change: the topology, locked, or NULL with
 * NotAlive set (unlocked). */
static gust_nimbus_topology *lock_topology(gust_nimbus *nimbus, const char *name, gpointer result)
{
  g_mutex_lock(&nimbus->lock);
  gust_nimbus_topology *t = gust_nimbus_find_by_name(nimbus, name);
  if (!t) {
    g_mutex_unlock(&nimbus->lock);
    gust_nimbus_set_exception(result, "e", NOT_ALIVE, "%s is not alive", name ? name : "");
  }
  return t;
}

static gboolean kill_named(const gust_nimbus_call *call, const char *name, gboolean wait_given,
                           gint32 wait, gpointer result)
{
  gust_nimbus *nimbus = call->nimbus;
  gust_nimbus_topology *t = lock_topology(nimbus, name, result);
  if (!t) return TRUE;
  if (strcmp(t->status, "KILLED")) {
    g_free(t->prev_status);
    t->prev_status = g_strdup(t->status);
  }
  set_status(t, "KILLED");
  gint secs = wait_secs(t, wait_given, wait);
  t->action_at_secs = now_secs() + secs;
  gust_nimbus_arm_action(nimbus, t);
  gust_nimbus_publish(nimbus, t);
  g_message("topology %s killed: removed in %d s", t->id, secs);
  g_mutex_unlock(&nimbus->lock);
  return TRUE;
}

GUST_NIMBUS_HANDLER(gust_nimbus_kill_topology)
{
  return kill_named(call, ((GustStormNimbusKillTopologyArgs *)args)->name, FALSE, 0, result);
}

GUST_NIMBUS_HANDLER(gust_nimbus_kill_topology_with_opts)
{
  GustStormNimbusKillTopologyWithOptsArgs *a = args;
  gboolean given = a->options && a->options->__isset_wait_secs;
  return kill_named(call, a->name, given, given ? a->options->wait_secs : 0, result);
}

static gboolean set_active(const gust_nimbus_call *call, const char *name, const char *status,
                           gpointer result, GError **error)
{
  gust_nimbus *nimbus = call->nimbus;
  gust_nimbus_topology *t = lock_topology(nimbus, name, result);
  if (!t) return TRUE;
  gboolean ok = TRUE;
  if (!strcmp(t->status, "KILLED")) {
    g_set_error(error, GUST_NIMBUS_CALL_ERROR, GUST_NIMBUS_CALL_ERROR_INTERNAL,
                "%s: topology %s is being killed (status KILLED)", call->method, name);
    ok = FALSE;
  } else if (!strcmp(t->status, "REBALANCING")) {
    g_free(t->prev_status);
    t->prev_status = g_strdup(status);
    gust_nimbus_publish(nimbus, t);
  } else if (strcmp(t->status, status)) {
    set_status(t, status);
    gust_nimbus_publish(nimbus, t);
    g_message("topology %s is now %s", t->id, status);
  }
  g_mutex_unlock(&nimbus->lock);
  return ok;
}

GUST_NIMBUS_HANDLER(gust_nimbus_activate)
{
  return set_active(call, ((GustStormNimbusActivateArgs *)args)->name, "ACTIVE", result, error);
}

GUST_NIMBUS_HANDLER(gust_nimbus_deactivate)
{
  return set_active(call, ((GustStormNimbusDeactivateArgs *)args)->name, "INACTIVE", result, error);
}

static gboolean has_component(const gust_nimbus_topology *t, const char *component)
{
  return g_hash_table_contains(t->topology->spouts, component) ||
         g_hash_table_contains(t->topology->bolts, component);
}

/* Keys a rebalance's conf overrides do not change: who submitted the
 * topology and its ZooKeeper credentials (Storm drops these too), its name
 * and id (Nimbus's own). */
static const char *const kept_conf_keys[] = {"topology.submitter.principal",
                                             "topology.submitter.user",
                                             "storm.zookeeper.superACL",
                                             "storm.zookeeper.topology.auth.scheme",
                                             "storm.zookeeper.topology.auth.payload",
                                             "topology.name",
                                             "storm.id"};

/* topology_conf_overrides as a JSON object to merge into the conf, less
 * kept_conf_keys; NULL with an InvalidTopologyException message in
 * *problem. */
static json_t *conf_overrides(const char *text, char **problem)
{
  json_t *overrides = json_object_in(text, "topology_conf_overrides", problem);
  if (!overrides) return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS(kept_conf_keys); i++)
    json_object_del(overrides, kept_conf_keys[i]);
  return checked_conf(overrides, "topology_conf_overrides", problem);
}

/* The rebalance request as JSON, or NULL with an InvalidTopologyException
 * message in *problem. */
static json_t *rebalance_request(const gust_nimbus_topology *t, GustStormRebalanceOptions *o,
                                 char **problem)
{
  json_t *request = json_object();
  json_t *executors = json_object();
  json_object_set_new(request, "num_executors", executors);
  if (o && o->__isset_num_workers) {
    if (o->num_workers <= 0) {
      *problem =
          g_strdup_printf("Number of workers must be greater than 0 (got %d)", o->num_workers);
      goto bad;
    }
    json_object_set_new(request, "num_workers", json_integer(o->num_workers));
  }
  if (o && o->__isset_num_executors && o->num_executors) {
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, o->num_executors);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
      gint32 n = *(gint32 *)value;
      if (!has_component(t, key)) {
        *problem =
            g_strdup_printf("Component '%s' does not exist in topology %s", (char *)key, t->name);
        goto bad;
      }
      if (n <= 0) {
        *problem = g_strdup_printf("Component '%s': number of executors must be greater than 0 "
                                   "(got %d)",
                                   (char *)key, n);
        goto bad;
      }
      json_object_set_new(executors, key, json_integer(n));
    }
  }
  if (o && o->__isset_topology_conf_overrides && o->topology_conf_overrides &&
      *o->topology_conf_overrides) {
    json_t *overrides = conf_overrides(o->topology_conf_overrides, problem);
    if (!overrides) goto bad;
    json_object_set_new(request, "conf_overrides", overrides);
  }
  if (o && o->__isset_topology_resources_overrides && o->topology_resources_overrides &&
      g_hash_table_size(o->topology_resources_overrides))
    g_message("topology %s: the rebalance's resource overrides (storm rebalance -r) are not "
              "applied: gust's scheduler does not place by resources",
              t->id);
  return request;
bad:
  json_decref(request);
  return NULL;
}

GUST_NIMBUS_HANDLER(gust_nimbus_rebalance)
{
  GustStormNimbusRebalanceArgs *a = args;
  gust_nimbus *nimbus = call->nimbus;
  gust_nimbus_topology *t = lock_topology(nimbus, a->name, result);
  if (!t) return TRUE;
  char *problem = NULL;
  json_t *request = NULL;
  if (!strcmp(t->status, "KILLED"))
    problem = g_strdup_printf("topology %s is being killed (status KILLED)", t->name);
  else
    request = rebalance_request(t, a->options, &problem);
  if (!request) {
    g_mutex_unlock(&nimbus->lock);
    gust_nimbus_set_exception(result, "ite", INVALID, "%s", problem);
    g_free(problem);
    return TRUE;
  }
  json_decref(t->rebalance);
  t->rebalance = request;
  if (strcmp(t->status, "REBALANCING")) {
    g_free(t->prev_status);
    t->prev_status = g_strdup(t->status);
  }
  set_status(t, "REBALANCING");
  gboolean given = a->options && a->options->__isset_wait_secs;
  gint secs = wait_secs(t, given, given ? a->options->wait_secs : 0);
  t->action_at_secs = now_secs() + secs;
  gust_nimbus_arm_action(nimbus, t);
  gust_nimbus_publish(nimbus, t);
  g_message("topology %s rebalancing in %d s", t->id, secs);
  g_mutex_unlock(&nimbus->lock);
  return TRUE;
}
