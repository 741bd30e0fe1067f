/* ml_child.c — a task's multilang subprocess over the task's life: the
 * part that spouts and bolts share.
 *
 * Start: a per-task pid directory, the environment (the extra entries;
 * a PATH entry is appended to the inherited PATH, as Storm does), the
 * process in the component's resources directory, and the handshake
 * written at once (what the pipe does not take stays at the head of the
 * write buffer).  Tasks open in the engine's first round of turns, so
 * every child starts with the topology, whatever its sources do.  Everything the host writes goes
 * into that buffer.  ml_child_write() puts what the pipe takes now into it and keeps the rest (a
 * bolt then waits for the reader's word that there is room, without holding a thread);
 * ml_child_flush() writes it all, waiting for room while applying what the child sends meanwhile,
 * so the two sides never wait on each other.
 *
 * Messages: the reader thread's batches are applied in order on the
 * task's turn (ml_child_pump).  pid, log, error and metrics are handled
 * here (metrics: the numbers go to the runtime's component metrics,
 * gust_runtime_component_metrics), the rest by the host
 * (ml_host_ops.apply).
 *
 * Death: end of stdout, a malformed message, a protocol violation the
 * host reports, or silence past topology.subprocess.timeout.secs (else
 * supervisor.worker.timeout.secs, else 30 s).  The process is killed if
 * needed and reaped, the death is logged (g_warning) with the component,
 * the task, how it ended and the last lines of its stderr, and counted as
 * an error; the host fails what the process held (ml_host_ops.lost); a
 * new process starts at once, or after a back-off (100 ms doubling to
 * 5 s) when processes keep dying within RESTART_RESET_NS.  If the task's
 * first process dies before answering the handshake, the component cannot
 * run at all: the task fails with that report instead.
 *
 * Before a batch is applied, the custom groupings of its emits' streams
 * are asked where they go, all at once (ask_groupings_ahead).
 *
 * Everything here runs on the task's thread.
 */
#define G_LOG_DOMAIN "gust-multilang"

#include "ml_private.h"
#include "task_log.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

enum {
  REAP_GRACE_MS = 100,
  CLOSE_GRACE_MS = 300,
  WRITE_POLL_MS = 10,
  COMPACT_AT = 1024 * 1024, /* a write buffer drops what it sent past this */
};
#define RESTART_RESET_NS (G_GINT64_CONSTANT(10) * 1000000000)
#define BACKOFF_MIN_NS (G_GINT64_CONSTANT(100) * 1000000)
#define BACKOFF_MAX_NS (G_GINT64_CONSTANT(5) * 1000000000)

static int64_t timeout_ns_of(const json_t *conf)
{
  gint secs;
  if (!gust_conf_lookup_int(conf, "topology.subprocess.timeout.secs", &secs))
    secs = gust_conf_int(conf, "supervisor.worker.timeout.secs");
  return secs * G_GINT64_CONSTANT(1000000000);
}

static char **environment(const gust_impl *impl)
{
  char **envp = g_get_environ();
  for (char **e = impl->multilang.env; e && *e; e++) {
    const char *eq = strchr(*e, '=');
    if (!eq || eq == *e) continue;
    g_autofree char *name = g_strndup(*e, (gsize)(eq - *e));
    const char *value = eq + 1;
    const char *path = g_str_equal(name, "PATH") ? g_environ_getenv(envp, "PATH") : NULL;
    g_autofree char *joined = path && *path ? g_strconcat(path, ":", value, NULL) : NULL;
    envp = g_environ_setenv(envp, name, joined ? joined : value, TRUE);
  }
  return envp;
}

static const gust_impl *impl_of(const ml_child *c)
{
  return gust_component_impl(c->comp->model);
}

/* Empties the write buffer (what was not written leaves it too). */
static void drop_written(ml_child *c)
{
  c->taken_total += c->wbuf->len - c->wbuf_sent;
  g_string_truncate(c->wbuf, 0);
  c->wbuf_sent = 0;
}

