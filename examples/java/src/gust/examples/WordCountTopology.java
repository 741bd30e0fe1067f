/* Word count with Java components: a reliable sentence spout, a split
 * bolt that anchors each word to its sentence, and a basic count bolt
 * grouped by word that reports its counts on every tick tuple and once
 * more when it is cleaned up.
 *
 *   gust jar --local gust-java-examples.jar gust.examples.WordCountTopology [SENTENCES [acker]]
 *
 * SENTENCES (default 0: no limit) bounds what the spout emits; "acker"
 * tracks tuples with one acker (Storm's way) instead of gust's default
 * checkpoints. */
package gust.examples;

import java.util.HashMap;
import java.util.Map;
import org.apache.storm.Config;
import org.apache.storm.StormSubmitter;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.topology.base.BaseRichBolt;
import org.apache.storm.topology.base.BaseRichSpout;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;
import org.apache.storm.utils.TupleUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class WordCountTopology {
    private static final String[] SENTENCES = {
        "rivers carry stones down to the sea",
        "a quiet morning follows a loud night",
        "the lantern swings above the old gate",
        "seven crows sit on the frozen fence",
    };

    /* Cycles through SENTENCES; each sentence is reliable, its index as message id. */
    public static class SentenceSpout extends BaseRichSpout {
        private static final long serialVersionUID = 1L;
        private final long limit;
        private transient SpoutOutputCollector collector;
        private long emitted;
        private long acked;
        private long failed;

        public SentenceSpout(long limit) {
            this.limit = limit;
        }

        @Override
        public void open(Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
            this.collector = collector;
        }

        @Override
        public void nextTuple() {
            if (limit > 0 && emitted >= limit) {
                return;
            }
            collector.emit(new Values(SENTENCES[(int) (emitted % SENTENCES.length)]), emitted);
            emitted++;
        }

        @Override
        public void ack(Object msgId) {
            acked++;
        }

        @Override
        public void fail(Object msgId) {
            failed++;
        }

        @Override
        public void close() {
            System.out.println("sentence spout: emitted " + emitted + " acked " + acked + " failed " + failed);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("sentence"));
        }
    }

    /* One tuple per word, anchored to the sentence, which is then acked. */
    public static class SplitBolt extends BaseRichBolt {
        private static final long serialVersionUID = 1L;
        private transient OutputCollector collector;

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context, OutputCollector collector) {
            this.collector = collector;
        }

        @Override
        public void execute(Tuple input) {
            String sentence = input.getString(0);
            int start = 0;
            for (int i = 0; i <= sentence.length(); i++) {
                if (i == sentence.length() || sentence.charAt(i) == ' ') {
                    if (i > start) {
                        collector.emit(input, new Values(sentence.substring(start, i)));
                    }
                    start = i + 1;
                }
            }
            collector.ack(input);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("word"));
        }
    }

    /* Counts words; reports on each tick tuple and at cleanup. */
    public static class CountBolt extends BaseBasicBolt {
        private static final long serialVersionUID = 1L;
        private static final Logger LOG = LoggerFactory.getLogger(CountBolt.class);
        private transient Map<String, Long> counts;
        private transient String name;
        private long total;

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context) {
            counts = new HashMap<>();
            name = context.getThisComponentId() + ":" + context.getThisTaskId();
        }

        @Override
        public void execute(Tuple input, BasicOutputCollector collector) {
            if (TupleUtils.isTick(input)) {
                LOG.info("{}: {} words, {} distinct", name, total, counts.size());
                return;
            }
            String word = input.getStringByField("word");
            long count = counts.merge(word, 1L, Long::sum);
            total++;
            collector.emit(new Values(word, count));
        }

        @Override
        public void cleanup() {
            System.out.println("count " + name + ": total " + total + " distinct " + counts.size());
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("word", "count"));
        }

        @Override
        public Map<String, Object> getComponentConfiguration() {
            return TupleUtils.putTickFrequencyIntoComponentConfig(null, 1);
        }
    }

    public static void main(String[] args) throws Exception {
        long limit = args.length > 0 ? Long.parseLong(args[0]) : 0;
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout("sentences", new SentenceSpout(limit), 1);
        builder.setBolt("split", new SplitBolt(), 2).shuffleGrouping("sentences");
        builder.setBolt("count", new CountBolt(), 2).fieldsGrouping("split", new Fields("word"));
        Config conf = new Config();
        conf.setMaxSpoutPending(2000);
        if (args.length > 1 && args[1].equals("acker")) {
            conf.put("topology.gust.reliability", "acker");
            conf.setNumAckers(1);
        }
        StormSubmitter.submitTopology("java-word-count", conf, builder.createTopology());
    }
}
