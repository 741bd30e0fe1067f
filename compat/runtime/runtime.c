/* runtime.c — translating a Storm topology into an engine job, and the
 * runtime's life (see gust/runtime.h).
 *
 * Translation: components in Storm's task-id order (sorted ids) become
 * vertices with one subtask per Storm task; every declared stream gets a
 * number; every subscription becomes an edge filtered on that stream with
 * the grouping's partitioner (shuffle -> round-robin, fields/partial-key ->
 * hash of the grouping fields, all -> broadcast, global -> subtask 0 (the
 * lowest task id), none -> random, direct -> direct, local-or-shuffle ->
 * local, custom -> the emitting task asks the grouping's Java instance,
 * jvm_grouping.c).  In acker mode an __acker vertex takes every component's ack
 * stream, hashed on the root id.
 *
 * Reliability: "acker" is Storm's algorithm (an __acker vertex).
 * "checkpoint" (the default) has no ackers: the engine checkpoints every
 * topology.gust.checkpoint.interval.ms (default 1000) and spouts ack what
 * a completed checkpoint covers (see spout_host.c).  Either way
 * topology.acker.executors 0 turns tracking off: spouts are acked at emit.
 * Checkpoint settings: topology.gust.checkpoint.dir (none: in memory),
 * topology.gust.checkpoint.mode ("at_least_once", the default, or
 * "exactly_once": aligned barriers), the timeout being
 * topology.message.timeout.secs, and
 * topology.gust.checkpoint.final.attempts (default 3): how many times a
 * stop tries its final checkpoint before it fails (spout_host.c).  The
 * job records the topology's name in its checkpoints and never deletes
 * the one it resumed from (restore.c).
 */
#include "runtime_private.h"
#include "task_log.h"

#include <gmodule.h>
#include <stdio.h>
#include <string.h>

/* The domain name is stringified as written: keep the formatter away. */
/* clang-format off */
G_DEFINE_QUARK(gust-runtime-error-quark, gust_runtime_error)
/* clang-format on */

typedef struct {
  guint *indexes;
  guint n;
} fields_key;

/* A fields grouping's key: with one field, exactly fc_value_hash() of its
 * value, which is also the key group keyed state files it under (so that
 * a restore with another parallelism finds each key's state where its
 * tuples go). */
static uint64_t fields_key_hash(const fc_record *rec, void *data)
{
  const fields_key *k = data;
  if (k->n == 1)
    return k->indexes[0] < rec->n_values ? fc_value_hash(&rec->values[k->indexes[0]]) : 0;
  uint64_t h = 0x51ed27;
  for (guint i = 0; i < k->n; i++)
    if (k->indexes[i] < rec->n_values)
      h = h * 0x100000001b3ULL ^ fc_value_hash(&rec->values[k->indexes[i]]);
  return h;
}

static uint64_t ack_root_hash(const fc_record *rec, void *data)
{
  return rec->n_values > 1 ? (uint64_t)rec->values[1].u.i * 0x9e3779b97f4a7c15ULL : 0;
}

static void library_close(gpointer module)
{
  g_module_close(module);
}

static void fields_key_free(gpointer p)
{
  fields_key *k = p;
  g_free(k->indexes);
  g_free(k);
}

static void stream_free(gpointer p)
{
  rt_stream *s = p;
  g_free(s->name);
  g_strfreev(s->fields);
  g_free(s);
}

static rt_stream *add_stream(gust_runtime *rt, rt_component *comp, const char *name,
                             const char *const *fields, bool direct)
{
  rt_stream *s = g_new0(rt_stream, 1);
  s->id = rt->streams->len;
  s->comp = comp;
  s->name = g_strdup(name);
  s->fields = g_strdupv((char **)fields);
  s->n_fields = s->fields ? g_strv_length(s->fields) : 0;
  if (!s->fields) s->fields = g_new0(char *, 1);
  s->direct = direct;
  g_ptr_array_add(rt->streams, s);
  if (comp) {
    g_hash_table_insert(comp->streams, s->name, s);
    if (!strcmp(s->name, GUST_DEFAULT_STREAM)) comp->default_stream = s;
  }
  return s;
}

/* Reads a conf the topology's validation accepted (gust/conf.h). */
static void choose_reliability(gust_runtime *rt)
{
  const char *mode = gust_conf_string(rt->conf, "topology.gust.reliability");
  rt->n_ackers = gust_conf_int(rt->conf, "topology.acker.executors");
  if (rt->n_ackers == 0)
    rt->reliability = RELIABILITY_NONE;
  else if (!strcmp(mode, "acker"))
    rt->reliability = RELIABILITY_ACKER;
  else
    rt->reliability = RELIABILITY_CHECKPOINT;
  rt->timeout_ns =
      gust_conf_int(rt->conf, "topology.message.timeout.secs") * G_GINT64_CONSTANT(1000000000);
  rt->early_checkpoint = gust_conf_bool(rt->conf, "topology.gust.checkpoint.at.max.pending");
}

