/* A bolt: prepared once per task, then executes each input tuple. */
package org.apache.storm.task;

import java.io.Serializable;
import java.util.Map;
import org.apache.storm.tuple.Tuple;

public interface IBolt extends Serializable {
    void prepare(Map<String, Object> topoConf, TopologyContext context, OutputCollector collector);

    void execute(Tuple input);

    void cleanup();
}
