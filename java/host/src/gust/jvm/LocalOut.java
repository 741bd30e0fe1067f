/* A task's emits on streams with local routes (see LocalRoute): each
 * emit becomes one LocalTuple per local subscription, appended to the
 * batch of the consumer task its grouping picks; a batch is delivered
 * (executed by the consumer, on this thread, under the consumer's
 * execLock) when it reaches BATCH tuples and when the emitting task's
 * call from gust ends (flush), so nothing waits longer than the call that
 * emitted it — an emit of another thread waits for the next call.
 *
 * Tracking: the tuples from gust that a local tuple is anchored to (or
 * descends from) are its origins; each gets one more pending descendant
 * (LocalOrigin) before the tuple is queued, and one less when the tuple
 * is settled, so the origin's ack waits for its local tree.  A consumer
 * task that is not open (it failed to open, or closed) fails what was
 * meant for it, reported once as an error of the emitting task; one still
 * opening is waited for, once (later batches for it fail at once until it
 * is open).
 *
 * Locks: the batches are guarded by the emitting task's out, an origin's
 * count by its owner's out (taken inside the emitter's when the emitter
 * is fed locally itself: a chain); delivering takes the consumer's
 * execLock, never while holding an out.  No local route leads back to
 * its emitter (gust sees to it), so the execLocks are taken in the order
 * of the chain, then outs: an emitter's before its origins' owners'. */
package gust.jvm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.storm.task.GeneralTopologyContext;
import org.apache.storm.tuple.Tuple;

final class LocalOut {
    static final int BATCH = 256;
    private static final HostTuple[] NO_ORIGINS = new HostTuple[0];
    private final TaskHost host;
    private final Object lock;
    private final GeneralTopologyContext context;
    private final List<LocalRoute> routes;
    private final long openWaitMs;
    private boolean missingReported;
    /* consumer tasks found not open: not waited for again while they are not (guarded by lock) */
    private final Set<Integer> missing = new HashSet<>();

    LocalOut(TaskHost host, Object lock, GeneralTopologyContext context, List<LocalRoute> routes, long openWaitMs) {
        this.host = host;
        this.lock = lock;
        this.context = context;
        this.routes = routes;
        this.openWaitMs = openWaitMs;
    }

    /* An emit on stream (stream.local not null): what it returns to the
     * bolt, the ids of the tasks it went to. */
    List<Integer> emit(StreamTable.Stream stream, int emitterTask, Tuple anchor, Collection<Tuple> anchors,
        List<Object> values) {
        Object[] vals = values.toArray();
        List<Integer> receivers = null;
        List<List<LocalTuple>> full = null;
        List<TaskHost> unused = null;
        synchronized (lock) {
            HostTuple[] origins = origins(anchor, anchors);
            stream.localEmitted++;
            for (LocalRoute r : stream.local) {
                int i = r.choose(values);
                for (HostTuple o : origins) {
                    o.origin.owner.addPending(o);
                }
                List<LocalTuple> batch = r.pending[i];
                batch.add(new LocalTuple(emitterTask, stream, vals, context, origins, r.tasks[i]));
                if (batch.size() >= BATCH) {
                    if (full == null) {
                        full = new ArrayList<>();
                    }
                    full.add(batch);
                    r.pending[i] = new ArrayList<>(BATCH);
                }
                receivers = receivers == null ? r.receivers[i] : join(receivers, r.receivers[i]);
            }
        }
        if (full != null) {
            for (List<LocalTuple> batch : full) {
                deliver(batch);
            }
        }
        return receivers;
    }

    /* Delivers every batch that waits. */
    void flush() {
        List<List<LocalTuple>> ready = null;
        synchronized (lock) {
            for (LocalRoute r : routes) {
                for (int i = 0; i < r.pending.length; i++) {
                    if (!r.pending[i].isEmpty()) {
                        if (ready == null) {
                            ready = new ArrayList<>();
                        }
                        ready.add(r.pending[i]);
                        r.pending[i] = new ArrayList<>();
                    }
                }
            }
        }
        if (ready != null) {
            for (List<LocalTuple> batch : ready) {
                deliver(batch);
            }
        }
    }

    /* The tracked origins of an emit's anchors (holds lock): a tuple from
     * gust this task received and has not settled towards gust yet, or a
     * local tuple's origins.  A tick, another task's tuple, or one whose
     * ack already went to gust is not tracked (as an anchor to a tuple
     * already acked is lost on Storm). */
    private HostTuple[] origins(Tuple anchor, Collection<Tuple> anchors) {
        if (anchor == null && (anchors == null || anchors.isEmpty())) {
            return NO_ORIGINS;
        }
        List<HostTuple> found = new ArrayList<>(2);
        if (anchor != null) {
            addOrigins(anchor, found);
        } else {
            for (Tuple a : anchors) {
                addOrigins(a, found);
            }
        }
        return found.isEmpty() ? NO_ORIGINS : found.toArray(NO_ORIGINS);
    }

    private void addOrigins(Tuple a, List<HostTuple> found) {
        if (a instanceof LocalTuple) {
            for (HostTuple o : ((LocalTuple) a).origins) {
                found.add(o);
            }
            return;
        }
        if (!(a instanceof HostTuple)) {
            return;
        }
        HostTuple h = (HostTuple) a;
        if (h.id == 0 || h.context != host.context() || (h.origin == null ? h.settled : h.origin.reported)) {
            return;
        }
        if (h.origin == null) {
            h.origin = new LocalOrigin(host);
        }
        found.add(h);
    }

    private void deliver(List<LocalTuple> batch) {
        int task = batch.get(0).consumerTask;
        boolean waited;
        synchronized (lock) {
            waited = missing.contains(task);
        }
        TaskHost consumer = LocalTasks.await(task, waited ? 0 : openWaitMs);
        if (consumer != null && consumer.executeLocal(batch)) {
            if (waited) {
                synchronized (lock) {
                    missing.remove(task);
                }
            }
        } else {
            synchronized (lock) {
                missing.add(task);
                if (!missingReported) {
                    missingReported = true;
                    host.reportText("local delivery: the consumer task " + task + " is not open in this JVM: "
                        + batch.size() + " tuple(s) for it failed (and later ones fail the same way)");
                }
            }
            for (LocalTuple t : batch) {
                TaskHost.settleOrigins(t, true);
            }
        }
    }

    private static List<Integer> join(List<Integer> a, List<Integer> b) {
        List<Integer> both = new ArrayList<>(a);
        both.addAll(b);
        return both;
    }
}
