/* The metrics one task registered (TopologyContext.registerMetric), each
 * read once per its own time bucket, as Storm's executors do.
 *
 * Registration happens in open/prepare, on the task's thread; after that
 * the set is sealed (Storm refuses later registrations too).  The task's
 * thread calls due() between batches: every metric whose bucket has
 * ended gives getValueAndReset(), which TaskHost writes as a METRIC
 * record into the batch's answer.  A task that gets no calls (an idle
 * bolt) reports at its next batch. */
package gust.jvm;

import java.util.ArrayList;
import java.util.List;
import org.apache.storm.metric.api.IMetric;

public final class TaskMetrics {
    /* Receives a due metric's name and value, or what its
     * getValueAndReset() threw. */
    public interface Sink {
        void metric(String name, Object value);

        void failed(String name, Throwable t);
    }

    private static final class Registered {
        final String name;
        final IMetric metric;
        final long bucketNs;
        long dueNs;

        Registered(String name, IMetric metric, long bucketNs, long now) {
            this.name = name;
            this.metric = metric;
            this.bucketNs = bucketNs;
            this.dueNs = now + bucketNs;
        }
    }

    private final List<Registered> metrics = new ArrayList<>();
    private boolean sealed;

    public void register(String name, IMetric metric, int timeBucketSizeInSecs) {
        if (sealed) {
            throw new RuntimeException("TopologyContext.registerMetric can only be called from within "
                + "IBolt.prepare() or ISpout.open() (metric " + name + ")");
        }
        metrics.add(new Registered(name, metric, timeBucketSizeInSecs * 1_000_000_000L, System.nanoTime()));
    }

    /* No registrations after open/prepare. */
    void seal() {
        sealed = true;
    }

    boolean isEmpty() {
        return metrics.isEmpty();
    }

    /* Reads every metric whose bucket ended by now into sink; a bucket
     * missed entirely (the task was busy or idle) is not read twice. */
    void due(long now, Sink sink) {
        for (Registered m : metrics) {
            if (now - m.dueNs < 0) {
                continue;
            }
            Object value;
            try {
                value = m.metric.getValueAndReset();
            } catch (Throwable t) {
                sink.failed(m.name, t);
                value = null;
            }
            if (value != null) {
                sink.metric(m.name, value);
            }
            m.dueNs += m.bucketNs;
            if (now - m.dueNs >= 0) {
                m.dueNs = now + m.bucketNs;
            }
        }
    }
}
