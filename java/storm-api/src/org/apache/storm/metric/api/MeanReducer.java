/* The mean of the numbers given since the last read (null if none). */
package org.apache.storm.metric.api;

public class MeanReducer implements IReducer<MeanReducerState> {
    @Override
    public MeanReducerState init() {
        return new MeanReducerState();
    }

    @Override
    public MeanReducerState reduce(MeanReducerState acc, Object input) {
        if (!(input instanceof Number)) {
            throw new RuntimeException("MeanReducer takes numbers, not " + input);
        }
        acc.count++;
        acc.sum += ((Number) input).doubleValue();
        return acc;
    }

    @Override
    public Object extractResult(MeanReducerState acc) {
        return acc.count > 0 ? Double.valueOf(acc.sum / acc.count) : null;
    }
}

class MeanReducerState {
    int count;
    double sum;
}
