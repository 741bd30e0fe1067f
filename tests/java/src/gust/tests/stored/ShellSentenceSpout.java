/* A ShellSpout subclass: the command in its serialized fields; gust runs
 * it through its multilang host with the jar's resources/ folder as
 * working directory. */
package gust.tests.stored;

import java.util.Map;
import org.apache.storm.spout.ShellSpout;
import org.apache.storm.topology.IRichSpout;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.tuple.Fields;

public class ShellSentenceSpout extends ShellSpout implements IRichSpout {
    private static final long serialVersionUID = 1L;

    public ShellSentenceSpout() {
        super("python3", "sentence_spout.py");
    }

    @Override
    public void declareOutputFields(OutputFieldsDeclarer declarer) {
        declarer.declare(new Fields("sentence"));
    }

    @Override
    public Map<String, Object> getComponentConfiguration() {
        return null;
    }
}
