/* A stand-in, written for gust's tests, for the storm-starter class of this
 * name: the same name, serialVersionUID and serializable fields as the
 * class whose bytes Storm 2.6.0's `storm jar` sent in the recorded
 * submission (tests/fixtures/storm-2.6.0/a-jar-wordcount), so that those
 * very bytes deserialize into it.  Emits a sentence per call, unanchored,
 * ten a second. */
package org.apache.storm.starter.spout;

import java.util.Map;
import java.util.Random;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseRichSpout;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Values;
import org.apache.storm.utils.Utils;

public class RandomSentenceSpout extends BaseRichSpout {
    private static final long serialVersionUID = -7935800735830975473L;
    private static final String[] SENTENCES = {"the cow jumped over the moon", "an apple a day keeps the doctor away",
        "four score and seven years ago", "snow white and the seven dwarfs", "i am at two with nature"};
    SpoutOutputCollector collector;
    Random rand;

    @Override
    public void open(Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
        this.collector = collector;
        this.rand = new Random();
        System.out.println("stand-in RandomSentenceSpout opened as task " + context.getThisTaskId());
    }

    @Override
    public void nextTuple() {
        Utils.sleep(100);
        collector.emit(new Values(SENTENCES[rand.nextInt(SENTENCES.length)]));
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
        declarer.declare(new Fields("word"));
    }
}
