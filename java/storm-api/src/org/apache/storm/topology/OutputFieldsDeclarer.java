/* Declares a component's output streams and their fields. */
package org.apache.storm.topology;

import org.apache.storm.tuple.Fields;

public interface OutputFieldsDeclarer {
    void declare(Fields fields);

    void declare(boolean direct, Fields fields);

    void declareStream(String streamId, Fields fields);

    void declareStream(String streamId, boolean direct, Fields fields);
}
