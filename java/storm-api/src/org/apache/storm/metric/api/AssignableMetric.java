/* A metric whose value the task sets; each reading returns the last value
 * set (nothing is reset). */
package org.apache.storm.metric.api;

public class AssignableMetric implements IMetric {
    private Object value;

    public AssignableMetric(Object value) {
        this.value = value;
    }

    public void setValue(Object value) {
        this.value = value;
    }

    @Override
    public Object getValueAndReset() {
        return value;
    }
}
