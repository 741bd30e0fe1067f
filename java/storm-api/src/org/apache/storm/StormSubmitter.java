/* Submits a topology.  Under `gust jar --local` the topology is handed to
 * the gust process that started this JVM, which runs it; submitting to a
 * Nimbus is not available yet and says so. */
package org.apache.storm;

import gust.jvm.Submission;
import java.util.Map;
import org.apache.storm.generated.AlreadyAliveException;
import org.apache.storm.generated.AuthorizationException;
import org.apache.storm.generated.InvalidTopologyException;
import org.apache.storm.generated.StormTopology;

public class StormSubmitter {
    public static void submitTopology(String name, Map<String, Object> topoConf, StormTopology topology)
        throws AlreadyAliveException, InvalidTopologyException, AuthorizationException {
        Submission.submit(name, topoConf, topology);
    }

    public static void submitTopologyWithProgressBar(String name, Map<String, Object> topoConf,
        StormTopology topology) throws AlreadyAliveException, InvalidTopologyException, AuthorizationException {
        submitTopology(name, topoConf, topology);
    }

    public static void submitTopologyAs(String name, Map<String, Object> topoConf, StormTopology topology,
        String asUser) throws AlreadyAliveException, InvalidTopologyException, AuthorizationException {
        submitTopology(name, topoConf, topology);
    }
}
