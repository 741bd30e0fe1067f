/* ui_history.c — the samples behind the web UI's charts.
 *
 * A ring of the last max_samples snapshots (the server adds one every
 * ui.gust.sample.ms) gives throughput, latency, back-pressure and queue
 * fill over time; checkpoints are recorded as they are seen to complete
 * (id, time, duration, size, alignment time since the one before) or to
 * fail (with the coordinator's reason), up to MAX_CHECKPOINTS of them, so
 * the history outlives the ring.  Server thread only.
 */
#include "ui_history.h"

#include "ui_api.h"

enum { MAX_CHECKPOINTS = 200 };

typedef struct {
  char *topology;
  uint64_t id; /* 0 for a failure */
  int64_t time_ms;
  double duration_ms, alignment_ms;
  uint64_t size;
  char *failure; /* or NULL */
} checkpoint_entry;

struct ui_history {
  GQueue samples; /* gust_ui_snapshot*, oldest first */
  guint max_samples;
  GQueue checkpoints; /* checkpoint_entry*, oldest first */
};

static void checkpoint_entry_free(gpointer p)
{
  checkpoint_entry *e = p;
  g_free(e->topology);
  g_free(e->failure);
  g_free(e);
}

ui_history *ui_history_new(guint max_samples)
{
  ui_history *h = g_new0(ui_history, 1);
  g_queue_init(&h->samples);
  g_queue_init(&h->checkpoints);
  h->max_samples = max_samples ? max_samples : 1;
  return h;
}

void ui_history_free(ui_history *h)
{
  if (!h) return;
  g_queue_clear_full(&h->samples, (GDestroyNotify)gust_ui_snapshot_unref);
  g_queue_clear_full(&h->checkpoints, checkpoint_entry_free);
  g_free(h);
}

const gust_ui_snapshot *ui_history_latest(const ui_history *h)
{
  return g_queue_peek_tail((GQueue *)&h->samples);
}

/* The longest time any task of t held inputs for alignment, in ns. */
static uint64_t max_alignment_ns(const gust_ui_topology *t)
{
  uint64_t most = 0;
  for (int i = 0; i < t->n_components; i++)
    for (int k = 0; k < t->components[i].n_tasks; k++)
      most = MAX(most, t->components[i].tasks[k].alignment_ns);
  return most;
}

static void record(ui_history *h, checkpoint_entry *e)
{
  g_queue_push_tail(&h->checkpoints, e);
  while (h->checkpoints.length > MAX_CHECKPOINTS)
    checkpoint_entry_free(g_queue_pop_head(&h->checkpoints));
}

static void record_checkpoints(ui_history *h, const gust_ui_snapshot *prev,
                               const gust_ui_snapshot *s)
{
  for (int i = 0; i < s->n_topologies; i++) {
    const gust_ui_topology *t = &s->topologies[i];
    const gust_ui_topology *p = gust_ui_snapshot_topology(prev, t->id);
    if (!t->checkpoints) continue;
    if (t->checkpoint_last_id && (!p || p->checkpoint_last_id != t->checkpoint_last_id)) {
      checkpoint_entry *e = g_new0(checkpoint_entry, 1);
      e->topology = g_strdup(t->id);
      e->id = t->checkpoint_last_id;
      e->time_ms = s->time_us / 1000;
      e->duration_ms = t->checkpoint_last_duration_us / 1e3;
      e->size = t->checkpoint_last_size;
      uint64_t before = p ? max_alignment_ns(p) : 0, now = max_alignment_ns(t);
      e->alignment_ms = now > before ? (now - before) / 1e6 : 0;
      record(h, e);
    }
    if (t->checkpoints_aborted > (p ? p->checkpoints_aborted : 0)) {
      checkpoint_entry *e = g_new0(checkpoint_entry, 1);
      e->topology = g_strdup(t->id);
      e->time_ms = s->time_us / 1000;
      e->failure =
          g_strdup(t->checkpoint_last_failure ? t->checkpoint_last_failure : "checkpoint aborted");
      record(h, e);
    }
  }
}

void ui_history_add(ui_history *h, gust_ui_snapshot *s)
{
  record_checkpoints(h, ui_history_latest(h), s);
  g_queue_push_tail(&h->samples, gust_ui_snapshot_ref(s));
  while (h->samples.length > h->max_samples)
    gust_ui_snapshot_unref(g_queue_pop_head(&h->samples));
}

static const gust_ui_component *find_component(const gust_ui_topology *t, const char *id)
{
  for (int i = 0; t && i < t->n_components; i++)
    if (strcmp(t->components[i].id, id) == 0) return &t->components[i];
  return NULL;
}

/* Totals of a component over its tasks (all time). */
static void component_totals(const gust_ui_component *c, uint64_t v[6])
{
  memset(v, 0, 6 * sizeof v[0]);
  for (int i = 0; c && i < c->n_tasks; i++) {
    v[0] += c->tasks[i].emitted;
    v[1] += c->tasks[i].acked;
    v[2] += c->tasks[i].failed;
    v[3] += c->tasks[i].executed;
    v[4] += c->tasks[i].latency_ns;
    v[5] += c->tasks[i].latency_count;
  }
}

