/* A tuple that came over a local route (see LocalRoute) from a Java bolt
 * of this JVM: gust never saw it and has no id for it.  Its origins are
 * the tuples from gust it descends from (its emitter's anchors, or their
 * origins); settling it settles its share of each (LocalOrigin). */
package gust.jvm;

import org.apache.storm.task.GeneralTopologyContext;

final class LocalTuple extends HostTuple {
    final HostTuple[] origins;
    final int consumerTask; /* the task it goes to */

    LocalTuple(int sourceTask, StreamTable.Stream stream, Object[] values, GeneralTopologyContext context,
        HostTuple[] origins, int consumerTask) {
        super(-1, sourceTask, stream, values, context);
        this.origins = origins;
        this.consumerTask = consumerTask;
    }
}
