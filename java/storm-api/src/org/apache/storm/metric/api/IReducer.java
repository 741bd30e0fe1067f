/* Folds the values a ReducedMetric is given into one result per bucket. */
package org.apache.storm.metric.api;

public interface IReducer<T> {
    T init();

    T reduce(T accumulator, Object input);

    Object extractResult(T accumulator);
}
