/* test_checkpoint.c — checkpoint barriers and the coordinator.
 *
 * Most tests run a diamond: two numbered sources feed branch A (shuffle)
 * and branch B (hash); both feed a join (hash) that has no outputs.
 *
 *   src[0..1] --shuffle--> A[0..1] --hash--\
 *            \--hash-----> B[0..1] --hash--> join[0..1]
 *
 * Every record says which source made it.  Each snapshot writes what the
 * task has seen: a source how many records it emitted, A, B and the join a
 * count per source.  In aligned mode a checkpoint is exact when, for every
 * source s, the A counts add up to what s had emitted, the B counts too,
 * and the join counts to twice that (each record reaches it via A and B).
 *
 * Each task logs, on its own thread, the checkpoint events it saw; the test
 * reads the logs after fc_job_free() (which joins the threads), and only
 * atomics while the job runs.
 */
#include "fc_test_ops.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdatomic.h>
#include <string.h>

#define LOG_DOMAIN "gust-flinkcore"

enum { SOURCES = 2, PAR = 2, N_TASKS = 4 * PAR };
enum { V_SRC, V_A, V_B, V_JOIN };

typedef struct {
  char kind; /* 's' snapshot, 'c' complete, 'a' aborted */
  uint64_t id;
} ckpt_event;

typedef struct {
  GArray *events; /* ckpt_event; the task's thread only */
  _Atomic uint64_t last_complete, last_abort;
  _Atomic int finished;
} task_log;

typedef struct {
  task_log log[N_TASKS];
  int64_t source_limit[SOURCES]; /* -1: endless */
  int branch_b_delay_us;
  int fail_snapshot_task;   /* this task's snapshot() fails; -1: none */
  atomic_int sink_stuck;    /* set by the test: the join blocks in process() */
  atomic_int sink_is_stuck; /* set by the join once it blocks */
  int defer_join_ms;        /* > 0: the join puts each snapshot off for this long */
  atomic_int deferrals;
  atomic_int records_while_waiting; /* must stay 0 */
} world;

typedef struct {
  world *w;
  int64_t emitted;
  uint64_t counts[SOURCES];
  uint64_t deferred_for, ready_for; /* defer_join_ms: the checkpoint put off, and let go */
  bool waiting;                     /* a snapshot is put off */
} op_state;

static world *world_new(void)
{
  world *w = g_new0(world, 1);
  for (int i = 0; i < N_TASKS; i++)
    w->log[i].events = g_array_new(FALSE, FALSE, sizeof(ckpt_event));
  for (int s = 0; s < SOURCES; s++)
    w->source_limit[s] = -1;
  w->fail_snapshot_task = -1;
  return w;
}

static void world_free(world *w)
{
  for (int i = 0; i < N_TASKS; i++)
    g_array_free(w->log[i].events, TRUE);
  g_free(w);
}

static void log_event(fc_task *t, op_state *s, char kind, uint64_t id)
{
  ckpt_event e = {kind, id};
  g_array_append_val(s->w->log[fc_task_id(t)].events, e);
}

/* ---- operators ---- */

static gboolean op_open(fc_task *t, void *data, void **state, GError **error)
{
  op_state *s = g_new0(op_state, 1);
  s->w = data;
  *state = s;
  return TRUE;
}

static void op_close(fc_task *t, void *state)
{
  g_free(state);
}

static fc_produce_result numbered_produce(fc_task *t, void *state, GError **error)
{
  op_state *s = state;
  int64_t limit = s->w->source_limit[fc_task_subtask(t)];
  if (limit >= 0 && s->emitted >= limit) return FC_PRODUCE_END;
  fc_value v[2] = {fc_i64(fc_task_id(t)), fc_i64(s->emitted++)};
  fc_record rec = {.n_values = 2, .values = v};
  fc_task_emit(t, &rec, NULL, 0);
  return FC_PRODUCE_MORE;
}

static gboolean counting_process(fc_task *t, void *state, const fc_record *rec, GError **error)
{
  op_state *s = state;
  int64_t source = rec->values[0].u.i;
  if (s->waiting) atomic_fetch_add(&s->w->records_while_waiting, 1);
  g_assert_cmpint(source, >=, 0);
  g_assert_cmpint(source, <, SOURCES);
  s->counts[source]++;
  int v = fc_task_vertex(t);
  if (v == V_B && s->w->branch_b_delay_us > 0) g_usleep(s->w->branch_b_delay_us);
  if (v == V_JOIN) {
    while (atomic_load(&s->w->sink_stuck)) {
      atomic_store(&s->w->sink_is_stuck, 1);
      g_usleep(1000);
    }
  } else {
    fc_task_emit(t, rec, NULL, 0);
  }
  return TRUE;
}

static gboolean op_snapshot(fc_task *t, void *state, uint64_t id, fc_snapshot *out, GError **error)
{
  op_state *s = state;
  g_assert_cmpuint(fc_snapshot_checkpoint_id(out), ==, id);
  if (s->w->defer_join_ms && fc_task_vertex(t) == V_JOIN && s->ready_for != id) {
    if (s->deferred_for != id) { /* a timer lets it go */
      s->deferred_for = id;
      fc_task_timer_add(t, (uint32_t)s->w->defer_join_ms, FALSE);
      atomic_fetch_add(&s->w->deferrals, 1);
    }
    fc_task_snapshot_later(t);
    s->waiting = true;
    return TRUE;
  }
  s->waiting = false;
  log_event(t, s, 's', id);
  if (fc_task_id(t) == s->w->fail_snapshot_task) {
    g_set_error(error, g_quark_from_static_string("test"), 1, "cannot save my state");
    return FALSE;
  }
  if (fc_task_vertex(t) == V_SRC) {
    uint64_t emitted = (uint64_t)s->emitted;
    fc_snapshot_write(out, &emitted, sizeof emitted);
  } else {
    fc_snapshot_write(out, s->counts, sizeof s->counts);
  }
  return TRUE;
}

