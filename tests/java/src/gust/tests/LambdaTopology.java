/* Storm 2's lambda components (TopologyBuilder.setSpout/setBolt with a
 * lambda): a supplier spout of words "w1", "w2", ... -> a bi-consumer bolt
 * that emits each upper-cased on field "upper" -> a consumer bolt that
 * prints the first tuple it gets.  The lambdas travel serialized inside
 * the components, as on Storm. */
package gust.tests;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.storm.Config;
import org.apache.storm.StormSubmitter;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.tuple.Values;

public class LambdaTopology {
    private static final AtomicLong NEXT = new AtomicLong();
    private static final AtomicBoolean PRINTED = new AtomicBoolean();

    public static void main(String[] args) throws Exception {
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout("words", () -> "w" + NEXT.incrementAndGet());
        builder.setBolt("upper", (tuple, collector) -> collector.emit(new Values(tuple.getString(0).toUpperCase())),
            2, "upper").shuffleGrouping("words");
        builder.setBolt("sink", tuple -> {
            if (PRINTED.compareAndSet(false, true)) {
                System.out.println("lambda sink got " + tuple.getStringByField("upper") + " from "
                    + tuple.getSourceComponent());
            }
        }).shuffleGrouping("upper");
        Config conf = new Config();
        conf.setMaxSpoutPending(100);
        StormSubmitter.submitTopology("lambdas", conf, builder.createTopology());
    }
}
