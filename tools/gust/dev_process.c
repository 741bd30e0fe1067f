/* dev_process.c — see dev_process.h. */
#include "dev_process.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

void gust_dev_process_become_subreaper(void)
{
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

/* In the child, before exec: a process group of its own, and SIGTERM when
 * the parent dies. */
static void child_setup(gpointer data)
{
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
}

gust_dev_process *gust_dev_process_start(const char *name, char **argv, const char *log,
                                         GError **error)
{
  int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                "cannot open the log of %s, %s: %s", name, log, g_strerror(errno));
    return NULL;
  }
  GPid pid = 0;
  gboolean ok =
      g_spawn_async_with_fds(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH,
                             child_setup, NULL, &pid, -1, fd, fd, error);
  close(fd);
  if (!ok) {
    g_prefix_error(error, "cannot start %s (%s): ", name, argv[0]);
    return NULL;
  }
  gust_dev_process *p = g_new0(gust_dev_process, 1);
  p->name = g_strdup(name);
  p->log = g_strdup(log);
  p->pid = pid;
  return p;
}

gboolean gust_dev_process_running(gust_dev_process *p)
{
  if (!p->pid) return FALSE;
  int status;
  pid_t done = waitpid(p->pid, &status, WNOHANG);
  if (done == 0) return TRUE;
  p->status = done == p->pid ? status : 0;
  p->pid = 0;
  return FALSE;
}

/* Waits up to timeout_ms for pid to end; TRUE if it did (and is reaped). */
static gboolean wait_for_exit(pid_t pid, int *status, int timeout_ms)
{
  gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
  for (;;) {
    pid_t done = waitpid(pid, status, WNOHANG);
    if (done == pid || (done < 0 && errno == ECHILD)) return TRUE;
    if (g_get_monotonic_time() > deadline) return FALSE;
    g_usleep(50 * 1000);
  }
}

void gust_dev_process_stop(gust_dev_process *p, int timeout_ms)
{
  if (!gust_dev_process_running(p)) return;
  kill(-p->pid, SIGTERM);
  if (!wait_for_exit(p->pid, &p->status, timeout_ms)) {
    g_warning("%s (pid %d) did not stop within %d s of SIGTERM: killing it", p->name, (int)p->pid,
              timeout_ms / 1000);
    kill(-p->pid, SIGKILL);
    wait_for_exit(p->pid, &p->status, G_MAXINT / 1000);
  }
  kill(-p->pid, SIGKILL); /* what it started in its group, if anything is left */
  p->pid = 0;
}

/* Our children (by /proc/PID/stat's parent field) not in known. */
static GArray *orphans(gust_dev_process **known, gsize n_known)
{
  GArray *pids = g_array_new(FALSE, FALSE, sizeof(pid_t));
  DIR *proc = opendir("/proc");
  if (!proc) return pids;
  pid_t self = getpid();
  struct dirent *entry;
  while ((entry = readdir(proc))) {
    char *end;
    long pid = strtol(entry->d_name, &end, 10);
    if (*end || pid <= 0) continue;
    char *path = g_strdup_printf("/proc/%ld/stat", pid), *stat = NULL;
    gboolean read = g_file_get_contents(path, &stat, NULL, NULL);
    g_free(path);
    if (!read) continue;
    const char *after_name = strrchr(stat, ')'); /* the name may hold spaces and parentheses */
    char state;
    int parent;
    if (after_name && sscanf(after_name + 1, " %c %d", &state, &parent) == 2 && parent == self) {
      gboolean is_known = FALSE;
      for (gsize i = 0; i < n_known; i++)
        is_known |= known[i] && known[i]->pid == pid;
      if (!is_known) g_array_append_val(pids, (pid_t){(pid_t)pid});
    }
    g_free(stat);
  }
  closedir(proc);
  return pids;
}

void gust_dev_process_reap_orphans(gust_dev_process **known, gsize n_known, int timeout_ms)
{
  GArray *pids = orphans(known, n_known);
  for (guint i = 0; i < pids->len; i++) {
    pid_t pid = g_array_index(pids, pid_t, i);
    g_message("stopping process %d left behind by a daemon", (int)pid);
    kill(pid, SIGTERM);
  }
  for (guint i = 0; i < pids->len; i++) {
    pid_t pid = g_array_index(pids, pid_t, i);
    int status;
    if (!wait_for_exit(pid, &status, timeout_ms)) {
      kill(pid, SIGKILL);
      wait_for_exit(pid, &status, G_MAXINT / 1000);
    }
  }
  g_array_unref(pids);
}

char *gust_dev_process_log_tail(gust_dev_process *p, int lines)
{
  char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents(p->log, &text, &len, NULL)) return g_strdup("(no log)");
  char **all = g_strsplit(text, "\n", -1); /* the last piece follows the final newline */
  guint n = g_strv_length(all);
  guint from = n > (guint)lines + 1 ? n - (guint)lines - 1 : 0;
  char *tail = g_strjoinv("\n", all + from);
  g_strfreev(all);
  g_free(text);
  return tail;
}

void gust_dev_process_free(gust_dev_process *p)
{
  if (!p) return;
  g_free(p->name);
  g_free(p->log);
  g_free(p);
}
