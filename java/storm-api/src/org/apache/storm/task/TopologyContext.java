/* What a task knows about itself: its task id and index, its component,
 * and that component's streams, beside the whole topology's.  Metrics it
 * registers are read every time bucket and reported to gust (TaskMetrics);
 * its metrics v2 (Dropwizard's) every 10 s (MetricsV2). */
package org.apache.storm.task;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricSet;
import com.codahale.metrics.Timer;
import gust.jvm.MetricsV2;
import gust.jvm.TaskMetrics;
import gust.jvm.TaskTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.storm.generated.GlobalStreamId;
import org.apache.storm.generated.Grouping;
import org.apache.storm.hooks.ITaskHook;
import org.apache.storm.metric.api.CombinedMetric;
import org.apache.storm.metric.api.ICombiner;
import org.apache.storm.metric.api.IMetric;
import org.apache.storm.metric.api.IReducer;
import org.apache.storm.metric.api.ReducedMetric;
import org.apache.storm.tuple.Fields;

public class TopologyContext extends WorkerTopologyContext implements IMetricsContext {
    private final int taskId;
    private final Map<String, IMetric> metrics = new HashMap<>();
    private final TaskMetrics reported;
    private final MetricsV2 metricsV2;
    private final List<ITaskHook> hooks = new ArrayList<>();

    public TopologyContext(TaskTable table, int taskId) {
        this(table, taskId, new TaskMetrics());
    }

    /* reported: where registered metrics go to be read every time bucket. */
    public TopologyContext(TaskTable table, int taskId, TaskMetrics reported) {
        super(table);
        this.taskId = taskId;
        this.reported = reported;
        this.metricsV2 = new MetricsV2(reported);
    }

    public int getThisTaskId() {
        return taskId;
    }

    public String getThisComponentId() {
        return getComponentId(taskId);
    }

    public int getThisTaskIndex() {
        return getComponentTasks(getThisComponentId()).indexOf(taskId);
    }

    public Fields getThisOutputFields(String streamId) {
        return getComponentOutputFields(getThisComponentId(), streamId);
    }

    public Set<String> getThisStreams() {
        return getComponentStreams(getThisComponentId());
    }

    /* Every stream this component declares, with its fields' names. */
    public Map<String, List<String>> getThisOutputFieldsForStreams() {
        Map<String, List<String>> fields = new HashMap<>();
        for (String stream : getThisStreams()) {
            fields.put(stream, getThisOutputFields(stream).toList());
        }
        return fields;
    }

    /* Prepares hook and adds it: it hears of this task's emits, executes,
     * acks and fails from then on (see ITaskHook). */
    public void addTaskHook(ITaskHook hook) {
        hook.prepare(getConf(), this);
        hooks.add(hook);
    }

    public List<ITaskHook> getHooks() {
        return hooks;
    }

    /* The streams this component subscribes to and how. */
    public Map<GlobalStreamId, Grouping> getThisSources() {
        return getSources(getThisComponentId());
    }

    /* Who subscribes to this component's streams and how. */
    public Map<String, Map<String, Grouping>> getThisTargets() {
        return getTargets(getThisComponentId());
    }

    /* The fields of every stream of every component this one subscribes
     * to: source -> stream -> fields. */
    public Map<String, Map<String, List<String>>> getThisInputFields() {
        Map<String, Map<String, List<String>>> fields = new HashMap<>();
        for (GlobalStreamId source : getThisSources().keySet()) {
            String component = source.get_componentId();
            for (String stream : getComponentStreams(component)) {
                fields.computeIfAbsent(component, k -> new HashMap<>())
                    .put(stream, getComponentOutputFields(component, stream).toList());
            }
        }
        return fields;
    }

    @Override
    public <T extends IMetric> T registerMetric(String name, T metric, int timeBucketSizeInSecs) {
        if (metrics.containsKey(name)) {
            throw new RuntimeException("The same metric name `" + name + "` was registered twice.");
        }
        if (timeBucketSizeInSecs <= 0) {
            throw new IllegalArgumentException("metric " + name + ": the time bucket must be positive");
        }
        reported.register(name, metric, timeBucketSizeInSecs);
        metrics.put(name, metric);
        return metric;
    }

    @Override
    public ReducedMetric registerMetric(String name, IReducer reducer, int timeBucketSizeInSecs) {
        return registerMetric(name, new ReducedMetric(reducer), timeBucketSizeInSecs);
    }

    @Override
    public CombinedMetric registerMetric(String name, ICombiner combiner, int timeBucketSizeInSecs) {
        return registerMetric(name, new CombinedMetric(combiner), timeBucketSizeInSecs);
    }

    @Override
    public Timer registerTimer(String name) {
        return metricsV2.timer(name);
    }

    @Override
    public Histogram registerHistogram(String name) {
        return metricsV2.histogram(name);
    }

    @Override
    public Meter registerMeter(String name) {
        return metricsV2.meter(name);
    }

    @Override
    public Counter registerCounter(String name) {
        return metricsV2.counter(name);
    }

    @Override
    public <T> Gauge<T> registerGauge(String name, Gauge<T> gauge) {
        return metricsV2.gauge(name, gauge);
    }

    @Override
    public void registerMetricSet(String prefix, MetricSet set) {
        metricsV2.set(prefix, set);
    }

    public IMetric getRegisteredMetricByName(String name) {
        return metrics.get(name);
    }

    @Override
    public String toString() {
        return getThisComponentId() + ":" + taskId;
    }
}
