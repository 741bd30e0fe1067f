/* A ShellBolt subclass as `storm jar` users write them: the command in
 * its serialized fields; gust runs it through its multilang host with the
 * jar's resources/ folder as working directory. */
package gust.tests.stored;

import java.util.Map;
import org.apache.storm.task.ShellBolt;
import org.apache.storm.topology.IRichBolt;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.tuple.Fields;

public class SplitShellBolt extends ShellBolt implements IRichBolt {
    private static final long serialVersionUID = 1L;

    public SplitShellBolt() {
        super("python3", "split_sentence.py");
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
