/* A metric whose updates a reducer folds, read and reset per bucket. */
package org.apache.storm.metric.api;

public class ReducedMetric implements IMetric {
    private final IReducer reducer;
    private Object accumulator;

    @SuppressWarnings("unchecked")
    public ReducedMetric(IReducer reducer) {
        this.reducer = reducer;
        this.accumulator = reducer.init();
    }

    @SuppressWarnings("unchecked")
    public void update(Object value) {
        accumulator = reducer.reduce(accumulator, value);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object getValueAndReset() {
        Object result = reducer.extractResult(accumulator);
        accumulator = reducer.init();
        return result;
    }
}