static gboolean op_timer(fc_task *t, void *state, uint32_t timer_id, GError **error)
{
  op_state *s = state;
  s->ready_for = s->deferred_for;
  return TRUE;
}

static void op_complete(fc_task *t, void *state, uint64_t id)
{
  op_state *s = state;
  log_event(t, s, 'c', id);
  atomic_store(&s->w->log[fc_task_id(t)].last_complete, id);
}

static void op_aborted(fc_task *t, void *state, uint64_t id)
{
  op_state *s = state;
  log_event(t, s, 'a', id);
  atomic_store(&s->w->log[fc_task_id(t)].last_abort, id);
}

static gboolean op_finish(fc_task *t, void *state, GError **error)
{
  op_state *s = state;
  atomic_store(&s->w->log[fc_task_id(t)].finished, 1);
  return TRUE;
}

static const fc_operator source_op = {
    .open = op_open,
    .produce = numbered_produce,
    .finish = op_finish,
    .close = op_close,
    .snapshot = op_snapshot,
    .checkpoint_complete = op_complete,
    .checkpoint_aborted = op_aborted,
};

static const fc_operator counting_op = {
    .open = op_open,
    .process = counting_process,
    .timer = op_timer,
    .finish = op_finish,
    .close = op_close,
    .snapshot = op_snapshot,
    .checkpoint_complete = op_complete,
    .checkpoint_aborted = op_aborted,
};

static uint64_t second_value_key(const fc_record *rec, void *unused)
{
  return fc_value_hash(&rec->values[1]);
}

static fc_job *diamond_job(world *w, fc_job_options opts)
{
  fc_graph *g = fc_graph_new();
  int src = fc_graph_add_vertex(g, "src", PAR, &source_op, w, NULL);
  int a = fc_graph_add_vertex(g, "A", PAR, &counting_op, w, NULL);
  int b = fc_graph_add_vertex(g, "B", PAR, &counting_op, w, NULL);
  int join = fc_graph_add_vertex(g, "join", PAR, &counting_op, w, NULL);
  fc_edge_spec shuffle = {.partitioner = FC_PART_SHUFFLE, .stream = -1};
  fc_edge_spec hash = {.partitioner = FC_PART_HASH, .stream = -1, .key = second_value_key};
  fc_graph_add_edge(g, src, a, &shuffle);
  fc_graph_add_edge(g, src, b, &hash);
  fc_graph_add_edge(g, a, join, &hash);
  fc_graph_add_edge(g, b, join, &hash);
  if (!opts.threads) opts.threads = 2;
  if (!opts.batch_records) opts.batch_records = 32;
  GError *error = NULL;
  fc_job *job = fc_job_new(g, &opts, &error);
  g_assert_no_error(error);
  g_assert_cmpint(fc_job_n_tasks(job), ==, N_TASKS);
  return job;
}

static void drain_and_free(fc_job *job)
{
  fc_job_drain(job);
  GError *error = NULL;
  g_assert_true(fc_job_wait(job, 120000, &error));
  g_assert_no_error(error);
  fc_job_free(job);
}

/* Polls until n checkpoints completed; returns the last id.  The most
 * checkpoints seen in flight at once goes to *max_in_flight (may be NULL). */
static uint64_t wait_for_completed_in_flight(fc_job *job, uint64_t n, uint32_t *max_in_flight)
{
  fc_checkpoint_metrics m;
  int64_t give_up = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
  uint32_t most = 0;
  do {
    g_usleep(1000);
    fc_job_checkpoint_metrics(job, &m);
    most = MAX(most, m.n_in_flight);
  } while (m.n_completed < n && g_get_monotonic_time() < give_up);
  if (max_in_flight) *max_in_flight = most;
  g_assert_cmpuint(m.n_completed, >=, n);
  return m.last_completed_id;
}

static uint64_t wait_for_completed(fc_job *job, uint64_t n)
{
  return wait_for_completed_in_flight(job, n, NULL);
}

/* The state of task in checkpoint id, as n u64 values. */
static void read_state(fc_job *job, uint64_t id, int task, uint64_t *out, size_t n)
{
  GError *error = NULL;
  GBytes *state = fc_job_checkpoint_task_state(job, id, task, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(g_bytes_get_size(state), ==, n * sizeof(uint64_t));
  memcpy(out, g_bytes_get_data(state, NULL), n * sizeof(uint64_t));
  g_bytes_unref(state);
}

typedef struct {
  uint64_t emitted[SOURCES];
  uint64_t a[SOURCES], b[SOURCES], join[SOURCES];
} totals;

static totals checkpoint_totals(fc_job *job, uint64_t id)
{
  totals tot = {0};
  for (int p = 0; p < PAR; p++) {
    read_state(job, id, V_SRC * PAR + p, &tot.emitted[p], 1);
    uint64_t c[SOURCES];
    read_state(job, id, V_A * PAR + p, c, SOURCES);
    for (int s = 0; s < SOURCES; s++)
      tot.a[s] += c[s];
    read_state(job, id, V_B * PAR + p, c, SOURCES);
    for (int s = 0; s < SOURCES; s++)
      tot.b[s] += c[s];
    read_state(job, id, V_JOIN * PAR + p, c, SOURCES);
    for (int s = 0; s < SOURCES; s++)
      tot.join[s] += c[s];
  }
  return tot;
}

/* Snapshot ids a task logged, in order. */
static GArray *snapshot_ids(const world *w, int task)
{
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(uint64_t));
  const GArray *ev = w->log[task].events;
  for (guint i = 0; i < ev->len; i++) {
    const ckpt_event *e = &g_array_index(ev, ckpt_event, i);
    if (e->kind == 's') g_array_append_val(ids, e->id);
  }
  return ids;
}

