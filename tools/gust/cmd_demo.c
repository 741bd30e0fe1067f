/* cmd_demo.c — `gust demo`: a word count on the bare engine.
 *
 * sentences (source) -> split (map) -> count (hash on the word), run for a
 * number of seconds, then drained; prints the top words and each task's
 * metrics.  It exercises the engine end to end with no external service.
 * --duration and --parallelism are range-checked (number_options.h, exit
 * status 2); diagnostics go through the log writer, results to stdout.
 */
#define G_LOG_DOMAIN "gust-demo"

#include "commands.h"
#include "log_writer.h"
#include "number_options.h"

#include <gust/flinkcore.h>
#include <stdio.h>
#include <string.h>

enum {
  MAX_DURATION_S = 24 * 3600, /* a day */
  MAX_PARALLELISM = 64,       /* hash edges hold parallelism^2 channels */
};

static const char *const sentences[] = {
    "the cow jumped over the moon",   "an apple a day keeps the doctor away",
    "four score and seven years ago", "snow white and the seven dwarfs",
    "i am at two with nature",
};

static fc_produce_result sentence_produce(fc_task *t, void *state, GError **error)
{
  uint64_t *n = state;
  const char *s = sentences[(*n)++ % G_N_ELEMENTS(sentences)];
  fc_value v = fc_str(s);
  fc_record rec = {.n_values = 1, .values = &v, .created_ns = fc_now_ns()};
  fc_task_emit(t, &rec, NULL, 0);
  return FC_PRODUCE_MORE;
}

static gboolean state_open(fc_task *t, void *data, void **state, GError **error)
{
  *state = g_new0(uint64_t, 1);
  return TRUE;
}

static void state_close(fc_task *t, void *state)
{
  g_free(state);
}

static gboolean split_process(fc_task *t, void *state, const fc_record *rec, GError **error)
{
  const char *s = rec->values[0].u.str;
  uint32_t len = rec->values[0].len, start = 0;
  for (uint32_t i = 0; i <= len; i++) {
    if (i == len || s[i] == ' ') {
      if (i > start) {
        fc_value w = fc_str_len(s + start, i - start);
        fc_record out = {.n_values = 1, .values = &w, .created_ns = rec->created_ns};
        fc_task_emit(t, &out, NULL, 0);
      }
      start = i + 1;
    }
  }
  return TRUE;
}

static uint64_t word_key(const fc_record *rec, void *unused)
{
  return fc_value_hash(&rec->values[0]);
}

typedef struct {
  GMutex lock; /* guards totals: the count tasks merge into it at finish */
  GHashTable *totals;
} demo_totals;

typedef struct {
  GHashTable *counts; /* word -> count, this subtask's */
  demo_totals *totals;
} count_state;

static gboolean count_open(fc_task *t, void *data, void **state, GError **error)
{
  count_state *s = g_new0(count_state, 1);
  s->counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  s->totals = data;
  *state = s;
  return TRUE;
}

static gboolean count_process(fc_task *t, void *state, const fc_record *rec, GError **error)
{
  GHashTable *counts = ((count_state *)state)->counts;
  gsize *n = g_hash_table_lookup(counts, rec->values[0].u.str);
  if (!n) {
    n = g_new0(gsize, 1);
    g_hash_table_insert(counts, g_strndup(rec->values[0].u.str, rec->values[0].len), n);
  }
  (*n)++;
  return TRUE;
}

static gboolean count_finish(fc_task *t, void *state, GError **error)
{
  count_state *s = state;
  demo_totals *totals = s->totals;
  GHashTableIter it;
  gpointer key, value;
  g_mutex_lock(&totals->lock);
  g_hash_table_iter_init(&it, s->counts);
  while (g_hash_table_iter_next(&it, &key, &value)) {
    gsize prev = GPOINTER_TO_SIZE(g_hash_table_lookup(totals->totals, key));
    g_hash_table_insert(totals->totals, g_strdup(key), GSIZE_TO_POINTER(prev + *(gsize *)value));
  }
  g_mutex_unlock(&totals->lock);
  return TRUE;
}

static void count_close(fc_task *t, void *state)
{
  count_state *s = state;
  g_hash_table_destroy(s->counts);
  g_free(s);
}

