/* test_checkpoint_untrusted.c — what a checkpoint directory holds is not
 * trusted: metadata whose checksum is valid but whose task names, indexes,
 * ids or sizes are wrong is refused by the reader (on a byte buffer, as a
 * fuzzer calls it); stray chk-* names are ignored and left alone; retention
 * keeps the checkpoint a job resumed from; an unwritable directory fails a
 * job's start; a directory that breaks mid-run makes checkpoints fail once
 * per interval, not in a loop.
 */
#include "fc_test_ops.h"

#include <glib/gstdio.h>
#include <string.h>

#define LOG_DOMAIN "gust-flinkcore"

/* ---- metadata on a byte buffer ---- */

static char *sign(const char *body)
{
  g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, body, -1);
  return g_strdup_printf("%s\n[integrity]\nsha256=%s\n", body, sum);
}

/* A two-task checkpoint of vertex "count" (parallelism 2); names and the
 * [checkpoint] extras are the test's. */
static char *body_with(const char *name0, const char *name1, const char *extra)
{
  return g_strdup_printf("[checkpoint]\nid=3\nmode=at-least-once\njob=t\ntrigger_time_us=1\n"
                         "duration_us=1\ntotal_size=0\ntasks=2\n%s\n"
                         "[task 0]\nname=%s\nfinished=false\nsize=0\n\n"
                         "[task 1]\nname=%s\nfinished=false\nsize=0\n",
                         extra, name0, name1);
}

static fc_checkpoint_info *parse(const char *body, GError **error)
{
  g_autofree char *text = sign(body);
  return fc_checkpoint_metadata_parse(text, strlen(text), "test", error);
}

static void expect_refused(const char *body, const char *why)
{
  GError *error = NULL;
  fc_checkpoint_info *info = parse(body, &error);
  g_assert_null(info);
  g_assert_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_CORRUPT);
  if (!g_pattern_match_simple(why, error->message))
    g_error("\"%s\" does not match \"%s\"", error->message, why);
  g_clear_error(&error);
}

static void test_metadata_task_indexes_are_checked_against_the_recorded_parallelism(void)
{
  const char *recorded = "vertices=count;\nparallelism=2;";
  GError *error = NULL;
  g_autofree char *good = body_with("count[0]", "count[1]", recorded);
  fc_checkpoint_info *info = parse(good, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(info->job_name, ==, "t");
  g_assert_cmpstr(info->tasks[1].vertex, ==, "count");
  g_assert_cmpint(info->tasks[1].subtask, ==, 1);
  fc_checkpoint_info_free(info);

  const char *beyond[] = {"count[2147483647]", "count[99999999]", "count[2]"};
  for (guint i = 0; i < G_N_ELEMENTS(beyond); i++) {
    g_autofree char *b = body_with("count[0]", beyond[i], recorded);
    g_autofree char *old = body_with("count[0]", beyond[i], ""); /* no recorded parallelism */
    expect_refused(b, "*at or beyond its vertex's parallelism 2*");
    expect_refused(old, "*at or beyond its vertex's parallelism 2*");
  }
  const char *malformed[] = {"count[-1]",
                             "count[01]",
                             "count[+1]",
                             "count[ 1]",
                             "count[1x]",
                             "count[]",
                             "[1]",
                             "count",
                             "count[1",
                             "count[2147483648]",
                             "count[18446744073709551617]"};
  for (guint i = 0; i < G_N_ELEMENTS(malformed); i++) {
    g_autofree char *b = body_with("count[0]", malformed[i], recorded);
    expect_refused(b, "*malformed name*");
  }
  g_autofree char *twice = body_with("count[0]", "count[0]", recorded);
  expect_refused(twice, "*count[0] appears twice*");
  g_autofree char *more = body_with("count[0]", "count[1]", "vertices=count;\nparallelism=3;");
  expect_refused(more, "*records parallelism 3 but has 2 tasks*");
  g_autofree char *other = body_with("count[0]", "count[1]", "vertices=split;\nparallelism=2;");
  expect_refused(other, "*vertex split has no tasks*");
}

static void test_metadata_ids_counts_files_and_sizes_are_checked(void)
{
  g_autofree char *good = body_with("a[0]", "a[1]", "");
  struct {
    const char *from, *to, *why;
  } cases[] = {
      {"id=3", "id=0", "*implausible checkpoint id 0*"},
      {"id=3", "id=18446744073709551615", "*implausible checkpoint id*"},
      {"tasks=2", "tasks=-1", "*implausible task count -1*"},
      {"tasks=2", "tasks=2000000", "*implausible task count*"},
      {"mode=at-least-once", "mode=sometimes", "*unknown mode*"},
      {"total_size=0", "total_size=5", "*add up to 0, not 5*"},
      {"[task 1]\nname=a[1]\nfinished=false\nsize=0",
       "[task 1]\nname=a[1]\nfinished=false\nsize=8\nfile=../../etc/passwd\nsha256=00",
       "*names file ../../etc/passwd*"},
      {"[task 1]\nname=a[1]\nfinished=false\nsize=0", "[task 1]\nname=a[1]\nfinished=false\nsize=8",
       "*has state but no file*"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GString) b = g_string_new(good);
    g_assert_cmpuint(g_string_replace(b, cases[i].from, cases[i].to, 1), ==, 1);
    expect_refused(b->str, cases[i].why);
  }
}

static void test_every_cut_or_flipped_metadata_is_refused_without_harm(void)
{
  g_autofree char *body = body_with("count[0]", "count[1]", "vertices=count;\nparallelism=2;");
  g_autofree char *good = sign(body);
  size_t len = strlen(good);
  GError *error = NULL;
  for (size_t cut = 0; cut < len; cut++) {
    g_assert_null(fc_checkpoint_metadata_parse(good, cut, "cut", &error));
    g_assert_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_CORRUPT);
    g_clear_error(&error);
  }
  g_autofree char *bad = g_strdup(good);
  for (size_t i = 0; i < len; i++) {
    bad[i] ^= 0x01;
    g_assert_null(fc_checkpoint_metadata_parse(bad, len, "flipped", &error));
    g_assert_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_CORRUPT);
    g_clear_error(&error);
    bad[i] = good[i];
  }
}

