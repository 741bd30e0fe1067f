/* proc_usage.c — reading a worker's resource use from /proc.
 *
 * /proc/<pid>/stat: the command name (field 2) is in parentheses and may
 * itself hold spaces or parentheses, so fields are counted from the last
 * ')'; pgrp is field 5, utime 14 and stime 15, in clock ticks
 * (sysconf(_SC_CLK_TCK)).  /proc/<pid>/status: "VmRSS:  1234 kB" (absent
 * for a zombie, counted as 0).  Everything read is untrusted text: a line
 * that does not parse is an error, never a guess.  Can be called from any
 * thread; no state.
 */
#define G_LOG_DOMAIN "gust-supervisor"

#include "proc_usage.h"

#include <gust/supervisor.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static gboolean parse_stat(const char *path, const char *text, pid_t *ppid, pid_t *pgrp,
                           double *cpu_secs, GError **error)
{
  const char *close = strrchr(text, ')');
  /* after ")": state(3) ppid(4) pgrp(5) session(6) tty(7) tpgid(8) flags(9)
   * minflt(10) cminflt(11) majflt(12) cmajflt(13) utime(14) stime(15) */
  g_auto(GStrv) fields = close && close[1] ? g_strsplit(close + 2, " ", 16) : g_new0(char *, 1);
  if (g_strv_length(fields) < 14) goto bad;
  char *end;
  errno = 0;
  long long parent = strtoll(fields[1], &end, 10);
  if (errno || *end) goto bad;
  long long group = strtoll(fields[2], &end, 10);
  if (errno || *end) goto bad;
  unsigned long long utime = strtoull(fields[11], &end, 10);
  if (errno || *end) goto bad;
  unsigned long long stime = strtoull(fields[12], &end, 10);
  if (errno || *end) goto bad;
  long ticks = sysconf(_SC_CLK_TCK);
  *ppid = (pid_t)parent;
  *pgrp = (pid_t)group;
  *cpu_secs = (double)(utime + stime) / (ticks > 0 ? ticks : 100);
  return TRUE;
bad:
  g_set_error(error, GUST_SUPERVISOR_ERROR, GUST_SUPERVISOR_ERROR_PROC,
              "%s: unexpected contents (not a Linux process stat line)", path);
  return FALSE;
}

static gboolean parse_rss(const char *path, const char *text, guint64 *rss_bytes, GError **error)
{
  const char *line = strstr(text, "\nVmRSS:");
  *rss_bytes = 0;
  if (!line) return TRUE; /* a zombie or a kernel thread has none */
  char *end;
  errno = 0;
  unsigned long long kb = strtoull(line + strlen("\nVmRSS:"), &end, 10);
  while (*end == ' ' || *end == '\t')
    end++;
  if (errno || strncmp(end, "kB", 2)) {
    g_set_error(error, GUST_SUPERVISOR_ERROR, GUST_SUPERVISOR_ERROR_PROC,
                "%s: VmRSS line does not read \"N kB\"", path);
    return FALSE;
  }
  *rss_bytes = (guint64)kb * 1024;
  return TRUE;
}

gboolean gust_proc_usage_of(pid_t pid, gust_proc_usage *usage, pid_t *ppid, pid_t *pgrp,
                            GError **error)
{
  g_autofree char *stat_path = g_strdup_printf("/proc/%d/stat", (int)pid);
  g_autofree char *status_path = g_strdup_printf("/proc/%d/status", (int)pid);
  g_autofree char *stat = NULL, *status = NULL;
  if (!g_file_get_contents(stat_path, &stat, NULL, error) ||
      !g_file_get_contents(status_path, &status, NULL, error))
    return FALSE;
  pid_t parent, group;
  double cpu;
  guint64 rss;
  if (!parse_stat(stat_path, stat, &parent, &group, &cpu, error) ||
      !parse_rss(status_path, status, &rss, error))
    return FALSE;
  usage->cpu_secs = cpu;
  usage->rss_bytes = rss;
  usage->processes = 1;
  if (ppid) *ppid = parent;
  if (pgrp) *pgrp = group;
  return TRUE;
}

typedef struct {
  pid_t pid, ppid, pgrp;
  gust_proc_usage usage;
} proc_row;

gboolean gust_proc_tree_usage(pid_t root, gust_proc_usage *usage, GError **error)
{
  *usage = (gust_proc_usage){0};
  GDir *proc = g_dir_open("/proc", 0, error);
  if (!proc) return FALSE;
  GArray *rows = g_array_new(FALSE, FALSE, sizeof(proc_row));
  const char *name;
  while ((name = g_dir_read_name(proc))) {
    char *end;
    long pid = strtol(name, &end, 10);
    if (*end || pid <= 0) continue;
    proc_row row = {.pid = (pid_t)pid};
    /* a process may end between the listing and the read: skip it */
    if (gust_proc_usage_of(row.pid, &row.usage, &row.ppid, &row.pgrp, NULL))
      g_array_append_val(rows, row);
  }
  g_dir_close(proc);
  /* the root's group, then every descendant (multilang subprocesses lead
   * groups of their own), until no row joins */
  GHashTable *in = g_hash_table_new(NULL, NULL);
  for (gboolean grew = TRUE; grew;) {
    grew = FALSE;
    for (guint i = 0; i < rows->len; i++) {
      proc_row *r = &g_array_index(rows, proc_row, i);
      if (g_hash_table_contains(in, GINT_TO_POINTER(r->pid))) continue;
      if (r->pgrp == root || r->pid == root ||
          g_hash_table_contains(in, GINT_TO_POINTER(r->ppid))) {
        g_hash_table_add(in, GINT_TO_POINTER(r->pid));
        usage->cpu_secs += r->usage.cpu_secs;
        usage->rss_bytes += r->usage.rss_bytes;
        usage->processes++;
        grew = TRUE;
      }
    }
  }
  g_hash_table_unref(in);
  g_array_unref(rows);
  if (usage->processes) return TRUE;
  g_set_error(error, GUST_SUPERVISOR_ERROR, GUST_SUPERVISOR_ERROR_PROC,
              "no process of process group %d in /proc", (int)root);
  return FALSE;
}
