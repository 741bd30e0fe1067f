/* multilang_bench.c — how fast tuples go through one multilang (Python)
 * bolt instance, and how much of the pipeline's CPU gust spends.
 *
 * Topology: a native sentence spout -> one Python bolt -> a native
 * fields-grouped word counter, in this process.  Two bolts, each in turn:
 *   echo   re-emits each input as is (the protocol's own cost)
 *   split  splits each sentence into words (examples/flux/shell/resources/
 *          split_sentence.py, with the multilang.py helper)
 * each untracked (topology.acker.executors 0) and in the default
 * checkpoint mode (reliable emits, max.spout.pending 10000 unless told:
 * in checkpoint mode a spout at its cap asks for an early checkpoint);
 * then a split bolt that talks as Storm's stock storm.py does
 * (storm_py_split.py here: one write per message, and every emit waits
 * for its task ids), which is what most users run.  After a warm-up it
 * measures, over a window: input tuples/s through the bolt, emitted
 * tuples/s, and CPU seconds of this process (getrusage) and of the bolt's
 * subprocess (/proc/PID/stat of our children), printing gust's share of
 * the total.  Goal: >= 50,000 tuples/s through the split bolt, gust
 * under 20 % of the CPU.
 *
 * A storm.py child makes one round trip over its pipes per emit, so its
 * ceiling is the pipes' round-trip rate: measured in the same run by a
 * ping-pong between this process and a forked one over a pipe pair with
 * the messages' sizes (an emit as storm.py writes it one way, its
 * task-id list back), and the storm.py run's emits/s are given as a
 * fraction of it.
 *
 * Usage: multilang-bench [--seconds S] [--resources DIR]
 */
#include <gust/flinkcore.h>
#include <gust/runtime.h>
#include <gust/storm.h>
#include <gust/topology.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef GUST_SHELL_RESOURCES
#define GUST_SHELL_RESOURCES "examples/flux/shell/resources"
#endif
#ifndef GUST_BENCH_SCRIPTS
#define GUST_BENCH_SCRIPTS "tools/bench"
#endif

/* ---- the native components ---- */

static const char *const sentences[] = {
    "the cow jumped over the moon",   "an apple a day keeps the doctor away",
    "four score and seven years ago", "snow white and the seven dwarfs",
    "i am at two with nature",
};

typedef struct {
  uint64_t n;
  bool reliable;
} sentence_spout;

static void sentence_declare(gust_declarer *d, const json_t *conf)
{
  const char *const fields[] = {"sentence", NULL};
  gust_declare_stream(d, NULL, fields, FALSE);
}

static gboolean sentence_open(const gust_context *ctx, void **state, GError **error)
{
  sentence_spout *s = g_new0(sentence_spout, 1);
  s->reliable =
      json_integer_value(json_object_get(gust_context_conf(ctx), "topology.acker.executors")) != 0;
  *state = s;
  return TRUE;
}

static gboolean sentence_next(void *state, gust_collector *out, GError **error)
{
  sentence_spout *s = state;
  for (int i = 0; i < 16; i++) {
    const char *text = sentences[s->n % G_N_ELEMENTS(sentences)];
    fc_value v = fc_str(text), id = fc_i64((int64_t)s->n);
    gust_spout_emit(out, NULL, &v, 1, s->reliable ? &id : NULL, NULL, 0);
    s->n++;
  }
  return TRUE;
}

static const gust_component_def sentence_spout_def = {.abi = GUST_NATIVE_ABI,
                                                      .kind = GUST_DEF_SPOUT,
                                                      .declare_outputs = sentence_declare,
                                                      .open = sentence_open,
                                                      .next_tuple = sentence_next,
                                                      .close = g_free};

/* word -> count (a uint64_t allocated with the key's entry) */
static gboolean count_open(const gust_context *ctx, void **state, GError **error)
{
  *state = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  return TRUE;
}

