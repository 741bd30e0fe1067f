/* A topology runner inside this process. */
package org.apache.storm;

import java.util.Map;
import org.apache.storm.generated.StormTopology;
import org.apache.thrift.TException;

public interface ILocalCluster extends AutoCloseable {
    ILocalTopology submitTopology(String topologyName, Map<String, Object> conf, StormTopology topology)
        throws TException;

    void killTopology(String topologyName) throws TException;

    void shutdown();

    /* A submitted topology; closing it kills it. */
    interface ILocalTopology extends AutoCloseable {
        @Override
        void close() throws TException;
    }
}
