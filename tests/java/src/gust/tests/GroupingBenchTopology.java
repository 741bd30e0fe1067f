/* What a custom grouping costs a Java emitter (tools/bench/
 * java_custom_grouping_bench.py): a reliable Java word spout (ten words
 * in turn, each emit its own message id) feeding a two-task Java
 * counting BasicBolt, grouped either by the field or by WordHash, a
 * CustomStreamGrouping that sends a word to the target its hash picks:
 * the same routing, one by gust, one by the user's class.
 *
 * Arguments: fields|custom [RELIABILITY: checkpoint (default) or acker]. */
package gust.tests;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.storm.Config;
import org.apache.storm.StormSubmitter;
import org.apache.storm.generated.GlobalStreamId;
import org.apache.storm.grouping.CustomStreamGrouping;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.task.WorkerTopologyContext;
import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.BoltDeclarer;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.topology.base.BaseRichSpout;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;

public class GroupingBenchTopology {
    public static class Words extends BaseRichSpout {
        private static final long serialVersionUID = 1L;
        private static final String[] WORDS = {"the", "cow", "jumped", "over", "moon", "an", "apple", "a", "day",
            "keeps"};
        private transient SpoutOutputCollector collector;
        private long next;

        @Override
        public void open(Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
            this.collector = collector;
        }

        @Override
        public void nextTuple() {
            collector.emit(new Values(WORDS[(int) (next % WORDS.length)]), next++);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("word"));
        }
    }

    public static class WordHash implements CustomStreamGrouping {
        private static final long serialVersionUID = 1L;
        private List<Integer> targets;

        @Override
        public void prepare(WorkerTopologyContext context, GlobalStreamId stream, List<Integer> targetTasks) {
            targets = targetTasks;
        }

        @Override
        public List<Integer> chooseTasks(int taskId, List<Object> values) {
            return Collections.singletonList(targets.get(Math.floorMod(values.get(0).hashCode(), targets.size())));
        }
    }

    public static class Count extends BaseBasicBolt {
        private static final long serialVersionUID = 1L;
        private transient Map<String, Long> counts;

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context) {
            counts = new HashMap<>();
        }

        @Override
        public void execute(Tuple input, BasicOutputCollector collector) {
            counts.merge(input.getString(0), 1L, Long::sum);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
        }
    }

    public static void main(String[] args) throws Exception {
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout("words", new Words(), 1);
        BoltDeclarer count = builder.setBolt("count", new Count(), 2);
        if (args[0].equals("custom")) {
            count.customGrouping("words", new WordHash());
        } else {
            count.fieldsGrouping("words", new Fields("word"));
        }
        Config conf = new Config();
        conf.setMaxSpoutPending(2000);
        conf.put("topology.gust.reliability", args.length > 1 ? args[1] : "checkpoint");
        if (args.length > 1 && args[1].equals("acker")) {
            conf.setNumAckers(1);
        }
        StormSubmitter.submitTopology("grouping-bench", conf, builder.createTopology());
    }
}
