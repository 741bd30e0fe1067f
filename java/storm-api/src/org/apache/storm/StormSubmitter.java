/* Submits a topology.  Under `gust jar --local` (system property
 * gust.local.mode=true) the topology is handed to the gust process that
 * started this JVM, which runs it; otherwise, as under `storm jar` or
 * `gust jar`, it goes to the cluster's Nimbus (gust.submit.RemoteSubmitter:
 * nimbus.seeds, the jar in system property storm.jar, -c options in
 * storm.options). */
package org.apache.storm;

import gust.jvm.Submission;
import gust.submit.RemoteSubmitter;
import java.util.Map;
import org.apache.storm.generated.AlreadyAliveException;
import org.apache.storm.generated.AuthorizationException;
import org.apache.storm.generated.InvalidTopologyException;
import org.apache.storm.generated.StormTopology;

public class StormSubmitter {
    /* Set by `gust jar --local` on the JVM it starts. */
    public static final String LOCAL_MODE_PROPERTY = "gust.local.mode";

    public static void submitTopology(String name, Map<String, Object> topoConf, StormTopology topology)
        throws AlreadyAliveException, InvalidTopologyException, AuthorizationException {
        submit(name, topoConf, topology, false);
    }

    public static void submitTopologyWithProgressBar(String name, Map<String, Object> topoConf,
        StormTopology topology) throws AlreadyAliveException, InvalidTopologyException, AuthorizationException {
        submit(name, topoConf, topology, true);
    }

    public static void submitTopologyAs(String name, Map<String, Object> topoConf, StormTopology topology,
        String asUser) throws AlreadyAliveException, InvalidTopologyException, AuthorizationException {
        submitTopology(name, topoConf, topology);
    }

    private static void submit(String name, Map<String, Object> topoConf, StormTopology topology,
        boolean progressBar) throws AlreadyAliveException, InvalidTopologyException, AuthorizationException {
        if (Boolean.getBoolean(LOCAL_MODE_PROPERTY)) {
            Submission.submit(name, topoConf, topology);
        } else {
            RemoteSubmitter.submit(name, topoConf, topology, progressBar);
        }
    }
}