/* Engine checkpoint settings from the topology conf.  Strings in opts
 * point into rt->conf, which outlives the job's creation. */
static gboolean checkpoint_options(gust_runtime *rt, fc_job_options *opts, GError **error)
{
  rt->final_checkpoint_attempts =
      gust_conf_int(rt->conf, "topology.gust.checkpoint.final.attempts");
  if (rt->reliability != RELIABILITY_CHECKPOINT) return TRUE;
  const char *mode = gust_conf_string(rt->conf, "topology.gust.checkpoint.mode");
  opts->checkpoint_interval_ms = gust_conf_int(rt->conf, "topology.gust.checkpoint.interval.ms");
  opts->checkpoint_mode =
      !strcmp(mode, "exactly_once") ? FC_CHECKPOINT_ALIGNED : FC_CHECKPOINT_AT_LEAST_ONCE;
  opts->checkpoint_dir = gust_conf_string(rt->conf, "topology.gust.checkpoint.dir");
  opts->checkpoint_timeout_ms = (int)MIN(rt->timeout_ns / 1000000, G_MAXINT);
  opts->checkpoint_keep_id = rt->restored_from;
  return TRUE;
}

static gboolean setup_component(gust_runtime *rt, rt_component *c, gust_component *model,
                                GError **error)
{
  c->rt = rt;
  c->model = model;
  c->id = gust_component_id(model);
  c->is_spout = gust_component_get_kind(model) == GUST_COMPONENT_SPOUT;
  c->streams = g_hash_table_new(g_str_hash, g_str_equal);
  c->conf = json_deep_copy(rt->conf);
  json_object_update(c->conf, gust_component_conf(model));
  c->n_tasks = gust_topology_component_tasks(rt->topology, model);
  if (!gust_conf_lookup_int(c->conf, "topology.tick.tuple.freq.secs", &c->tick_secs))
    c->tick_secs = 0;
  gint max_pending;
  c->max_pending =
      gust_conf_lookup_int(c->conf, "topology.max.spout.pending", &max_pending) ? max_pending : 0;
  c->debug = gust_conf_bool(c->conf, "topology.debug");
  if (c->n_tasks < 1) {
    g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_CONFIG,
                "component '%s' has %d tasks: gust needs at least one", c->id, c->n_tasks);
    return FALSE;
  }
  return rt_resolve_component(rt, c, error);
}

static fc_edge_spec grouping_edge(gust_runtime *rt, const rt_stream *s, const gust_grouping *g,
                                  int consumer_tasks)
{
  fc_edge_spec spec = {.stream = s->id};
  switch (gust_grouping_get_kind(g)) {
  case GUST_GROUPING_SHUFFLE:
    spec.partitioner = FC_PART_SHUFFLE;
    break;
  case GUST_GROUPING_FIELDS:
  case GUST_GROUPING_PARTIAL_KEY: {
    guint n = 0;
    const char *const *fields = gust_grouping_fields(g, &n);
    fields_key *k = g_new0(fields_key, 1);
    k->indexes = g_new0(guint, n ? n : 1);
    for (guint i = 0; i < n; i++)
      for (guint j = 0; j < s->n_fields; j++)
        if (!strcmp(s->fields[j], fields[i])) k->indexes[k->n++] = j;
    g_ptr_array_add(rt->key_data, k);
    /* key groups: a key keeps its task's state across a change of parallelism */
    spec.partitioner = !n                                      ? FC_PART_GLOBAL
                       : consumer_tasks <= FC_STATE_KEY_GROUPS ? FC_PART_KEY_GROUPS
                                                               : FC_PART_HASH;
    spec.key = fields_key_hash;
    spec.key_data = k;
    break;
  }
  case GUST_GROUPING_ALL:
    spec.partitioner = FC_PART_BROADCAST;
    break;
  case GUST_GROUPING_GLOBAL:
    spec.partitioner = FC_PART_GLOBAL;
    break;
  case GUST_GROUPING_NONE:
    spec.partitioner = FC_PART_RANDOM;
    break;
  case GUST_GROUPING_DIRECT:
    spec.partitioner = FC_PART_DIRECT;
    break;
  case GUST_GROUPING_LOCAL_OR_SHUFFLE:
  default:
    spec.partitioner = FC_PART_LOCAL;
    break;
  }
  return spec;
}

