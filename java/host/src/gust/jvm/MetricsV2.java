/* A task's Storm metrics v2 (Dropwizard Metrics, as TopologyContext's
 * registerTimer, registerHistogram, registerMeter, registerCounter,
 * registerGauge and registerMetricSet make them), each read as an IMetric
 * every READ_SECS so that it reaches gust's metrics as the first metrics
 * do (TaskMetrics): a counter as its count, a gauge as its value, a meter
 * as {count, m1_rate, m5_rate, m15_rate, mean_rate} (per second), a
 * histogram as its count and snapshot {min, max, mean, stddev, p50, p75,
 * p95, p98, p99, p999}, a timer as both, its durations in milliseconds.
 * Nothing is reset: Storm's reporters read them the same way.  Storm keeps
 * one metric per name: asking again for a name returns the metric made
 * first (of another kind: IllegalArgumentException, as Dropwizard's
 * registry says).  Registered on the task's thread while it opens. */
package gust.jvm;

import com.codahale.metrics.Counter;
import com.codahale.metrics.ExponentiallyDecayingReservoir;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metered;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.MetricSet;
import com.codahale.metrics.Sampling;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.storm.metric.api.IMetric;

public final class MetricsV2 {
    /* Storm's metrics reporters report every 10 s unless configured */
    static final int READ_SECS = 10;
    private static final double NS_PER_MS = 1e6;
    private final TaskMetrics reported;
    private final Map<String, Metric> metrics = new LinkedHashMap<>();

    public MetricsV2(TaskMetrics reported) {
        this.reported = reported;
    }

    public Timer timer(String name) {
        return get(name, Timer.class, Timer::new);
    }

    public Histogram histogram(String name) {
        return get(name, Histogram.class, () -> new Histogram(new ExponentiallyDecayingReservoir()));
    }

    public Meter meter(String name) {
        return get(name, Meter.class, Meter::new);
    }

    public Counter counter(String name) {
        return get(name, Counter.class, Counter::new);
    }

    @SuppressWarnings("unchecked")
    public <T> Gauge<T> gauge(String name, Gauge<T> gauge) {
        return get(name, Gauge.class, () -> gauge);
    }

    /* Each metric of the set as prefix.name (a set within, likewise). */
    public void set(String prefix, MetricSet set) {
        for (Map.Entry<String, Metric> e : set.getMetrics().entrySet()) {
            String name = MetricRegistry.name(prefix, e.getKey());
            Metric m = e.getValue();
            if (m instanceof MetricSet) {
                set(name, (MetricSet) m);
            } else {
                get(name, m.getClass(), () -> m);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private <M extends Metric> M get(String name, Class<?> kind, Supplier<M> make) {
        Metric known = metrics.get(name);
        if (known != null) {
            if (!kind.isInstance(known)) {
                throw new IllegalArgumentException(name + " is already used for a different type of metric");
            }
            return (M) known;
        }
        M made = make.get();
        metrics.put(name, made);
        reported.register(name, reading(made), READ_SECS);
        return made;
    }

    /* What gust reads of a metric, as an IMetric's value. */
    private static IMetric reading(Metric m) {
        if (m instanceof Counter) {
            return ((Counter) m)::getCount;
        }
        if (m instanceof Gauge) {
            return ((Gauge<?>) m)::getValue;
        }
        return () -> {
            Map<String, Object> values = new LinkedHashMap<>();
            if (m instanceof Metered) {
                Metered r = (Metered) m;
                values.put("count", r.getCount());
                values.put("m1_rate", r.getOneMinuteRate());
                values.put("m5_rate", r.getFiveMinuteRate());
                values.put("m15_rate", r.getFifteenMinuteRate());
                values.put("mean_rate", r.getMeanRate());
            }
            if (m instanceof Histogram) {
                values.put("count", ((Histogram) m).getCount());
            }
            if (m instanceof Sampling) {
                snapshot(values, ((Sampling) m).getSnapshot(), m instanceof Timer ? NS_PER_MS : 1);
            }
            return values;
        };
    }

    private static void snapshot(Map<String, Object> values, Snapshot s, double unit) {
        values.put("min", s.getMin() / unit);
        values.put("max", s.getMax() / unit);
        values.put("mean", s.getMean() / unit);
        values.put("stddev", s.getStdDev() / unit);
        values.put("p50", s.getMedian() / unit);
        values.put("p75", s.get75thPercentile() / unit);
        values.put("p95", s.get95thPercentile() / unit);
        values.put("p98", s.get98thPercentile() / unit);
        values.put("p99", s.get99thPercentile() / unit);
        values.put("p999", s.get999thPercentile() / unit);
    }
}
