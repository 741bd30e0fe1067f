/* A JVM that dies under a running topology, and what survives it.
 *
 *   numbers (ShellSpout: a Python spout run by gust's multilang host, so
 *            it lives outside the JVM): reliable emits of 0, 1, 2, ...,
 *            each its own message id; the test's script records which
 *            were acked and which failed
 *   crash   (Java rich bolt): emits n anchored and acks; the first time
 *            it sees n >= 20 (the file MARKER does not exist yet: it is
 *            created first, so it happens once) it makes the JVM fail as
 *            MODE says: exit (System.exit(5)), halt (Runtime.halt(7)),
 *            hang (never returns; topology.subprocess.timeout.secs is 3),
 *            oom (allocates until OutOfMemoryError; run with a small -Xmx)
 *   sink    (Java basic bolt, fed by crash inside the JVM: a local route):
 *            prints "sink N" for every n; a sink (and a crash bolt)
 *            prepared once MARKER exists prints "prepared again"; in MODE
 *            sink-hang it is the sink that hangs, the first time it sees
 *            n >= 20 (on the crash bolt's thread, which runs its execute)
 *
 * Arguments: MODE RELIABILITY MARKER COMMAND... (RELIABILITY: acker or
 * checkpoint; COMMAND runs the Python spout). */
package gust.tests;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.storm.Config;
import org.apache.storm.StormSubmitter;
import org.apache.storm.spout.ShellSpout;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.IRichSpout;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.topology.base.BaseRichBolt;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;
import org.apache.storm.utils.Utils;

public class JvmFailureTopology {
    public static class Numbers extends ShellSpout implements IRichSpout {
        private static final long serialVersionUID = 1L;

        public Numbers(String... command) {
            super(command);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("n"));
        }

        @Override
        public Map<String, Object> getComponentConfiguration() {
            return null;
        }
    }

    public static class Crash extends BaseRichBolt {
        private static final long serialVersionUID = 1L;
        private final String mode;
        private final String marker;
        private transient OutputCollector collector;

        public Crash(String mode, String marker) {
            this.mode = mode;
            this.marker = marker;
        }

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context, OutputCollector collector) {
            this.collector = collector;
            if (new File(marker).exists()) {
                System.out.println("crash prepared again");
            }
        }

        @Override
        public void execute(Tuple input) {
            long n = input.getLong(0);
            if (n >= 20 && !mode.equals("sink-hang") && firstTime(marker)) {
                fail();
            }
            collector.emit(input, new Values(n));
            collector.ack(input);
        }

        static boolean firstTime(String marker) {
            try {
                return new File(marker).createNewFile();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private void fail() {
            System.out.println("crash: " + mode);
            System.out.flush();
            switch (mode) {
                case "exit":
                    System.exit(5);
                    break;
                case "halt":
                    Runtime.getRuntime().halt(7);
                    break;
                case "hang":
                    hang();
                case "oom":
                    List<long[]> hog = new ArrayList<>();
                    while (true) {
                        hog.add(new long[1 << 17]);
                    }
                default:
                    throw new IllegalArgumentException("unknown mode " + mode);
            }
        }

        static void hang() {
            while (true) {
                Utils.sleep(1000);
            }
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("n"));
        }
    }

    public static class Sink extends BaseBasicBolt {
        private static final long serialVersionUID = 1L;
        private final String mode;
        private final String marker;

        public Sink(String mode, String marker) {
            this.mode = mode;
            this.marker = marker;
        }

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context) {
            if (new File(marker).exists()) {
                System.out.println("sink prepared again");
            }
        }

        @Override
        public void execute(Tuple input, BasicOutputCollector collector) {
            long n = input.getLong(0);
            if (n >= 20 && mode.equals("sink-hang") && Crash.firstTime(marker)) {
                System.out.println("crash: " + mode);
                System.out.flush();
                Crash.hang();
            }
            System.out.println("sink " + n);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
        }
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout("numbers", new Numbers(Arrays.copyOfRange(args, 3, args.length)));
        builder.setBolt("crash", new Crash(mode, args[2])).shuffleGrouping("numbers");
        builder.setBolt("sink", new Sink(mode, args[2])).shuffleGrouping("crash");
        Config conf = new Config();
        conf.put("topology.gust.reliability", args[1]);
        conf.setMessageTimeoutSecs(120);
        conf.setMaxSpoutPending(50);
        if (mode.endsWith("hang")) {
            conf.put("topology.subprocess.timeout.secs", 3);
        }
        StormSubmitter.submitTopology("jvm-failure", conf, builder.createTopology());
    }
}