/* ---- directories ---- */

static char *make_temp_dir(void)
{
  return g_dir_make_tmp("gust-untrusted-XXXXXX", NULL);
}

static void remove_tree(const char *dir)
{
  g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);
  g_assert_cmpint(system(cmd), ==, 0);
}

static seq_source_conf forever = {.n = -1};

/* counter[0..1] -> sink: sources that run until the job is freed. */
static fc_job *small_job(record_sink *sink, fc_job_options opts, GError **error)
{
  fc_graph *g = fc_graph_new();
  int src = fc_graph_add_vertex(g, "counter", 2, &seq_source_op, &forever, NULL);
  int dst = fc_graph_add_vertex(g, "sink", 1, &record_sink_op, sink, NULL);
  fc_graph_add_edge(g, src, dst, &(fc_edge_spec){.partitioner = FC_PART_SHUFFLE, .stream = -1});
  opts.threads = 2;
  return fc_job_new(g, &opts, error);
}

static void write_checkpoints(const char *dir, int n, uint64_t keep_id, int retention)
{
  record_sink *sink = record_sink_new(1);
  GError *error = NULL;
  fc_job *job = small_job(sink,
                          (fc_job_options){.checkpoint_dir = dir,
                                           .checkpoint_keep_id = keep_id,
                                           .checkpoint_retention = retention,
                                           .name = "untrusted"},
                          &error);
  g_assert_no_error(error);
  fc_job_start(job);
  for (int i = 0; i < n; i++) {
    uint64_t id = fc_job_trigger_checkpoint(job);
    g_assert_cmpuint(id, >, 0);
    g_assert_true(fc_job_checkpoint_wait(job, id, 30000, &error));
    g_assert_no_error(error);
  }
  fc_job_free(job);
  record_sink_free(sink);
}

static bool exists(const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  return g_file_test(path, G_FILE_TEST_EXISTS);
}

static GPtrArray *logged; /* messages of LOG_DOMAIN at warning and message level */
static GMutex logged_lock;

static void capture(const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  g_mutex_lock(&logged_lock);
  g_ptr_array_add(logged, g_strdup(message));
  g_mutex_unlock(&logged_lock);
}

static guint count_logged(const char *pattern)
{
  guint n = 0;
  g_mutex_lock(&logged_lock);
  for (guint i = 0; i < logged->len; i++)
    n += g_pattern_match_simple(pattern, g_ptr_array_index(logged, i));
  g_mutex_unlock(&logged_lock);
  return n;
}

