/* Acking trees across Java and multilang tasks, and user exceptions.
 *
 *   numbers (RecordingSpout): reliable emits of 0..N-1, each its own message id
 *   gate    (Java rich bolt): fails n % 5 == 0, else emits n anchored and acks
 *   relay   (ShellBolt, when a command is given): passes n on, anchored
 *   sink    (Java basic bolt): FailedException for n % 7 == 0, an
 *           IllegalStateException ("boom at n") for n % 11 == 0, else acks
 *
 * Arguments: N RELIABILITY [COMMAND...] (RELIABILITY: acker or checkpoint).
 * The spout prints, when it closes, what it emitted and which messages
 * were acked and which failed. */
package gust.tests;

import java.util.Arrays;
import java.util.Map;
import org.apache.storm.Config;
import org.apache.storm.StormSubmitter;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.ShellBolt;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.FailedException;
import org.apache.storm.topology.IRichBolt;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.topology.base.BaseRichBolt;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;

public class AckFailTopology {
    public static class Gate extends BaseRichBolt {
        private static final long serialVersionUID = 1L;
        private transient OutputCollector collector;

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context, OutputCollector collector) {
            this.collector = collector;
        }

        @Override
        public void execute(Tuple input) {
            long n = input.getLongByField("n");
            if (n % 5 == 0) {
                collector.fail(input);
                return;
            }
            collector.emit(input, new Values(n));
            collector.ack(input);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("n"));
        }
    }

    public static class Relay extends ShellBolt implements IRichBolt {
        private static final long serialVersionUID = 1L;

        public Relay(String... command) {
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

    public static class Sink extends BaseBasicBolt {
        private static final long serialVersionUID = 1L;

        @Override
        public void execute(Tuple input, BasicOutputCollector collector) {
            long n = input.getLong(0);
            if (n % 7 == 0) {
                throw new FailedException("seven divides " + n);
            }
            if (n % 11 == 0) {
                throw new IllegalStateException("boom at " + n);
            }
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
        }
    }

    public static void main(String[] args) throws Exception {
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout("numbers", RecordingSpout.numbers(Long.parseLong(args[0])));
        builder.setBolt("gate", new Gate(), 2).shuffleGrouping("numbers");
        String last = "gate";
        if (args.length > 2) {
            builder.setBolt("relay", new Relay(Arrays.copyOfRange(args, 2, args.length))).shuffleGrouping("gate");
            last = "relay";
        }
        builder.setBolt("sink", new Sink(), 2).fieldsGrouping(last, new Fields("n"));
        Config conf = new Config();
        conf.put("topology.gust.reliability", args[1]);
        conf.setMessageTimeoutSecs(120);
        StormSubmitter.submitTopology("ack-fail", conf, builder.createTopology());
    }
}