static fc_graph *build_graph(gust_runtime *rt)
{
  fc_graph *g = fc_graph_new();
  for (guint i = 0; i < rt->n_comps; i++) {
    rt_component *c = &rt->comps[i];
    gust_impl_kind kind = gust_component_impl(c->model)->kind;
    const fc_operator *op = c->is_spout                   ? &rt_spout_operator
                            : kind == GUST_IMPL_MULTILANG ? &rt_multilang_bolt_operator
                            : kind == GUST_IMPL_JVM       ? &rt_jvm_bolt_operator
                                                          : &rt_bolt_operator;
    c->vertex = fc_graph_add_vertex(g, c->id, c->n_tasks, op, c, NULL);
    c->first_task = fc_graph_task_id(g, c->vertex, 0);
  }
  for (guint i = 0; i < rt->n_comps; i++) {
    rt_component *c = &rt->comps[i];
    for (guint k = 0; k < gust_component_n_inputs(c->model); k++) {
      const gust_input *in = gust_component_input(c->model, k);
      rt_component *src = g_hash_table_lookup(rt->comp_by_id, gust_input_source(in));
      const rt_stream *s = rt_stream_of(src, gust_input_stream(in));
      rt_stream *subscribed = g_ptr_array_index(rt->streams, s->id);
      subscribed->subscribed = true;
      fc_edge_spec spec = gust_grouping_get_kind(gust_input_grouping(in)) == GUST_GROUPING_CUSTOM
                              ? rt_custom_grouping_edge(rt, c, in)
                              : grouping_edge(rt, s, gust_input_grouping(in), c->n_tasks);
      fc_graph_add_edge(g, src->vertex, c->vertex, &spec);
    }
  }
  rt_jvm_local_setup(rt);
  if (rt->reliability == RELIABILITY_ACKER) {
    rt->acker_vertex =
        fc_graph_add_vertex(g, "__acker", rt->n_ackers, &rt_acker_operator, rt, NULL);
    rt->acker_first_task = fc_graph_task_id(g, rt->acker_vertex, 0);
    fc_edge_spec spec = {
        .partitioner = FC_PART_HASH, .stream = rt->ack_stream, .key = ack_root_hash};
    for (guint i = 0; i < rt->n_comps; i++)
      fc_graph_add_edge(g, rt->comps[i].vertex, rt->acker_vertex, &spec);
  }
  return g;
}

/* Storm keys set in the topology or a component conf that gust does not
 * read: said once, in one line, at start. */
static void log_unhonoured_keys(const gust_topology *topology)
{
  json_t *all = json_copy(gust_topology_conf(topology));
  if (!all) all = json_object();
  guint n = gust_topology_n_components(topology);
  for (guint i = 0; i < n; i++)
    json_object_update(all, gust_component_conf(gust_topology_component(topology, i)));
  g_autofree char *keys = gust_conf_unhonoured_keys(all);
  json_decref(all);
  if (keys)
    g_message("topology %s: Storm settings gust does not honour (ignored): %s",
              gust_topology_name(topology), keys);
}

