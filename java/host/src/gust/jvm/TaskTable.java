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
import org.apache.storm.generated.GlobalStreamId;
import org.apache.storm.generated.Grouping;
import org.apache.storm.generated.NullStruct;
import org.apache.storm.grouping.PartialKeyGrouping;
import org.apache.storm.tuple.Fields;
import org.apache.storm.utils.Utils;

public final class TaskTable {
    public final String topologyName;
    public final Map<Integer, String> taskToComponent = new HashMap<>();
    public final Map<String, List<Integer>> componentTasks = new TreeMap<>();
    public final Map<String, Map<String, Fields>> streams = new HashMap<>();
    /* component -> the streams it subscribes to -> how (Storm's getSources) */
    public final Map<String, Map<GlobalStreamId, Grouping>> sources = new HashMap<>();
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

    /* The subscriptions OPEN lists for one stream: [component, grouping
     * kind name, fields] each, as Storm's Thrift groupings. */
    @SuppressWarnings("unchecked")
    public void addSubscriptions(String component, String stream, List<Object> subscriptions) {
        for (Object o : subscriptions) {
            List<Object> sub = (List<Object>) o;
            List<String> fields = new ArrayList<>();
            for (Object f : (List<Object>) sub.get(2)) {
                fields.add((String) f);
            }
            sources.computeIfAbsent((String) sub.get(0), k -> new HashMap<>())
                .put(new GlobalStreamId(component, stream), grouping((String) sub.get(1), fields));
        }
    }

    private static Grouping grouping(String kind, List<String> fields) {
        switch (kind) {
            case "FIELDS":
                return Grouping.fields(fields);
            case "GLOBAL":
                return Grouping.fields(new ArrayList<>());
            case "ALL":
                return Grouping.all(new NullStruct());
            case "NONE":
                return Grouping.none(new NullStruct());
            case "DIRECT":
                return Grouping.direct(new NullStruct());
            case "LOCAL_OR_SHUFFLE":
                return Grouping.local_or_shuffle(new NullStruct());
            case "PARTIAL_KEY": /* Storm sends it as the serialized PartialKeyGrouping */
                return Grouping.custom_serialized(Utils.javaSerialize(new PartialKeyGrouping(new Fields(fields))));
            case "CUSTOM": /* its bytes stay with the emitting tasks' JVM side */
                return Grouping.custom_serialized(new byte[0]);
            default:
                return Grouping.shuffle(new NullStruct());
        }
    }
}
