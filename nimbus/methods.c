/* methods.c — the Nimbus methods gust serves: one row per method, its name
 * and its handler (handlers live in the file of their subject:
 * cluster_methods.c, topology_methods.c, uploads.c).  The statistics
 * methods have their own table (gust_nimbus_stats_handlers,
 * stats_methods.c), looked up first.  Every other method of Storm's IDL
 * answers at once "gust nimbus does not support <method>".  Rows marked TRUE
 * change the cluster: only the leader serves them. */
#include "nimbus_private.h"

const gust_nimbus_handler_row gust_nimbus_handlers[] = {
    {"getLeader", gust_nimbus_get_leader, FALSE},
    {"getClusterInfo", gust_nimbus_get_cluster_info, FALSE},
    {"getNimbusConf", gust_nimbus_get_nimbus_conf, FALSE},
    {"getTopologySummaries", gust_nimbus_get_topology_summaries, FALSE},
    {"getTopologySummaryByName", gust_nimbus_get_topology_summary_by_name, FALSE},
    {"getTopologySummary", gust_nimbus_get_topology_summary, FALSE},
    {"isTopologyNameAllowed", gust_nimbus_is_topology_name_allowed, FALSE},
    {"getTopologyConf", gust_nimbus_get_topology_conf, FALSE},
    {"getTopology", gust_nimbus_get_topology, FALSE},
    {"getUserTopology", gust_nimbus_get_user_topology, FALSE},
    {"submitTopology", gust_nimbus_submit_topology, TRUE},
    {"submitTopologyWithOpts", gust_nimbus_submit_topology_with_opts, TRUE},
    {"killTopology", gust_nimbus_kill_topology, TRUE},
    {"killTopologyWithOpts", gust_nimbus_kill_topology_with_opts, TRUE},
    {"activate", gust_nimbus_activate, TRUE},
    {"deactivate", gust_nimbus_deactivate, TRUE},
    {"rebalance", gust_nimbus_rebalance, TRUE},
    {"beginFileUpload", gust_nimbus_begin_file_upload, TRUE},
    {"uploadChunk", gust_nimbus_upload_chunk, TRUE},
    {"finishFileUpload", gust_nimbus_finish_file_upload, TRUE},
    {"beginBlobDownload", gust_nimbus_begin_blob_download, FALSE},
    {"downloadBlobChunk", gust_nimbus_download_blob_chunk, FALSE},
    {"downloadChunk", gust_nimbus_download_chunk, FALSE},
    {NULL, NULL, FALSE},
};