gust_runtime *gust_runtime_new(gust_topology *topology, const gust_runtime_options *options,
                               GError **error)
{
  g_autofree const char **ids = NULL;
  gust_runtime *rt = g_new0(gust_runtime, 1);
  rt->topology = topology;
  rt->conf = json_deep_copy(gust_topology_conf(topology));
  if (!rt->conf) rt->conf = json_object();
  /* Keyed state's working directories (RocksDB): decided here, once, so
   * tasks need not ask GLib for the temporary directory from many threads. */
  if (!gust_conf_string(rt->conf, "topology.gust.state.dir")) {
    g_autofree char *state_dir = g_build_filename(g_get_tmp_dir(), "gust-state", NULL);
    json_object_set_new(rt->conf, "topology.gust.state.dir", json_string(state_dir));
  }
  rt->base_dir = g_strdup(options && options->base_dir ? options->base_dir : ".");
  rt->native_path = g_strdup(options ? options->native_path : NULL);
  rt->jvm_socket = g_strdup(options ? options->jvm_socket : NULL);
  if (rt->jvm_socket) rt->jvm_boundary = rt_jvm_boundary_new();
  if (options) {
    rt->native_lookup = options->native_lookup;
    rt->native_lookup_data = options->native_lookup_data;
    rt->allow_non_restored_state = options->allow_non_restored_state;
    rt->port = options->worker_port;
  }
  rt->host = g_strdup(options && options->worker_host ? options->worker_host : g_get_host_name());
  pthread_mutex_init(&rt->stats_lock, NULL);
  pthread_mutex_init(&rt->metrics_lock, NULL);
  rt->streams = g_ptr_array_new_with_free_func(stream_free);
  rt->comp_by_id = g_hash_table_new(g_str_hash, g_str_equal);
  rt->libraries = g_ptr_array_new_with_free_func(library_close);
  rt->key_data = g_ptr_array_new_with_free_func(fields_key_free);
  pthread_mutex_init(&rt->lock, NULL);
  pthread_cond_init(&rt->cond, NULL);
  /* the conf first, before anything is sized by it; native components'
   * streams are checked once they are declared, below */
  if (!gust_topology_validate_with_flags(topology, GUST_VALIDATE_SKIP_NATIVE_STREAMS, error))
    goto fail;
  log_unhonoured_keys(topology);
  choose_reliability(rt);

  ids = gust_topology_component_ids_sorted(topology);
  rt->n_comps = gust_topology_n_components(topology);
  rt->comps = g_new0(rt_component, rt->n_comps);
  for (guint i = 0; i < rt->n_comps; i++) {
    gust_component *model = gust_topology_lookup(topology, ids[i]);
    if (!setup_component(rt, &rt->comps[i], model, error)) goto fail;
    g_hash_table_insert(rt->comp_by_id, (gpointer)rt->comps[i].id, &rt->comps[i]);
  }
  if (!gust_topology_validate(topology, error)) goto fail;

  const char *const tick_fields[] = {"rate_secs", NULL};
  rt->tick_stream = add_stream(rt, NULL, "__tick", tick_fields, false);
  const char *const ack_fields[] = {"kind", "id", "val", "task", NULL};
  rt->ack_stream = add_stream(rt, NULL, "__ack", ack_fields, false)->id;
  for (guint i = 0; i < rt->n_comps; i++) {
    rt_component *c = &rt->comps[i];
    for (guint k = 0; k < gust_component_n_streams(c->model); k++) {
      const gust_stream *s = gust_component_stream(c->model, k);
      add_stream(rt, c, gust_stream_id(s), gust_stream_fields(s), gust_stream_is_direct(s));
    }
  }
  rt_stats_setup(rt);
  if (!rt_custom_groupings_setup(rt, error)) goto fail;

  rt->threads = options ? options->threads : 0;
  rt->restarts_left = gust_conf_int(rt->conf, "topology.gust.restart.attempts");
  rt->restart_delay_ms = gust_conf_int(rt->conf, "topology.gust.restart.delay.ms");
  const char *dir = gust_conf_string(rt->conf, "topology.gust.checkpoint.dir");
  if (rt->reliability == RELIABILITY_CHECKPOINT && dir &&
      gust_conf_bool(rt->conf, "topology.gust.checkpoint.resume")) {
    if (!rt_restore_from_directory(rt, dir, error)) goto fail;
    if (rt->restored_from)
      g_message("topology %s resumes from checkpoint %" G_GUINT64_FORMAT " in %s",
                gust_topology_name(topology), rt->restored_from, dir);
  }
  if (!rt_make_job(rt, error)) goto fail;
  return rt;

fail:
  gust_runtime_free(rt);
  return NULL;
}

/* Builds the engine job (again, after a failure) from the translated
 * topology; the hosts find what to resume from in the components. */
gboolean rt_make_job(gust_runtime *rt, GError **error)
{
  fc_graph *g = build_graph(rt);
  rt->n_tasks = 0;
  for (int v = 0; v < fc_graph_n_vertices(g); v++)
    rt->n_tasks += fc_graph_parallelism(g, v);
  g_free(rt->comp_of_task);
  rt->comp_of_task = g_new0(rt_component *, rt->n_tasks);
  for (guint i = 0; i < rt->n_comps; i++) {
    rt_component *c = &rt->comps[i];
    g_free(c->storm_task_ids);
    c->storm_task_ids = g_new(int, c->n_tasks);
    for (int t = 0; t < c->n_tasks; t++) {
      c->storm_task_ids[t] = rt_storm_task(rt, c->first_task + t);
      g_assert(c->storm_task_ids[t] == c->first_storm_task + t); /* stats.c relies on it */
      rt->comp_of_task[c->first_task + t] = c;
    }
  }
  /* A loop ends once its spouts have finished (their messages settled), dropping what
   * still circulates in it, as Storm's kill drops what is in flight (README, cycles). */
  fc_job_options opts = {
      .threads = rt->threads, .name = gust_topology_name(rt->topology), .loops_drop_at_end = true};
  if (!checkpoint_options(rt, &opts, error)) {
    fc_graph_free(g);
    return FALSE;
  }
  rt->job = fc_job_new(g, &opts, error);
  return rt->job != NULL;
}

