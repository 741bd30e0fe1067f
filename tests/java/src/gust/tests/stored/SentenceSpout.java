/* A Java spout for a topology submitted to gust's Nimbus as
 * `serialized_java`: cycles through the sentences it was built with (a
 * serialized field), each emit reliable with its own message id; prints
 * the tasks its first sentence went to, and how many were acked now and
 * then. */
package gust.tests.stored;

import java.util.List;
import java.util.Map;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseRichSpout;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Values;

public class SentenceSpout extends BaseRichSpout {
    private static final long serialVersionUID = 1L;
    private final String[] sentences;
    private transient SpoutOutputCollector collector;
    private transient long next;
    private transient long acked;

    public SentenceSpout(String... sentences) {
        this.sentences = sentences;
    }

    @Override
    public void open(Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
        this.collector = collector;
        System.out.println("java spout opened as task " + context.getThisTaskId() + " with "
            + sentences.length + " sentences");
    }

    @Override
    public void nextTuple() {
        long n = next++;
        List<Integer> tasks = collector.emit(new Values(sentences[(int) (n % sentences.length)]), n);
        if (n == 0) {
            System.out.println("java spout's first sentence went to tasks " + tasks);
        }
    }

    @Override
    public void ack(Object msgId) {
        if (++acked % 10000 == 0) {
            System.out.println("java spout: " + acked + " sentences acked");
        }
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
        declarer.declare(new Fields("sentence"));
    }
}
