/* One custom grouping of one emitting task outside the JVM (native or
 * multilang), on its own thread, over its own connection from gust
 * (compat/jvm/jvm_grouping.c is the other side).  A Java emitter asks its
 * groupings itself, in its emits (TaskHost).
 *
 * The connection's first frame is GROUPING_OPEN: what OPEN tells a task
 * (the topology's name, the emitting component and task id, every
 * component's task ids, the streams with their fields, the conf), then
 * the grouped stream's number, the subscribing component, its task ids
 * (the targets), the grouping's class and its instance: Java-serialized
 * bytes (TopologyBuilder.customGrouping, or the real storm-client's
 * custom_serialized) or a Flux object definition (FluxObjects).  The
 * instance is built and prepare(context, stream, targets) called once;
 * the answer is READY with this JVM's process id, or OPEN_FAILED with the
 * stack trace.  Every later frame holds CHOOSE records (the emitting task
 * id, the tuple's values), each answered, in order, in one frame:
 * CHOSEN with the task ids chooseTasks returned (0, 1 or several), or
 * CHOOSE_FAILED when it threw, returned null, or returned a task that is
 * not one of the targets (Storm reports that too) — with the stack
 * trace. */
package gust.jvm;

import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.storm.task.WorkerTopologyContext;
import org.apache.storm.tuple.Fields;

final class GroupingHost {
    /* gust -> JVM */
    static final int OPEN = 'G', CHOOSE = 'g';
    /* JVM -> gust (READY and OPEN_FAILED as a task's) */
    static final int CHOSEN = 'c', CHOOSE_FAILED = 'x';

    private final FrameChannel channel;
    private final Wire.Out out = new Wire.Out();
    private UserGrouping grouping;

    GroupingHost(FrameChannel channel) {
        this.channel = channel;
    }

    /* Serves the connection whose GROUPING_OPEN record is in `open` (its
     * kind read) until gust closes it. */
    void serve(Wire.In open) throws IOException {
        out.i32(0); /* the frame's length, set by answer() */
        if (!open(open)) {
            return;
        }
        try {
            while (true) {
                Wire.In in = channel.next();
                while (in.more()) {
                    int kind = in.u8();
                    if (kind != CHOOSE) {
                        throw new IOException("unknown record kind " + kind + " on a grouping connection");
                    }
                    choose(in);
                }
                answer();
            }
        } catch (EOFException e) {
            return; /* gust closed the connection */
        }
    }

    @SuppressWarnings("unchecked")
    private boolean open(Wire.In in) throws IOException {
        String topology = in.str();
        String component = in.str();
        in.i32(); /* the emitting task's id: each CHOOSE names it */
        Map<Object, Object> tasks = (Map<Object, Object>) in.value();
        List<Object> streamList = (List<Object>) in.value();
        Map<String, Object> conf = (Map<String, Object>) (Map<?, ?>) in.value();
        UserGrouping.Spec spec = new UserGrouping.Spec(in);

        TaskTable table = new TaskTable(topology, conf);
        for (Map.Entry<Object, Object> e : tasks.entrySet()) {
            for (Object t : (List<Object>) e.getValue()) {
                table.addTask((String) e.getKey(), ((Long) t).intValue());
            }
        }
        String streamName = null;
        for (Object o : streamList) {
            List<Object> s = (List<Object>) o;
            String comp = (String) s.get(1);
            List<String> fields = new ArrayList<>();
            for (Object f : (List<Object>) s.get(3)) {
                fields.add((String) f);
            }
            if (!comp.startsWith("__")) {
                table.addStream(comp, (String) s.get(2), new Fields(fields));
                table.addSubscriptions(comp, (String) s.get(2), (List<Object>) s.get(6));
            }
            if (((Long) s.get(0)).intValue() == spec.stream) {
                streamName = (String) s.get(2);
            }
        }
        try {
            grouping = UserGrouping.build(new WorkerTopologyContext(table), component, streamName, spec);
        } catch (Throwable t) {
            out.u8(Wire.OPEN_FAILED);
            out.str(StackTraces.of(t));
            answer();
            return false;
        }
        out.u8(Wire.READY);
        out.i64(ProcessHandle.current().pid());
        answer();
        return true;
    }

    private void choose(Wire.In in) {
        int taskId = in.i32();
        int n = in.count();
        List<Object> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(in.value());
        }
        UserGrouping.Choice choice = grouping.choose(taskId, values);
        if (choice.tasks == null) {
            failed(choice.failure);
            return;
        }
        out.u8(CHOSEN);
        out.i32(choice.tasks.size());
        for (Integer task : choice.tasks) {
            out.i32(task);
        }
    }

    private void failed(String why) {
        out.u8(CHOOSE_FAILED);
        out.str(why); /* gust names the grouping, the component and the stream */
    }

    private void answer() throws IOException {
        channel.send(out);
    }
}
