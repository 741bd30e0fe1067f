/* report_nimbus.h — topology statistics read from a Nimbus over Thrift:
 * Storm's or gust's, which answer the same IDL.
 *
 * Each sample calls getTopologyInfoByNameWithOpts (errors: NONE), as
 * `storm monitor` does, and adds up over the executors the ":all-time"
 * window: emitted on the non-system streams (those not starting "__"),
 * spouts' acked and complete_ms_avg (weighted by acked), bolts' executed
 * and execute_ms_avg (weighted by executed), per component and, for the
 * spouts, for the topology.  One connection, kept; dropped and dialled
 * again after a failure.  One thread at a time. */
#ifndef GUST_REPORT_NIMBUS_H
#define GUST_REPORT_NIMBUS_H

#include <gust_storm_nimbus.h>
#include <jansson.h>

typedef struct gust_report_nimbus gust_report_nimbus;

/* conf: a daemon conf naming the Nimbus (nimbus.seeds,
 * nimbus.thrift.port), copied; topology: its name.  Nothing is dialled
 * until the first sample; this cannot fail. */
gust_report_nimbus *gust_report_nimbus_new(const json_t *conf, const char *topology);
void gust_report_nimbus_free(gust_report_nimbus *nimbus);

/* Adds tuples, acked, complete_ms and components to sample.  FALSE with
 * a GError naming the Nimbus when it cannot be reached or the topology is
 * not alive there. */
gboolean gust_report_nimbus_sample(gust_report_nimbus *nimbus, json_t *sample, GError **error);

/* The same fields from a TopologyInfo already read. */
void gust_report_nimbus_read_info(const GustStormTopologyInfo *info, json_t *sample);

/* "host:port" of the Nimbus last reached, or NULL; borrowed. */
const char *gust_report_nimbus_address(const gust_report_nimbus *nimbus);

#endif
