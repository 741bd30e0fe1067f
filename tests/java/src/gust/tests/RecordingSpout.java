/* The reliable spout several test topologies start from: it emits `limit`
 * one-field tuples, each value its own message id, and when it closes
 * prints what it emitted and which ids came back acked and which failed:
 *
 *   NAME emitted N
 *   NAME acked [ids...]
 *   NAME failed [ids...]
 *
 * Numbers (field "n") are 0, 1, 2, ...; words (field "word") are a letter
 * and the number ("a0", "b1", ... "a26"), so a test can route by letter. */
package gust.tests;

import java.util.Map;
import java.util.TreeSet;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseRichSpout;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Values;

public class RecordingSpout extends BaseRichSpout {
    private static final long serialVersionUID = 1L;
    private final String name;
    private final boolean words;
    private final long limit;
    private transient SpoutOutputCollector collector;
    private transient TreeSet<Object> acked;
    private transient TreeSet<Object> failed;
    private long next;

    private RecordingSpout(String name, boolean words, long limit) {
        this.name = name;
        this.words = words;
        this.limit = limit;
    }

    public static RecordingSpout numbers(long limit) {
        return new RecordingSpout("numbers", false, limit);
    }

    public static RecordingSpout words(long limit) {
        return new RecordingSpout("words", true, limit);
    }

    @Override
    public void open(Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
        this.collector = collector;
        acked = new TreeSet<>();
        failed = new TreeSet<>();
    }

    @Override
    public void nextTuple() {
        if (next < limit) {
            Object value = words ? (char) ('a' + next % 26) + Long.toString(next) : (Object) next;
            collector.emit(new Values(value), value);
            next++;
        }
    }

    @Override
    public void ack(Object id) {
        acked.add(id);
    }

    @Override
    public void fail(Object id) {
        failed.add(id);
    }

    @Override
    public void close() {
        System.out.println(name + " emitted " + next);
        System.out.println(name + " acked " + acked);
        System.out.println(name + " failed " + failed);
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
        declarer.declare(new Fields(words ? "word" : "n"));
    }
}
