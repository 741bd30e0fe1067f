/* ui_nimbus_source.h — the UI's data source for a cluster: the leader
 * Nimbus (gust ui).  Samples call getClusterInfo, getTopologyInfo and
 * getTopologyConf; actions call activate, deactivate, rebalance and
 * killTopologyWithOpts.  Used on the UI server's thread only. */
#ifndef GUST_UI_NIMBUS_SOURCE_H
#define GUST_UI_NIMBUS_SOURCE_H

#include <gust/ui.h>
#include <jansson.h>

/* The source's functions, and its data (*data) for gust_ui_server_start().
 * conf: a daemon conf (daemon_conf.h), copied; nimbus.seeds names the
 * Nimbus hosts.  Nothing is dialled until the first sample. */
const gust_ui_source_funcs *gust_ui_nimbus_source(const json_t *conf, void **data);

#endif /* GUST_UI_NIMBUS_SOURCE_H */