static void test_stray_checkpoint_names_are_ignored_and_left_alone(void)
{
  g_autofree char *dir = make_temp_dir();
  write_checkpoints(dir, 2, 0, 0);
  const char *strays[] = {"chk-18446744073709551615", "chk-99999999999999999999", "chk-007",
                          "chk-0", "chk-x"};
  for (guint i = 0; i < G_N_ELEMENTS(strays); i++) {
    g_autofree char *path = g_build_filename(dir, strays[i], NULL);
    g_assert_cmpint(g_mkdir(path, 0755), ==, 0);
  }
  g_ptr_array_set_size(logged, 0);
  write_checkpoints(dir, 3, 0, 0); /* numbering goes on from 2, retention runs */
  for (guint i = 0; i < G_N_ELEMENTS(strays); i++) {
    g_autofree char *pattern = g_strdup_printf("ignoring */%s: not a checkpoint*", strays[i]);
    g_assert_cmpuint(count_logged(pattern), ==, 1);
    g_assert_true(exists(dir, strays[i]));
  }
  g_assert_true(exists(dir, "chk-5"));
  g_assert_false(exists(dir, "chk-3"));
  GError *error = NULL;
  fc_checkpoint_info *info = fc_checkpoint_latest(dir, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(info->id, ==, 5);
  g_assert_cmpstr(info->job_name, ==, "untrusted");
  fc_checkpoint_info_free(info);

  /* an id that would leave numbering no room refuses the start */
  g_autofree char *high = g_build_filename(dir, "chk-9007199254740990", NULL);
  g_assert_cmpint(g_mkdir(high, 0755), ==, 0);
  record_sink *sink = record_sink_new(1);
  g_assert_null(small_job(sink, (fc_job_options){.checkpoint_dir = dir}, &error));
  g_assert_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_IO);
  g_assert_nonnull(strstr(error->message, "chk-9007199254740990: checkpoint id implausibly high"));
  g_clear_error(&error);
  record_sink_free(sink);
  remove_tree(dir);
}

static void test_retention_keeps_the_checkpoint_a_job_resumed_from(void)
{
  g_autofree char *dir = make_temp_dir();
  write_checkpoints(dir, 2, 0, 1);
  g_assert_false(exists(dir, "chk-1"));
  g_assert_true(exists(dir, "chk-2"));
  write_checkpoints(dir, 4, 2, 1); /* resumed from 2: it stays, 3..5 go */
  g_assert_true(exists(dir, "chk-2"));
  g_assert_false(exists(dir, "chk-3") || exists(dir, "chk-4") || exists(dir, "chk-5"));
  g_assert_true(exists(dir, "chk-6"));
  write_checkpoints(dir, 1, 6, 1); /* a later job resumed from 6: 2 may go now */
  g_assert_false(exists(dir, "chk-2"));
  g_assert_true(exists(dir, "chk-6") && exists(dir, "chk-7"));
  remove_tree(dir);
}

static void test_all_complete_checkpoints_damaged_is_not_an_empty_directory(void)
{
  g_autofree char *dir = make_temp_dir();
  write_checkpoints(dir, 2, 0, 0);
  for (int id = 1; id <= 2; id++) {
    g_autofree char *meta = g_strdup_printf("%s/chk-%d/_metadata", dir, id);
    g_assert_true(g_file_set_contents(meta, "[checkpoint]\nid=1\n", -1, NULL));
  }
  GError *error = NULL;
  g_assert_null(fc_checkpoint_latest(dir, &error));
  g_assert_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_CORRUPT);
  g_assert_nonnull(strstr(error->message, "no intact checkpoint"));
  g_assert_nonnull(strstr(error->message, "chk-2/_metadata"));
  g_clear_error(&error);
  remove_tree(dir);
}

/* (A directory under a regular file: test_checkpoint.c.) */
static void test_a_file_where_the_directory_should_be_fails_the_start(void)
{
  g_autofree char *dir = make_temp_dir();
  g_autofree char *file = g_build_filename(dir, "a-file", NULL);
  g_assert_true(g_file_set_contents(file, "x", 1, NULL));
  record_sink *sink = record_sink_new(1);
  GError *error = NULL;
  g_assert_null(small_job(sink, (fc_job_options){.checkpoint_dir = file}, &error));
  g_assert_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_IO);
  g_assert_nonnull(strstr(error->message, file));
  g_clear_error(&error);
  record_sink_free(sink);
  remove_tree(dir);
}

