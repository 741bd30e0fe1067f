/* Storm's own test components on gust: TestWordSpout -> TestWordCounter ->
 * a BaseTickTupleAwareRichBolt with component ticks every second that
 * registers a CountMetric.  The last bolt prints, when cleaned up, how
 * many ticks and tuples it saw and the highest count per word. */
package gust.tests;

import java.util.Map;
import java.util.TreeMap;
import org.apache.storm.Config;
import org.apache.storm.StormSubmitter;
import org.apache.storm.metric.api.CountMetric;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.testing.TestWordCounter;
import org.apache.storm.testing.TestWordSpout;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.topology.base.BaseTickTupleAwareRichBolt;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.utils.TupleUtils;

public class StormTestingTopology {
    public static class Report extends BaseTickTupleAwareRichBolt {
        private static final long serialVersionUID = 1L;
        private transient OutputCollector collector;
        private transient CountMetric tuples;
        private transient Map<String, Long> highest;
        private int ticks;
        private long seen;

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context, OutputCollector collector) {
            this.collector = collector;
            tuples = context.registerMetric("tuples", new CountMetric(), 10);
            highest = new TreeMap<>();
        }

        @Override
        protected void onTickTuple(Tuple tuple) {
            ticks++;
        }

        @Override
        protected void process(Tuple tuple) {
            seen++;
            tuples.incr();
            highest.merge(tuple.getStringByField("word"), tuple.getLongByField("count"), Math::max);
            collector.ack(tuple);
        }

        @Override
        public void cleanup() {
            System.out.println("report ticks " + ticks + " tuples " + seen + " metric " + tuples.getValueAndReset()
                + " highest " + highest);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
        }

        @Override
        public Map<String, Object> getComponentConfiguration() {
            return TupleUtils.putTickFrequencyIntoComponentConfig(null, 1);
        }
    }

    public static void main(String[] args) throws Exception {
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout("words", new TestWordSpout(), 1);
        builder.setBolt("counter", new TestWordCounter(), 2).fieldsGrouping("words", new Fields("word"));
        builder.setBolt("report", new Report()).globalGrouping("counter");
        StormSubmitter.submitTopology("storm-testing", new Config(), builder.createTopology());
    }
}
