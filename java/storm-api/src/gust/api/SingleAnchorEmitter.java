/* Implemented by the collector gust gives a Java bolt: an emit anchored to
 * one tuple, without the one-element collection that
 * IOutputCollector.emit takes.  OutputCollector (and BasicOutputCollector
 * through it) calls it for its one-anchor overloads when it is not a
 * user's subclass, so a word a split bolt emits costs no collection and
 * no array; a subclass keeps Storm's path through the Collection
 * overloads it may override.  Topologies never see this interface. */
package gust.api;

import java.util.List;
import org.apache.storm.tuple.Tuple;

public interface SingleAnchorEmitter {
    List<Integer> emit(String streamId, Tuple anchor, List<Object> values);

    void emitDirect(int taskId, String streamId, Tuple anchor, List<Object> values);
}