static json_t *component_series(const ui_history *h, const char *topology,
                                const gust_ui_component *latest)
{
  json_t *emitted = json_array(), *acked = json_array(), *failed = json_array(),
         *executed = json_array(), *latency = json_array();
  uint64_t prev[6] = {0};
  gboolean have_prev = FALSE;
  for (GList *l = h->samples.head; l; l = l->next) {
    const gust_ui_topology *t = gust_ui_snapshot_topology(l->data, topology);
    uint64_t v[6];
    component_totals(find_component(t, latest->id), v);
    json_array_append_new(emitted, json_integer((json_int_t)v[0]));
    json_array_append_new(acked, json_integer((json_int_t)v[1]));
    json_array_append_new(failed, json_integer((json_int_t)v[2]));
    json_array_append_new(executed, json_integer((json_int_t)v[3]));
    /* the mean latency of what completed since the sample before */
    if (have_prev && v[5] > prev[5])
      json_array_append_new(latency, json_real((v[4] - prev[4]) / 1e6 / (double)(v[5] - prev[5])));
    else
      json_array_append_new(latency, json_null());
    memcpy(prev, v, sizeof prev);
    have_prev = TRUE;
  }
  return json_pack("{s:s, s:b, s:b, s:o, s:o, s:o, s:o, s:o}", "id", latest->id, "isSpout",
                   latest->is_spout, "isSystem", latest->is_system, "emitted", emitted, "acked",
                   acked, "failed", failed, "executed", executed, "latencyMs", latency);
}

static json_t *task_series(const ui_history *h, const char *topology,
                           const gust_ui_component *latest, int index)
{
  json_t *bp = json_array(), *fill = json_array();
  for (GList *l = h->samples.head; l; l = l->next) {
    const gust_ui_component *c =
        find_component(gust_ui_snapshot_topology(l->data, topology), latest->id);
    const gust_ui_task *t = c && index < c->n_tasks ? &c->tasks[index] : NULL;
    json_array_append_new(bp, t ? json_real(t->backpressure_ns / 1e9) : json_null());
    json_array_append_new(fill, t && t->queue_capacity
                                    ? json_real((double)t->queued_batches / t->queue_capacity)
                                    : json_null());
  }
  return json_pack("{s:s, s:i, s:o, s:o}", "component", latest->id, "task",
                   latest->tasks[index].task_id, "backpressureSeconds", bp, "queueFill", fill);
}

json_t *ui_history_topology_json(const ui_history *h, const char *id, GError **error)
{
  const gust_ui_topology *latest = ui_api_find_topology(ui_history_latest(h), id, error);
  if (!latest) return NULL;
  json_t *time = json_array(), *restarts = json_array(), *cpu = json_array();
  for (GList *l = h->samples.head; l; l = l->next) {
    const gust_ui_snapshot *s = l->data;
    const gust_ui_topology *t = gust_ui_snapshot_topology(s, id);
    json_array_append_new(time, json_integer(s->time_us / 1000));
    json_array_append_new(restarts, t ? json_integer(t->restarts) : json_null());
    json_array_append_new(cpu, json_real(s->process_cpu_seconds));
  }
  json_t *components = json_array(), *tasks = json_array(), *checkpoints = json_array();
  for (int i = 0; i < latest->n_components; i++) {
    const gust_ui_component *c = &latest->components[i];
    json_array_append_new(components, component_series(h, id, c));
    for (int k = 0; k < c->n_tasks; k++)
      json_array_append_new(tasks, task_series(h, id, c, k));
  }
  for (GList *l = h->checkpoints.head; l; l = l->next) {
    const checkpoint_entry *e = l->data;
    if (strcmp(e->topology, id) != 0) continue;
    json_t *o = json_pack("{s:I, s:I}", "id", (json_int_t)e->id, "timeMs", (json_int_t)e->time_ms);
    if (e->failure)
      json_object_set_new(o, "failure", json_string(e->failure));
    else {
      json_object_set_new(o, "durationMs", json_real(e->duration_ms));
      json_object_set_new(o, "sizeBytes", json_integer((json_int_t)e->size));
      json_object_set_new(o, "alignmentMs", json_real(e->alignment_ms));
    }
    json_array_append_new(checkpoints, o);
  }
  json_t *summary = json_pack(
      "{s:b, s:I, s:I, s:I, s:I, s:o}", "enabled", latest->checkpoints, "triggered",
      (json_int_t)latest->checkpoints_triggered, "completed",
      (json_int_t)latest->checkpoints_completed, "aborted", (json_int_t)latest->checkpoints_aborted,
      "lastCompletedId", (json_int_t)latest->checkpoint_last_id, "lastFailure",
      latest->checkpoint_last_failure ? json_string(latest->checkpoint_last_failure) : json_null());
  return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id", latest->id, "status",
                   latest->status, "timeMs", time, "restarts", restarts, "processCpuSeconds", cpu,
                   "components", components, "tasks", tasks, "checkpoints", checkpoints,
                   "checkpointSummary", summary);
}
