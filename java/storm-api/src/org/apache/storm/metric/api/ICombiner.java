/* Combines the values a CombinedMetric is given. */
package org.apache.storm.metric.api;

public interface ICombiner<T> {
    T identity();

    T combine(T a, T b);
}
