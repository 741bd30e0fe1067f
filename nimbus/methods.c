/* methods.c — the Nimbus methods gust serves, and those of Storm's IDL it
 * answers with "not supported".  A served method is one row: its name, the
 * generated `<method>_args` / `<method>_result` types and its handler
 * (handlers live in the file of their subject: topologies, uploads, blobs,
 * cluster).  The statistics methods have their own table
 * (gust_nimbus_stats_methods, stats_methods.c), looked up first. */
#include "dispatch.h"

const gust_nimbus_method gust_nimbus_methods[] = {
    {NULL, NULL, NULL, NULL},
};

/* Every method of Storm 2.6's `service Nimbus` not in a table above.  The
 * statistics ones stay listed: when their table serves them it wins. */
const char *const gust_nimbus_unsupported_methods[] = {
    "submitTopology",
    "submitTopologyWithOpts",
    "killTopology",
    "killTopologyWithOpts",
    "activate",
    "deactivate",
    "rebalance",
    "setLogConfig",
    "getLogConfig",
    "debug",
    "setWorkerProfiler",
    "getComponentPendingProfileActions",
    "uploadNewCredentials",
    "beginCreateBlob",
    "beginUpdateBlob",
    "uploadBlobChunk",
    "finishBlobUpload",
    "cancelBlobUpload",
    "getBlobMeta",
    "setBlobMeta",
    "beginBlobDownload",
    "downloadBlobChunk",
    "deleteBlob",
    "listBlobs",
    "getBlobReplication",
    "updateBlobReplication",
    "createStateInZookeeper",
    "beginFileUpload",
    "uploadChunk",
    "finishFileUpload",
    "beginFileDownload",
    "downloadChunk",
    "getNimbusConf",
    "getClusterInfo",
    "getTopologySummaries",
    "getTopologySummaryByName",
    "getTopologySummary",
    "getLeader",
    "isTopologyNameAllowed",
    "getTopologyInfoByName",
    "getTopologyInfo",
    "getTopologyInfoByNameWithOpts",
    "getTopologyInfoWithOpts",
    "getTopologyPageInfo",
    "getSupervisorPageInfo",
    "getComponentPageInfo",
    "getTopologyConf",
    "getTopology",
    "getUserTopology",
    "getTopologyHistory",
    "getOwnerResourceSummaries",
    "getSupervisorAssignments",
    "sendSupervisorWorkerHeartbeats",
    "sendSupervisorWorkerHeartbeat",
    "processWorkerMetrics",
    "isRemoteBlobExists",
    NULL,
};
