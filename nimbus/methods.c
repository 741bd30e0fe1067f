/* methods.c — the Nimbus methods gust serves: one row per method, its name
 * and its handler (handlers live in the file of their subject:
 * cluster_methods.c, topology_methods.c, uploads.c).  The statistics
 * methods have their own table (gust_nimbus_stats_handlers,
 * stats_methods.c), looked up first.  Every other method of Storm's IDL
 * answers at once "gust nimbus does not support <method>". */
#include "nimbus_private.h"

const gust_nimbus_handler_row gust_nimbus_handlers[] = {
    {"getLeader", gust_nimbus_get_leader},
    {"getClusterInfo", gust_nimbus_get_cluster_info},
    {"getNimbusConf", gust_nimbus_get_nimbus_conf},
    {"getTopologySummaries", gust_nimbus_get_topology_summaries},
    {"getTopologySummaryByName", gust_nimbus_get_topology_summary_by_name},
    {"getTopologySummary", gust_nimbus_get_topology_summary},
    {"isTopologyNameAllowed", gust_nimbus_is_topology_name_allowed},
    {"getTopologyConf", gust_nimbus_get_topology_conf},
    {"getTopology", gust_nimbus_get_topology},
    {"getUserTopology", gust_nimbus_get_user_topology},
    {"submitTopology", gust_nimbus_submit_topology},
    {"submitTopologyWithOpts", gust_nimbus_submit_topology_with_opts},
    {"killTopology", gust_nimbus_kill_topology},
    {"killTopologyWithOpts", gust_nimbus_kill_topology_with_opts},
    {"activate", gust_nimbus_activate},
    {"deactivate", gust_nimbus_deactivate},
    {"rebalance", gust_nimbus_rebalance},
    {"beginFileUpload", gust_nimbus_begin_file_upload},
    {"uploadChunk", gust_nimbus_upload_chunk},
    {"finishFileUpload", gust_nimbus_finish_file_upload},
    {"beginBlobDownload", gust_nimbus_begin_blob_download},
    {"downloadBlobChunk", gust_nimbus_download_blob_chunk},
    {"downloadChunk", gust_nimbus_download_chunk},
    {NULL, NULL},
};
