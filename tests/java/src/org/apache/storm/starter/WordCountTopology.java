/* A stand-in, written for gust's tests, for the storm-starter class of this
 * name: only its nested SplitSentence, a ShellBolt subclass with the same
 * name and serialVersionUID as the one in the recorded Storm 2.6.0
 * submission (tests/fixtures/storm-2.6.0/a-jar-wordcount).  Its command
 * comes from the serialized bytes (ShellBolt's fields). */
package org.apache.storm.starter;

import java.util.Map;
import org.apache.storm.task.ShellBolt;
import org.apache.storm.topology.IRichBolt;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.tuple.Fields;

public class WordCountTopology {
    public static class SplitSentence extends ShellBolt implements IRichBolt {
        private static final long serialVersionUID = 1577638338026253939L;

        public SplitSentence() {
            super("python3", "splitsentence.py");
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("word"));
        }

        @Override
        public Map<String, Object> getComponentConfiguration() {
            return null;
        }
    }
}
