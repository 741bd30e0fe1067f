/* A stand-in, written for gust's tests, for the storm-starter class of this
 * name: the same name, serialVersionUID and serializable field (counts) as
 * the basic bolt in the recorded Storm 2.6.0 submission
 * (tests/fixtures/storm-2.6.0/a-jar-wordcount).  Counts words, emits
 * (word, count), prints every hundredth count. */
package org.apache.storm.starter.bolt;

import java.util.HashMap;
import java.util.Map;
import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;

public class WordCountBolt extends BaseBasicBolt {
    private static final long serialVersionUID = -5460043060922100783L;
    Map<String, Integer> counts = new HashMap<>();

    @Override
    public void execute(Tuple tuple, BasicOutputCollector collector) {
        String word = tuple.getString(0);
        int count = counts.merge(word, 1, Integer::sum);
        collector.emit(new Values(word, count));
        if (count % 100 == 0) {
            System.out.println("stand-in WordCountBolt: " + word + " " + count);
        }
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
        declarer.declare(new Fields("word", "count"));
    }
}
