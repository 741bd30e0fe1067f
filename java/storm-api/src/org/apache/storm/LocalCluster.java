/* Runs topologies in this process: under `gust jar --local`, a submitted
 * topology runs in the gust process that started this JVM until it is
 * killed, the cluster shuts down, or --local-ttl passes.  Elsewhere (a
 * main run by `gust jar` for a cluster) there is no local runtime to run
 * it, and creating one says so. */
package org.apache.storm;

import gust.jvm.Submission;
import java.util.Map;
import org.apache.storm.generated.StormTopology;
import org.apache.thrift.TException;

public class LocalCluster implements ILocalCluster {
    public LocalCluster() throws Exception {
        if (!Boolean.getBoolean(StormSubmitter.LOCAL_MODE_PROPERTY)) {
            throw new UnsupportedOperationException("LocalCluster runs topologies under `gust jar --local`; "
                + "this main was started to submit to a cluster (gust jar without --local), where "
                + "StormSubmitter is the way");
        }
    }

    @Override
    public LocalTopology submitTopology(String topologyName, Map<String, Object> conf, StormTopology topology)
        throws TException {
        Submission.submit(topologyName, conf, topology);
        return new LocalTopology(topologyName);
    }

    @Override
    public void killTopology(String topologyName) throws TException {
        Submission.kill(topologyName);
    }

    @Override
    public void shutdown() {
        Submission.kill(null);
    }

    @Override
    public void close() throws Exception {
        shutdown();
    }

    /* A topology submitted to this cluster. */
    public class LocalTopology implements ILocalTopology {
        private final String name;

        LocalTopology(String name) {
            this.name = name;
        }

        @Override
        public void close() throws TException {
            killTopology(name);
        }
    }
}