/* ---- tests ---- */

/* Every checkpoint first..last is exact; the last one is not trivially so
 * (an early one may come before the sources emitted anything). */
static void check_aligned_checkpoints(fc_job *job, uint64_t first, uint64_t last)
{
  for (uint64_t id = first; id <= last; id++) {
    totals tot = checkpoint_totals(job, id);
    for (int s = 0; s < SOURCES; s++) {
      if (id == last) g_assert_cmpuint(tot.emitted[s], >, 0);
      g_assert_cmpuint(tot.a[s], ==, tot.emitted[s]);
      g_assert_cmpuint(tot.b[s], ==, tot.emitted[s]);
      g_assert_cmpuint(tot.join[s], ==, 2 * tot.emitted[s]);
    }
  }
}

/* Every task snapshotted once per checkpoint, in order, none missing: ids
 * 1, 2, 3, ... up to at least last. */
static void assert_each_task_snapshotted_once_per_checkpoint(world *w, uint64_t last)
{
  for (int t = 0; t < N_TASKS; t++) {
    GArray *ids = snapshot_ids(w, t);
    g_assert_cmpuint(ids->len, >=, last);
    for (guint i = 0; i < ids->len; i++)
      g_assert_cmpuint(g_array_index(ids, uint64_t, i), ==, i + 1);
    g_array_free(ids, TRUE);
  }
}

static void run_diamond_every_task_snapshots_once(fc_checkpoint_mode mode, int max_concurrent)
{
  world *w = world_new();
  w->branch_b_delay_us = max_concurrent > 1 ? 20 : 0; /* let checkpoints overlap */
  fc_job *job =
      diamond_job(w, (fc_job_options){.checkpoint_interval_ms = max_concurrent > 1 ? 3 : 10,
                                      .checkpoint_mode = mode,
                                      .checkpoint_max_concurrent = max_concurrent,
                                      .checkpoint_retention = 1000});
  fc_job_start(job);
  uint32_t most = 0;
  uint64_t last = wait_for_completed_in_flight(job, 6, &most);
  fc_checkpoint_metrics m;
  fc_job_checkpoint_metrics(job, &m);
  g_assert_cmpuint(m.n_aborted, ==, 0);
  g_test_message("at most %u checkpoints in flight at once (limit %d)", most, max_concurrent);
  g_assert_cmpuint(most, <=, (uint32_t)max_concurrent);
  if (max_concurrent > 1) g_assert_cmpuint(most, >, 1); /* they did overlap */
  if (mode == FC_CHECKPOINT_ALIGNED) check_aligned_checkpoints(job, 1, last);
  drain_and_free(job);

  assert_each_task_snapshotted_once_per_checkpoint(w, last);
  world_free(w);
}

/* The join puts every snapshot off until a timer fires: the barrier waits,
 * the join processes no record meanwhile (not even in at-least-once mode,
 * where nothing else holds its inputs), the checkpoints stay exact
 * (aligned), and each task still snapshots once per checkpoint. */
static void run_snapshots_put_off(fc_checkpoint_mode mode)
{
  world *w = world_new();
  w->defer_join_ms = 3;
  fc_job *job = diamond_job(w, (fc_job_options){.threads = 1,
                                                .checkpoint_interval_ms = 10,
                                                .checkpoint_mode = mode,
                                                .checkpoint_retention = 1000});
  fc_job_start(job);
  uint64_t last = wait_for_completed(job, 6);
  fc_checkpoint_metrics m;
  fc_job_checkpoint_metrics(job, &m);
  g_assert_cmpuint(m.n_aborted, ==, 0);
  if (mode == FC_CHECKPOINT_ALIGNED) check_aligned_checkpoints(job, 1, last);
  drain_and_free(job);
  g_test_message("%d snapshots put off", atomic_load(&w->deferrals));
  g_assert_cmpint(atomic_load(&w->deferrals), >=, (int)(last * PAR));
  g_assert_cmpint(atomic_load(&w->records_while_waiting), ==, 0);
  assert_each_task_snapshotted_once_per_checkpoint(w, last);
  world_free(w);
}

static void test_a_snapshot_put_off_waits_without_letting_records_in(void)
{
  run_snapshots_put_off(FC_CHECKPOINT_ALIGNED);
  run_snapshots_put_off(FC_CHECKPOINT_AT_LEAST_ONCE);
}

static void test_barriers_flow_through_a_diamond_and_every_task_snapshots_once(void)
{
  run_diamond_every_task_snapshots_once(FC_CHECKPOINT_ALIGNED, 1);
}

static void test_concurrent_aligned_checkpoints_each_snapshot_once(void)
{
  run_diamond_every_task_snapshots_once(FC_CHECKPOINT_ALIGNED, 3);
}

static void test_concurrent_at_least_once_checkpoints_each_snapshot_once(void)
{
  run_diamond_every_task_snapshots_once(FC_CHECKPOINT_AT_LEAST_ONCE, 3);
}

