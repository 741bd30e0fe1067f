/* A metric a task registers: read and reset once per time bucket. */
package org.apache.storm.metric.api;

public interface IMetric {
    Object getValueAndReset();
}
