/* ui_prometheus.c — /metrics from a snapshot.
 *
 * Each metric family is written whole (HELP, TYPE, then every sample) by
 * walking the snapshot once per family.  Latencies are histograms in
 * seconds over the runtime's fixed ladder (gust_latency_bucket_secs);
 * _count is the sum of the buckets read, so +Inf and _count agree even
 * though the counters move while they are read. */
#include "ui_prometheus.h"

typedef enum { PER_TASK_SPOUT, PER_TASK_BOLT, PER_TASK_ANY } task_filter;

typedef double (*task_value)(const gust_ui_component *c, const gust_ui_task *t);

static void append_escaped(GString *out, const char *value)
{
  for (const char *p = value; *p; p++) {
    if (*p == '\\' || *p == '"')
      g_string_append_c(out, '\\'), g_string_append_c(out, *p);
    else if (*p == '\n')
      g_string_append(out, "\\n");
    else
      g_string_append_c(out, *p);
  }
}

static void header(GString *out, const char *name, const char *type, const char *help)
{
  g_string_append_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void task_labels(GString *out, const gust_ui_topology *t, const gust_ui_component *c,
                        const gust_ui_task *task)
{
  g_string_append(out, "{topology=\"");
  append_escaped(out, t->name);
  g_string_append(out, "\",component=\"");
  append_escaped(out, c->id);
  g_string_append_printf(out, "\",task=\"%d\"", task->task_id);
}

static void append_number(GString *out, double v)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append(out, g_ascii_dtostr(text, sizeof text, v));
}

static gboolean wanted(const gust_ui_component *c, task_filter f)
{
  return f == PER_TASK_ANY || (f == PER_TASK_SPOUT) == (c->is_spout != FALSE);
}

static void per_task(GString *out, const gust_ui_snapshot *s, const char *name, const char *type,
                     const char *help, task_filter f, task_value value)
{
  header(out, name, type, help);
  for (int i = 0; i < s->n_topologies; i++) {
    const gust_ui_topology *t = &s->topologies[i];
    for (int k = 0; k < t->n_components; k++) {
      const gust_ui_component *c = &t->components[k];
      if (!wanted(c, f)) continue;
      for (int j = 0; j < c->n_tasks; j++) {
        g_string_append(out, name);
        task_labels(out, t, c, &c->tasks[j]);
        g_string_append(out, "} ");
        append_number(out, value(c, &c->tasks[j]));
        g_string_append_c(out, '\n');
      }
    }
  }
}

/* A bucket bound as people write it: "0.00025", "10" (no binary noise). */
static void append_bound(GString *out, double v)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd(text, sizeof text, "%.6f", v);
  char *end = text + strlen(text);
  while (end[-1] == '0')
    *--end = '\0';
  if (end[-1] == '.') end[-1] = '\0';
  g_string_append(out, text);
}

/* Bucket lines of one histogram: cumulative counts per le, then +Inf. */
static void histogram_buckets(GString *out, const char *name, const gust_ui_topology *t,
                              const gust_ui_component *c, const gust_ui_task *task,
                              const gust_latency_histogram *h, uint64_t *count)
{
  uint64_t cumulative = 0;
  for (int b = 0; b < GUST_LATENCY_BUCKETS; b++) {
    cumulative += h->counts[b];
    g_string_append_printf(out, "%s_bucket", name);
    task_labels(out, t, c, task);
    g_string_append(out, ",le=\"");
    append_bound(out, gust_latency_bucket_secs[b]);
    g_string_append_printf(out, "\"} %" G_GUINT64_FORMAT "\n", cumulative);
  }
  *count = cumulative + h->counts[GUST_LATENCY_BUCKETS];
}

/* A histogram per task of kind.  A source without buckets (a cluster's
 * heartbeats) gives the +Inf bucket only, from the sum and count of the
 * task's own kind (spouts: complete, bolts: execute). */
static void latency_histogram(GString *out, const gust_ui_snapshot *s, const char *name,
                              const char *help, task_filter f, gust_latency_kind kind)
{
  header(out, name, "histogram", help);
  for (int i = 0; i < s->n_topologies; i++) {
    const gust_ui_topology *t = &s->topologies[i];
    for (int k = 0; k < t->n_components; k++) {
      const gust_ui_component *c = &t->components[k];
      if (!wanted(c, f) || c->is_system) continue;
      for (int j = 0; j < c->n_tasks; j++) {
        const gust_ui_task *task = &c->tasks[j];
        uint64_t count = task->latency_count;
        double sum_secs = task->latency_ns / 1e9;
        if (task->has_latency_histograms) {
          const gust_latency_histogram *h = &task->latencies[kind];
          histogram_buckets(out, name, t, c, task, h, &count);
          sum_secs = h->sum_ns / 1e9;
        } else if (kind == GUST_LATENCY_PROCESS)
          continue; /* not known without buckets */
        g_string_append_printf(out, "%s_bucket", name);
        task_labels(out, t, c, task);
        g_string_append_printf(out, ",le=\"+Inf\"} %" G_GUINT64_FORMAT "\n%s_sum", count, name);
        task_labels(out, t, c, task);
        g_string_append(out, "} ");
        append_number(out, sum_secs);
        g_string_append_printf(out, "\n%s_count", name);
        task_labels(out, t, c, task);
        g_string_append_printf(out, "} %" G_GUINT64_FORMAT "\n", count);
      }
    }
  }
}