static gboolean count_execute(void *state, const gust_tuple *input, gust_collector *out,
                              GError **error)
{
  GHashTable *counts = state;
  const fc_value *word = gust_tuple_get(input, 0);
  if (word && word->type == FC_STR) {
    uint64_t *n = g_hash_table_lookup(counts, word->u.str);
    if (!n) {
      n = g_new0(uint64_t, 1);
      g_hash_table_insert(counts, g_strndup(word->u.str, word->len), n);
    }
    (*n)++;
  }
  gust_ack(out, input);
  return TRUE;
}

static const gust_component_def count_bolt_def = {.abi = GUST_NATIVE_ABI,
                                                  .kind = GUST_DEF_BOLT,
                                                  .open = count_open,
                                                  .execute = count_execute,
                                                  .close = (void (*)(void *))g_hash_table_destroy};

static const gust_component_def *lookup(const char *library, const char *symbol, void *data)
{
  return !strcmp(symbol, "sentences") ? &sentence_spout_def : &count_bolt_def;
}

/* ---- CPU ---- */

static double self_cpu_s(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
         ru.ru_stime.tv_usec / 1e6;
}

/* CPU seconds of our live child processes (utime + stime from /proc). */
static double children_cpu_s(void)
{
  double total = 0;
  GDir *proc = g_dir_open("/proc", 0, NULL);
  const char *name;
  pid_t self = getpid();
  while (proc && (name = g_dir_read_name(proc))) {
    if (!g_ascii_isdigit(name[0])) continue;
    g_autofree char *path = g_build_filename("/proc", name, "stat", NULL);
    g_autofree char *stat = NULL;
    if (!g_file_get_contents(path, &stat, NULL, NULL)) continue;
    const char *after = strrchr(stat, ')'); /* the command may hold spaces */
    if (!after) continue;
    g_auto(GStrv) f = g_strsplit(after + 2, " ", 0);
    /* fields after the command: state(0) ppid(1) ... utime(11) stime(12) */
    if (g_strv_length(f) > 12 && atoi(f[1]) == self)
      total += (g_ascii_strtod(f[11], NULL) + g_ascii_strtod(f[12], NULL)) / sysconf(_SC_CLK_TCK);
  }
  if (proc) g_dir_close(proc);
  return total;
}

/* ---- the pipes' round-trip limit ---- */

/* Reads exactly n bytes; FALSE at EOF or error. */
static bool read_exactly(int fd, char *buf, size_t n)
{
  while (n) {
    ssize_t got = read(fd, buf, n);
    if (got <= 0) return false;
    buf += got;
    n -= (size_t)got;
  }
  return true;
}

/* Round trips per second between this process and a forked one over a
 * pipe pair: `out` bytes one way, `back` bytes the other, one write each.
 * 0 if it cannot be measured. */
static double pipe_round_trips_per_s(size_t out, size_t back, double seconds)
{
  int there[2], here[2];
  if (pipe(there) || pipe(here)) return 0;
  char buf[256] = {0};
  g_assert(out <= sizeof buf && back <= sizeof buf);
  pid_t pid = fork();
  if (pid < 0) return 0;
  if (pid == 0) { /* the echoing side */
    close(there[1]);
    close(here[0]);
    while (read_exactly(there[0], buf, out))
      if (write(here[1], buf, back) != (ssize_t)back) break;
    _exit(0);
  }
  close(there[0]);
  close(here[1]);
  uint64_t trips = 0;
  int64_t start = g_get_monotonic_time(), end = start + (int64_t)(seconds * 1e6), now = start;
  while (now < end) {
    for (int i = 0; i < 64; i++, trips++) /* the clock read now and then */
      if (write(there[1], buf, out) != (ssize_t)out || !read_exactly(here[0], buf, back)) {
        end = 0;
        break;
      }
    now = g_get_monotonic_time();
  }
  close(there[1]);
  close(here[0]);
  waitpid(pid, NULL, 0);
  return end ? trips / ((now - start) / 1e6) : 0;
}

/* ---- one run ---- */

typedef struct {
  double in_per_s, out_per_s, gust_cpu, child_cpu;
} result;

