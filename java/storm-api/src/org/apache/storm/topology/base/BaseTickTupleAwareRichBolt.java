/* A rich bolt that hands tick tuples to onTickTuple and others to process. */
package org.apache.storm.topology.base;

import org.apache.storm.tuple.Tuple;
import org.apache.storm.utils.TupleUtils;

public abstract class BaseTickTupleAwareRichBolt extends BaseRichBolt {
    @Override
    public void execute(Tuple tuple) {
        if (TupleUtils.isTick(tuple)) {
            onTickTuple(tuple);
        } else {
            process(tuple);
        }
    }

    protected void onTickTuple(Tuple tuple) {
    }

    protected abstract void process(Tuple tuple);
}
