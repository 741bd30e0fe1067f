/* One Java task, on its own thread, over its own connection from gust.
 *
 * The first frame is OPEN: the topology (task ids of every component, the
 * engine's stream numbers with their fields, the component's conf) and
 * this task's id.  The task deserializes its instance from the submitted
 * component, opens or prepares it, and answers READY with this JVM's
 * process id (or OPEN_FAILED with
 * the stack trace).  Every later frame is a batch of calls — TUPLE for a
 * bolt; NEXT, SPOUT_ACK, SPOUT_FAIL, ACTIVATE, DEACTIVATE for a spout;
 * CLOSE — made in order; the answer is one frame with what the calls
 * emitted, acked, failed and reported (emits on a stream nobody
 * subscribes to only as a count per stream).  Emits from other threads of the
 * task wait in the same buffer for the next answer.  An exception from
 * user code is reported (component, task, stack trace) as an ERROR record;
 * a bolt's input is then failed unless it was acked or failed already.
 * Registered metrics whose time bucket ended are read after a batch's
 * calls and travel in its answer as METRIC records (name, value: a number
 * or a map of numbers; anything else is left out).
 *
 * What an emit returns: a TaskIdList naming the emit (the call gust made
 * that its record travels in, and its place among the call's EMIT
 * records), resolved on its first read.  Read while gust waits for a
 * call's answer (the task's thread is in execute, nextTuple, ack, cleanup,
 * ...), on whichever thread, it asks at once: holding the answer's buffer,
 * the reader sends the records so far as a frame ending with
 * TASK_IDS_QUERY, gust applies them (routing the emits) and answers
 * TASK_IDS, and the calls go on; the rest of the answer follows as usual.
 * Read on another thread between calls, it waits for gust's next call
 * (a bolt's next input or tick).  An emit made on another thread is
 * resolved before the answer that carries it ends (one more exchange
 * then), so that thread may read its list whenever it likes.  A list of
 * the task's thread first read after the call that emitted it was
 * answered (kept for a later call), or read in open/prepare, cannot be
 * resolved any more: it throws IllegalStateException saying so.
 *
 * Local routes (LocalOut): emits on a stream gust marked local go straight
 * to the consumer task in this JVM, executed on the emitting thread under
 * the consumer's execLock (which its own thread takes too for every bolt
 * call); the answers then carry counts (LOCAL_EMITS, LOCAL_COUNTS) instead
 * of the emits, and an input's ack waits for its local tree (LocalOrigin).
 * Such an emit returns its receivers at once. */
package gust.jvm;

import gust.api.SingleAnchorEmitter;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.storm.hooks.ITaskHook;
import org.apache.storm.hooks.info.BoltAckInfo;
import org.apache.storm.hooks.info.BoltExecuteInfo;
import org.apache.storm.hooks.info.BoltFailInfo;
import org.apache.storm.hooks.info.EmitInfo;
import org.apache.storm.hooks.info.SpoutAckInfo;
import org.apache.storm.hooks.info.SpoutFailInfo;
import org.apache.storm.spout.ISpout;
import org.apache.storm.spout.ISpoutOutputCollector;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.IBolt;
import org.apache.storm.task.IOutputCollector;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.GeneralTopologyContext;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.task.WorkerTopologyContext;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.utils.Utils;

final class TaskHost implements Runnable {
    private static final long NEXT_BUDGET_NS = 1_000_000;
    private static final int RUN_MOST = 512; /* tuples decoded before they are executed */
    private final FrameChannel channel;
    private final Wire.Out out = new Wire.Out();
    private final StreamTable streams = new StreamTable();
    private String component = "?";
    private int taskId;
    private TopologyContext context;
    private final TaskMetrics metrics = new TaskMetrics();
    private ISpout spout;
    private IBolt bolt;
    /* spouts: message ids by the key gust carries for them */
    private final PendingMessages pending = new PendingMessages();
    private long nextKey;
    private long emits;
    /* boundary counters (Boundary.ON only; encoding is timed in sampled emits: see Boundary) */
    private long encodeNs, transferNs, decodeNs, frames;
    private long encodeSamples, encodeKept; /* sampled emits; those timed (sampleEncoding) */
    private boolean addedToBoundary;
    private final Wire.Out scratch = Boundary.ON ? new Wire.Out(256) : null; /* sampleEncoding's writes */
    private final List<HostTuple> run = new ArrayList<>();
    /* acks held back (under out's lock): ids ackFirst .. ackFirst + ackRun - 1 */
    private long ackFirst;
    private int ackRun;
    private ByteBuffer reply = ByteBuffer.allocate(1 << 12);
    /* the buffer the next answer is written into while one is sent (the task's thread only) */
    private ByteBuffer spare = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    /* ERROR records in the answer being written, and those left out past ERRORS_PER_ANSWER (guarded by out) */
    private static final int ERRORS_PER_ANSWER = 1000;
    private int errorsWritten, errorsLeftOut;
    private Thread taskThread;
    private boolean serving; /* gust waits for this call's answer (guarded by out) */
    /* the task ids of emits; all guarded by out */
    private long batch; /* the answers sent so far: the call the next EMIT travels in */
    private int emitIndex; /* EMIT records of this call so far */
    private int recordStart = -1; /* where the EMIT being written begins (-1: none) */
    private final List<TaskIdList> foreign = new ArrayList<>(); /* emitted on other threads */
    private final List<TaskIdList> waiting = new ArrayList<>(); /* read on other threads */
    private IOException broken; /* an exchange failed: the connection is gone */
    private final TaskIdList noReceivers = TaskIdList.empty(this); /* emits to nobody */
    /* the answer's last EMIT record, guarded by out (lastEmitStream -1: none
     * in this frame, or one with several anchors): an emit like it is
     * written as EMIT_AGAIN */
    private int lastEmitStream = -1, lastEmitDirect;
    private long lastEmitKey;
    private Tuple lastEmitAnchor; /* its one anchor; null: none */
    /* the bolt's calls: on the task's thread, and on the threads of the
     * tasks that deliver it local tuples (LocalOut) */
    private final Object execLock = new Object();
    private LocalOut local; /* this task's emits over local routes (null: it has none) */
    /* streams this task received local tuples on, whose counts the next answer carries (guarded by out) */
    private final List<StreamTable.Stream> localInputs = new ArrayList<>();

