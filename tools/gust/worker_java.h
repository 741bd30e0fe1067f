/* worker_java.h — the topology a worker runs, with its `serialized_java`
 * components hosted by one JVM that the worker starts (compat/jvm/). */
#ifndef GUST_WORKER_JAVA_H
#define GUST_WORKER_JAVA_H

#include <gust/jvm.h>
#include <gust/storm_thrift.h>
#include <jansson.h>

#include "worker_childopts.h"

/* Builds the stored topology (conf: its topology conf; stormdist: the
 * folder with stormjar.jar and resources/).  When it has Java components,
 * *jvm gets the JVM that hosts them (pass gust_jvm_socket() to the
 * runtime; gust_jvm_free at the end), else NULL.  daemon_conf's
 * storm.gust.java, storm.gust.worker.jvm.opts and
 * supervisor.worker.start.timeout.secs say how the JVM starts, with the
 * childopts of daemon_conf and conf (for the worker who, in Storm's order:
 * gust_worker_childopts_append) after them.  NULL + error
 * (naming the component and its class) when it cannot be built. */
gust_topology *gust_worker_topology(const GustStormStormTopology *thrift, const char *name,
                                    const json_t *conf, const char *stormdist, json_t *daemon_conf,
                                    const gust_worker_identity *who, gust_jvm **jvm,
                                    GError **error);

#endif
