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

/* Sums the usage of every live process of process group pgid (a worker and
 * its multilang subprocesses), read from /proc/<pid>/stat (utime, stime,
 * pgrp) and /proc/<pid>/status (VmRSS).  FALSE with an error naming the
 * group when no process of it is found. */
gboolean gust_proc_group_usage(pid_t pgid, gust_proc_usage *usage, GError **error);

/* One process: /proc/<pid>/stat and /proc/<pid>/status.  FALSE with an
 * error naming the file when it cannot be read or parsed. */
gboolean gust_proc_usage_of(pid_t pid, gust_proc_usage *usage, pid_t *pgrp, GError **error);

#endif
