/* A metric a task registers: read and reset once per time bucket; its
 * dimensions (extra key-value labels) are none unless it says so. */
package org.apache.storm.metric.api;

import java.util.Collections;
import java.util.Map;

public interface IMetric {
    Object getValueAndReset();

    default Map<String, String> getDimensions() {
        return Collections.emptyMap();
    }
}
