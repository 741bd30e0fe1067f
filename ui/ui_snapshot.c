/* ui_snapshot.c — the snapshot a data source hands the UI server:
 * reference-counted, immutable once handed over (the server's thread and
 * its request handlers only read it), freed with its last reference. */
#include <gust/ui.h>

#include <sys/resource.h>
#include <unistd.h>

/* clang-format off */
G_DEFINE_QUARK(gust-ui-error-quark, gust_ui_error)
/* clang-format on */

const char *const gust_ui_window_names[GUST_UI_N_WINDOWS] = {"600", "10800", "86400", ":all-time"};

gust_ui_stream *gust_ui_task_alloc_streams(gust_ui_task *task, int n_streams)
{
  task->n_streams = n_streams;
  task->streams = g_new0(gust_ui_stream, n_streams ? n_streams : 1);
  return task->streams;
}

static void task_clear(gust_ui_task *t)
{
  for (int i = 0; i < t->n_streams; i++) {
    g_free(t->streams[i].component);
    g_free(t->streams[i].stream);
  }
  g_free(t->streams);
}

gust_ui_snapshot *gust_ui_snapshot_new(int n_topologies)
{
  gust_ui_snapshot *s = g_new0(gust_ui_snapshot, 1);
  s->ref = 1;
  s->time_us = g_get_real_time();
  s->n_topologies = n_topologies;
  s->topologies = g_new0(gust_ui_topology, n_topologies ? n_topologies : 1);
  for (int i = 0; i < n_topologies; i++) {
    s->topologies[i].lag = g_ptr_array_new();
    s->topologies[i].component_metrics = g_ptr_array_new();
  }
  return s;
}

gust_ui_snapshot *gust_ui_snapshot_ref(gust_ui_snapshot *s)
{
  g_atomic_int_inc(&s->ref);
  return s;
}

static void error_info_free(gpointer p)
{
  gust_ui_error_info *e = p;
  g_free(e->message);
  g_free(e->host);
  g_free(e);
}

static void input_free(gpointer p)
{
  gust_ui_input *in = p;
  g_free(in->component);
  g_free(in->stream);
  g_free(in->grouping);
  g_free(in);
}

static void component_metric_free(gpointer p)
{
  gust_ui_component_metric *m = p;
  g_free(m->component);
  g_free(m->name);
  g_free(m->key);
  g_free(m);
}

static void lag_free(gpointer p)
{
  gust_ui_partition_lag *l = p;
  g_free(l->spout);
  g_free(l->topic);
  g_free(l);
}

void gust_ui_topology_alloc_components(gust_ui_topology *t, int n_components)
{
  t->n_components = n_components;
  t->components = g_new0(gust_ui_component, n_components ? n_components : 1);
  for (int i = 0; i < n_components; i++) {
    t->components[i].inputs = g_ptr_array_new_with_free_func(input_free);
    t->components[i].streams = g_ptr_array_new_with_free_func(g_free);
    t->components[i].errors = g_ptr_array_new_with_free_func(error_info_free);
  }
}

static void topology_clear(gust_ui_topology *t)
{
  for (int i = 0; i < t->n_components; i++) {
    gust_ui_component *c = &t->components[i];
    g_free(c->id);
    g_free(c->lag_error);
    for (int k = 0; k < c->n_tasks; k++)
      task_clear(&c->tasks[k]);
    g_free(c->tasks);
    g_ptr_array_unref(c->inputs);
    g_ptr_array_unref(c->streams);
    g_ptr_array_unref(c->errors);
  }
  g_free(t->components);
  g_free(t->id);
  g_free(t->name);
  g_free(t->status);
  g_free(t->checkpoint_last_failure);
  json_decref(t->conf);
  g_ptr_array_set_free_func(t->lag, lag_free);
  g_ptr_array_unref(t->lag);
  g_ptr_array_set_free_func(t->component_metrics, component_metric_free);
  g_ptr_array_unref(t->component_metrics);
}

static void supervisor_free(gust_ui_supervisor *sup)
{
  g_free(sup->id);
  g_free(sup->host);
  g_free(sup->version);
  g_free(sup);
}

static void nimbus_free(gust_ui_nimbus *n)
{
  g_free(n->host);
  g_free(n->version);
  g_free(n);
}

gust_ui_cluster *gust_ui_cluster_new(void)
{
  gust_ui_cluster *c = g_new0(gust_ui_cluster, 1);
  c->supervisors = g_ptr_array_new_with_free_func((GDestroyNotify)supervisor_free);
  c->nimbuses = g_ptr_array_new_with_free_func((GDestroyNotify)nimbus_free);
  return c;
}

static void cluster_free(gust_ui_cluster *c)
{
  if (!c) return;
  g_ptr_array_unref(c->supervisors);
  g_ptr_array_unref(c->nimbuses);
  g_free(c);
}

void gust_ui_snapshot_unref(gust_ui_snapshot *s)
{
  if (!s || !g_atomic_int_dec_and_test(&s->ref)) return;
  for (int i = 0; i < s->n_topologies; i++)
    topology_clear(&s->topologies[i]);
  g_free(s->topologies);
  cluster_free(s->cluster);
  g_free(s->host);
  g_free(s->source_error);
  g_free(s);
}

const gust_ui_topology *gust_ui_snapshot_topology(const gust_ui_snapshot *s, const char *id)
{
  for (int i = 0; s && i < s->n_topologies; i++)
    if (g_strcmp0(s->topologies[i].id, id) == 0) return &s->topologies[i];
  return NULL;
}

/* The process start time, from /proc/self/stat (field 22, clock ticks
 * after boot) and /proc/stat's btime; 0 when either cannot be read. */
static double process_start_time(void)
{
  g_autofree char *stat = NULL, *boot = NULL;
  if (!g_file_get_contents("/proc/self/stat", &stat, NULL, NULL) ||
      !g_file_get_contents("/proc/stat", &boot, NULL, NULL))
    return 0;
  const char *p = strrchr(stat, ')'); /* the command name may hold spaces */
  const char *b = strstr(boot, "\nbtime ");
  if (!p || !b) return 0;
  g_auto(GStrv) fields = g_strsplit(p + 2, " ", 0);
  if (g_strv_length(fields) < 20) return 0;
  /* after ")": field 3 is fields[0], so field 22 is fields[19] */
  double ticks = g_ascii_strtod(fields[19], NULL);
  return g_ascii_strtod(b + 7, NULL) + ticks / (double)sysconf(_SC_CLK_TCK);
}

void gust_ui_snapshot_fill_process(gust_ui_snapshot *s)
{
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) == 0)
    s->process_cpu_seconds =
        ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  g_autofree char *statm = NULL;
  if (g_file_get_contents("/proc/self/statm", &statm, NULL, NULL)) {
    unsigned long size = 0, resident = 0;
    if (sscanf(statm, "%lu %lu", &size, &resident) == 2)
      s->process_rss_bytes = (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
  }
  s->process_start_time = process_start_time();
  if (!s->host) s->host = g_strdup(g_get_host_name());
}
