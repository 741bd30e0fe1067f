/* proc_usage.h — CPU time and resident memory of a worker, from /proc. */
#ifndef GUST_PROC_USAGE_H
#define GUST_PROC_USAGE_H

#include <glib.h>
#include <sys/types.h>

typedef struct {
  double cpu_secs;   /* user + system time of the processes, in seconds */
  guint64 rss_bytes; /* resident set size (VmRSS) summed over the processes */
  guint processes;   /* how many processes were counted */
} gust_proc_usage;

/* Sums the usage of a worker: every live process of process group root
 * (the worker leads it) and all their descendants (its multilang
 * subprocesses lead groups of their own), read from /proc/<pid>/stat
 * (ppid, pgrp, utime, stime) and /proc/<pid>/status (VmRSS).  FALSE with
 * an error naming the group when no such process is found. */
gboolean gust_proc_tree_usage(pid_t root, gust_proc_usage *usage, GError **error);

/* One process: /proc/<pid>/stat and /proc/<pid>/status; ppid and pgrp may
 * be NULL.  FALSE with an error naming the file when it cannot be read or
 * parsed. */
gboolean gust_proc_usage_of(pid_t pid, gust_proc_usage *usage, pid_t *ppid, pid_t *pgrp,
                            GError **error);

#endif
