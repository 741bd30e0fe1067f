/* Partial key grouping by fields: each key goes to one of two tasks. */
package org.apache.storm.grouping;

import java.util.ArrayList;
import java.util.List;
import org.apache.storm.generated.GlobalStreamId;
import org.apache.storm.task.WorkerTopologyContext;
import org.apache.storm.tuple.Fields;

public class PartialKeyGrouping implements CustomStreamGrouping {
    private static final long serialVersionUID = 1L;
    private final Fields fields;
    private List<Integer> targets;

    public PartialKeyGrouping() {
        this(null);
    }

    public PartialKeyGrouping(Fields fields) {
        this.fields = fields;
    }

    /* The key fields (null: the whole tuple), for gust's native grouping. */
    public List<String> gustFields() {
        return fields == null ? null : fields.toList();
    }

    @Override
    public void prepare(WorkerTopologyContext context, GlobalStreamId stream, List<Integer> targetTasks) {
        targets = new ArrayList<>(targetTasks);
    }

    @Override
    public List<Integer> chooseTasks(int taskId, List<Object> values) {
        List<Integer> chosen = new ArrayList<>(1);
        int hash = values.hashCode() & Integer.MAX_VALUE;
        chosen.add(targets.get(hash % targets.size()));
        return chosen;
    }
}
