/* A Java basic bolt (serialized wrapped in a BasicBoltExecutor, as
 * TopologyBuilder does): counts words and prints every ten-thousandth count
 * with the label it was built with (a serialized field) and the tasks that
 * count's emit went to.  It registers
 * metrics with a 1 s bucket: "words" (a CountMetric), "words-by-length"
 * (a MultiCountMetric keyed by the word's length), "words-total" (all
 * words so far, never reset) and "label" (not a number); and metrics v2
 * "v2-words" (a counter) and "v2-word-length" (a histogram). */
package gust.tests.stored;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Histogram;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.storm.metric.api.CountMetric;
import org.apache.storm.metric.api.MultiCountMetric;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;

public class WordCountBolt extends BaseBasicBolt {
    private static final long serialVersionUID = 1L;
    private final String label;
    private final Map<String, Long> counts = new HashMap<>();
    private long seen;
    private transient CountMetric words;
    private transient MultiCountMetric wordsByLength;
    private transient Counter v2Words;
    private transient Histogram v2WordLength;

    public WordCountBolt(String label) {
        this.label = label;
    }

    @Override
    public void prepare(Map<String, Object> topoConf, TopologyContext context) {
        words = context.registerMetric("words", new CountMetric(), 1);
        wordsByLength = context.registerMetric("words-by-length", new MultiCountMetric(), 1);
        context.registerMetric("words-total", () -> seen, 1);
        context.registerMetric("label", () -> label, 1);
        v2Words = context.registerCounter("v2-words");
        v2WordLength = context.registerHistogram("v2-word-length");
    }

    @Override
    public void execute(Tuple input, BasicOutputCollector collector) {
        String word = input.getString(0);
        long n = counts.merge(word, 1L, Long::sum);
        words.incr();
        wordsByLength.scope(Integer.toString(word.length())).incr();
        v2Words.inc();
        v2WordLength.update(word.length());
        List<Integer> tasks = collector.emit(new Values(word, n));
        if (++seen % 10000 == 0) {
            System.out.println(label + ": " + word + "=" + n + " (" + counts.size() + " distinct words), sent to "
                + "tasks " + tasks);
        }
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
        declarer.declare(new Fields("word", "count"));
    }
}