    TaskHost(SocketChannel channel) {
        this.channel = new FrameChannel(channel, new Wire.Strings());
    }

    @Override
    public void run() {
        taskThread = Thread.currentThread();
        try {
            if (open()) {
                while (serve()) {
                    continue;
                }
            }
        } catch (EOFException e) {
            closeQuietly(); /* gust closed the connection */
        } catch (IOException | RuntimeException e) {
            System.err.println("gust JVM host: task " + component + ":" + taskId + ": " + StackTraces.of(e));
            closeQuietly();
        } finally {
            addToBoundary();
            synchronized (out) {
                unresolvable("the task " + component + ":" + taskId + " closed");
            }
            channel.close();
        }
    }

    /* Adds this task's boundary counters to the JVM's, once. */
    private void addToBoundary() {
        if (Boundary.ON && !addedToBoundary) {
            addedToBoundary = true;
            Boundary.add(Boundary.scaleSamples(encodeNs, encodeSamples, encodeKept), transferNs, decodeNs, frames);
        }
    }

    /* Sends what the calls produced as the call's answer; the emits of the
     * call that nobody asked about cannot be resolved any more.  The frame
     * is taken out of out (a spare buffer takes its place) and written
     * after out's lock is let go: the write may wait for gust to read, and
     * other tasks' threads take this out meanwhile (local routes), which
     * must not wait for gust in turn.  Nothing else writes to the socket
     * between calls (an exchange needs serving). */
    private void answer() throws IOException {
        ByteBuffer frame;
        synchronized (out) {
            writeAcks();
            writeUnrouted();
            writeLocalCounts();
            if (errorsLeftOut > 0) {
                writeError(errorsLeftOut + " more error(s) of this task since the last answer were left out (at most "
                    + ERRORS_PER_ANSWER + " are written an answer)");
                errorsLeftOut = 0;
            }
            errorsWritten = 0;
            if (broken != null) {
                throw broken;
            }
            unresolvable("its call was answered before it was read");
            frame = out.buf;
            spare.clear();
            spare.putInt(0); /* the next frame's length */
            out.buf = spare;
            lastEmitStream = -1; /* a new frame: its first emit is written whole */
            serving = false;
            batch++;
            emitIndex = 0;
        }
        channel.send(frame);
        frame.clear();
        spare = frame;
    }

    /* Ends a call: resolves what other threads emitted or wait for, then
     * answers. */
    private void finish() throws IOException {
        synchronized (out) {
            while (broken == null && (!foreign.isEmpty() || !waiting.isEmpty())) {
                exchange(null);
            }
            answer();
        }
    }

    private void send() throws IOException {
        synchronized (out) {
            channel.send(out);
            lastEmitStream = -1; /* a new frame: its first emit is written whole */
        }
    }

