/* Counts by key since the last read. */
package org.apache.storm.metric.api;

import java.util.HashMap;
import java.util.Map;

public class MultiCountMetric implements IMetric {
    private Map<String, CountMetric> counts = new HashMap<>();

    public CountMetric scope(String key) {
        return counts.computeIfAbsent(key, k -> new CountMetric());
    }

    @Override
    public Map<String, Object> getValueAndReset() {
        Map<String, Object> values = new HashMap<>();
        for (Map.Entry<String, CountMetric> e : counts.entrySet()) {
            values.put(e.getKey(), e.getValue().getValueAndReset());
        }
        return values;
    }
}
