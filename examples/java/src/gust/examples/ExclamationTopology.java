/* An exclamation chain with anchoring: a reliable word spout, then two
 * bolts in a row that each append "!!!" to the word, anchor what they emit
 * to the tuple they got and ack it, so every word's tree spans the spout
 * and both bolts, and the spout hears of it only when the second bolt has
 * acked too.  The second bolt prints the words it made; the spout prints
 * its counts when it closes.
 *
 *   gust jar --local gust-java-examples.jar gust.examples.ExclamationTopology [WORDS [acker]]
 *
 * WORDS (default 0: no limit) bounds what the spout emits; "acker" tracks
 * tuples with one acker (Storm's way) instead of gust's default
 * checkpoints. */
package gust.examples;

import java.util.Map;
import org.apache.storm.Config;
import org.apache.storm.StormSubmitter;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.topology.base.BaseRichBolt;
import org.apache.storm.topology.base.BaseRichSpout;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;

public class ExclamationTopology {
    private static final String[] WORDS = {"nathan", "mike", "jackson", "golda", "bertels"};

    /* Cycles through WORDS; each word is reliable, its sequence number as message id. */
    public static class WordSpout extends BaseRichSpout {
        private static final long serialVersionUID = 1L;
        private final long limit;
        private transient SpoutOutputCollector collector;
        private long emitted;
        private long acked;
        private long failed;

        public WordSpout(long limit) {
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
            collector.emit(new Values(WORDS[(int) (emitted % WORDS.length)]), emitted);
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
            System.out.println("word spout: emitted " + emitted + " acked " + acked + " failed " + failed);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("word"));
        }
    }

    /* Appends "!!!", anchored to its input, then acks the input; prints
     * what it made when asked to. */
    public static class ExclamationBolt extends BaseRichBolt {
        private static final long serialVersionUID = 1L;
        private final boolean print;
        private transient OutputCollector collector;

        public ExclamationBolt(boolean print) {
            this.print = print;
        }

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context, OutputCollector collector) {
            this.collector = collector;
        }

        @Override
        public void execute(Tuple tuple) {
            String exclaimed = tuple.getString(0) + "!!!";
            collector.emit(tuple, new Values(exclaimed));
            collector.ack(tuple);
            if (print) {
                System.out.println("exclaimed " + exclaimed);
            }
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("word"));
        }
    }

    public static void main(String[] args) throws Exception {
        long limit = args.length > 0 ? Long.parseLong(args[0]) : 0;
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout("word", new WordSpout(limit), 1);
        builder.setBolt("exclaim1", new ExclamationBolt(false), 2).shuffleGrouping("word");
        builder.setBolt("exclaim2", new ExclamationBolt(true), 2).shuffleGrouping("exclaim1");
        Config conf = new Config();
        conf.setMaxSpoutPending(1000);
        if (args.length > 1 && args[1].equals("acker")) {
            conf.put("topology.gust.reliability", "acker");
            conf.setNumAckers(1);
        }
        StormSubmitter.submitTopology("java-exclamation", conf, builder.createTopology());
    }
}
