/* Submits a topology.  Under `gust jar --local` (system property
 * gust.local.mode=true) the topology is handed to the gust process that
 * started this JVM, which runs it; otherwise, as under `storm jar` or
 * `gust jar`, it goes to the cluster's Nimbus (gust.submit.RemoteSubmitter:
 * nimbus.seeds, the jar in system property storm.jar, -c options in
 * storm.options).  SubmitOptions' initial status INACTIVE starts the
 * topology with its spouts deactivated, in both places. */
package org.apache.storm;

import gust.jvm.Submission;
import gust.submit.RemoteSubmitter;
import java.util.Map;
import org.apache.storm.generated.AlreadyAliveException;
import org.apache.storm.generated.AuthorizationException;
import org.apache.storm.generated.InvalidTopologyException;
import org.apache.storm.generated.StormTopology;
import org.apache.storm.generated.SubmitOptions;

public class StormSubmitter {
    /* Set by `gust jar --local` on the JVM it starts. */
    public static final String LOCAL_MODE_PROPERTY = "gust.local.mode";

    /* Told of the topology jar's upload to Nimbus, as it goes. */
    public interface ProgressListener {
        void onStart(String srcFile, String targetFile, long totalBytes);

        void onProgress(String srcFile, String targetFile, long bytesUploaded, long totalBytes);

        void onCompleted(String srcFile, String targetFile, long totalBytes);
    }

    public static void submitTopology(String name, Map<String, Object> topoConf, StormTopology topology)
        throws AlreadyAliveException, InvalidTopologyException, AuthorizationException {
        submit(name, topoConf, topology, null, null);
    }

    public static void submitTopology(String name, Map<String, Object> topoConf, StormTopology topology,
        SubmitOptions opts) throws AlreadyAliveException, InvalidTopologyException, AuthorizationException {
        submit(name, topoConf, topology, opts, null);
    }

    public static void submitTopology(String name, Map<String, Object> topoConf, StormTopology topology,
        SubmitOptions opts, ProgressListener progressListener)
        throws AlreadyAliveException, InvalidTopologyException, AuthorizationException {
        submit(name, topoConf, topology, opts, progressListener);
    }

    public static void submitTopologyWithProgressBar(String name, Map<String, Object> topoConf,
        StormTopology topology) throws AlreadyAliveException, InvalidTopologyException, AuthorizationException {
        submit(name, topoConf, topology, null, RemoteSubmitter.PROGRESS_BAR);
    }

    public static void submitTopologyWithProgressBar(String name, Map<String, Object> topoConf,
        StormTopology topology, SubmitOptions opts)
        throws AlreadyAliveException, InvalidTopologyException, AuthorizationException {
        submit(name, topoConf, topology, opts, RemoteSubmitter.PROGRESS_BAR);
    }

    /* As another user: gust's Nimbus has no users; submitted as any other. */
    public static void submitTopologyAs(String name, Map<String, Object> topoConf, StormTopology topology,
        SubmitOptions opts, ProgressListener progressListener, String asUser)
        throws AlreadyAliveException, InvalidTopologyException, AuthorizationException {
        submit(name, topoConf, topology, opts, progressListener);
    }

    public static void submitTopologyAs(String name, Map<String, Object> topoConf, StormTopology topology,
        String asUser) throws AlreadyAliveException, InvalidTopologyException, AuthorizationException {
        submit(name, topoConf, topology, null, null);
    }

    private static void submit(String name, Map<String, Object> topoConf, StormTopology topology, SubmitOptions opts,
        ProgressListener progress) throws AlreadyAliveException, InvalidTopologyException, AuthorizationException {
        if (Boolean.getBoolean(LOCAL_MODE_PROPERTY)) {
            Submission.submit(name, topoConf, topology, opts);
        } else {
            RemoteSubmitter.submit(name, topoConf, topology, opts, progress);
        }
    }
}
