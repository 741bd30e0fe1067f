/* report_proc.c — /proc sampling of an engine's processes (report_proc.h).
 *
 * Each sample lists /proc once: for every numeric entry it reads stat
 * (parent pid, utime, stime, rss in pages, threads) and, when matching by
 * command line, cmdline (NUL-separated words), leaving out the sampler
 * and its ancestors.  A tree is the closure of
 * the root under the parent relation of that one listing.  Everything read
 * from /proc is untrusted text: a field that does not parse skips the
 * process. */
#include "report_proc.h"

#include "report_series.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct gust_report_proc {
  int root_pid; /* > 0: a tree */
  GStrv words;  /* else: all of these in the command line */
  char *description;
};

typedef struct {
  int pid, ppid;
  double cpu_s;
  double rss_bytes;
  int threads;
} proc_stat;

gust_report_proc *gust_report_proc_new_tree(int root_pid)
{
  gust_report_proc *proc = g_new0(gust_report_proc, 1);
  proc->root_pid = root_pid;
  proc->description = g_strdup_printf("process %d and its descendants", root_pid);
  return proc;
}

gust_report_proc *gust_report_proc_new_matching(const char *const *words)
{
  gust_report_proc *proc = g_new0(gust_report_proc, 1);
  proc->words = g_strdupv((char **)words);
  g_autofree char *joined = g_strjoinv("\", \"", proc->words);
  proc->description = g_strdup_printf("processes whose command line holds \"%s\"", joined);
  return proc;
}

void gust_report_proc_free(gust_report_proc *proc)
{
  if (!proc) return;
  g_strfreev(proc->words);
  g_free(proc->description);
  g_free(proc);
}

const char *gust_report_proc_describe(const gust_report_proc *proc)
{
  return proc->description;
}

/* /proc/PID/stat: "pid (comm) state ppid ... utime(14) stime(15) ...
 * num_threads(20) ... rss(24)"; comm may hold spaces and parentheses, so
 * fields are counted from the last ')'. */
static gboolean read_stat(int pid, proc_stat *out)
{
  char path[64];
  g_snprintf(path, sizeof path, "/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL)) return FALSE;
  const char *close = strrchr(text, ')');
  if (!close) return FALSE;
  g_auto(GStrv) fields = g_strsplit(close + 2, " ", -1);
  /* fields[0] is field 3 (state) */
  if (g_strv_length(fields) < 22) return FALSE;
  long ticks = sysconf(_SC_CLK_TCK);
  out->pid = pid;
  out->ppid = atoi(fields[1]);
  out->cpu_s = (g_ascii_strtod(fields[11], NULL) + g_ascii_strtod(fields[12], NULL)) / ticks;
  out->threads = atoi(fields[17]);
  out->rss_bytes = g_ascii_strtod(fields[21], NULL) * sysconf(_SC_PAGESIZE);
  return out->ppid >= 0 && out->threads >= 0;
}

static gboolean command_line_matches(int pid, GStrv words)
{
  char path[64];
  g_snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
  g_autofree char *text = NULL;
  gsize length = 0;
  if (!g_file_get_contents(path, &text, &length, NULL) || length == 0) return FALSE;
  for (gsize i = 0; i + 1 < length; i++)
    if (text[i] == '\0') text[i] = ' ';
  for (int i = 0; words[i]; i++)
    if (!strstr(text, words[i])) return FALSE;
  return TRUE;
}

static GArray *list_processes(void)
{
  GArray *all = g_array_new(FALSE, FALSE, sizeof(proc_stat));
  GDir *dir = g_dir_open("/proc", 0, NULL);
  if (!dir) return all;
  const char *name;
  while ((name = g_dir_read_name(dir))) {
    char *end;
    long pid = strtol(name, &end, 10);
    proc_stat stat;
    if (*end || pid <= 0 || pid > G_MAXINT) continue;
    if (read_stat((int)pid, &stat)) g_array_append_val(all, stat);
  }
  g_dir_close(dir);
  return all;
}

/* Marks the processes to count in keep[]. */
static void select_processes(const gust_report_proc *proc, GArray *all, gboolean *keep)
{
  if (!proc->root_pid) {
    /* the sampler and the processes that started it (a shell, timeout)
     * hold the words in their own command lines: never count them */
    g_autoptr(GHashTable) own_line = g_hash_table_new(NULL, NULL);
    for (int pid = getpid(); pid > 0 && g_hash_table_add(own_line, GINT_TO_POINTER(pid));) {
      int parent = 0;
      for (guint i = 0; i < all->len; i++)
        if (g_array_index(all, proc_stat, i).pid == pid)
          parent = g_array_index(all, proc_stat, i).ppid;
      pid = parent;
    }
    for (guint i = 0; i < all->len; i++) {
      int pid = g_array_index(all, proc_stat, i).pid;
      keep[i] = !g_hash_table_contains(own_line, GINT_TO_POINTER(pid)) &&
                command_line_matches(pid, proc->words);
    }
    return;
  }
  for (guint i = 0; i < all->len; i++)
    keep[i] = g_array_index(all, proc_stat, i).pid == proc->root_pid;
  gboolean grew = TRUE;
  while (grew) { /* the closure under "parent is kept" */
    grew = FALSE;
    for (guint i = 0; i < all->len; i++) {
      if (keep[i]) continue;
      int ppid = g_array_index(all, proc_stat, i).ppid;
      for (guint j = 0; j < all->len; j++)
        if (keep[j] && g_array_index(all, proc_stat, j).pid == ppid) {
          keep[i] = grew = TRUE;
          break;
        }
    }
  }
}

gboolean gust_report_proc_sample(gust_report_proc *proc, json_t *sample, GError **error)
{
  g_autoptr(GArray) all = list_processes();
  g_autofree gboolean *keep = g_new0(gboolean, all->len + 1);
  select_processes(proc, all, keep);
  double cpu_s = 0, rss = 0;
  int threads = 0, processes = 0;
  for (guint i = 0; i < all->len; i++) {
    if (!keep[i]) continue;
    const proc_stat *s = &g_array_index(all, proc_stat, i);
    cpu_s += s->cpu_s;
    rss += s->rss_bytes;
    threads += s->threads;
    processes++;
  }
  if (processes == 0) {
    g_set_error(error, GUST_REPORT_ERROR, GUST_REPORT_ERROR_SOURCE, "no %s is running on this host",
                proc->description);
    return FALSE;
  }
  json_object_set_new(sample, "cpu_s", json_real(cpu_s));
  json_object_set_new(sample, "rss_bytes", json_integer((json_int_t)rss));
  json_object_set_new(sample, "threads", json_integer(threads));
  json_object_set_new(sample, "processes", json_integer(processes));
  return TRUE;
}