static void counters(gust_runtime *rt, uint64_t *in, uint64_t *out)
{
  gust_component_summary *s = NULL;
  guint n = gust_runtime_summary(rt, &s);
  for (guint i = 0; i < n; i++)
    if (!strcmp(s[i].component, "bolt")) {
      *in = s[i].executed;
      *out = s[i].emitted;
    }
  g_free(s);
}

static int max_spout_pending = 10000;
static int threads = 0; /* scheduler threads; 0: one per core */

static gboolean run(const char *resources, const char *const *argv, bool tracked, double seconds,
                    result *r, GError **error)
{
  gust_topology *t = gust_topology_new("multilang-bench");
  gust_topology_set_conf_value(t, "topology.acker.executors", json_integer(tracked ? 1 : 0));
  gust_topology_set_conf_value(t, "topology.max.spout.pending", json_integer(max_spout_pending));
  gust_component *spout = gust_topology_add_component(t, "sentences", GUST_COMPONENT_SPOUT);
  gust_component_set_impl(spout, gust_impl_new_native("bench", "sentences"));
  gust_component *bolt = gust_topology_add_component(t, "bolt", GUST_COMPONENT_BOLT);
  gust_component_set_impl(bolt, gust_impl_new_multilang(argv, resources, NULL));
  const char *const fields[] = {"word", NULL};
  gust_component_declare_stream(bolt, "default", fields, FALSE, NULL);
  gust_component_add_input(bolt, "sentences", "default", gust_grouping_new(GUST_GROUPING_SHUFFLE),
                           NULL);
  gust_component *count = gust_topology_add_component(t, "count", GUST_COMPONENT_BOLT);
  gust_component_set_impl(count, gust_impl_new_native("bench", "count"));
  const char *const word[] = {"word", NULL};
  gust_component_add_input(count, "bolt", "default",
                           gust_grouping_new_fields(GUST_GROUPING_FIELDS, word), NULL);
  gust_runtime_options opts = {.native_lookup = lookup, .threads = threads};
  gust_runtime *rt = gust_runtime_new(t, &opts, error);
  if (!rt) {
    gust_topology_free(t);
    return FALSE;
  }
  gust_runtime_start(rt);
  g_usleep((gulong)(MIN(1.5, seconds * 0.3) * 1e6)); /* start-up and warm-up */
  uint64_t in0 = 0, out0 = 0, in1 = 0, out1 = 0;
  counters(rt, &in0, &out0);
  double self0 = self_cpu_s(), child0 = children_cpu_s();
  int64_t t0 = g_get_monotonic_time();
  g_usleep((gulong)(seconds * 1e6));
  counters(rt, &in1, &out1);
  double self1 = self_cpu_s(), child1 = children_cpu_s();
  double window = (g_get_monotonic_time() - t0) / 1e6;
  gboolean ok = gust_runtime_stop(rt, 60000, error);
  gust_runtime_free(rt);
  gust_topology_free(t);
  r->in_per_s = (in1 - in0) / window;
  r->out_per_s = (out1 - out0) / window;
  r->gust_cpu = (self1 - self0) / window;
  r->child_cpu = (child1 - child0) / window;
  return ok;
}

static double share(const result *r)
{
  return r->gust_cpu / (r->gust_cpu + r->child_cpu);
}

