/* worker_childopts.h — a topology's topology.worker.childopts as options
 * of the JVM its worker starts for the Java components. */
#pragma once

#include <glib.h>
#include <jansson.h>

/* Who the worker is: what Storm's placeholders in childopts stand for. */
typedef struct {
  const char *topology_id;
  const char *supervisor_id;
  int port;
} gust_worker_identity;

/* Appends the words of topology_conf's topology.worker.childopts (a
 * string split at white space, or a list of strings, one word each), with
 * Storm's placeholders replaced, to words: an option array ending in
 * NULL (gust_jvm_option_words), which stays NULL-terminated.  Nothing is
 * added when the key is unset or holds no words.  Can't fail (the conf
 * was checked: any other type of value adds nothing). */
void gust_worker_childopts_append(GPtrArray *words, const json_t *topology_conf,
                                  const gust_worker_identity *who);
