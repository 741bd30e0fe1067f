/* Storm's own test components on gust: TestWordSpout -> TestWordCounter ->
 * a BaseTickTupleAwareRichBolt with component ticks every second that
 * registers a CountMetric, an AssignableMetric, a MultiReducedMetric and
 * metrics v2 (a counter, histogram, meter, timer and gauge).
 * The last bolt prints, when cleaned up, how many ticks and tuples it saw,
 * the highest count per word and its metrics' readings.  The main
 * registers Storm's LoggingMetricsConsumer, asks resources for the last
 * bolt and sets other Storm settings gust records without acting on them.
 * With the argument "inactive" it submits with SubmitOptions' initial
 * status INACTIVE. */
package gust.tests;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Timer;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.apache.storm.Config;
import org.apache.storm.StormSubmitter;
import org.apache.storm.generated.SubmitOptions;
import org.apache.storm.generated.TopologyInitialStatus;
import org.apache.storm.metric.LoggingMetricsConsumer;
import org.apache.storm.metric.api.AssignableMetric;
import org.apache.storm.metric.api.CountMetric;
import org.apache.storm.metric.api.MeanReducer;
import org.apache.storm.metric.api.MultiReducedMetric;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.testing.TestWordCounter;
import org.apache.storm.testing.TestWordSpout;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.SharedOnHeap;
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
        private transient AssignableMetric lastWord;
        private transient MultiReducedMetric meanCount;
        private transient Counter v2Tuples;
        private transient Histogram v2Counts;
        private transient Meter v2Rate;
        private transient Timer v2Process;
        private transient Map<String, Long> highest;
        private int ticks;
        private long seen;

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context, OutputCollector collector) {
            this.collector = collector;
            tuples = context.registerMetric("tuples", new CountMetric(), 10);
            lastWord = context.registerMetric("last-word", new AssignableMetric("none"), 10);
            meanCount = context.registerMetric("mean-count", new MultiReducedMetric(new MeanReducer()), 10);
            v2Tuples = context.registerCounter("v2-tuples");
            v2Counts = context.registerHistogram("v2-counts");
            v2Rate = context.registerMeter("v2-rate");
            v2Process = context.registerTimer("v2-process");
            context.registerGauge("v2-highest-words", () -> highest.size());
            System.out.println("report streams " + context.getThisOutputFieldsForStreams() + " key index "
                + TupleUtils.chooseTaskIndex(Arrays.asList("a", 1L), 5));
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
            lastWord.setValue(tuple.getStringByField("word"));
            meanCount.scope("all").update(tuple.getLongByField("count"));
            try (Timer.Context timing = v2Process.time()) {
                v2Tuples.inc();
                v2Counts.update(tuple.getLongByField("count"));
                v2Rate.mark();
            }
            collector.ack(tuple);
        }

        @Override
        public void cleanup() {
            System.out.println("report ticks " + ticks + " tuples " + seen + " metric " + tuples.getValueAndReset()
                + " highest " + highest);
            Object mean = meanCount.getValueAndReset().get("all");
            System.out.println("report last word " + lastWord.getValueAndReset() + " mean count is a number "
                + (mean instanceof Double));
            System.out.println("report v2 counter " + v2Tuples.getCount() + " histogram " + v2Counts.getCount()
                + " meter " + v2Rate.getCount() + " timer " + v2Process.getCount());
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declareStream("highest", new Fields("word", "count")); /* nobody subscribes */
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
        builder.setBolt("report", new Report()).globalGrouping("counter").setMemoryLoad(64, 16).setCPULoad(50)
            .addResource("gpu.count", 1).addSharedMemory(new SharedOnHeap(8, "cache"));
        Config conf = new Config();
        conf.registerMetricsConsumer(LoggingMetricsConsumer.class, 1);
        conf.setTopologyVersion("1.0.0");
        conf.put(Config.TOPOLOGY_BUILTIN_METRICS_BUCKET_SIZE_SECS, 10);
        if (args.length > 0 && args[0].equals("inactive")) {
            StormSubmitter.submitTopology("storm-testing", conf, builder.createTopology(),
                new SubmitOptions(TopologyInitialStatus.INACTIVE));
        } else {
            StormSubmitter.submitTopology("storm-testing", conf, builder.createTopology());
        }
    }
}