    @SuppressWarnings("unchecked")
    private boolean open() throws IOException {
        out.i32(0); /* the frame's length, set by answer() */
        Wire.In in = channel.next();
        int kind = in.u8();
        if (kind == GroupingHost.OPEN) { /* a custom grouping's connection, not a task's */
            new GroupingHost(channel).serve(in);
            return false;
        }
        if (kind != Wire.OPEN) {
            throw new IOException("the first record is not OPEN");
        }
        String topology = in.str();
        component = in.str();
        taskId = in.i32();
        Map<Object, Object> tasks = (Map<Object, Object>) in.value();
        List<Object> streamList = (List<Object>) in.value();
        Map<String, Object> conf = (Map<String, Object>) (Map<?, ?>) in.value();
        List<UserGrouping.Spec> groupingSpecs = new ArrayList<>();
        for (int i = in.count(); i > 0; i--) {
            groupingSpecs.add(new UserGrouping.Spec(in));
        }
        TaskTable table = new TaskTable(topology, conf);
        for (Map.Entry<Object, Object> e : tasks.entrySet()) {
            for (Object t : (List<Object>) e.getValue()) {
                table.addTask((String) e.getKey(), ((Long) t).intValue());
            }
        }
        List<LocalRoute> localRoutes = new ArrayList<>();
        for (Object o : streamList) {
            List<Object> s = (List<Object>) o;
            List<String> names = new ArrayList<>();
            for (Object f : (List<Object>) s.get(3)) {
                names.add((String) f);
            }
            String comp = (String) s.get(1);
            StreamTable.Stream stream = new StreamTable.Stream(((Long) s.get(0)).intValue(), comp,
                (String) s.get(2), new Fields(names), !Boolean.FALSE.equals(s.get(4)));
            streams.add(stream, component.equals(comp));
            if (!comp.startsWith("__")) {
                table.addStream(comp, stream.name, stream.fields);
                table.addSubscriptions(comp, stream.name, (List<Object>) s.get(6));
            }
            if (component.equals(comp) && Boolean.TRUE.equals(s.get(5))) {
                stream.local = localRoutes((List<Object>) s.get(6), stream.fields, table);
                localRoutes.addAll(Arrays.asList(stream.local));
            }
        }
        context = new TopologyContext(table, taskId, metrics);
        if (!localRoutes.isEmpty()) {
            local = new LocalOut(this, out, context, localRoutes, callTimeoutMs(conf));
        }
        String[] groupingFailures = buildGroupings(table, groupingSpecs);
        try {
            ComponentSpec spec = Submission.component(component);
            if (spec == null || spec.serialized == null) {
                throw new IllegalStateException("no Java component '" + component + "' was submitted to this JVM");
            }
            Object instance = ComponentInputStream.readComponent(spec.serialized);
            addAutoHooks(conf);
            if (instance instanceof ISpout) {
                spout = (ISpout) instance;
                spout.open(conf, context, new SpoutOutputCollector(new SpoutCollector()));
            } else {
                bolt = (IBolt) instance;
                bolt.prepare(conf, context, new OutputCollector(new BoltCollector()));
            }
        } catch (Throwable t) {
            metrics.seal();
            synchronized (out) {
                out.u8(Wire.OPEN_FAILED);
                out.str(StackTraces.of(t));
            }
            answer();
            return false;
        }
        metrics.seal();
        if (bolt != null) {
            LocalTasks.register(taskId, this);
        }
        synchronized (out) {
            out.u8(Wire.READY);
            out.i64(ProcessHandle.current().pid()); /* killed by gust when a call hangs */
            for (String failure : groupingFailures) {
                if (failure == null) {
                    out.u8(0);
                } else {
                    out.u8(1);
                    out.str(failure);
                }
            }
        }
        answer();
        return true;
    }

    /* The hooks topology.auto.task.hooks names, one instance each for this
     * task, added (prepared) before the component opens, as Storm's tasks
     * do.  Throws when one cannot be made: the task does not open. */
    private void addAutoHooks(Map<String, Object> conf) throws ReflectiveOperationException {
        Object names = conf.get("topology.auto.task.hooks");
        if (!(names instanceof List)) {
            return;
        }
        for (Object name : (List<?>) names) {
            Class<?> c = Class.forName(String.valueOf(name), true, Thread.currentThread().getContextClassLoader());
            context.addTaskHook((ITaskHook) c.getDeclaredConstructor().newInstance());
        }
    }

    /* Builds and prepares the custom groupings of this task's streams, in
     * the order OPEN listed them, each kept with its stream; returns, in
     * that order, why each could not be built (null: it was). */
    private String[] buildGroupings(TaskTable table, List<UserGrouping.Spec> specs) {
        String[] failures = new String[specs.size()];
        for (int i = 0; i < specs.size(); i++) {
            UserGrouping.Spec spec = specs.get(i);
            StreamTable.Stream stream = streams.get(spec.stream);
            UserGrouping built = null;
            try {
                built = UserGrouping.build(new WorkerTopologyContext(table), component, stream.name, spec);
            } catch (Throwable t) {
                failures[i] = "it could not be built or prepared: " + StackTraces.of(t);
            }
            stream.addGrouping(built);
        }
        return failures;
    }

    /* One batch of calls; false after CLOSE. */
    private boolean serve() throws IOException {
        long cpu = Boundary.ON ? Boundary.threadCpu() : 0;
        Wire.In in = channel.next();
        if (Boundary.ON) {
            transferNs += Boundary.threadCpu() - cpu;
            frames++;
        }
        synchronized (out) {
            serving = true;
            out.notifyAll(); /* lists read on other threads in between ask now */
        }
        boolean open = true;
        while (in.more()) {
            int kind = in.u8();
            switch (kind) {
                case Wire.TUPLE:
                    executeRun(in);
                    break;
                case Wire.TUPLE_NEXT:
                    throw new IOException("a TUPLE_NEXT record with no tuple before it");
                case Wire.NEXT:
                    next(in.i32());
                    break;
                case Wire.SPOUT_ACK:
                case Wire.SPOUT_FAIL:
                    settle(in.i64(), kind == Wire.SPOUT_ACK);
                    break;
                case Wire.ACTIVATE:
                    call(spout::activate, "activate");
                    break;
                case Wire.DEACTIVATE:
                    call(spout::deactivate, "deactivate");
                    break;
                case Wire.FLUSH:
                    break; /* the answer carries what waits */
                case Wire.CLOSE:
                    closeQuietly();
                    open = false;
                    addToBoundary(); /* before the answer: gust may end the JVM once it has it */
                    break;
                default:
                    throw new IOException("unknown record kind " + kind);
            }
        }
        if (local != null) {
            local.flush();
        }
        if (open && !metrics.isEmpty()) {
            metrics.due(System.nanoTime(), metricSink);
        }
        cpu = Boundary.ON ? Boundary.threadCpu() : 0;
        finish();
        if (Boundary.ON) {
            transferNs += Boundary.threadCpu() - cpu;
        }
        return open;
    }