static void test_a_failed_checkpoint_backs_off_by_the_interval(void)
{
  g_autofree char *dir = make_temp_dir();
  g_autofree char *ckpt = g_build_filename(dir, "checkpoints", NULL);
  record_sink *sink = record_sink_new(1);
  GError *error = NULL;
  /* an interval no test run reaches: only requests start checkpoints */
  fc_job *job = small_job(
      sink, (fc_job_options){.checkpoint_dir = ckpt, .checkpoint_interval_ms = 600000}, &error);
  g_assert_no_error(error);
  fc_job_start(job);
  g_assert_null(fc_job_checkpoint_last_failure(job));
  /* the directory becomes a file */
  g_autofree char *moved = g_build_filename(dir, "moved", NULL);
  g_assert_cmpint(g_rename(ckpt, moved), ==, 0);
  g_assert_true(g_file_set_contents(ckpt, "x", 1, NULL));
  g_ptr_array_set_size(logged, 0);
  uint64_t id = fc_job_trigger_checkpoint(job);
  g_assert_cmpuint(id, ==, 1);
  g_assert_false(fc_job_checkpoint_wait(job, id, 30000, &error));
  g_assert_error(error, FC_ERROR, FC_ERROR_CHECKPOINT_ABORTED);
  g_clear_error(&error);
  g_autofree char *why = fc_job_checkpoint_last_failure(job);
  g_assert_nonnull(strstr(why, "checkpoint 1 could not be written"));
  g_assert_nonnull(strstr(why, "Not a directory"));
  /* asking again and again starts nothing before the interval */
  for (int i = 0; i < 10000; i++)
    g_assert_cmpuint(fc_job_trigger_checkpoint(job), ==, 0);
  fc_checkpoint_metrics m;
  fc_job_checkpoint_metrics(job, &m);
  g_assert_cmpuint(m.n_triggered, ==, 1);
  g_assert_cmpuint(m.n_aborted, ==, 1);
  g_assert_cmpuint(count_logged("checkpoint 1 could not be written*next checkpoint in 600000 ms"),
                   ==, 1);
  g_assert_cmpuint(count_logged("*could not be written*"), ==, 1);
  fc_job_free(job);
  record_sink_free(sink);
  remove_tree(dir);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  logged = g_ptr_array_new_with_free_func(g_free);
  /* the engine warns about what it ignores or cannot write: captured, not fatal */
  g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR);
  g_log_set_handler(LOG_DOMAIN, G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE, capture, NULL);
  g_test_add_func("/checkpoint_untrusted/task_indexes_are_checked_against_the_recorded_parallelism",
                  test_metadata_task_indexes_are_checked_against_the_recorded_parallelism);
  g_test_add_func("/checkpoint_untrusted/ids_counts_files_and_sizes_are_checked",
                  test_metadata_ids_counts_files_and_sizes_are_checked);
  g_test_add_func("/checkpoint_untrusted/every_cut_or_flipped_metadata_is_refused_without_harm",
                  test_every_cut_or_flipped_metadata_is_refused_without_harm);
  g_test_add_func("/checkpoint_untrusted/stray_checkpoint_names_are_ignored_and_left_alone",
                  test_stray_checkpoint_names_are_ignored_and_left_alone);
  g_test_add_func("/checkpoint_untrusted/retention_keeps_the_checkpoint_a_job_resumed_from",
                  test_retention_keeps_the_checkpoint_a_job_resumed_from);
  g_test_add_func(
      "/checkpoint_untrusted/all_complete_checkpoints_damaged_is_not_an_empty_directory",
      test_all_complete_checkpoints_damaged_is_not_an_empty_directory);
  g_test_add_func("/checkpoint_untrusted/a_file_where_the_directory_should_be_fails_the_start",
                  test_a_file_where_the_directory_should_be_fails_the_start);
  g_test_add_func("/checkpoint_untrusted/a_failed_checkpoint_backs_off_by_the_interval",
                  test_a_failed_checkpoint_backs_off_by_the_interval);
  int rc = g_test_run();
  g_ptr_array_unref(logged);
  return rc;
}
