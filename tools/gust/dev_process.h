/* dev_process.h — the child processes of `gust dev-cluster`: each in a
 * process group of its own with its output in a log file, stopped in
 * order, and nothing left behind.
 *
 * A child runs in its own process group, so that Ctrl-C in the terminal
 * reaches `gust dev-cluster` alone, which then stops the children in order
 * (supervisor, Nimbus, ZooKeeper).  A child is sent SIGTERM if
 * `gust dev-cluster` dies, however it dies (PR_SET_PDEATHSIG).  The process
 * is a child subreaper: what a child starts and leaves behind (a worker
 * whose supervisor died) becomes our child, and gust_dev_process_reap_orphans
 * stops it.
 *
 * Threads: the main thread only.
 */
#ifndef GUST_DEV_PROCESS_H
#define GUST_DEV_PROCESS_H

#include <glib.h>

typedef struct {
  char *name; /* "zookeeper", "nimbus", "supervisor": for messages */
  char *log;  /* where its stdout and stderr go (appended) */
  GPid pid;   /* 0 once reaped */
  int status; /* wait status once reaped */
} gust_dev_process;

/* Makes this process a child subreaper (see above); can't fail in a way
 * that matters (older kernels: orphans go to init as usual). */
void gust_dev_process_become_subreaper(void);

/* Starts argv (argv[0] a path or found in PATH) with its output appended to
 * log.  Returns NULL with error (naming the program) if it cannot start. */
gust_dev_process *gust_dev_process_start(const char *name, char **argv, const char *log,
                                         GError **error);

/* TRUE while the child runs (reaps it, without blocking, when it ended). */
gboolean gust_dev_process_running(gust_dev_process *p);

/* SIGTERM to its process group, SIGKILL after timeout_ms; returns once it
 * is reaped. */
void gust_dev_process_stop(gust_dev_process *p, int timeout_ms);

/* SIGTERM, then SIGKILL after timeout_ms, to every process that became our
 * child without being started by gust_dev_process_start; reaps them. */
void gust_dev_process_reap_orphans(gust_dev_process **known, gsize n_known, int timeout_ms);

/* The last lines of its log, for an error message (g_free). */
char *gust_dev_process_log_tail(gust_dev_process *p, int lines);

void gust_dev_process_free(gust_dev_process *p);

#endif
