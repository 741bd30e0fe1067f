/* A bolt whose input is acked after execute returns, or failed when it
 * throws FailedException; its emits are anchored to the input. */
package org.apache.storm.topology;

import java.util.Map;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.tuple.Tuple;

public interface IBasicBolt extends IComponent {
    void prepare(Map<String, Object> topoConf, TopologyContext context);

    void execute(Tuple input, BasicOutputCollector collector);

    void cleanup();
}