int gust_cmd_demo(int argc, char **argv)
{
  double seconds = 3;
  int parallelism = 2;
  g_autofree char *seconds_text = NULL, *parallelism_text = NULL;
  GOptionEntry entries[] = {
      {"duration", 'd', 0, G_OPTION_ARG_STRING, &seconds_text,
       "seconds to run, up to 86400 (default 3)", "SECONDS"},
      {"parallelism", 'p', 0, G_OPTION_ARG_STRING, &parallelism_text,
       "subtasks per vertex, 1 to 64 (default 2)", "N"},
      {NULL},
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("- word count on the bare engine");
  g_option_context_add_main_entries(ctx, entries, NULL);
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) ||
      !gust_option_double("--duration", seconds_text, 0, MAX_DURATION_S, &seconds, &error) ||
      !gust_option_int("--parallelism", parallelism_text, 1, MAX_PARALLELISM, &parallelism,
                       &error) ||
      argc != 1) {
    gust_log_error("%s", error ? error->message : "unexpected arguments");
    g_clear_error(&error);
    return 2;
  }

  demo_totals the_totals;
  g_mutex_init(&the_totals.lock);
  the_totals.totals = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

  static const fc_operator sentence_op = {
      .open = state_open, .produce = sentence_produce, .close = state_close};
  static const fc_operator split_op = {.process = split_process};
  static const fc_operator count_op = {
      .open = count_open, .process = count_process, .finish = count_finish, .close = count_close};
  fc_graph *g = fc_graph_new();
  int src = fc_graph_add_vertex(g, "sentences", parallelism, &sentence_op, NULL, NULL);
  int split = fc_graph_add_vertex(g, "split", parallelism, &split_op, NULL, NULL);
  int count = fc_graph_add_vertex(g, "count", parallelism, &count_op, &the_totals, NULL);
  fc_graph_add_edge(g, src, split, &(fc_edge_spec){.partitioner = FC_PART_SHUFFLE, .stream = -1});
  fc_graph_add_edge(g, split, count,
                    &(fc_edge_spec){.partitioner = FC_PART_HASH, .stream = -1, .key = word_key});
  fc_job *job = fc_job_new(g, NULL, &error);
  if (!job) {
    gust_log_error("%s", error->message);
    return 1;
  }
  g_message("running sentences -> split -> count (parallelism %d) for %.1f s", parallelism,
            seconds);
  int64_t start = fc_now_ns();
  fc_job_start(job);
  if (!fc_job_wait(job, (int64_t)(seconds * 1000), &error)) {
    if (!g_error_matches(error, FC_ERROR, FC_ERROR_TIMEOUT)) {
      gust_log_error("%s", error->message);
      fc_job_free(job);
      return 1;
    }
    g_clear_error(&error);
  }
  fc_job_drain(job);
  if (!fc_job_wait(job, 30000, &error)) {
    gust_log_error("%s", error->message);
    fc_job_free(job);
    return 1;
  }
  double elapsed = (fc_now_ns() - start) / 1e9;

  printf("%-14s %12s %12s %10s %8s\n", "task", "records in", "records out", "batches", "busy %");
  for (int i = 0; i < fc_job_n_tasks(job); i++) {
    fc_task_metrics m;
    fc_job_task_metrics(job, i, &m);
    printf("%-14s %12" G_GUINT64_FORMAT " %12" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT
           " %7.1f%%\n",
           fc_job_task_name(job, i), m.records_in, m.records_out, m.batches_out + m.batches_in,
           100.0 * m.busy_ns / 1e9 / elapsed);
  }
  fc_job_free(job);

  uint64_t words = 0;
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, the_totals.totals);
  while (g_hash_table_iter_next(&it, &key, &value))
    words += GPOINTER_TO_SIZE(value);
  printf("\ncounted %" G_GUINT64_FORMAT " words (%u distinct) in %.2f s: %.0f words/s\n", words,
         g_hash_table_size(the_totals.totals), elapsed, words / elapsed);
  printf("the: %zu  seven: %zu  moon: %zu\n",
         GPOINTER_TO_SIZE(g_hash_table_lookup(the_totals.totals, "the")),
         GPOINTER_TO_SIZE(g_hash_table_lookup(the_totals.totals, "seven")),
         GPOINTER_TO_SIZE(g_hash_table_lookup(the_totals.totals, "moon")));
  g_hash_table_destroy(the_totals.totals);
  g_mutex_clear(&the_totals.lock);
  return 0;
}