void gust_runtime_free(gust_runtime *rt)
{
  if (!rt) return;
  rt_job_watcher_stop(rt);
  fc_job_free(rt->job); /* closes the components before their code is unloaded */
  rt_restore_clear(rt);
  rt_stats_clear(rt);
  rt_custom_groupings_free(rt);
  for (guint i = 0; i < rt->n_comps; i++) {
    rt_component *c = &rt->comps[i];
    if (c->streams) g_hash_table_destroy(c->streams);
    json_decref(c->conf);
    g_free(c->storm_task_ids);
  }
  g_free(rt->comps);
  g_free(rt->comp_of_task);
  g_ptr_array_free(rt->streams, TRUE);
  g_hash_table_destroy(rt->comp_by_id);
  g_ptr_array_free(rt->key_data, TRUE);
  g_ptr_array_free(rt->libraries, TRUE);
  json_decref(rt->conf);
  g_free(rt->base_dir);
  g_free(rt->native_path);
  g_free(rt->jvm_socket);
  rt_jvm_boundary_free(rt->jvm_boundary);
  if (rt->failure) g_error_free(rt->failure);
  g_free(rt->host);
  pthread_mutex_destroy(&rt->stats_lock);
  rt_component_metrics_clear(rt);
  pthread_mutex_destroy(&rt->metrics_lock);
  pthread_mutex_destroy(&rt->lock);
  pthread_cond_destroy(&rt->cond);
  g_free(rt);
}

/* One component's totals from its tasks' counters (relaxed loads). */
static void sum_component(const rt_component *c, uint64_t *totals)
{
  for (int t = 0; t < c->n_tasks; t++)
    for (int slot = 0; slot < c->n_slots; slot++)
      for (int x = 0; x < RT_STAT_N; x++)
        totals[x] +=
            atomic_load_explicit(&c->task_counters[t][slot * RT_STAT_N + x], memory_order_relaxed);
}

guint gust_runtime_summary(gust_runtime *rt, gust_component_summary **summary)
{
  gust_component_summary *s = g_new0(gust_component_summary, rt->n_comps ? rt->n_comps : 1);
  for (guint i = 0; i < rt->n_comps; i++) {
    rt_component *c = &rt->comps[i];
    uint64_t v[RT_STAT_N] = {0};
    sum_component(c, v);
    /* spouts: complete latency; bolts: execute latency, else (multilang
     * bolts without samples) process latency */
    int lat = c->is_spout            ? RT_STAT_COMPLETE_NS
              : v[RT_STAT_EXECUTE_N] ? RT_STAT_EXECUTE_NS
                                     : RT_STAT_PROCESS_NS;
    s[i] = (gust_component_summary){
        .component = c->id,
        .is_spout = c->is_spout,
        .tasks = c->n_tasks,
        .errors = atomic_load(&c->errors),
        .emitted = v[RT_STAT_EMITTED],
        .acked = v[RT_STAT_ACKED],
        .failed = v[RT_STAT_FAILED],
        .executed = v[RT_STAT_EXECUTED],
        .latency_ms = v[lat + 1] ? v[lat] / 1e6 / (double)v[lat + 1] : 0,
    };
  }
  *summary = s;
  return rt->n_comps;
}

const int *gust_runtime_component_tasks(gust_runtime *rt, const char *component, size_t *n)
{
  rt_component *c = g_hash_table_lookup(rt->comp_by_id, component);
  if (!c) {
    *n = 0;
    return NULL;
  }
  *n = (size_t)c->n_tasks;
  return c->storm_task_ids;
}

void gust_runtime_log_tasks(gust_runtime *rt, GLogLevelFlags level)
{
  pthread_mutex_lock(&rt->lock);
  for (int i = 0; rt->job && i < fc_job_n_tasks(rt->job); i++) {
    fc_task_metrics m;
    fc_job_task_metrics(rt->job, i, &m);
    const rt_component *c = rt->comp_of_task[i];
    rt_task_log_here(level, c ? c->id : "__acker", i + 1,
                     "task %d %s: in %" G_GUINT64_FORMAT " out %" G_GUINT64_FORMAT
                     " queued %u/%u batches (%" G_GUINT64_FORMAT " records) back-pressured %.3f s",
                     i + 1, fc_job_task_name(rt->job, i), m.records_in, m.records_out,
                     m.queued_batches, m.queue_capacity, m.queued_records, m.backpressure_ns / 1e9);
  }
  pthread_mutex_unlock(&rt->lock);
}
