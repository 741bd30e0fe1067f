/* A metric whose updates a combiner merges, read and reset per bucket. */
package org.apache.storm.metric.api;

public class CombinedMetric implements IMetric {
    private final ICombiner combiner;
    private Object value;

    public CombinedMetric(ICombiner combiner) {
        this.combiner = combiner;
        this.value = combiner.identity();
    }

    @SuppressWarnings("unchecked")
    public void update(Object value) {
        this.value = combiner.combine(this.value, value);
    }

    @Override
    public Object getValueAndReset() {
        Object v = value;
        value = combiner.identity();
        return v;
    }
}
