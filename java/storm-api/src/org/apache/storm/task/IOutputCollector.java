/* What a bolt's emits, acks and fails go through. */
package org.apache.storm.task;

import java.util.Collection;
import java.util.List;
import org.apache.storm.tuple.Tuple;

public interface IOutputCollector extends IErrorReporter {
    List<Integer> emit(String streamId, Collection<Tuple> anchors, List<Object> tuple);

    void emitDirect(int taskId, String streamId, Collection<Tuple> anchors, List<Object> tuple);

    void ack(Tuple input);

    void fail(Tuple input);

    void resetTimeout(Tuple input);

    void flush();
}