static gboolean start(ml_child *c, GError **error)
{
  const gust_impl *impl = impl_of(c);
  ml_spawn_spec spec = {
      .argv = impl->multilang.argv,
      .cwd = impl->multilang.resources_dir,
      .envp = c->envp,
      .label = c->label,
      .job = c->job,
      .task = c->engine_task,
  };
  c->proc = ml_process_spawn(&spec, error);
  if (!c->proc) {
    g_autofree char *command = g_strjoinv(" ", impl->multilang.argv);
    g_prefix_error(error, "multilang %s: cannot start [%s] in %s: ", c->label, command,
                   spec.cwd ? spec.cwd : "the current directory");
    return FALSE;
  }
  c->generation++;
  c->handshake_done = false;
  c->child_pid = ml_process_pid(c->proc);
  drop_written(c);
  g_string_append(c->wbuf, c->handshake);
  /* into the pipe now, not at the task's next turn, which a busy
   * topology may give it late: the child starts as the task opens */
  ml_child_write(c);
  if (c->ops->started) c->ops->started(c->host);
  return TRUE;
}

gboolean ml_child_init(ml_child *c, rt_component *comp, int task_index, fc_job *job,
                       int engine_task, const ml_host_ops *ops, void *host, GError **error)
{
  memset(c, 0, sizeof *c);
  c->comp = comp;
  c->task_index = task_index;
  c->ops = ops;
  c->host = host;
  c->job = job;
  c->engine_task = engine_task;
  c->label = g_strdup_printf("%s (task %d)", comp->id, comp->storm_task_ids[task_index]);
  c->timeout_ns = timeout_ns_of(comp->conf);
  c->wbuf = g_string_sized_new(64 * 1024);
  c->envp = environment(impl_of(c));
  c->pid_dir = g_dir_make_tmp("gust-pids-XXXXXX", error);
  if (!c->pid_dir) {
    g_prefix_error(error, "%s: cannot make a pid directory: ", c->label);
    return FALSE;
  }
  c->handshake = ml_handshake_text(comp, task_index, c->pid_dir);
  return start(c, error);
}

gboolean ml_child_is_up(const ml_child *c)
{
  return c->proc != NULL;
}

static void remove_pid_file(ml_child *c, int64_t pid)
{
  char name[32];
  g_snprintf(name, sizeof name, "%" G_GINT64_FORMAT, pid);
  g_autofree char *path = g_build_filename(c->pid_dir, name, NULL);
  g_unlink(path);
}

/* ---- deaths and restarts ---- */

/* The Storm task id of the child's task, for error reports. */
static int child_task(const ml_child *c)
{
  return c->out && c->out->task ? fc_task_id(c->out->task) + 1 : 0;
}

static void try_restart(ml_child *c)
{
  GError *error = NULL;
  if (start(c, &error)) return;
  rt_report_error(c->comp, child_task(c), error->message);
  int64_t delay = MIN(BACKOFF_MIN_NS << MIN(c->failures_in_a_row, 10), BACKOFF_MAX_NS);
  c->failures_in_a_row++;
  c->restart_at_ns = fc_now_ns() + delay;
  g_warning("multilang %s: %s; trying again in %.1f s", c->label, error->message, delay / 1e9);
  g_error_free(error);
}

/* The current process is dead or being killed: reap it, report, let the
 * host fail what it held, and start another (now or after a back-off). */
