/* A count since the last read. */
package org.apache.storm.metric.api;

public class CountMetric implements IMetric {
    private long value;

    public void incr() {
        value++;
    }

    public void incrBy(long incrementBy) {
        value += incrementBy;
    }

    @Override
    public Object getValueAndReset() {
        long v = value;
        value = 0;
        return v;
    }
}
