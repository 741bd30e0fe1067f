/* What a task knows about itself: its task id and index, its component,
 * and that component's streams, beside the whole topology's. */
package org.apache.storm.task;

import gust.jvm.TaskTable;
import java.util.Set;
import org.apache.storm.tuple.Fields;

public class TopologyContext extends WorkerTopologyContext {
    private final int taskId;

    public TopologyContext(TaskTable table, int taskId) {
        super(table);
        this.taskId = taskId;
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

    @Override
    public String toString() {
        return getThisComponentId() + ":" + taskId;
    }
}