static void died(ml_child *c, const char *reason)
{
  ml_process *p = c->proc;
  c->proc = NULL;
  drop_written(c);
  g_autofree char *how = ml_process_reap(p, REAP_GRACE_MS);
  const char *tail = ml_process_stderr_tail(p);
  int64_t lived = fc_now_ns() - ml_process_started_ns(p);
  g_autofree char *command = g_strjoinv(" ", impl_of(c)->multilang.argv);
  g_autofree char *report = g_strdup_printf("subprocess [%s] (pid %" G_GINT64_FORMAT ") %s; it %s",
                                            command, c->child_pid, reason, how);
  g_autofree char *stderr_note = *tail ? g_strdup_printf("; last lines of its stderr:\n%s", tail)
                                       : g_strdup("; it wrote nothing on stderr");
  remove_pid_file(c, c->child_pid);
  ml_process_free(p);
  if (!c->ever_ready) {
    g_set_error(&c->fatal, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_COMPONENT,
                "multilang %s: %s before answering the handshake%s", c->label, report, stderr_note);
    return;
  }
  rt_report_error(c->comp, child_task(c), report);
  if (lived > RESTART_RESET_NS) c->failures_in_a_row = 0;
  int64_t delay = c->failures_in_a_row
                      ? MIN(BACKOFF_MIN_NS << MIN(c->failures_in_a_row - 1, 10), BACKOFF_MAX_NS)
                      : 0;
  c->failures_in_a_row++;
  g_autofree char *when = delay ? g_strdup_printf(" in %.1f s", delay / 1e9) : g_strdup("");
  g_warning("multilang %s: %s; restarting it%s%s", c->label, report, when, stderr_note);
  if (c->ops->lost) c->ops->lost(c->host);
  c->restart_at_ns = fc_now_ns() + delay;
  if (!delay && !c->closing) try_restart(c);
}

void ml_child_kill(ml_child *c, const char *reason)
{
  if (!c->proc) return;
  ml_process_kill(c->proc);
  died(c, reason);
}

int64_t ml_child_restart_delay_ns(const ml_child *c)
{
  if (c->proc || c->fatal) return 0;
  return MAX(c->restart_at_ns - fc_now_ns(), 0);
}

void ml_child_check(ml_child *c, int64_t since_ns)
{
  if (!c->proc) {
    if (!c->fatal && !c->closing && fc_now_ns() >= c->restart_at_ns) try_restart(c);
    return;
  }
  if (since_ns < 0) return;
  int64_t quiet_since = MAX(ml_process_last_output_ns(c->proc), since_ns);
  if (fc_now_ns() - quiet_since > c->timeout_ns) {
    g_autofree char *reason =
        g_strdup_printf("sent nothing for %.1f s (timeout %.1f s)",
                        (fc_now_ns() - quiet_since) / 1e9, c->timeout_ns / 1e9);
    ml_child_kill(c, reason);
  }
}

/* ---- applying messages ---- */

