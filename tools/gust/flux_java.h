/* flux_java.h — a Flux topology's spouts and bolts that name the user's
 * own Java classes (`gust local FILE.yaml --jar JAR`, `gust jar JAR
 * org.apache.storm.flux.Flux ...`): one JVM with gust's Storm API and the
 * jar on its class path builds each from its Flux definition, as Storm's
 * Flux does, and hosts its tasks.  Runs on the caller's thread. */
#pragma once

#include <gust/jvm.h>
#include <gust/storm_thrift.h>

typedef struct {
  const char *jar;      /* the topology jar */
  const char *java;     /* the java program; NULL: java on PATH */
  const char *jvm_opts; /* space-separated; NULL: GUST_DEFAULT_JVM_OPTS */
} gust_flux_java_options;

/* For every component whose class is neither built in nor native
 * (GUST_IMPL_JAVA), starts the JVM, has it build the object and makes the
 * component a JVM-hosted one (GUST_IMPL_JVM; a ShellBolt/ShellSpout
 * subclass a multilang one) with the streams it declares and its
 * getComponentConfiguration() under the Flux file's own config.  *jvm is
 * the JVM (NULL when no component needed one): pass its socket to the
 * runtime, gust_jvm_stop() and gust_jvm_free() it at the end.  FALSE +
 * error ("file:line: bolt 'x': class ... cannot be built: ...",
 * GUST_FLUX_ERROR_UNSUPPORTED) when a class cannot be built or the JVM
 * does not start. */
gboolean gust_flux_java_host(gust_topology *topology, const gust_flux_java_options *options,
                             gust_jvm **jvm, GError **error);

/* For a submission to Nimbus (`gust submit --jar`): gust_flux_java_host()
 * and gust_topology_validate(), with the JVM stopped once it has said what
 * each class declares; the
 * Java components are left as GUST_IMPL_JAVA so that they convert to
 * Thrift, and *definitions gets a new table id -> GBytes, the bytes each
 * sends as its `serialized_java` (gust_flux_java_put_serialized()): a
 * worker's JVM builds it from them. */
gboolean gust_flux_java_prepare_submit(gust_topology *topology,
                                       const gust_flux_java_options *options,
                                       GHashTable **definitions, GError **error);

/* Replaces the component object of every component in definitions. */
void gust_flux_java_put_serialized(GustStormStormTopology *thrift, GHashTable *definitions);
