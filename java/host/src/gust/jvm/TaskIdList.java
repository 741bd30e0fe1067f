/* What an emit returns in Storm: the ids of the tasks the tuple was sent
 * to.  gust routes the emit (grouping, subscribers), so the JVM learns the
 * ids only by asking: this list asks on its first read (size, get,
 * iterator, equals, toString, ...) and keeps the answer.  An emit whose
 * list is never read costs nothing more than the list.
 *
 * Which emit it names: the call (batch of calls gust made to the task) it
 * travelled in and its place among that call's EMIT records.  TaskHost
 * resolves it (see there for which thread waits for what).  Once resolved
 * it is immutable; it travels in a tuple as a list of integers and in Java
 * serialization as an ArrayList. */
package gust.jvm;

import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.RandomAccess;

final class TaskIdList extends AbstractList<Integer> implements RandomAccess, Serializable {
    private static final long serialVersionUID = 1L;
    private final transient TaskHost host;
    final long batch;
    final int index;
    private volatile int[] ids; /* null until resolved */
    String failure; /* why it cannot be resolved; guarded by the host's lock */

    TaskIdList(TaskHost host, long batch, int index) {
        this.host = host;
        this.batch = batch;
        this.index = index;
    }

    /* The list of an emit that went to no task, known without asking. */
    static TaskIdList empty(TaskHost host) {
        TaskIdList l = new TaskIdList(host, -1, -1);
        l.resolve(new int[0]);
        return l;
    }

    private int[] ids() {
        int[] known = ids;
        return known != null ? known : host.resolve(this);
    }

    boolean resolved() {
        return ids != null;
    }

    int[] known() {
        return ids;
    }

    void resolve(int[] taskIds) {
        ids = taskIds;
    }

    @Override
    public Integer get(int i) {
        return ids()[i];
    }

    @Override
    public int size() {
        return ids().length;
    }

    private Object writeReplace() throws ObjectStreamException {
        return new ArrayList<>(this);
    }
}