static void test_aligned_snapshot_holds_exactly_the_records_before_the_barrier(void)
{
  world *w = world_new();
  w->branch_b_delay_us = 20; /* B lags: the join must hold A's input while it aligns */
  fc_job *job =
      diamond_job(w, (fc_job_options){.checkpoint_interval_ms = 20, .checkpoint_retention = 100});
  fc_job_start(job);
  uint64_t last = wait_for_completed(job, 6);
  fc_checkpoint_metrics m;
  fc_job_checkpoint_metrics(job, &m);
  g_assert_cmpuint(m.n_aborted, ==, 0);
  check_aligned_checkpoints(job, 1, last);
  totals tot = checkpoint_totals(job, last);
  g_test_message("checkpoint %" G_GUINT64_FORMAT ": %" G_GUINT64_FORMAT " + %" G_GUINT64_FORMAT
                 " records emitted, %" G_GUINT64_FORMAT " bytes, %" G_GINT64_FORMAT " us",
                 last, tot.emitted[0], tot.emitted[1], m.last_size, m.last_duration_us);
  g_assert_cmpuint(m.last_size, ==, 2 * 8 + 6 * 16);
  /* The join did hold its fast input while B caught up. */
  uint64_t held_ns = 0;
  for (int p = 0; p < PAR; p++) {
    fc_task_metrics tm;
    fc_job_task_metrics(job, V_JOIN * PAR + p, &tm);
    held_ns += tm.alignment_ns;
  }
  g_test_message("join inputs held for alignment: %.2f ms", held_ns / 1e6);
  g_assert_cmpuint(held_ns, >, 0);
  drain_and_free(job);
  world_free(w);
}

static void test_at_least_once_checkpoints_complete_with_a_slow_branch(void)
{
  world *w = world_new();
  w->branch_b_delay_us = 50;
  fc_job *job = diamond_job(w, (fc_job_options){.checkpoint_interval_ms = 20,
                                                .checkpoint_mode = FC_CHECKPOINT_AT_LEAST_ONCE,
                                                .checkpoint_retention = 100});
  fc_job_start(job);
  uint64_t last = wait_for_completed(job, 5);
  int ahead = 0;
  for (uint64_t id = 1; id <= last; id++) {
    totals tot = checkpoint_totals(job, id);
    for (int s = 0; s < SOURCES; s++) {
      /* Without alignment a task may have counted records from after the
       * barrier on its faster inputs, never fewer than those before it. */
      g_assert_cmpuint(tot.a[s], >=, tot.emitted[s]);
      g_assert_cmpuint(tot.b[s], >=, tot.emitted[s]);
      g_assert_cmpuint(tot.join[s], >=, 2 * tot.emitted[s]);
      ahead += tot.join[s] > 2 * tot.emitted[s];
    }
  }
  g_test_message("%d of %d join totals included records after the barrier", ahead,
                 (int)(last * SOURCES));
  for (int t = 0; t < N_TASKS; t++) {
    fc_task_metrics tm;
    fc_job_task_metrics(job, t, &tm);
    g_assert_cmpuint(tm.alignment_ns, ==, 0); /* nothing is ever held */
  }
  fc_checkpoint_info *info = fc_job_checkpoint_latest(job);
  g_assert_nonnull(info);
  g_assert_cmpint(info->mode, ==, FC_CHECKPOINT_AT_LEAST_ONCE);
  fc_checkpoint_info_free(info);
  drain_and_free(job);
  world_free(w);
}

static char *make_temp_dir(void)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp("gust-ckpt-XXXXXX", &error);
  g_assert_no_error(error);
  return dir;
}