    private final TaskMetrics.Sink metricSink = new TaskMetrics.Sink() {
        @Override
        public void metric(String name, Object value) {
            Object numbers = numbersOnly(value);
            if (numbers == null) {
                return;
            }
            synchronized (out) {
                out.u8(Wire.METRIC);
                out.str(name);
                out.value(numbers);
            }
        }

        @Override
        public void failed(String name, Throwable t) {
            report("getValueAndReset of metric " + name, t);
        }
    };

    /* A metric's value as gust keeps it: integers as Long, other numbers as
     * Double, maps (string keys) of those; null when nothing is a number. */
    private static Object numbersOnly(Object v) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof Map) {
            Map<String, Object> kept = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                Object n = numbersOnly(e.getValue());
                if (n != null && e.getKey() != null) {
                    kept.put(String.valueOf(e.getKey()), n);
                }
            }
            return kept.isEmpty() ? null : kept;
        }
        return null;
    }

    /* Decodes this TUPLE record and the tuple records right after it, then
     * executes them in order, RUN_MOST at a time (decoding apart from
     * execute is what Boundary times; a bounded run keeps what a
     * collection in the middle of a large frame finds alive small). */
    private void executeRun(Wire.In in) {
        int kind = Wire.TUPLE; /* of the record begun (its kind byte read) */
        HostTuple last = null;
        while (kind != 0) {
            long start = Boundary.ON ? Boundary.threadCpu() : 0;
            do {
                last = kind == Wire.TUPLE ? decode(in) : decodeNext(in, last);
                run.add(last);
                kind = nextTupleKind(in);
            } while (kind != 0 && run.size() < RUN_MOST);
            if (Boundary.ON) {
                decodeNs += Boundary.threadCpu() - start;
            }
            synchronized (execLock) {
                for (int i = 0; i < run.size(); i++) {
                    execute(run.get(i));
                }
            }
            run.clear();
        }
    }

    /* The kind of the next record, read, when it is a tuple; else 0 (unread). */
    private static int nextTupleKind(Wire.In in) {
        if (!in.more() || (in.peek() != Wire.TUPLE && in.peek() != Wire.TUPLE_NEXT)) {
            return 0;
        }
        return in.u8();
    }

    private HostTuple decode(Wire.In in) {
        long id = in.i64();
        int source = in.i32();
        return new HostTuple(id, source, streams.get(in.i32()), values(in), context);
    }

    /* A TUPLE_NEXT: the tuple after last, from the same task on the same stream. */
    private HostTuple decodeNext(Wire.In in, HostTuple last) {
        return new HostTuple(last.id + 1, last.getSourceTask(), last.stream, values(in), context);
    }

    private static Object[] values(Wire.In in) {
        int n = in.count();
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.value();
        }
        return values;
    }

    private void execute(HostTuple tuple) {
        try {
            if (context.getHooks().isEmpty()) {
                bolt.execute(tuple);
            } else {
                long start = System.nanoTime();
                bolt.execute(tuple);
                new BoltExecuteInfo(tuple, taskId, (System.nanoTime() - start) / 1_000_000).applyOn(context);
            }
        } catch (Throwable t) {
            report("execute", t);
            if (!tuple.settled) {
                record(Wire.FAIL, tuple);
            }
        }
    }

    /* Calls nextTuple up to `times` times while each call emits, for at
     * most NEXT_BUDGET_NS (a spout that sleeps in nextTuple is called once). */
    private void next(int times) {
        long start = System.nanoTime();
        for (int i = 0; i < times; i++) {
            long before = emits;
            if (!call(spout::nextTuple, "nextTuple") || emits == before
                || System.nanoTime() - start > NEXT_BUDGET_NS) {
                break;
            }
        }
    }

    private void settle(long key, boolean acked) {
        Object msgId;
        synchronized (out) {
            msgId = pending.remove(key);
        }
        if (msgId == null) {
            return;
        }
        call(() -> {
            if (acked) {
                spout.ack(msgId);
                if (!context.getHooks().isEmpty()) {
                    new SpoutAckInfo(msgId, taskId, null).applyOn(context);
                }
            } else {
                spout.fail(msgId);
                if (!context.getHooks().isEmpty()) {
                    new SpoutFailInfo(msgId, taskId, null).applyOn(context);
                }
            }
        }, acked ? "ack" : "fail");
    }

    private boolean call(Runnable r, String what) {
        try {
            r.run();
            return true;
        } catch (Throwable t) {
            report(what, t);
            return false;
        }
    }

    private void closeQuietly() {
        LocalTasks.unregister(taskId, this);
        synchronized (execLock) {
            boolean wasOpen = spout != null || bolt != null;
            if (spout != null) {
                call(spout::close, "close");
                spout = null;
            }
            if (bolt != null) {
                call(bolt::cleanup, "cleanup");
                bolt = null;
            }
            if (wasOpen) {
                for (ITaskHook hook : context.getHooks()) {
                    call(hook::cleanup, "a task hook's cleanup");
                }
            }
        }
    }

    private void report(String call, Throwable t) {
        reportText(call + " threw " + StackTraces.of(t));
    }

    /* An ERROR record in the next answer: at most ERRORS_PER_ANSWER, the
     * rest counted (a bolt fed over local routes may throw for every tuple
     * between two calls of gust). */
    void reportText(String text) {
        synchronized (out) {
            if (errorsWritten >= ERRORS_PER_ANSWER) {
                errorsLeftOut++;
                return;
            }
            errorsWritten++;
            writeError(text);
        }
    }

    private void writeError(String text) {
        out.u8(Wire.ERROR);
        out.str(text);
    }

    private void record(int kind, HostTuple tuple) {
        if (tuple instanceof LocalTuple) {
            settleLocal((LocalTuple) tuple, kind == Wire.FAIL);
            return;
        }
        tuple.settled = true;
        if (tuple.id == 0) {
            return; /* a tick */
        }
        synchronized (out) {
            LocalOrigin o = tuple.origin;
            if (o != null && !o.reported) {
                if (kind == Wire.ACK && !o.failed && o.pending > 0) {
                    o.deferred = kind; /* acked towards gust once its local tree is */
                    return;
                }
                o.reported = true;
                if (o.failed && kind == Wire.ACK) {
                    kind = Wire.ACK_FAILED_TREE;
                }
            }
            writeSettle(kind, tuple.id);
        }
    }

    /* An ack or fail (or ACK_FAILED_TREE) of a tuple from gust, in the
     * answer (holds out). */
    private void writeSettle(int kind, long id) {
        if (kind == Wire.ACK && ackRun > 0 && id == ackFirst + ackRun) {
            ackRun++;
            return;
        }
        writeAcks();
        if (kind == Wire.ACK) {
            ackFirst = id;
            ackRun = 1;
            return;
        }
        out.u8(kind);
        out.i64(id);
    }

    /* A local tuple this task received was acked or failed: counted, and
     * its origins learn it (once). */
    private void settleLocal(LocalTuple t, boolean failed) {
        synchronized (out) {
            if (t.settled) {
                return;
            }
            t.settled = true;
            StreamTable.Stream s = localInput(t);
            if (failed) {
                s.localFailed++;
            } else {
                s.localAcked++;
            }
        }
        settleOrigins(t, failed);
    }

    /* One descendant less for each of t's origins, at their owners. */
    static void settleOrigins(LocalTuple t, boolean failed) {
        for (HostTuple o : t.origins) {
            o.origin.owner.originSettled(o, failed);
        }
    }

    /* One more local descendant of origin o (a tuple this task received). */
    void addPending(HostTuple o) {
        synchronized (out) {
            o.origin.pending++;
        }
    }

    /* One local descendant of origin o (a tuple this task received) was
     * settled (see LocalOrigin): once the bolt acked o, o goes to gust as
     * soon as its tree is decided: when a descendant fails, or when none is
     * pending any more. */
    private void originSettled(HostTuple o, boolean failed) {
        synchronized (out) {
            LocalOrigin s = o.origin;
            s.pending--;
            s.failed |= failed;
            if (!s.reported && s.deferred == Wire.ACK && (s.failed || s.pending == 0)) {
                s.reported = true;
                writeSettle(s.failed ? Wire.ACK_FAILED_TREE : Wire.ACK, o.id);
            }
        }
    }

    /* This task's own copy of the stream a local tuple came on, noted for
     * the next answer's counts (holds out). */
    private StreamTable.Stream localInput(LocalTuple t) {
        StreamTable.Stream s = streams.get(t.stream.number);
        if (!localInputs.contains(s)) {
            localInputs.add(s);
        }
        return s;
    }

    /* Executes local tuples from another task's emits (one batch, all of
     * one stream), on the calling thread; false if this task is closed
     * (the caller fails them). */
    boolean executeLocal(List<LocalTuple> batch) {
        synchronized (execLock) {
            if (bolt == null) {
                return false;
            }
            for (int i = 0; i < batch.size(); i++) {
                execute(batch.get(i));
            }
        }
        synchronized (out) {
            localInput(batch.get(0)).localExecuted += batch.size();
        }
        if (local != null) {
            local.flush(); /* a chain: what the batch emitted over this task's own local routes */
        }
        return true;
    }

    GeneralTopologyContext context() {
        return context;
    }

    /* The counts of local inputs since the last answer (holds out). */
    private void writeLocalCounts() {
        for (StreamTable.Stream s : localInputs) {
            out.u8(Wire.LOCAL_COUNTS);
            out.i32(s.number);
            out.i32(s.localExecuted);
            out.i32(s.localAcked);
            out.i32(s.localFailed);
            s.localExecuted = s.localAcked = s.localFailed = 0;
        }
        localInputs.clear();
    }

    /* The local routes of one of this task's streams, gust marked local:
     * one per subscription OPEN lists, [consumer component, grouping kind,
     * grouping fields]. */
    @SuppressWarnings("unchecked")
    private LocalRoute[] localRoutes(List<Object> subscriptions, Fields streamFields, TaskTable table) {
        LocalRoute[] routes = new LocalRoute[subscriptions.size()];
        for (int i = 0; i < routes.length; i++) {
            List<Object> sub = (List<Object>) subscriptions.get(i);
            String consumer = (String) sub.get(0);
            List<Object> names = (List<Object>) sub.get(2);
            int[] fields = new int[names.size()];
            for (int f = 0; f < fields.length; f++) {
                fields[f] = streamFields.fieldIndex((String) names.get(f));
            }
            routes[i] = new LocalRoute(consumer, (String) sub.get(1), fields, table.componentTasks.get(consumer),
                taskId);
        }
        return routes;
    }

    /* How long a delivery waits for a consumer task still opening: gust's
     * answer timeout for the task (topology.subprocess.timeout.secs, else
     * supervisor.worker.timeout.secs), a fifth of it. */
    private static long callTimeoutMs(Map<String, Object> conf) {
        Object secs = conf.get("topology.subprocess.timeout.secs");
        if (!(secs instanceof Number)) {
            secs = conf.get("supervisor.worker.timeout.secs");
        }
        return secs instanceof Number ? ((Number) secs).longValue() * 1000 / 5 : 6000;
    }

    /* Writes the acks held back as one record (caller holds out's lock).
     * Acks of consecutive ids (a BasicBolt acks each input in turn) wait
     * and travel as one ACK_RUN; they are written before any other settle
     * record and at the end of the answer, after the emits anchored to them. */
    private void writeAcks() {
        if (ackRun == 1) {
            out.u8(Wire.ACK);
            out.i64(ackFirst);
        } else if (ackRun > 1) {
            out.u8(Wire.ACK_RUN);
            out.i64(ackFirst);
            out.i32(ackRun);
        }
        ackRun = 0;
    }

    /* Writes the counts of the emits dropped for want of subscribers and
     * of those that went over local routes (caller holds out's lock). */
    private void writeUnrouted() {
        for (StreamTable.Stream s : streams.own()) {
            writeCount(Wire.UNROUTED, s.number, s.unrouted);
            writeCount(Wire.LOCAL_EMITS, s.number, s.localEmitted);
            s.unrouted = s.localEmitted = 0;
        }
    }

    private void writeCount(int kind, int stream, int n) {
        if (n > 0) {
            out.u8(kind);
            out.i32(stream);
            out.i32(n);
        }
    }

    /* Writes an EMIT record; returns the list of its receivers (null for a
     * direct emit).  A non-direct emit without a message id on a stream
     * nobody subscribes to reaches no task: it is only counted (see
     * writeUnrouted), and its list is empty. */
    private List<Integer> emit(String streamId, int directTask, long key, Tuple anchor, Collection<Tuple> anchors,
        List<Object> values) {
        List<Integer> receivers = route(streamId, directTask, key, anchor, anchors, values);
        if (!context.getHooks().isEmpty()) {
            new EmitInfo(values, streamId == null ? Utils.DEFAULT_STREAM_ID : streamId, taskId,
                receivers != null ? receivers : List.of(directTask)).applyOn(context);
        }
        return receivers;
    }

    /* The emit itself: see emit. */
    private List<Integer> route(String streamId, int directTask, long key, Tuple anchor, Collection<Tuple> anchors,
        List<Object> values) {
        StreamTable.Stream stream = streams.own(streamId == null ? Utils.DEFAULT_STREAM_ID : streamId, component);
        if (values.size() != stream.fields.size()) {
            throw new IllegalArgumentException("component '" + component + "' emits " + values.size()
                + " values on stream '" + stream.name + "', declared with fields " + stream.fields);
        }
        if (stream.local != null && directTask < 0 && key == 0) {
            return local.emit(stream, taskId, anchor, anchors, values);
        }
        if (!stream.subscribed && directTask < 0 && key == 0) {
            synchronized (out) {
                stream.unrouted++;
                emits++;
                return noReceivers;
            }
        }
        int anchorCount = anchor != null ? 1 : anchors == null ? 0 : anchors.size();
        Tuple single = anchor != null ? anchor : anchorCount == 1 ? anchors.iterator().next() : null;
        if (anchorCount == 1 && single == null) {
            throw new NullPointerException("component '" + component + "' emits anchored to a null tuple");
        }
        synchronized (out) {
            recordStart = out.buf.position();
            boolean again = anchorCount <= 1 && stream.number == lastEmitStream && directTask == lastEmitDirect
                && key == lastEmitKey && single == lastEmitAnchor;
            try {
                writeEmit(out, again, stream.number, directTask, key, anchorCount, single, anchors, values);
                if (stream.groupings != null) {
                    writeChoices(stream.groupings, values);
                }
            } catch (RuntimeException | Error e) {
                out.buf.position(recordStart); /* no half record in the answer */
                throw e;
            } finally {
                recordStart = -1;
            }
            lastEmitStream = anchorCount <= 1 ? stream.number : -1;
            lastEmitDirect = directTask;
            lastEmitKey = key;
            lastEmitAnchor = single;
            if (Boundary.ON && emits % Boundary.SAMPLE_EVERY == 0) {
                sampleEncoding(again, stream.number, directTask, key, anchorCount, single, anchors, values);
            }
            emits++;
            int index = emitIndex++;
            if (directTask >= 0) {
                return null;
            }
            TaskIdList list = new TaskIdList(this, batch, index);
            if (Thread.currentThread() != taskThread) {
                foreign.add(list);
            }
            return list;
        }
    }

    /* After an emit's values, on a stream with custom groupings: where
     * each grouping sends the tuple, asked here rather than by gust (see
     * UserGrouping): a count of tasks and their ids; -1 and why when the
     * choice failed; -2 for a grouping that could not be built (gust
     * reported that when the task opened).  Holds out. */
    private void writeChoices(UserGrouping[] groupings, List<Object> values) {
        for (UserGrouping g : groupings) {
            if (g == null) {
                out.i32(-2);
                continue;
            }
            UserGrouping.Choice choice = g.choose(taskId, values);
            if (choice.tasks == null) {
                out.i32(-1);
                out.str(choice.failure);
                continue;
            }
            out.i32(choice.tasks.size());
            for (Integer task : choice.tasks) {
                out.i32(task);
            }
        }
    }

    /* Writes an emit's record into o: EMIT_AGAIN (again) or EMIT. */
    private static void writeEmit(Wire.Out o, boolean again, int stream, int directTask, long key, int anchorCount,
        Tuple single, Collection<Tuple> anchors, List<Object> values) {
        if (again) {
            o.kindAndCount(Wire.EMIT_AGAIN, values.size());
        } else {
            writeEmitHead(o, stream, directTask, key, anchorCount, single, anchors);
            o.i32(values.size());
        }
        for (Object v : values) {
            o.value(v); /* a value that is an emit's list may ask gust here */
        }
    }

    /* An EMIT record up to its count of values: the anchors are single
     * when it is not null, else the anchorCount of anchors. */
    private static void writeEmitHead(Wire.Out o, int stream, int directTask, long key, int anchorCount,
        Tuple single, Collection<Tuple> anchors) {
        o.u8(Wire.EMIT);
        o.i32(stream);
        o.i32(directTask);
        o.i64(key);
        o.i32(anchorCount);
        if (single != null) {
            o.i64(((HostTuple) single).id);
        } else if (anchorCount > 1) {
            for (Tuple a : anchors) {
                o.i64(((HostTuple) a).id);
            }
        }
    }

    /* Boundary: what writing the record of the emit just written costs,
     * timed over Boundary.ENCODE_REPEAT more writes of it into a scratch
     * buffer (a clock read around one write would cost more than the
     * write).  An emit with a value other than a string, number, boolean,
     * null or byte array (writing a list, a map or a Java object again
     * could ask gust for task ids or run a user's writeObject) is left
     * out, as is a sample a collection's pause or a lost core stretched;
     * the samples kept stand for them.  Holds out. */
    private void sampleEncoding(boolean again, int stream, int directTask, long key, int anchorCount, Tuple single,
        Collection<Tuple> anchors, List<Object> values) {
        encodeSamples++;
        for (Object v : values) {
            if (!Wire.Out.isScalar(v)) {
                return;
            }
        }
        long start = System.nanoTime();
        for (int i = 0; i < Boundary.ENCODE_REPEAT; i++) {
            scratch.buf.clear();
            writeEmit(scratch, again, stream, directTask, key, anchorCount, single, anchors, values);
        }
        long ns = System.nanoTime() - start;
        if (ns < Boundary.STRETCHED_NS) {
            encodeNs += ns;
            encodeKept++;
        }
    }

    /* The receivers of the emit l names (see the top of the file for who
     * waits for what). */
    int[] resolve(TaskIdList l) {
        synchronized (out) {
            while (!l.resolved()) {
                if (l.failure != null) {
                    throw new IllegalStateException("the task ids of an emit of " + component + ":" + taskId
                        + " are unknown: " + l.failure);
                }
                if (l.batch != batch) {
                    l.failure = "its call was answered before it was read (read the list of an emit in "
                        + "the call that made it)";
                } else if (serving) {
                    try {
                        exchange(l);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                } else if (Thread.currentThread() == taskThread) {
                    l.failure = "it was read in open or prepare, where gust routes no emit";
                } else {
                    if (!holds(waiting, l)) {
                        waiting.add(l);
                    }
                    byte[] partial = setAside(); /* others write while this waits */
                    try {
                        out.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while waiting for the task ids of an emit", e);
                    } finally {
                        putBack(partial);
                    }
                }
            }
            return l.known();
        }
    }

    private static boolean holds(List<TaskIdList> lists, TaskIdList l) {
        for (TaskIdList x : lists) {
            if (x == l) {
                return true;
            }
        }
        return false;
    }

    /* In the middle of a call: sends the records so far, ending with a
     * TASK_IDS_QUERY for asked (if not null) and the lists other threads
     * emitted or wait for, and resolves them from gust's TASK_IDS answer.
     * An EMIT being written (a value that is a list asked here) is set
     * aside and goes on in the next frame.  Holds out. */
    private void exchange(TaskIdList asked) throws IOException {
        List<TaskIdList> lists = new ArrayList<>(foreign);
        for (TaskIdList w : waiting) {
            if (!holds(lists, w)) {
                lists.add(w);
            }
        }
        if (asked != null && !holds(lists, asked)) {
            lists.add(asked);
        }
        foreign.clear();
        waiting.clear();
        byte[] partial = setAside();
        try {
            out.u8(Wire.TASK_IDS_QUERY);
            out.i32(lists.size());
            for (TaskIdList l : lists) {
                out.i32(l.index);
            }
            send();
            reply = channel.readInto(reply);
            Wire.In in = new Wire.In(reply);
            if (in.u8() != Wire.TASK_IDS || in.count() != lists.size()) {
                throw new IOException("gust answered a task ids query with something else");
            }
            for (TaskIdList l : lists) {
                int[] ids = new int[in.count()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = in.i32();
                }
                l.resolve(ids);
            }
        } catch (IOException | RuntimeException e) {
            broken = e instanceof IOException ? (IOException) e : new IOException(e);
            unresolvable("the connection to gust failed: " + e);
            for (TaskIdList l : lists) {
                if (!l.resolved()) {
                    l.failure = "the connection to gust failed: " + e;
                }
            }
            throw broken;
        } finally {
            putBack(partial);
            out.notifyAll();
        }
    }

    /* The EMIT being written (null: none), taken out of the answer while
     * this thread waits or asks.  Holds out. */
    private byte[] setAside() {
        if (recordStart < 0) {
            return null;
        }
        byte[] partial = Arrays.copyOfRange(out.buf.array(), recordStart, out.buf.position());
        out.buf.position(recordStart);
        recordStart = -1;
        return partial[0] == Wire.EMIT_AGAIN ? whole(partial) : partial;
    }

    /* An EMIT_AGAIN being written, as the whole EMIT it stands for (it goes
     * on in the next frame, where the EMIT it repeats is not).  Holds out. */
    private byte[] whole(byte[] again) {
        Wire.Out o = new Wire.Out(again.length + 32);
        writeEmitHead(o, lastEmitStream, lastEmitDirect, lastEmitKey, lastEmitAnchor == null ? 0 : 1, lastEmitAnchor,
            null);
        o.buf.put(again, 1, again.length - 1); /* its count of values, then the values */
        return Arrays.copyOf(o.buf.array(), o.size());
    }

    /* The EMIT set aside goes on at the end of the answer.  Holds out. */
    private void putBack(byte[] partial) {
        if (partial != null) {
            recordStart = out.buf.position();
            out.room(partial.length);
            out.buf.put(partial);
        }
    }

    /* The lists other threads emitted or wait for fail with why.  Holds out. */
    private void unresolvable(String why) {
        for (List<TaskIdList> lists : List.of(foreign, waiting)) {
            for (TaskIdList l : lists) {
                if (!l.resolved()) {
                    l.failure = why;
                }
            }
            lists.clear();
        }
        out.notifyAll();
    }

    /* A local tuple's origin o (a tuple this task received) is reset. */
    private void resetTimeoutOf(HostTuple o) {
        synchronized (out) {
            if (!o.origin.reported) {
                out.u8(Wire.RESET_TIMEOUT);
                out.i64(o.id);
            }
        }
    }

    private final class BoltCollector implements IOutputCollector, SingleAnchorEmitter {
        @Override
        public List<Integer> emit(String streamId, Collection<Tuple> anchors, List<Object> tuple) {
            return TaskHost.this.emit(streamId, -1, 0, null, anchors, tuple);
        }

        @Override
        public List<Integer> emit(String streamId, Tuple anchor, List<Object> tuple) {
            return TaskHost.this.emit(streamId, -1, 0, anchor, null, tuple);
        }

        @Override
        public void emitDirect(int taskId, String streamId, Tuple anchor, List<Object> tuple) {
            TaskHost.this.emit(streamId, taskId, 0, anchor, null, tuple);
        }

        @Override
        public void emitDirect(int taskId, String streamId, Collection<Tuple> anchors, List<Object> tuple) {
            TaskHost.this.emit(streamId, taskId, 0, null, anchors, tuple);
        }

        @Override
        public void ack(Tuple input) {
            record(Wire.ACK, (HostTuple) input);
            if (!context.getHooks().isEmpty()) {
                new BoltAckInfo(input, taskId, null).applyOn(context);
            }
        }

        @Override
        public void fail(Tuple input) {
            record(Wire.FAIL, (HostTuple) input);
            if (!context.getHooks().isEmpty()) {
                new BoltFailInfo(input, taskId, null).applyOn(context);
            }
        }

        @Override
        public void resetTimeout(Tuple input) {
            HostTuple t = (HostTuple) input;
            if (t instanceof LocalTuple) {
                if (!t.settled) {
                    for (HostTuple o : ((LocalTuple) t).origins) {
                        o.origin.owner.resetTimeoutOf(o);
                    }
                }
                return;
            }
            if (t.id != 0 && !t.settled) {
                synchronized (out) {
                    out.u8(Wire.RESET_TIMEOUT);
                    out.i64(t.id);
                }
            }
        }

        @Override
        public void reportError(Throwable error) {
            report("reportError:", error);
        }

        @Override
        public void flush() {
        }
    }

    private final class SpoutCollector implements ISpoutOutputCollector {
        private long key(Object messageId) {
            if (messageId == null) {
                return 0;
            }
            synchronized (out) { /* a spout may emit from its own threads */
                long key = ++nextKey;
                pending.put(key, messageId);
                return key;
            }
        }

        @Override
        public List<Integer> emit(String streamId, List<Object> tuple, Object messageId) {
            return TaskHost.this.emit(streamId, -1, key(messageId), null, null, tuple);
        }

        @Override
        public void emitDirect(int taskId, String streamId, List<Object> tuple, Object messageId) {
            TaskHost.this.emit(streamId, taskId, key(messageId), null, null, tuple);
        }

        @Override
        public long getPendingCount() {
            synchronized (out) {
                return pending.size();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void reportError(Throwable error) {
            report("reportError:", error);
        }
    }
}
