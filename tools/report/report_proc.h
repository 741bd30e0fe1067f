/* report_proc.h — CPU, memory, threads and processes of an engine's
 * processes on this host, read from /proc.
 *
 * The processes are either a root process and its descendants (a gust run
 * this command started: the gust process, its workers, its shell
 * components) or every process whose command line holds all of the given
 * words (Storm's workers: "org.apache.storm.daemon.worker.Worker" and the
 * topology id), other than this process and the ones that started it.
 * They are looked up again at every sample, so workers that
 * restart are followed.  Sums over the processes found:
 * CPU seconds (utime + stime, over the clock tick), resident bytes,
 * threads; and how many processes.  Processes that end between two reads
 * are skipped.  One thread at a time. */
#ifndef GUST_REPORT_PROC_H
#define GUST_REPORT_PROC_H

#include <glib.h>
#include <jansson.h>

typedef struct gust_report_proc gust_report_proc;

/* Follows root_pid and its descendants.  Returns a sampler
 * (gust_report_proc_free()); this cannot fail. */
gust_report_proc *gust_report_proc_new_tree(int root_pid);
/* Follows the processes whose command line contains every word of words
 * (NULL-terminated, copied). */
gust_report_proc *gust_report_proc_new_matching(const char *const *words);
void gust_report_proc_free(gust_report_proc *proc);

/* Adds cpu_s, rss_bytes, threads and processes to sample.  FALSE with a
 * GError when no process is found (the engine is not running here). */
gboolean gust_report_proc_sample(gust_report_proc *proc, json_t *sample, GError **error);

/* "pid 123 and its children" or "processes whose command line holds ..." */
const char *gust_report_proc_describe(const gust_report_proc *proc);

#endif
