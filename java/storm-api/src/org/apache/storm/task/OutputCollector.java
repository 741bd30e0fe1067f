/* A bolt's collector: the overloads of emit and emitDirect, over the
 * collector gust gives the task. */
package org.apache.storm.task;

import gust.api.SingleAnchorEmitter;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.utils.Utils;

public class OutputCollector implements IOutputCollector {
    private final IOutputCollector delegate;

    /* the delegate's one-anchor emits, when this is not a user's subclass */
    private final SingleAnchorEmitter single;

    public OutputCollector(IOutputCollector delegate) {
        this.delegate = delegate;
        this.single = getClass() == OutputCollector.class && delegate instanceof SingleAnchorEmitter
            ? (SingleAnchorEmitter) delegate : null;
    }

    public List<Integer> emit(String streamId, Tuple anchor, List<Object> tuple) {
        if (single != null && anchor != null) {
            return single.emit(streamId, anchor, tuple);
        }
        return emit(streamId, anchor == null ? null : Arrays.asList(anchor), tuple);
    }

    public List<Integer> emit(Tuple anchor, List<Object> tuple) {
        return emit(Utils.DEFAULT_STREAM_ID, anchor, tuple);
    }

    public List<Integer> emit(String streamId, List<Object> tuple) {
        return emit(streamId, (List<Tuple>) null, tuple);
    }

    public List<Integer> emit(Collection<Tuple> anchors, List<Object> tuple) {
        return emit(Utils.DEFAULT_STREAM_ID, anchors, tuple);
    }

    public List<Integer> emit(List<Object> tuple) {
        return emit(Utils.DEFAULT_STREAM_ID, tuple);
    }

    @Override
    public List<Integer> emit(String streamId, Collection<Tuple> anchors, List<Object> tuple) {
        return delegate.emit(streamId, anchors, tuple);
    }

    public void emitDirect(int taskId, String streamId, Tuple anchor, List<Object> tuple) {
        if (single != null && anchor != null) {
            single.emitDirect(taskId, streamId, anchor, tuple);
            return;
        }
        emitDirect(taskId, streamId, anchor == null ? null : Arrays.asList(anchor), tuple);
    }

    public void emitDirect(int taskId, String streamId, List<Object> tuple) {
        emitDirect(taskId, streamId, (List<Tuple>) null, tuple);
    }

    public void emitDirect(int taskId, Collection<Tuple> anchors, List<Object> tuple) {
        emitDirect(taskId, Utils.DEFAULT_STREAM_ID, anchors, tuple);
    }

    public void emitDirect(int taskId, Tuple anchor, List<Object> tuple) {
        emitDirect(taskId, Utils.DEFAULT_STREAM_ID, anchor, tuple);
    }

    public void emitDirect(int taskId, List<Object> tuple) {
        emitDirect(taskId, Utils.DEFAULT_STREAM_ID, tuple);
    }

    @Override
    public void emitDirect(int taskId, String streamId, Collection<Tuple> anchors, List<Object> tuple) {
        delegate.emitDirect(taskId, streamId, anchors, tuple);
    }

    @Override
    public void ack(Tuple input) {
        delegate.ack(input);
    }

    @Override
    public void fail(Tuple input) {
        delegate.fail(input);
    }

    @Override
    public void resetTimeout(Tuple input) {
        delegate.resetTimeout(input);
    }

    @Override
    public void reportError(Throwable error) {
        delegate.reportError(error);
    }

    @Override
    public void flush() {
        delegate.flush();
    }
}
