/* ReducedMetrics by key, all with one reducer: a reading is the map of
 * each key's reduced value (keys with none left out), each reset. */
package org.apache.storm.metric.api;

import java.util.HashMap;
import java.util.Map;

public class MultiReducedMetric implements IMetric {
    private final Map<String, ReducedMetric> metrics = new HashMap<>();
    private final IReducer reducer;

    public MultiReducedMetric(IReducer reducer) {
        this.reducer = reducer;
    }

    public ReducedMetric scope(String key) {
        synchronized (metrics) {
            return metrics.computeIfAbsent(key, k -> new ReducedMetric(reducer));
        }
    }

    @Override
    public Map<String, Object> getValueAndReset() {
        Map<String, Object> reading = new HashMap<>();
        synchronized (metrics) {
            for (Map.Entry<String, ReducedMetric> e : metrics.entrySet()) {
                Object value = e.getValue().getValueAndReset();
                if (value != null) {
                    reading.put(e.getKey(), value);
                }
            }
        }
        return reading;
    }
}
