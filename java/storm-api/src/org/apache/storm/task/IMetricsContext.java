/* Registering a task's metrics: Storm's first metrics (IMetric, read and
 * reset every time bucket) and its metrics v2 (Dropwizard Metrics: timers,
 * histograms, meters, counters, gauges, sets of them).  On gust both reach
 * gust's metrics (TopologyContext). */
package org.apache.storm.task;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricSet;
import com.codahale.metrics.Timer;
import org.apache.storm.metric.api.CombinedMetric;
import org.apache.storm.metric.api.ICombiner;
import org.apache.storm.metric.api.IMetric;
import org.apache.storm.metric.api.IReducer;
import org.apache.storm.metric.api.ReducedMetric;

public interface IMetricsContext {
    <T extends IMetric> T registerMetric(String name, T metric, int timeBucketSizeInSecs);

    ReducedMetric registerMetric(String name, IReducer reducer, int timeBucketSizeInSecs);

    CombinedMetric registerMetric(String name, ICombiner combiner, int timeBucketSizeInSecs);

    Timer registerTimer(String name);

    Histogram registerHistogram(String name);

    Meter registerMeter(String name);

    Counter registerCounter(String name);

    <T> Gauge<T> registerGauge(String name, Gauge<T> gauge);

    void registerMetricSet(String prefix, MetricSet set);
}
