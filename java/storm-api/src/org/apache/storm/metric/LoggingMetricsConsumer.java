/* Storm's consumer that writes every datapoint to the log, a line each:
 * the time, the worker, the task and component, the metric's name and
 * value.  Topologies name it in Config.registerMetricsConsumer; gust does
 * not run consumers (see IMetricsConsumer), but the class is here so that
 * they compile and link, and it does what Storm's does when called. */
package org.apache.storm.metric;

import java.util.Collection;
import java.util.Map;
import org.apache.storm.metric.api.IMetricsConsumer;
import org.apache.storm.task.IErrorReporter;
import org.apache.storm.task.TopologyContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class LoggingMetricsConsumer implements IMetricsConsumer {
    public static final Logger LOG = LoggerFactory.getLogger(LoggingMetricsConsumer.class);

    @Override
    public void prepare(Map<String, Object> topoConf, Object registrationArgument, TopologyContext context,
        IErrorReporter errorReporter) {
    }

    @Override
    public void handleDataPoints(TaskInfo taskInfo, Collection<DataPoint> dataPoints) {
        String head = String.format("%d\t%15s:%-4d\t%3d:%-11s\t", taskInfo.timestamp, taskInfo.srcWorkerHost,
            taskInfo.srcWorkerPort, taskInfo.srcTaskId, taskInfo.srcComponentId);
        for (DataPoint p : dataPoints) {
            LOG.info(String.format("%s%-23.23s\t%s", head, p.name, p.value));
        }
    }

    @Override
    public void cleanup() {
    }
}
