/* jar_submit.h — `gust jar JAR MAINCLASS [ARGS...]` without --local: the
 * user's main runs in a JVM of its own and its StormSubmitter submits to
 * the cluster's Nimbus, as under `storm jar`. */
#ifndef GUST_JAR_SUBMIT_H
#define GUST_JAR_SUBMIT_H

#include "daemon_conf.h"

#include <glib.h>

typedef struct {
  const char *jar;
  const char *main_class;
  char **main_args;                       /* NULL-terminated */
  const char *java;                       /* NULL: java on PATH */
  const char *const *jvm_options;         /* NULL-terminated */
  const gust_daemon_conf_args *conf_args; /* --config and -c */
} gust_jar_submit_options;

/* Reads the client conf (storm.yaml or --config, then -c), then replaces
 * this process with the JVM (as Storm's `storm jar` script does), so the
 * command's exit status is the main's.  Returns only on failure: FALSE
 * with an error naming the bad option, file or program. */
gboolean gust_jar_submit_exec(const gust_jar_submit_options *o, GError **error);

#endif /* GUST_JAR_SUBMIT_H */
