/* OutputCollector.resetTimeout: a slow but alive tuple tree outlives
 * topology.message.timeout.secs (6 here) while its bolt resets it.
 *
 *   numbers (RecordingSpout): reliable emits of 0..4, each its own message id;
 *           prints, when it closes, which were acked and which failed
 *   slow    (Java rich bolt, a tick every second): holds every input for
 *           ten ticks, then acks it; with "reset" as the argument it calls
 *           resetTimeout on every input it holds at every tick
 *
 * Arguments: MODE (reset or noreset) [RELIABILITY (acker or checkpoint)]. */
package gust.tests;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.storm.Config;
import org.apache.storm.StormSubmitter;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.topology.base.BaseRichBolt;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.utils.TupleUtils;

public class ResetTimeoutTopology {
    public static class Slow extends BaseRichBolt {
        private static final long serialVersionUID = 1L;
        private final boolean reset;
        private transient OutputCollector collector;
        private transient List<Tuple> held;
        private transient List<Integer> ticks;

        public Slow(boolean reset) {
            this.reset = reset;
        }

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context, OutputCollector collector) {
            this.collector = collector;
            held = new ArrayList<>();
            ticks = new ArrayList<>();
        }

        @Override
        public void execute(Tuple input) {
            if (!TupleUtils.isTick(input)) {
                held.add(input);
                ticks.add(0);
                return;
            }
            Iterator<Tuple> t = held.iterator();
            Iterator<Integer> n = ticks.iterator();
            List<Integer> older = new ArrayList<>();
            while (t.hasNext()) {
                Tuple tuple = t.next();
                int age = n.next() + 1;
                if (age >= 10) {
                    collector.ack(tuple);
                    t.remove();
                    continue;
                }
                if (reset) {
                    collector.resetTimeout(tuple);
                }
                older.add(age);
            }
            ticks = older;
        }

        @Override
        public Map<String, Object> getComponentConfiguration() {
            Map<String, Object> conf = new HashMap<>();
            conf.put(Config.TOPOLOGY_TICK_TUPLE_FREQ_SECS, 1);
            return conf;
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
        }
    }

    public static void main(String[] args) throws Exception {
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout("numbers", RecordingSpout.numbers(5));
        builder.setBolt("slow", new Slow(args[0].equals("reset"))).shuffleGrouping("numbers");
        Config conf = new Config();
        conf.setMessageTimeoutSecs(6);
        if (args.length > 1) {
            conf.put("topology.gust.reliability", args[1]);
        }
        StormSubmitter.submitTopology("reset-timeout", conf, builder.createTopology());
    }
}
