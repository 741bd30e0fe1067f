/* What every task of a topology knows about the whole: its name, which
 * component each task id runs, the streams each component declares, and
 * the topology's configuration.  Built from the OPEN record (Protocol). */
package gust.jvm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.storm.tuple.Fields;

public final class TaskTable {
    public final String topologyName;
    public final Map<Integer, String> taskToComponent = new HashMap<>();
    public final Map<String, List<Integer>> componentTasks = new TreeMap<>();
    public final Map<String, Map<String, Fields>> streams = new HashMap<>();
    public final Map<String, Object> conf;

    public TaskTable(String topologyName, Map<String, Object> conf) {
        this.topologyName = topologyName;
        this.conf = conf;
    }

    public void addTask(String component, int task) {
        taskToComponent.put(task, component);
        componentTasks.computeIfAbsent(component, k -> new ArrayList<>()).add(task);
        Collections.sort(componentTasks.get(component));
    }

    public void addStream(String component, String stream, Fields fields) {
        streams.computeIfAbsent(component, k -> new HashMap<>()).put(stream, fields);
    }
}
