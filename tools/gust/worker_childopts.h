/* worker_childopts.h — the childopts settings of Storm's supervisor as
 * options of the JVM a worker starts for its Java components. */
#pragma once

#include <glib.h>
#include <jansson.h>

/* Who the worker is: what Storm's placeholders in childopts stand for. */
typedef struct {
  const char *topology_id;
  const char *supervisor_id;
  int port;
} gust_worker_identity;

/* Appends to words (an option array ending in NULL, as
 * gust_jvm_option_words makes it; it stays NULL-terminated), in the order
 * Storm's supervisor puts them on a worker's command line: the daemon's
 * worker.childopts, the topology's topology.worker.childopts, then the
 * topology's topology.worker.gc.childopts or, when it is unset, the
 * daemon's worker.gc.childopts.  Each is a string split at white space or
 * a list of strings (one word each), with Storm's placeholders replaced;
 * an unset key or one without words adds nothing.  Can't fail (both confs
 * were checked: any other type of value adds nothing). */
void gust_worker_childopts_append(GPtrArray *words, const json_t *daemon_conf,
                                  const json_t *topology_conf, const gust_worker_identity *who);
