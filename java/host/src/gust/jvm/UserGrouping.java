/* A user's CustomStreamGrouping for one emitting task: built from its
 * submitted form (Java serialization or a Flux object definition),
 * prepared once with the worker context, the grouped stream and the
 * subscribing component's task ids, then asked where each tuple goes.
 *
 * Two hosts use it: GroupingHost, which serves a grouping over its own
 * connection for an emitter outside the JVM (native or multilang), and
 * TaskHost, which asks it in the emit of a Java task itself, so that the
 * choice travels with the EMIT record instead of costing gust a round
 * trip per tuple.  A choice is checked as Storm checks it: the tasks must
 * be among the targets; what went wrong is said in words (gust names the
 * grouping, the component and the stream).  Not thread-safe by itself: a
 * grouping is asked on whichever thread emits, as on Storm. */
package gust.jvm;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.storm.generated.GlobalStreamId;
import org.apache.storm.grouping.CustomStreamGrouping;
import org.apache.storm.task.WorkerTopologyContext;

final class UserGrouping {
    final int stream; /* the engine's number of the grouped stream */
    private final CustomStreamGrouping grouping;
    private final List<Integer> targetList;
    private final Set<Integer> targets;

    private UserGrouping(int stream, CustomStreamGrouping grouping, List<Integer> targetList) {
        this.stream = stream;
        this.grouping = grouping;
        this.targetList = targetList;
        this.targets = new HashSet<>(targetList);
    }

    /* A grouping as gust describes it (GROUPING_OPEN, or OPEN of a Java
     * emitter): the grouped stream's number, the subscribing component
     * (gust's reports name it), its task ids, the class and the instance. */
    static final class Spec {
        final int stream;
        final List<Integer> targets;
        final String className;
        final byte[] instance;

        Spec(Wire.In in) {
            stream = in.i32();
            in.str();
            int n = in.count();
            targets = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                targets.add(in.i32());
            }
            className = in.str();
            instance = in.bytes();
        }
    }

    /* Builds the instance and prepares it for the emitting component's
     * stream; throws what building or prepare threw. */
    static UserGrouping build(WorkerTopologyContext context, String component, String streamName, Spec spec)
        throws Exception {
        Object built = ComponentInputStream.readComponent(spec.instance);
        if (!(built instanceof CustomStreamGrouping)) {
            throw new IllegalArgumentException(spec.className + " is not a "
                + CustomStreamGrouping.class.getName());
        }
        CustomStreamGrouping grouping = (CustomStreamGrouping) built;
        grouping.prepare(context, new GlobalStreamId(component, streamName), new ArrayList<>(spec.targets));
        return new UserGrouping(spec.stream, grouping, spec.targets);
    }

    /* What a choice came to: the tasks chosen, or why there are none. */
    static final class Choice {
        final List<Integer> tasks; /* null when failed */
        final String failure;

        private Choice(List<Integer> tasks, String failure) {
            this.tasks = tasks;
            this.failure = failure;
        }
    }

    Choice choose(int taskId, List<Object> values) {
        List<Integer> chosen;
        try {
            chosen = grouping.chooseTasks(taskId, values);
        } catch (Throwable t) {
            return new Choice(null, "chooseTasks threw " + StackTraces.of(t));
        }
        if (chosen == null) {
            return new Choice(null, "chooseTasks returned null for " + values);
        }
        for (Integer task : chosen) {
            if (task == null || !targets.contains(task)) {
                return new Choice(null, "chooseTasks returned task " + task + " for " + values
                    + ", which is not one of the target tasks " + targetList);
            }
        }
        return new Choice(chosen, null);
    }

}
