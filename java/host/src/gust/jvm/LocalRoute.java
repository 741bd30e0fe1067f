/* One local subscription of a stream: a Java bolt of this JVM that gets
 * the stream's tuples from the emitting task directly, without a trip
 * through gust (gust decides which streams are local and says so in OPEN,
 * beside each stream's subscriptions; see compat/jvm/jvm_local.c for
 * when).  The emitting task picks
 * the consumer task as Storm's groupings do: shuffle, local-or-shuffle and
 * none go round the consumer's tasks from a place set by the emitting
 * task's id; fields hashes the grouping fields' values as Storm's
 * TupleUtils.chooseTaskIndex does (Arrays.deepHashCode of the selected
 * values, floor modulo the number of tasks).  The tuples picked wait in
 * one batch per consumer task (pending, guarded by the emitting task's
 * out) until the task delivers them.  Each emitting task has its own
 * routes (its own StreamTable). */
package gust.jvm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

final class LocalRoute {
    final String consumer;
    final boolean byFields; /* a fields grouping; else one that goes round the tasks */
    final int[] fieldIndexes;
    final int[] tasks;
    /* per consumer task: the list an emit that went there returns, and the
     * tuples waiting to be delivered there */
    final List<Integer>[] receivers;
    final List<LocalTuple>[] pending;
    private int next;

    @SuppressWarnings("unchecked")
    /* grouping: gust's name of the subscription's grouping kind (SHUFFLE,
     * FIELDS, LOCAL_OR_SHUFFLE or NONE: the kinds gust routes locally). */
    LocalRoute(String consumer, String grouping, int[] fieldIndexes, List<Integer> consumerTasks, int emitterTask) {
        if (consumerTasks == null || consumerTasks.isEmpty()) {
            throw new IllegalStateException("the local consumer '" + consumer + "' has no tasks");
        }
        boolean byFields = grouping.equals("FIELDS");
        if (!byFields && !List.of("SHUFFLE", "LOCAL_OR_SHUFFLE", "NONE").contains(grouping)
            || byFields && fieldIndexes.length == 0) {
            throw new IllegalStateException("a local route with grouping " + grouping);
        }
        this.consumer = consumer;
        this.byFields = byFields;
        this.fieldIndexes = fieldIndexes;
        this.tasks = new int[consumerTasks.size()];
        this.receivers = new List[tasks.length];
        this.pending = new List[tasks.length];
        for (int i = 0; i < tasks.length; i++) {
            tasks[i] = consumerTasks.get(i);
            receivers[i] = List.of(tasks[i]);
            pending[i] = new ArrayList<>();
        }
        this.next = Math.floorMod(emitterTask, tasks.length);
    }

    /* The index (in tasks) of the task that gets a tuple of these values. */
    int choose(List<Object> values) {
        if (tasks.length == 1) {
            return 0;
        }
        if (!byFields) {
            int i = next;
            next = i + 1 == tasks.length ? 0 : i + 1;
            return i;
        }
        int h = 1;
        for (int f : fieldIndexes) {
            Object v = values.get(f);
            h = 31 * h + (v == null ? 0 : v instanceof Object[] ? Arrays.deepHashCode((Object[]) v)
                : v instanceof byte[] ? Arrays.hashCode((byte[]) v) : v.hashCode());
        }
        return Math.floorMod(h, tasks.length);
    }
}
