/* A Java spout at its max.spout.pending cap whose JVM is killed, and the
 * instance that takes over.
 *
 *   source (Java rich spout): reliable emits of [INSTANCE, n], message id
 *          "INSTANCE:n", up to 100 per instance; INSTANCE is "first" for
 *          the instance that creates the file MARKER, "again" for those
 *          opened after it (in the JVM gust starts after the first died).
 *          Prints "source opened INSTANCE pid P", "source emitted ID",
 *          "source acked ID" and "source failed ID", or "source unknown
 *          ID" for an ack or fail of an id this instance never emitted.
 *   hold   (ShellBolt: a Python bolt run by gust's multilang host, outside
 *          the JVM): never acks the first instance's tuples while it
 *          lives, so that instance sits at its cap; acks the others, and
 *          with the first of them everything it held.
 *
 * Arguments: RELIABILITY MAX_PENDING MARKER COMMAND... (COMMAND runs the
 * Python bolt).  topology.message.timeout.secs is 300: nothing here
 * times out while the test watches. */
package gust.tests;

import java.io.File;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.storm.Config;
import org.apache.storm.StormSubmitter;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.ShellBolt;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.IRichBolt;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.topology.base.BaseRichSpout;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Values;

public class SpoutJvmKillTopology {
    private static final int EMITS_PER_INSTANCE = 100;

    public static class Source extends BaseRichSpout {
        private static final long serialVersionUID = 1L;
        private final String marker;
        private transient SpoutOutputCollector collector;
        private transient String instance;
        private transient Set<String> inFlight;
        private transient int n;

        public Source(String marker) {
            this.marker = marker;
        }

        @Override
        public void open(Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
            this.collector = collector;
            this.inFlight = new HashSet<>();
            try {
                instance = new File(marker).createNewFile() ? "first" : "again";
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            say("source opened " + instance + " pid " + ProcessHandle.current().pid());
        }

        @Override
        public void nextTuple() {
            if (n >= EMITS_PER_INSTANCE) {
                return;
            }
            String id = instance + ":" + n;
            inFlight.add(id);
            collector.emit(new Values(instance, (long) n), id);
            n++;
            say("source emitted " + id);
        }

        @Override
        public void ack(Object id) {
            say((inFlight.remove(id) ? "source acked " : "source unknown ") + id);
        }

        @Override
        public void fail(Object id) {
            say((inFlight.remove(id) ? "source failed " : "source unknown ") + id);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("instance", "n"));
        }

        private static void say(String line) {
            System.out.println(line);
            System.out.flush();
        }
    }

    public static class Hold extends ShellBolt implements IRichBolt {
        private static final long serialVersionUID = 1L;

        public Hold(String... command) {
            super(command);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
        }

        @Override
        public Map<String, Object> getComponentConfiguration() {
            return null;
        }
    }

    public static void main(String[] args) throws Exception {
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout("source", new Source(args[2]));
        builder.setBolt("hold", new Hold(Arrays.copyOfRange(args, 3, args.length)))
                .shuffleGrouping("source");
        Config conf = new Config();
        conf.put("topology.gust.reliability", args[0]);
        conf.setMaxSpoutPending(Integer.parseInt(args[1]));
        conf.setMessageTimeoutSecs(300);
        StormSubmitter.submitTopology("spout-jvm-kill", conf, builder.createTopology());
    }
}
