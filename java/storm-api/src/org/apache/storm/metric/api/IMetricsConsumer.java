/* A consumer of the metrics tasks register, as Storm's workers feed it:
 * datapoints per task and time bucket.  gust compiles and links topologies
 * that name one (Config.registerMetricsConsumer) but does not run it: the
 * metrics reach gust's own (the UI and /metrics). */
package org.apache.storm.metric.api;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import org.apache.storm.task.IErrorReporter;
import org.apache.storm.task.TopologyContext;

public interface IMetricsConsumer {
    void prepare(Map<String, Object> topoConf, Object registrationArgument, TopologyContext context,
        IErrorReporter errorReporter);

    void handleDataPoints(TaskInfo taskInfo, Collection<DataPoint> dataPoints);

    void cleanup();

    /* Where and when a batch of datapoints was read. */
    class TaskInfo {
        public String srcWorkerHost;
        public int srcWorkerPort;
        public String srcComponentId;
        public int srcTaskId;
        public long timestamp;
        public int updateIntervalSecs;

        public TaskInfo() {
        }

        public TaskInfo(String srcWorkerHost, int srcWorkerPort, String srcComponentId, int srcTaskId, long timestamp,
            int updateIntervalSecs) {
            this.srcWorkerHost = srcWorkerHost;
            this.srcWorkerPort = srcWorkerPort;
            this.srcComponentId = srcComponentId;
            this.srcTaskId = srcTaskId;
            this.timestamp = timestamp;
            this.updateIntervalSecs = updateIntervalSecs;
        }

        @Override
        public String toString() {
            return "TASK_INFO: { host: " + srcWorkerHost + ":" + srcWorkerPort + " comp: " + srcComponentId + "["
                + srcTaskId + "]}";
        }
    }

    /* One metric's reading, with its dimensions. */
    class DataPoint {
        public String name;
        public Object value;
        public Map<String, String> dimensions;

        public DataPoint() {
        }

        public DataPoint(String name, Object value) {
            this(name, value, Collections.emptyMap());
        }

        public DataPoint(String name, Object value, Map<String, String> dimensions) {
            this.name = name;
            this.value = value;
            this.dimensions = dimensions;
        }

        @Override
        public String toString() {
            return "[" + name + "=" + value + (dimensions == null || dimensions.isEmpty() ? "" : ", " + dimensions)
                + "]";
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof DataPoint)) {
                return false;
            }
            DataPoint p = (DataPoint) o;
            return Objects.equals(name, p.name) && Objects.deepEquals(value, p.value)
                && Objects.deepEquals(dimensions, p.dimensions);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, value, dimensions);
        }
    }
}
