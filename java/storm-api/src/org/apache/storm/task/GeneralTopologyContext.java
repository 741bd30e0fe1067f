/* What any task may ask about the topology: the component of a task, the
 * tasks of a component, the fields of every stream, who subscribes to
 * which stream and how, the configuration. */
package org.apache.storm.task;

import gust.jvm.TaskTable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.storm.Constants;
import org.apache.storm.generated.GlobalStreamId;
import org.apache.storm.generated.Grouping;
import org.apache.storm.tuple.Fields;

public class GeneralTopologyContext {
    protected final TaskTable table;

    public GeneralTopologyContext(TaskTable table) {
        this.table = table;
    }

    public String getStormId() {
        return table.topologyName;
    }

    public String getComponentId(int taskId) {
        if (taskId == Constants.SYSTEM_TASK_ID) {
            return Constants.SYSTEM_COMPONENT_ID;
        }
        return table.taskToComponent.get(taskId);
    }

    public Set<String> getComponentStreams(String componentId) {
        Map<String, Fields> streams = table.streams.get(componentId);
        return streams == null ? Collections.emptySet() : new HashSet<>(streams.keySet());
    }

    public List<Integer> getComponentTasks(String componentId) {
        List<Integer> tasks = table.componentTasks.get(componentId);
        return tasks == null ? new ArrayList<>() : new ArrayList<>(tasks);
    }

    public Fields getComponentOutputFields(GlobalStreamId id) {
        return getComponentOutputFields(id.get_componentId(), id.get_streamId());
    }

    public Fields getComponentOutputFields(String componentId, String streamId) {
        Map<String, Fields> streams = table.streams.get(componentId);
        Fields fields = streams == null ? null : streams.get(streamId);
        if (fields == null) {
            throw new IllegalArgumentException("No output fields defined for component:stream "
                + componentId + ":" + streamId);
        }
        return fields;
    }

    /* The streams componentId subscribes to and how. */
    public Map<GlobalStreamId, Grouping> getSources(String componentId) {
        Map<GlobalStreamId, Grouping> sources = table.sources.get(componentId);
        return sources == null ? new HashMap<>() : new HashMap<>(sources);
    }

    /* Who subscribes to componentId's streams and how: stream -> component -> grouping. */
    public Map<String, Map<String, Grouping>> getTargets(String componentId) {
        Map<String, Map<String, Grouping>> targets = new HashMap<>();
        for (Map.Entry<String, Map<GlobalStreamId, Grouping>> c : table.sources.entrySet()) {
            for (Map.Entry<GlobalStreamId, Grouping> in : c.getValue().entrySet()) {
                if (in.getKey().get_componentId().equals(componentId)) {
                    targets.computeIfAbsent(in.getKey().get_streamId(), k -> new HashMap<>())
                        .put(c.getKey(), in.getValue());
                }
            }
        }
        return targets;
    }

    public Set<String> getComponentIds() {
        return new HashSet<>(table.componentTasks.keySet());
    }

    public Map<Integer, String> getTaskToComponent() {
        return Collections.unmodifiableMap(table.taskToComponent);
    }

    public Map<String, Object> getConf() {
        return table.conf;
    }

    public boolean doSanityCheck() {
        return false;
    }
}
