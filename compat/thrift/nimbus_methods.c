/* nimbus_methods.c — the table of Nimbus methods: each method's name as it
 * travels in a message header, and the generated types of its argument and
 * result structs.  Lets a server or a test decode any call or reply by name
 * (GustStormNimbusProcessor dispatches calls by itself; this is for code
 * that looks at the messages).  Constant; any thread.
 *
 * One row per method of `service Nimbus` in storm.thrift; the codec test
 * checks that the table and the IDL agree.
 */
#include <gust/storm_thrift.h>

#define METHOD(name, c_name)                                                                       \
  {                                                                                                \
#name, gust_storm_nimbus_##c_name##_args_get_type,                                             \
        gust_storm_nimbus_##c_name##_result_get_type                                               \
  }

static const gust_nimbus_method nimbus_methods[] = {
    METHOD(submitTopology, submit_topology),
    METHOD(submitTopologyWithOpts, submit_topology_with_opts),
    METHOD(killTopology, kill_topology),
    METHOD(killTopologyWithOpts, kill_topology_with_opts),
    METHOD(activate, activate),
    METHOD(deactivate, deactivate),
    METHOD(rebalance, rebalance),
    METHOD(setLogConfig, set_log_config),
    METHOD(getLogConfig, get_log_config),
    METHOD(debug, debug),
    METHOD(setWorkerProfiler, set_worker_profiler),
    METHOD(getComponentPendingProfileActions, get_component_pending_profile_actions),
    METHOD(uploadNewCredentials, upload_new_credentials),
    METHOD(beginCreateBlob, begin_create_blob),
    METHOD(beginUpdateBlob, begin_update_blob),
    METHOD(uploadBlobChunk, upload_blob_chunk),
    METHOD(finishBlobUpload, finish_blob_upload),
    METHOD(cancelBlobUpload, cancel_blob_upload),
    METHOD(getBlobMeta, get_blob_meta),
    METHOD(setBlobMeta, set_blob_meta),
    METHOD(beginBlobDownload, begin_blob_download),
    METHOD(downloadBlobChunk, download_blob_chunk),
    METHOD(deleteBlob, delete_blob),
    METHOD(listBlobs, list_blobs),
    METHOD(getBlobReplication, get_blob_replication),
    METHOD(updateBlobReplication, update_blob_replication),
    METHOD(createStateInZookeeper, create_state_in_zookeeper),
    METHOD(beginFileUpload, begin_file_upload),
    METHOD(uploadChunk, upload_chunk),
    METHOD(finishFileUpload, finish_file_upload),
    METHOD(downloadChunk, download_chunk),
    METHOD(getNimbusConf, get_nimbus_conf),
    METHOD(getClusterInfo, get_cluster_info),
    METHOD(getTopologySummaries, get_topology_summaries),
    METHOD(getTopologySummaryByName, get_topology_summary_by_name),
    METHOD(getTopologySummary, get_topology_summary),
    METHOD(getLeader, get_leader),
    METHOD(isTopologyNameAllowed, is_topology_name_allowed),
    METHOD(getTopologyInfoByName, get_topology_info_by_name),
    METHOD(getTopologyInfo, get_topology_info),
    METHOD(getTopologyInfoByNameWithOpts, get_topology_info_by_name_with_opts),
    METHOD(getTopologyInfoWithOpts, get_topology_info_with_opts),
    METHOD(getTopologyPageInfo, get_topology_page_info),
    METHOD(getSupervisorPageInfo, get_supervisor_page_info),
    METHOD(getComponentPageInfo, get_component_page_info),
    METHOD(getTopologyConf, get_topology_conf),
    METHOD(getTopology, get_topology),
    METHOD(getUserTopology, get_user_topology),
    METHOD(getTopologyHistory, get_topology_history),
    METHOD(getOwnerResourceSummaries, get_owner_resource_summaries),
    METHOD(getSupervisorAssignments, get_supervisor_assignments),
    METHOD(sendSupervisorWorkerHeartbeats, send_supervisor_worker_heartbeats),
    METHOD(sendSupervisorWorkerHeartbeat, send_supervisor_worker_heartbeat),
    METHOD(processWorkerMetrics, process_worker_metrics),
    METHOD(isRemoteBlobExists, is_remote_blob_exists),
};

const gust_nimbus_method *gust_nimbus_methods(gsize *n)
{
  *n = G_N_ELEMENTS(nimbus_methods);
  return nimbus_methods;
}

const gust_nimbus_method *gust_nimbus_method_lookup(const char *name)
{
  for (gsize i = 0; name && i < G_N_ELEMENTS(nimbus_methods); i++)
    if (g_str_equal(nimbus_methods[i].name, name)) return &nimbus_methods[i];
  return NULL;
}