static int by_share(const void *a, const void *b)
{
  double x = share(a), y = share(b);
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
  double seconds = 4;
  int repeat = 3;
  char *resources = NULL, *only = NULL;
  GOptionEntry entries[] = {
      {"seconds", 's', 0, G_OPTION_ARG_DOUBLE, &seconds, "measuring window per run (default 4)",
       "S"},
      {"resources", 'r', 0, G_OPTION_ARG_FILENAME, &resources,
       "where split_sentence.py and multilang.py are (default: the examples')", "DIR"},
      {"only", 'o', 0, G_OPTION_ARG_STRING, &only, "run only the runs whose label contains TEXT",
       "TEXT"},
      {"max-spout-pending", 'p', 0, G_OPTION_ARG_INT, &max_spout_pending,
       "topology.max.spout.pending (default 10000)", "N"},
      {"threads", 't', 0, G_OPTION_ARG_INT, &threads, "scheduler threads (default: one per core)",
       "N"},
      {"repeat", 'n', 0, G_OPTION_ARG_INT, &repeat,
       "runs of each case (default 3; the median shown)", "N"},
      {NULL},
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("- tuples/s through one Python bolt");
  g_option_context_add_main_entries(ctx, entries, NULL);
  GError *error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "multilang-bench: %s\n", error->message);
    return 2;
  }
  const char *dir = resources ? resources : GUST_SHELL_RESOURCES;
  const char *const echo[] = {
      "python3", "-c", "import multilang\nmultilang.run_bolt(lambda t: multilang.emit(t.values))",
      NULL};
  const char *const split[] = {"python3", "split_sentence.py", NULL};
  const char *const storm_py[] = {"python3", GUST_BENCH_SCRIPTS "/storm_py_split.py", NULL};
  struct {
    const char *label;
    const char *const *argv;
    bool tracked;
    result r;
  } runs[] = {
      {.label = "echo, untracked", .argv = echo, .tracked = false},
      {.label = "split, untracked", .argv = split, .tracked = false},
      {.label = "echo, checkpoint mode", .argv = echo, .tracked = true},
      {.label = "split, checkpoint mode", .argv = split, .tracked = true},
      {.label = "storm.py split, checkpoint mode", .argv = storm_py, .tracked = true},
  };
  /* an emit as storm.py writes it (json.dumps' spacing, a split's word),
   * and the task-id list it waits for */
  const char *emit_text = "{\"command\": \"emit\", \"anchors\": [\"123456\"], \"tuple\": "
                          "[\"jumped\"]}\nend\n",
             *task_ids_text = "[7]\nend\n";
  double round_trips = 0;
  repeat = MAX(repeat, 1);
  printf("multilang-bench: one Python bolt (%s), %u cores, %.0f s per run, median of %d\n", dir,
         g_get_num_processors(), seconds, repeat);
  printf("  %-32s %12s %12s %10s %10s %8s %12s %15s\n", "bolt", "in tuples/s", "out tuples/s",
         "gust CPU", "child CPU", "gust %", "gust us/in", "gust % min-max");
  for (size_t i = 0; i < G_N_ELEMENTS(runs); i++) {
    if (only && !strstr(runs[i].label, only)) continue;
    if (runs[i].argv == storm_py)
      round_trips = pipe_round_trips_per_s(strlen(emit_text), strlen(task_ids_text), seconds);
    result tries[repeat];
    for (int k = 0; k < repeat; k++)
      if (!run(dir, runs[i].argv, runs[i].tracked, seconds, &tries[k], &error)) {
        fprintf(stderr, "multilang-bench: %s: %s\n", runs[i].label, error->message);
        return 1;
      }
    qsort(tries, (size_t)repeat, sizeof *tries, by_share);
    result *r = &runs[i].r;
    *r = tries[repeat / 2];
    printf("  %-32s %12.0f %12.0f %9.2fc %9.2fc %7.1f%% %12.2f %7.1f-%.1f%%\n", runs[i].label,
           r->in_per_s, r->out_per_s, r->gust_cpu, r->child_cpu, 100 * share(r),
           r->gust_cpu * 1e6 / r->in_per_s, 100 * share(&tries[0]),
           100 * share(&tries[repeat - 1]));
  }
  result *s = &runs[1].r;
  if (s->in_per_s > 0)
    printf("  split bolt: %.0f tuples/s (goal >= 50000), gust %.1f%% of the CPU (goal < 20%%)\n",
           s->in_per_s, 100 * share(s));
  result *p = &runs[4].r;
  if (p->out_per_s > 0 && round_trips > 0)
    printf(
        "  storm.py split: %.0f emits/s (%.0f tuples in/s) = %.1f%% of the pipe round-trip limit "
        "measured here, %.0f round trips/s (%zu bytes out, %zu back; one per emit)\n",
        p->out_per_s, p->in_per_s, 100 * p->out_per_s / round_trips, round_trips, strlen(emit_text),
        strlen(task_ids_text));
  g_free(resources);
  g_free(only);
  return 0;
}