static double emitted(const gust_ui_component *c, const gust_ui_task *t)
{
  return t->emitted;
}
static double acked(const gust_ui_component *c, const gust_ui_task *t)
{
  return t->acked;
}
static double failed(const gust_ui_component *c, const gust_ui_task *t)
{
  return t->failed;
}
static double executed(const gust_ui_component *c, const gust_ui_task *t)
{
  return t->executed;
}
static double records_in(const gust_ui_component *c, const gust_ui_task *t)
{
  return t->records_in;
}
static double busy(const gust_ui_component *c, const gust_ui_task *t)
{
  return t->busy_ns / 1e9;
}
static double backpressure(const gust_ui_component *c, const gust_ui_task *t)
{
  return t->backpressure_ns / 1e9;
}
static double alignment(const gust_ui_component *c, const gust_ui_task *t)
{
  return t->alignment_ns / 1e9;
}
static double queued(const gust_ui_component *c, const gust_ui_task *t)
{
  return t->queued_records;
}
static double queue_fill(const gust_ui_component *c, const gust_ui_task *t)
{
  return t->queue_capacity ? (double)t->queued_batches / t->queue_capacity : 0;
}

typedef double (*topology_value)(const gust_ui_topology *t);

static void per_topology(GString *out, const gust_ui_snapshot *s, const char *name,
                         const char *type, const char *help, gboolean checkpoints_only,
                         topology_value value)
{
  header(out, name, type, help);
  for (int i = 0; i < s->n_topologies; i++) {
    const gust_ui_topology *t = &s->topologies[i];
    if (checkpoints_only && !t->checkpoints) continue;
    g_string_append_printf(out, "%s{topology=\"", name);
    append_escaped(out, t->name);
    g_string_append(out, "\"} ");
    append_number(out, value(t));
    g_string_append_c(out, '\n');
  }
}

static double restarts(const gust_ui_topology *t)
{
  return t->restarts;
}
static double ck_completed(const gust_ui_topology *t)
{
  return t->checkpoints_completed;
}
static double ck_aborted(const gust_ui_topology *t)
{
  return t->checkpoints_aborted;
}
static double ck_triggered(const gust_ui_topology *t)
{
  return t->checkpoints_triggered;
}
static double ck_duration(const gust_ui_topology *t)
{
  return t->checkpoint_last_duration_us / 1e6;
}
static double ck_size(const gust_ui_topology *t)
{
  return t->checkpoint_last_size;
}
static double ck_id(const gust_ui_topology *t)
{
  return t->checkpoint_last_id;
}

static void kafka_lag(GString *out, const gust_ui_snapshot *s)
{
  header(out, "gust_kafka_consumer_lag_records", "gauge",
         "Records between a Kafka spout's committed offset and the partition's head.");
  for (int i = 0; i < s->n_topologies; i++) {
    const gust_ui_topology *t = &s->topologies[i];
    for (guint k = 0; k < t->lag->len; k++) {
      const gust_ui_partition_lag *l = g_ptr_array_index(t->lag, k);
      if (l->head < 0 || l->committed < 0) continue;
      g_string_append(out, "gust_kafka_consumer_lag_records{topology=\"");
      append_escaped(out, t->name);
      g_string_append(out, "\",component=\"");
      append_escaped(out, l->spout);
      g_string_append(out, "\",topic=\"");
      append_escaped(out, l->topic);
      g_string_append_printf(out, "\",partition=\"%d\"} %" G_GINT64_FORMAT "\n", l->partition,
                             l->head - l->committed);
    }
  }
}

