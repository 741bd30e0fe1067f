/* Storm's usual local main: a LocalCluster in try-with-resources, the
 * topology submitted to it, a sleep of ARGS[0] milliseconds, then the
 * cluster closes (which kills the topology). */
package gust.tests;

import org.apache.storm.Config;
import org.apache.storm.LocalCluster;
import org.apache.storm.testing.TestWordCounter;
import org.apache.storm.testing.TestWordSpout;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.tuple.Fields;
import org.apache.storm.utils.Utils;

public class LocalClusterMain {
    public static void main(String[] args) throws Exception {
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout("words", new TestWordSpout(), 1);
        builder.setBolt("counter", new TestWordCounter(), 2).fieldsGrouping("words", new Fields("word"));
        try (LocalCluster cluster = new LocalCluster()) {
            cluster.submitTopology("local-cluster", new Config(), builder.createTopology());
            Utils.sleep(Long.parseLong(args[0]));
        }
        System.out.println("cluster closed");
    }
}