static void remove_tree(const char *path)
{
  GDir *d = g_dir_open(path, 0, NULL);
  if (d) {
    const char *name;
    while ((name = g_dir_read_name(d))) {
      g_autofree char *child = g_build_filename(path, name, NULL);
      if (g_file_test(child, G_FILE_TEST_IS_DIR) && !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
        remove_tree(child);
      else
        g_unlink(child);
    }
    g_dir_close(d);
  }
  g_rmdir(path);
}

static int compare_names(gconstpointer a, gconstpointer b)
{
  return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in dir, joined with spaces. */
static char *list_dir(const char *dir)
{
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  GDir *d = g_dir_open(dir, 0, NULL);
  g_assert_nonnull(d);
  const char *name;
  while ((name = g_dir_read_name(d)))
    g_ptr_array_add(names, g_strdup(name));
  g_dir_close(d);
  g_ptr_array_sort(names, compare_names);
  g_ptr_array_add(names, NULL);
  char *joined = g_strjoinv(" ", (char **)names->pdata);
  g_ptr_array_free(names, TRUE);
  return joined;
}

static void trigger_and_wait(fc_job *job, uint64_t expect_id)
{
  uint64_t id = fc_job_trigger_checkpoint(job);
  g_assert_cmpuint(id, ==, expect_id);
  GError *error = NULL;
  g_assert_true(fc_job_checkpoint_wait(job, id, 120000, &error));
  g_assert_no_error(error);
}

static void test_completion_is_written_atomically_and_retention_deletes_old_ones(void)
{
  g_autofree char *dir = make_temp_dir();
  world *w = world_new();
  fc_job *job = diamond_job(w, (fc_job_options){.checkpoint_dir = dir});
  fc_job_start(job);
  for (uint64_t id = 1; id <= 5; id++) {
    trigger_and_wait(job, id);
    g_autofree char *path = g_strdup_printf("%s/chk-%" G_GUINT64_FORMAT "/_metadata", dir, id);
    g_assert_true(g_file_test(path, G_FILE_TEST_IS_REGULAR));
  }
  /* Default retention: the newest two complete checkpoints. */
  g_autofree char *names = list_dir(dir);
  g_assert_cmpstr(names, ==, "chk-4 chk-5");
  g_autofree char *chk5 = g_build_filename(dir, "chk-5", NULL);
  g_autofree char *files = list_dir(chk5);
  g_assert_cmpstr(files, ==,
                  "_metadata task-0.state task-1.state task-2.state task-3.state task-4.state "
                  "task-5.state task-6.state task-7.state"); /* no .tmp left behind */

  /* What the directory says equals what the job kept. */
  GError *error = NULL;
  fc_checkpoint_info *info = fc_checkpoint_latest(dir, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(info->id, ==, 5);
  g_assert_cmpint(info->n_tasks, ==, N_TASKS);
  g_assert_cmpstr(info->tasks[0].name, ==, "src[0]");
  g_assert_cmpuint(info->tasks[0].size, ==, 8);
  g_assert_cmpuint(info->tasks[7].size, ==, 16);
  g_assert_cmpuint(info->total_size, ==, 2 * 8 + 6 * 16);
  g_assert_cmpint(info->trigger_time_us, >, 0);
  fc_checkpoint_info *mine = fc_job_checkpoint_latest(job);
  g_assert_cmpuint(mine->id, ==, 5);
  g_assert_cmpstr(mine->path, ==, info->path);
  g_assert_cmpstr(mine->tasks[3].sha256, ==, info->tasks[3].sha256);
  for (int t = 0; t < N_TASKS; t++) {
    GBytes *a = fc_checkpoint_read_task_state(info, t, &error);
    g_assert_no_error(error);
    GBytes *b = fc_job_checkpoint_task_state(job, 5, t, &error);
    g_assert_no_error(error);
    g_assert_true(g_bytes_equal(a, b));
    g_bytes_unref(a);
    g_bytes_unref(b);
  }
  g_assert_null(fc_job_checkpoint_task_state(job, 3, 0, &error));
  g_assert_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_NOT_FOUND);
  g_clear_error(&error);
  fc_checkpoint_info_free(mine);
  fc_checkpoint_info_free(info);
  drain_and_free(job);
  world_free(w);

  /* A new job in the same directory continues the numbering. */
  w = world_new();
  job = diamond_job(w, (fc_job_options){.checkpoint_dir = dir});
  fc_job_start(job);
  trigger_and_wait(job, 6);
  drain_and_free(job);
  g_autofree char *after = list_dir(dir);
  g_assert_cmpstr(after, ==, "chk-5 chk-6");
  world_free(w);
  remove_tree(dir);
}

/* Waits until every task logged checkpoint_complete(id) (or, with abort,
 * checkpoint_aborted(id)). */
static void wait_all_tasks_notified(world *w, uint64_t id, bool abort)
{
  int64_t give_up = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;
  for (int t = 0; t < N_TASKS; t++) {
    _Atomic uint64_t *seen = abort ? &w->log[t].last_abort : &w->log[t].last_complete;
    while (atomic_load(seen) < id && g_get_monotonic_time() < give_up)
      g_usleep(1000);
    g_assert_cmpuint(atomic_load(seen), >=, id);
  }
}

static void test_checkpoint_times_out_when_a_task_is_stuck_and_the_next_completes(void)
{
  g_autofree char *dir = make_temp_dir();
  world *w = world_new();
  fc_job *job =
      /* the stuck task makes checkpoint 1 time out whatever the timeout;
       * checkpoint 2 must complete within it, on a busy machine too */
      diamond_job(w, (fc_job_options){.checkpoint_dir = dir, .checkpoint_timeout_ms = 5000});
  fc_job_start(job);
  atomic_store(&w->sink_stuck, 1);
  while (!atomic_load(&w->sink_is_stuck))
    g_usleep(1000);
  int64_t t0 = g_get_monotonic_time(); /* before the trigger: the timeout counts from it */
  g_assert_cmpuint(fc_job_trigger_checkpoint(job), ==, 1);
  GError *error = NULL;
  g_assert_false(fc_job_checkpoint_wait(job, 1, 120000, &error));
  g_assert_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_ABORTED);
  g_clear_error(&error);
  g_assert_cmpint(g_get_monotonic_time() - t0, >=, 5000 * 1000);
  fc_checkpoint_metrics m;
  fc_job_checkpoint_metrics(job, &m);
  g_assert_cmpuint(m.n_aborted, ==, 1);
  g_assert_cmpuint(m.last_aborted_id, ==, 1);
  g_assert_cmpuint(m.n_completed, ==, 0);
  g_assert_cmpuint(m.n_in_flight, ==, 0);
  g_autofree char *chk1 = g_build_filename(dir, "chk-1", NULL);
  g_assert_false(g_file_test(chk1, G_FILE_TEST_EXISTS)); /* aborted: nothing on disk */

  atomic_store(&w->sink_stuck, 0);
  wait_all_tasks_notified(w, 1, true); /* the join too, once it runs again */
  trigger_and_wait(job, 2);
  fc_job_checkpoint_metrics(job, &m);
  g_assert_cmpuint(m.last_completed_id, ==, 2);
  g_assert_cmpuint(m.n_completed, ==, 1);
  g_assert_false(g_file_test(chk1, G_FILE_TEST_EXISTS));
  g_autofree char *names = list_dir(dir);
  g_assert_cmpstr(names, ==, "chk-2");
  drain_and_free(job);
  world_free(w);
  remove_tree(dir);
}

/* Runs a job that completes checkpoints 1 and 2 in dir, then stops. */
static void write_two_checkpoints(const char *dir)
{
  world *w = world_new();
  fc_job *job = diamond_job(w, (fc_job_options){.checkpoint_dir = dir});
  fc_job_start(job);
  trigger_and_wait(job, 1);
  trigger_and_wait(job, 2);
  drain_and_free(job);
  world_free(w);
}

static void expect_fallback_to_1(const char *dir, const char *why)
{
  g_test_expect_message(LOG_DOMAIN, G_LOG_LEVEL_WARNING, why);
  GError *error = NULL;
  fc_checkpoint_info *info = fc_checkpoint_latest(dir, &error);
  g_test_assert_expected_messages();
  g_assert_no_error(error);
  g_assert_cmpuint(info->id, ==, 1);
  GBytes *state = fc_checkpoint_read_task_state(info, 0, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(g_bytes_get_size(state), ==, 8);
  g_bytes_unref(state);
  fc_checkpoint_info_free(info);
}

static void test_corrupt_or_missing_latest_falls_back_to_the_previous_one(void)
{
  g_autofree char *dir = make_temp_dir();
  write_two_checkpoints(dir);
  g_autofree char *meta = g_build_filename(dir, "chk-2", "_metadata", NULL);
  g_autofree char *state = g_build_filename(dir, "chk-2", "task-6.state", NULL);
  g_autofree char *good_meta = NULL, *good_state = NULL;
  gsize meta_len, state_len;
  g_assert_true(g_file_get_contents(meta, &good_meta, &meta_len, NULL));
  g_assert_true(g_file_get_contents(state, &good_state, &state_len, NULL));

  GError *error = NULL;
  fc_checkpoint_info *info = fc_checkpoint_latest(dir, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(info->id, ==, 2);
  fc_checkpoint_info_free(info);

  /* One flipped byte in the metadata. */
  g_autofree char *bad = g_memdup2(good_meta, meta_len);
  bad[meta_len / 3] ^= 0x20;
  g_assert_true(g_file_set_contents(meta, bad, (gssize)meta_len, NULL));
  expect_fallback_to_1(dir, "*checkpoint 2 is unusable*checksum mismatch*");

  /* Truncated metadata (a torn write). */
  g_assert_true(g_file_set_contents(meta, good_meta, (gssize)meta_len / 2, NULL));
  expect_fallback_to_1(dir, "*checkpoint 2 is unusable*");

  /* Missing metadata (never completed). */
  g_assert_cmpint(g_unlink(meta), ==, 0);
  expect_fallback_to_1(dir, "*checkpoint 2 is unusable*no metadata*");
  g_assert_true(g_file_set_contents(meta, good_meta, (gssize)meta_len, NULL));

  /* A state file altered, truncated, or missing. */
  g_autofree char *bad_state = g_memdup2(good_state, state_len);
  bad_state[0] ^= 1;
  g_assert_true(g_file_set_contents(state, bad_state, (gssize)state_len, NULL));
  expect_fallback_to_1(dir, "*checkpoint 2 is unusable*checksum differs*");
  g_assert_true(g_file_set_contents(state, good_state, (gssize)state_len - 1, NULL));
  expect_fallback_to_1(dir, "*checkpoint 2 is unusable*size differs*");
  g_assert_cmpint(g_unlink(state), ==, 0);
  expect_fallback_to_1(dir, "*checkpoint 2 is unusable*");
  g_assert_true(g_file_set_contents(state, good_state, (gssize)state_len, NULL));

  info = fc_checkpoint_latest(dir, &error); /* repaired: the newest again */
  g_assert_no_error(error);
  g_assert_cmpuint(info->id, ==, 2);
  fc_checkpoint_info_free(info);

  /* Both unusable: an error, after a warning for each. */
  g_autofree char *meta1 = g_build_filename(dir, "chk-1", "_metadata", NULL);
  g_assert_cmpint(g_unlink(meta1), ==, 0);
  g_assert_cmpint(g_unlink(meta), ==, 0);
  g_test_expect_message(LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*checkpoint 2 is unusable*");
  g_test_expect_message(LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*checkpoint 1 is unusable*");
  g_assert_null(fc_checkpoint_latest(dir, &error));
  g_test_assert_expected_messages();
  g_assert_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_NOT_FOUND);
  g_clear_error(&error);
  g_assert_null(fc_checkpoint_load(dir, 7, &error));
  g_assert_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_NOT_FOUND);
  g_clear_error(&error);
  remove_tree(dir);
}

static void test_checkpoint_complete_reaches_every_task(void)
{
  world *w = world_new();
  fc_job *job = diamond_job(w, (fc_job_options){0});
  fc_job_start(job);
  trigger_and_wait(job, 1);
  wait_all_tasks_notified(w, 1, false);
  trigger_and_wait(job, 2);
  wait_all_tasks_notified(w, 2, false);
  drain_and_free(job);
  /* Each task: snapshot 1 before complete 1, then snapshot 2, complete 2. */
  for (int t = 0; t < N_TASKS; t++) {
    GString *seq = g_string_new(NULL);
    const GArray *ev = w->log[t].events;
    for (guint i = 0; i < ev->len; i++) {
      const ckpt_event *e = &g_array_index(ev, ckpt_event, i);
      g_string_append_printf(seq, "%c%" G_GUINT64_FORMAT " ", e->kind, e->id);
    }
    g_assert_cmpstr(seq->str, ==, "s1 c1 s2 c2 ");
    g_string_free(seq, TRUE);
  }
  world_free(w);
}

static void test_triggering_while_one_is_in_flight_respects_max_concurrent(void)
{
  world *w = world_new();
  fc_job *job = diamond_job(w, (fc_job_options){0}); /* max concurrent: 1 */
  fc_job_start(job);
  atomic_store(&w->sink_stuck, 1);
  while (!atomic_load(&w->sink_is_stuck))
    g_usleep(1000);
  g_assert_cmpuint(fc_job_trigger_checkpoint(job), ==, 1);
  g_usleep(20000);
  /* In flight: later requests wait (and merge into one). */
  g_assert_cmpuint(fc_job_trigger_checkpoint(job), ==, 0);
  g_assert_cmpuint(fc_job_trigger_checkpoint(job), ==, 0);
  fc_checkpoint_metrics m;
  fc_job_checkpoint_metrics(job, &m);
  g_assert_cmpuint(m.n_in_flight, ==, 1);
  g_assert_cmpuint(m.n_triggered, ==, 1);
  g_usleep(50000);
  fc_job_checkpoint_metrics(job, &m);
  g_assert_cmpuint(m.n_triggered, ==, 1);

  atomic_store(&w->sink_stuck, 0);
  GError *error = NULL;
  g_assert_true(fc_job_checkpoint_wait(job, 2, 120000, &error));
  g_assert_no_error(error);
  fc_job_checkpoint_metrics(job, &m);
  g_assert_cmpuint(m.n_triggered, ==, 2);
  g_assert_cmpuint(m.n_completed, ==, 2);
  g_usleep(50000);
  fc_job_checkpoint_metrics(job, &m);
  g_assert_cmpuint(m.n_triggered, ==, 2); /* the requests made one checkpoint */
  drain_and_free(job);
  /* Checkpoint 2 started only after 1 completed: a source was told of
   * 1's completion before it was asked to snapshot 2. */
  const GArray *ev = w->log[0].events;
  g_assert_cmpuint(ev->len, >=, 3);
  g_assert_cmpint(g_array_index(ev, ckpt_event, 0).kind, ==, 's');
  g_assert_cmpint(g_array_index(ev, ckpt_event, 1).kind, ==, 'c');
  g_assert_cmpuint(g_array_index(ev, ckpt_event, 1).id, ==, 1);
  g_assert_cmpint(g_array_index(ev, ckpt_event, 2).kind, ==, 's');
  g_assert_cmpuint(g_array_index(ev, ckpt_event, 2).id, ==, 2);
  world_free(w);
}

static void test_a_checkpoint_that_cannot_be_written_is_aborted(void)
{
  g_autofree char *dir = make_temp_dir();
  world *w = world_new();
  fc_job *job = diamond_job(w, (fc_job_options){.checkpoint_dir = dir});
  /* Something that is not a directory where checkpoint 1 must go. */
  g_autofree char *blocker = g_build_filename(dir, "chk-1", NULL);
  g_assert_true(g_file_set_contents(blocker, "x", 1, NULL));
  fc_job_start(job);
  g_test_expect_message(LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*checkpoint 1 could not be written*");
  uint64_t id = fc_job_trigger_checkpoint(job);
  g_assert_cmpuint(id, ==, 1);
  GError *error = NULL;
  g_assert_false(fc_job_checkpoint_wait(job, 1, 120000, &error));
  g_assert_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_ABORTED);
  g_clear_error(&error);
  g_test_assert_expected_messages();
  wait_all_tasks_notified(w, 1, true);
  g_assert_cmpint(g_unlink(blocker), ==, 0);
  trigger_and_wait(job, 2);
  drain_and_free(job);
  g_autofree char *names = list_dir(dir);
  g_assert_cmpstr(names, ==, "chk-2");
  world_free(w);
  remove_tree(dir);
}

static void test_a_finished_source_counts_as_acknowledged(void)
{
  world *w = world_new();
  w->source_limit[0] = 1000; /* src[0] ends; src[1] runs on */
  fc_job *job = diamond_job(w, (fc_job_options){.checkpoint_retention = 10});
  fc_job_start(job);
  int64_t give_up = g_get_monotonic_time() + 120 * G_USEC_PER_SEC;
  while (!atomic_load(&w->log[0].finished) && g_get_monotonic_time() < give_up)
    g_usleep(1000);
  g_assert_true(atomic_load(&w->log[0].finished));
  trigger_and_wait(job, 1);
  fc_checkpoint_info *info = fc_job_checkpoint_latest(job);
  g_assert_true(info->tasks[0].finished);
  g_assert_cmpuint(info->tasks[0].size, ==, 0);
  g_assert_false(info->tasks[1].finished);
  fc_checkpoint_info_free(info);
  /* Every record of the finished source is in the downstream state. */
  uint64_t c[SOURCES], a = 0, b = 0, join = 0;
  for (int p = 0; p < PAR; p++) {
    read_state(job, 1, V_A * PAR + p, c, SOURCES);
    a += c[0];
    read_state(job, 1, V_B * PAR + p, c, SOURCES);
    b += c[0];
    read_state(job, 1, V_JOIN * PAR + p, c, SOURCES);
    join += c[0];
  }
  g_assert_cmpuint(a, ==, 1000);
  g_assert_cmpuint(b, ==, 1000);
  g_assert_cmpuint(join, ==, 2000);
  drain_and_free(job);
  world_free(w);
}

static void test_a_failing_snapshot_fails_the_job(void)
{
  world *w = world_new();
  w->fail_snapshot_task = V_B * PAR + 1;
  fc_job *job = diamond_job(w, (fc_job_options){0});
  fc_job_start(job);
  uint64_t id = fc_job_trigger_checkpoint(job);
  g_assert_cmpuint(id, ==, 1);
  GError *error = NULL;
  g_assert_false(fc_job_wait(job, 120000, &error));
  g_assert_error(error, FC_ERROR, FC_ERROR_TASK_FAILED);
  g_assert_nonnull(strstr(error->message, "B[1]"));
  g_assert_nonnull(strstr(error->message, "cannot save my state"));
  g_clear_error(&error);
  g_assert_false(fc_job_checkpoint_wait(job, id, 120000, &error));
  g_assert_true(g_error_matches(error, FC_ERROR, FC_ERROR_CANCELLED) ||
                g_error_matches(error, FC_ERROR, FC_ERROR_CHECKPOINT_ABORTED));
  g_clear_error(&error);
  g_assert_cmpuint(fc_job_trigger_checkpoint(job), ==, 0); /* stopping: no more */
  fc_job_free(job);
  world_free(w);
}

static void test_checkpoints_off_leave_a_job_unchanged(void)
{
  world *w = world_new();
  w->source_limit[0] = w->source_limit[1] = 5000;
  fc_job *job = diamond_job(w, (fc_job_options){0});
  fc_job_start(job);
  GError *error = NULL;
  g_assert_true(fc_job_wait(job, 120000, &error));
  g_assert_no_error(error);
  fc_checkpoint_metrics m;
  fc_job_checkpoint_metrics(job, &m);
  g_assert_cmpuint(m.n_triggered, ==, 0);
  g_assert_null(fc_job_checkpoint_latest(job));
  /* Every task finished: nothing left to checkpoint. */
  g_assert_cmpuint(fc_job_trigger_checkpoint(job), ==, 0);
  g_assert_false(fc_job_checkpoint_wait(job, 1, 1000, &error));
  g_assert_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_NOT_FOUND);
  g_clear_error(&error);
  fc_job_free(job);
  for (int t = 0; t < N_TASKS; t++)
    g_assert_cmpuint(w->log[t].events->len, ==, 0);
  world_free(w);
}

static void test_an_unusable_checkpoint_directory_fails_the_job(void)
{
  g_autofree char *dir = make_temp_dir();
  g_autofree char *file = g_build_filename(dir, "not-a-dir", NULL);
  g_assert_true(g_file_set_contents(file, "x", 1, NULL));
  g_autofree char *inside = g_build_filename(file, "checkpoints", NULL);
  world *w = world_new();
  fc_graph *g = fc_graph_new();
  fc_graph_add_vertex(g, "src", 1, &source_op, w, NULL);
  GError *error = NULL;
  g_assert_null(fc_job_new(g, &(fc_job_options){.checkpoint_dir = inside}, &error));
  g_assert_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_IO);
  g_clear_error(&error);
  world_free(w);
  remove_tree(dir);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/checkpoint/a_snapshot_put_off_waits_without_letting_records_in",
                  test_a_snapshot_put_off_waits_without_letting_records_in);
  g_test_add_func("/checkpoint/barriers_flow_through_a_diamond_and_every_task_snapshots_once",
                  test_barriers_flow_through_a_diamond_and_every_task_snapshots_once);
  g_test_add_func("/checkpoint/concurrent_aligned_checkpoints_each_snapshot_once",
                  test_concurrent_aligned_checkpoints_each_snapshot_once);
  g_test_add_func("/checkpoint/concurrent_at_least_once_checkpoints_each_snapshot_once",
                  test_concurrent_at_least_once_checkpoints_each_snapshot_once);
  g_test_add_func("/checkpoint/aligned_snapshot_holds_exactly_the_records_before_the_barrier",
                  test_aligned_snapshot_holds_exactly_the_records_before_the_barrier);
  g_test_add_func("/checkpoint/at_least_once_checkpoints_complete_with_a_slow_branch",
                  test_at_least_once_checkpoints_complete_with_a_slow_branch);
  g_test_add_func("/checkpoint/completion_is_written_atomically_and_retention_deletes_old_ones",
                  test_completion_is_written_atomically_and_retention_deletes_old_ones);
  g_test_add_func("/checkpoint/times_out_when_a_task_is_stuck_and_the_next_completes",
                  test_checkpoint_times_out_when_a_task_is_stuck_and_the_next_completes);
  g_test_add_func("/checkpoint/corrupt_or_missing_latest_falls_back_to_the_previous_one",
                  test_corrupt_or_missing_latest_falls_back_to_the_previous_one);
  g_test_add_func("/checkpoint/checkpoint_complete_reaches_every_task",
                  test_checkpoint_complete_reaches_every_task);
  g_test_add_func("/checkpoint/triggering_while_one_is_in_flight_respects_max_concurrent",
                  test_triggering_while_one_is_in_flight_respects_max_concurrent);
  g_test_add_func("/checkpoint/a_checkpoint_that_cannot_be_written_is_aborted",
                  test_a_checkpoint_that_cannot_be_written_is_aborted);
  g_test_add_func("/checkpoint/a_finished_source_counts_as_acknowledged",
                  test_a_finished_source_counts_as_acknowledged);
  g_test_add_func("/checkpoint/a_failing_snapshot_fails_the_job",
                  test_a_failing_snapshot_fails_the_job);
  g_test_add_func("/checkpoint/checkpoints_off_leave_a_job_unchanged",
                  test_checkpoints_off_leave_a_job_unchanged);
  g_test_add_func("/checkpoint/an_unusable_checkpoint_directory_fails_the_job",
                  test_an_unusable_checkpoint_directory_fails_the_job);
  return g_test_run();
}