static void component_metrics(GString *out, const gust_ui_snapshot *s)
{
  header(out, "gust_component_metric", "gauge",
         "The last value a component reported for a metric of its own (multilang metrics, "
         "Java IMetric).");
  for (int i = 0; i < s->n_topologies; i++) {
    const gust_ui_topology *t = &s->topologies[i];
    for (guint k = 0; k < t->component_metrics->len; k++) {
      const gust_ui_component_metric *m = g_ptr_array_index(t->component_metrics, k);
      g_string_append(out, "gust_component_metric{topology=\"");
      append_escaped(out, t->name);
      g_string_append(out, "\",component=\"");
      append_escaped(out, m->component);
      g_string_append_printf(out, "\",task=\"%d\",name=\"", m->task_id);
      append_escaped(out, m->name);
      if (m->key) {
        g_string_append(out, "\",key=\"");
        append_escaped(out, m->key);
      }
      g_string_append(out, "\"} ");
      append_number(out, m->value);
      g_string_append_c(out, '\n');
    }
  }
}

char *ui_prometheus_render(const gust_ui_snapshot *s)
{
  GString *out = g_string_sized_new(8192);
  per_task(out, s, "gust_tuples_emitted_total", "counter", "Tuples a task emitted.", PER_TASK_ANY,
           emitted);
  per_task(out, s, "gust_tuples_acked_total", "counter", "Tuples a task acked.", PER_TASK_ANY,
           acked);
  per_task(out, s, "gust_tuples_failed_total", "counter", "Tuples a task failed.", PER_TASK_ANY,
           failed);
  per_task(out, s, "gust_tuples_executed_total", "counter", "Tuples a bolt task executed.",
           PER_TASK_BOLT, executed);
  per_task(out, s, "gust_task_records_received_total", "counter",
           "Records that reached a task's input channels.", PER_TASK_ANY, records_in);
  latency_histogram(out, s, "gust_complete_latency_seconds", "Spout emit to tuple tree completed.",
                    PER_TASK_SPOUT, GUST_LATENCY_COMPLETE);
  latency_histogram(out, s, "gust_execute_latency_seconds", "Time in a bolt's execute.",
                    PER_TASK_BOLT, GUST_LATENCY_EXECUTE);
  latency_histogram(out, s, "gust_process_latency_seconds",
                    "A bolt's tuple from its arrival to its ack.", PER_TASK_BOLT,
                    GUST_LATENCY_PROCESS);
  per_task(out, s, "gust_task_busy_seconds_total", "counter", "Time a task spent in its turns.",
           PER_TASK_ANY, busy);
  per_task(out, s, "gust_task_backpressure_seconds_total", "counter",
           "Time a task waited on a full output (back-pressure).", PER_TASK_ANY, backpressure);
  per_task(out, s, "gust_task_queued_records", "gauge",
           "Records waiting in a task's input channels.", PER_TASK_ANY, queued);
  per_task(out, s, "gust_task_queue_fill_ratio", "gauge",
           "Share of a task's input channel capacity in use (0 to 1).", PER_TASK_ANY, queue_fill);
  per_task(out, s, "gust_checkpoint_alignment_seconds_total", "counter",
           "Time a task held inputs to align checkpoint barriers.", PER_TASK_ANY, alignment);
  per_topology(out, s, "gust_checkpoints_triggered_total", "counter", "Checkpoints started.", TRUE,
               ck_triggered);
  per_topology(out, s, "gust_checkpoints_completed_total", "counter", "Checkpoints completed.",
               TRUE, ck_completed);
  per_topology(out, s, "gust_checkpoints_aborted_total", "counter",
               "Checkpoints aborted (timed out or not written).", TRUE, ck_aborted);
  per_topology(out, s, "gust_checkpoint_last_duration_seconds", "gauge",
               "The last completed checkpoint: trigger to last acknowledgement.", TRUE,
               ck_duration);
  per_topology(out, s, "gust_checkpoint_last_size_bytes", "gauge",
               "The last completed checkpoint's snapshot bytes.", TRUE, ck_size);
  per_topology(out, s, "gust_checkpoint_last_id", "gauge", "The last completed checkpoint's id.",
               TRUE, ck_id);
  per_topology(out, s, "gust_topology_restarts_total", "counter", "Restarts after a task failed.",
               FALSE, restarts);
  kafka_lag(out, s);
  component_metrics(out, s);
  header(out, "process_cpu_seconds_total", "counter", "User and system CPU time of the process.");
  g_string_append(out, "process_cpu_seconds_total ");
  append_number(out, s->process_cpu_seconds);
  g_string_append_c(out, '\n');
  header(out, "process_resident_memory_bytes", "gauge", "Resident set size.");
  g_string_append_printf(out, "process_resident_memory_bytes %" G_GUINT64_FORMAT "\n",
                         s->process_rss_bytes);
  header(out, "process_start_time_seconds", "gauge", "Start time of the process since the epoch.");
  g_string_append(out, "process_start_time_seconds ");
  append_number(out, s->process_start_time);
  g_string_append_c(out, '\n');
  return g_string_free(out, FALSE);
}