static void log_message(ml_child *c, const ml_msg *m)
{
  static const GLogLevelFlags levels[] = {G_LOG_LEVEL_DEBUG, G_LOG_LEVEL_DEBUG, G_LOG_LEVEL_INFO,
                                          G_LOG_LEVEL_WARNING, G_LOG_LEVEL_WARNING};
  static const char *const names[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"};
  rt_task_log_here(levels[m->level], c->comp->id, c->comp->storm_task_ids[c->task_index],
                   "ShellLog pid:%" G_GINT64_FORMAT ", name:%s %s%s%s", c->child_pid, c->comp->id,
                   m->level >= 3 ? names[m->level] : "", m->level >= 3 ? " " : "",
                   m->text ? m->text : "");
}

/* An emit must carry as many values as its stream declares fields.
 * Storm's TupleImpl refuses it ("Tuple created with wrong number of
 * fields"), and the ShellBolt or ShellSpout dies with that error; here the
 * tuple is not forwarded and the process is killed and restarted, its
 * held tuples failed.  An undeclared stream is the collector's to report. */
static gboolean fields_match(ml_child *c, const ml_msg *m, GError **error)
{
  const rt_stream *s = rt_stream_of(c->comp, m->stream);
  if (!s || s->n_fields == m->n_values) return TRUE;
  g_autofree char *declared = s->n_fields ? g_strjoinv(", ", s->fields) : g_strdup("none");
  g_set_error(error, GUST_RUNTIME_ERROR, GUST_RUNTIME_ERROR_FAILED,
              "emitted %u values on stream '%s' (declared fields: %s): Tuple created with wrong "
              "number of fields. Expected %u fields but got %u fields",
              m->n_values, s->name, declared, s->n_fields, m->n_values);
  return FALSE;
}

/* A "metrics" command: {"command": "metrics", "name": ..., "params": ...}
 * (Storm's ShellBolt hands params to the IShellMetric registered under
 * name; here the numbers in params are the metric's value). */
static void keep_metrics(ml_child *c, const char *name, const ml_raw *params)
{
  if (!params->text || params->is_string) {
    g_debug("%s: metric '%s' has no number in its params: skipped", c->label, name);
    return;
  }
  json_t *v = json_loadb(params->text, params->len, JSON_DECODE_ANY, NULL);
  rt_report_metric(c->out, name, v);
  json_decref(v);
}

/* FALSE + error: a protocol violation (the process is killed). */
static gboolean apply(ml_child *c, const ml_msg *m, GError **error)
{
  switch (m->kind) {
  case ML_MSG_PID:
    if (c->handshake_done) return TRUE;
    c->handshake_done = c->ever_ready = true;
    if (m->pid > 0 && m->pid != c->child_pid)
      g_debug("%s: the subprocess says its pid is %" G_GINT64_FORMAT
              " (started as %" G_GINT64_FORMAT ")",
              c->label, m->pid, c->child_pid);
    g_info("%s: launched subprocess with pid %" G_GINT64_FORMAT, c->label, c->child_pid);
    return TRUE;
  case ML_MSG_LOG:
    log_message(c, m);
    return TRUE;
  case ML_MSG_ERROR:
    gust_report_error(c->out, "Shell Process Exception: %s", m->text ? m->text : "");
    return TRUE;
  case ML_MSG_METRICS:
    keep_metrics(c, m->text, &m->id);
    return TRUE;
  case ML_MSG_EMIT:
    if (!fields_match(c, m, error)) return FALSE;
    return c->ops->apply(c->host, m, error);
  default:
    return c->ops->apply(c->host, m, error);
  }
}

/* A custom-grouped component's batch: its emits' groupings asked in one
 * round trip per grouping before the emits are applied (jvm_grouping.c). */
static void ask_groupings_ahead(ml_child *c, const ml_batch *b)
{
  if (G_LIKELY(!c->comp->custom_out) || !c->out) return;
  g_autofree const rt_stream **streams = g_new(const rt_stream *, MAX(b->n_msgs, 1));
  g_autofree const fc_value **values = g_new(const fc_value *, MAX(b->n_msgs, 1));
  g_autofree uint32_t *n_values = g_new(uint32_t, MAX(b->n_msgs, 1));
  size_t n = 0;
  for (guint i = 0; i < b->n_msgs; i++) {
    const ml_msg *m = &b->msgs[i];
    if (m->kind != ML_MSG_EMIT || m->direct) continue;
    const rt_stream *s =
        m->stream ? g_hash_table_lookup(c->comp->streams, m->stream) : c->comp->default_stream;
    if (!s) continue;
    streams[n] = s;
    values[n] = m->values;
    n_values[n++] = m->n_values;
  }
  if (n > 1) rt_custom_groupings_ask_ahead(c->out, streams, values, n_values, n);
}

gboolean ml_child_pump(ml_child *c, GError **error)
{
  if (!c->proc) ml_child_check(c, -1);
  if (c->proc) {
    GQueue batches = G_QUEUE_INIT;
    ml_process_take(c->proc, &batches);
    unsigned generation = c->generation;
    ml_batch *b;
    while ((b = g_queue_pop_head(&batches))) {
      ask_groupings_ahead(c, b);
      for (guint i = 0; i < b->n_msgs && c->generation == generation && c->proc; i++) {
        GError *violation = NULL;
        if (!apply(c, &b->msgs[i], &violation)) {
          ml_child_kill(c, violation->message);
          g_error_free(violation);
        }
      }
      if (c->out) rt_custom_groupings_forget_ahead(c->out);
      if (c->generation == generation && c->proc) {
        if (b->end == ML_END_EOF)
          died(c, "closed its output");
        else if (b->end == ML_END_PROTOCOL)
          ml_child_kill(c, b->error);
      }
      if (c->generation == generation && c->proc && b->end == ML_END_NONE)
        ml_process_recycle(c->proc, b);
      else
        ml_batch_free(b);
    }
  }
  if (c->fatal) {
    g_propagate_error(error, g_error_copy(c->fatal));
    return FALSE;
  }
  return TRUE;
}

/* ---- writing ---- */

size_t ml_child_write(ml_child *c)
{
  if (!c->proc) {
    drop_written(c);
    return 0;
  }
  while (c->wbuf_sent < c->wbuf->len) {
    gssize n = ml_process_write(c->proc, c->wbuf->str + c->wbuf_sent, c->wbuf->len - c->wbuf_sent);
    if (n < 0) { /* its stdin is gone: the end of its stdout tells why */
      drop_written(c);
      return 0;
    }
    if (n == 0) break; /* full */
    c->wbuf_sent += (size_t)n;
    c->taken_total += (uint64_t)n;
  }
  size_t left = c->wbuf->len - c->wbuf_sent;
  if (!left)
    drop_written(c);
  else if (c->wbuf_sent >= COMPACT_AT && c->wbuf_sent * 2 >= c->wbuf->len) {
    g_string_erase(c->wbuf, 0, (gssize)c->wbuf_sent);
    c->wbuf_sent = 0;
  }
  return left;
}

gboolean ml_child_flush(ml_child *c, GError **error)
{
  unsigned generation = c->generation;
  int64_t progress_ns = fc_now_ns();
  uint64_t taken = c->taken_total;
  while (c->proc && ml_child_write(c) > 0) {
    if (c->taken_total != taken) {
      taken = c->taken_total;
      progress_ns = fc_now_ns();
    }
    ml_process_wait_writable(c->proc, WRITE_POLL_MS);
    if (!ml_child_pump(c, error)) return FALSE;
    if (c->generation != generation) { /* restarted meanwhile: its own buffer */
      generation = c->generation;
      progress_ns = fc_now_ns();
      continue;
    }
    if (c->proc) ml_child_check(c, progress_ns);
  }
  return TRUE;
}

gboolean ml_child_wait_until(ml_child *c, gboolean (*done)(void *host), int64_t deadline_ns,
                             GError **error)
{
  for (;;) {
    if (!ml_child_pump(c, error)) return FALSE;
    gboolean finished = done(c->host); /* may queue more to write */
    if (!ml_child_flush(c, error)) return FALSE;
    int64_t now = fc_now_ns();
    if (finished || !c->proc || now >= deadline_ns) return TRUE;
    ml_process_wait(c->proc, MIN(deadline_ns, now + 100 * 1000000));
    ml_child_check(c, 0);
  }
}

/* ---- the end ---- */

static void remove_dir(const char *dir)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  if (d) {
    const char *name;
    while ((name = g_dir_read_name(d))) {
      g_autofree char *path = g_build_filename(dir, name, NULL);
      g_unlink(path);
    }
    g_dir_close(d);
  }
  g_rmdir(dir);
}

void ml_child_clear(ml_child *c)
{
  c->closing = true;
  if (c->label) g_debug("%s: stopping its subprocess", c->label);
  if (c->proc) {
    g_free(ml_process_reap(c->proc, CLOSE_GRACE_MS));
    remove_pid_file(c, c->child_pid);
    ml_process_free(c->proc);
    c->proc = NULL;
  }
  if (c->pid_dir) remove_dir(c->pid_dir);
  g_free(c->pid_dir);
  g_free(c->handshake);
  g_strfreev(c->envp);
  g_free(c->label);
  if (c->wbuf) g_string_free(c->wbuf, TRUE);
  g_clear_error(&c->fatal);
}
