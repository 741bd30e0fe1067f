/* What a spout's emits go through. */
package org.apache.storm.spout;

import java.util.List;
import org.apache.storm.task.IErrorReporter;

public interface ISpoutOutputCollector extends IErrorReporter {
    List<Integer> emit(String streamId, List<Object> tuple, Object messageId);

    void emitDirect(int taskId, String streamId, List<Object> tuple, Object messageId);

    long getPendingCount();

    void flush();
}
