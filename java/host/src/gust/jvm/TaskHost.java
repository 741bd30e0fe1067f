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
 * emitted, acked, failed and reported.  Emits from other threads of the
 * task wait in the same buffer for the next answer.  An exception from
 * user code is reported (component, task, stack trace) as an ERROR record;
 * a bolt's input is then failed unless it was acked or failed already.
 * Registered metrics whose time bucket ended are read after a batch's
 * calls and travel in its answer as METRIC records (name, value: a number
 * or a map of numbers; anything else is left out). */
package gust.jvm;

import java.io.EOFException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.storm.spout.ISpout;
import org.apache.storm.spout.ISpoutOutputCollector;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.IBolt;
import org.apache.storm.task.IOutputCollector;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.utils.Utils;

final class TaskHost implements Runnable {
    private static final long NEXT_BUDGET_NS = 1_000_000;
    private final SocketChannel channel;
    private final Wire.Out out = new Wire.Out();
    private final ByteBuffer head = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    private ByteBuffer frame = ByteBuffer.allocate(1 << 16);
    private final StreamTable streams = new StreamTable();
    private String component = "?";
    private int taskId;
    private TopologyContext context;
    private final TaskMetrics metrics = new TaskMetrics();
    private ISpout spout;
    private IBolt bolt;
    /* spouts: message ids by the key gust carries for them */
    private final Map<Long, Object> pending = new HashMap<>();
    private long nextKey;
    private long emits;

    TaskHost(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public void run() {
        try {
            if (open()) {
                while (serve()) {
                    continue;
                }
            }
        } catch (EOFException e) {
            closeQuietly(); /* gust closed the connection */
        } catch (IOException | RuntimeException e) {
            System.err.println("gust JVM host: task " + component + ":" + taskId + ": " + stackTrace(e));
            closeQuietly();
        } finally {
            try {
                channel.close();
            } catch (IOException e) {
                /* nothing left to tell */
            }
        }
    }

    private Wire.In readFrame() throws IOException {
        head.clear();
        readFully(head);
        int n = head.getInt(0);
        if (n < 0 || n > (1 << 30)) {
            throw new IOException("frame of " + n + " bytes");
        }
        if (frame.capacity() < n) {
            frame = ByteBuffer.allocate(Math.max(n, 2 * frame.capacity()));
        }
        frame.clear().limit(n);
        readFully(frame);
        frame.flip();
        return new Wire.In(frame);
    }

    private void readFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new EOFException();
            }
        }
    }

    /* Sends what the calls produced as one frame. */
    private void answer() throws IOException {
        synchronized (out) {
            ByteBuffer b = out.buf;
            int n = b.position() - 4;
            b.putInt(0, n);
            b.flip();
            while (b.hasRemaining()) {
                channel.write(b);
            }
            b.clear();
            b.putInt(0);
        }
    }

    @SuppressWarnings("unchecked")
    private boolean open() throws IOException {
        out.i32(0); /* the frame's length, set by answer() */
        Wire.In in = readFrame();
        int kind = in.u8();
        if (kind == GroupingHost.OPEN) { /* a custom grouping's connection, not a task's */
            new GroupingHost(channel, this::readFrame).serve(in);
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
        TaskTable table = new TaskTable(topology, conf);
        for (Map.Entry<Object, Object> e : tasks.entrySet()) {
            for (Object t : (List<Object>) e.getValue()) {
                table.addTask((String) e.getKey(), ((Long) t).intValue());
            }
        }
        for (Object o : streamList) {
            List<Object> s = (List<Object>) o;
            List<String> names = new ArrayList<>();
            for (Object f : (List<Object>) s.get(3)) {
                names.add((String) f);
            }
            String comp = (String) s.get(1);
            StreamTable.Stream stream = new StreamTable.Stream(((Long) s.get(0)).intValue(), comp,
                (String) s.get(2), new Fields(names));
            streams.add(stream, component.equals(comp));
            if (!comp.startsWith("__")) {
                table.addStream(comp, stream.name, stream.fields);
            }
        }
        context = new TopologyContext(table, taskId, metrics);
        try {
            ComponentSpec spec = Submission.component(component);
            if (spec == null || spec.serialized == null) {
                throw new IllegalStateException("no Java component '" + component + "' was submitted to this JVM");
            }
            Object instance = ComponentInputStream.readComponent(spec.serialized);
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
                out.str(stackTrace(t));
            }
            answer();
            return false;
        }
        metrics.seal();
        synchronized (out) {
            out.u8(Wire.READY);
            out.i64(ProcessHandle.current().pid()); /* killed by gust when a call hangs */
        }
        answer();
        return true;
    }

    /* One batch of calls; false after CLOSE. */
    private boolean serve() throws IOException {
        Wire.In in = readFrame();
        boolean open = true;
        while (in.more()) {
            int kind = in.u8();
            switch (kind) {
                case Wire.TUPLE:
                    execute(in);
                    break;
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
                case Wire.CLOSE:
                    closeQuietly();
                    open = false;
                    break;
                default:
                    throw new IOException("unknown record kind " + kind);
            }
        }
        if (open && !metrics.isEmpty()) {
            metrics.due(System.nanoTime(), metricSink);
        }
        answer();
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

    private void execute(Wire.In in) {
        long id = in.i64();
        int source = in.i32();
        StreamTable.Stream stream = streams.get(in.i32());
        int n = in.count();
        List<Object> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(in.value());
        }
        HostTuple tuple = new HostTuple(id, source, stream, values, context);
        try {
            bolt.execute(tuple);
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
            } else {
                spout.fail(msgId);
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
        if (spout != null) {
            call(spout::close, "close");
            spout = null;
        }
        if (bolt != null) {
            call(bolt::cleanup, "cleanup");
            bolt = null;
        }
    }

    private void report(String call, Throwable t) {
        synchronized (out) {
            out.u8(Wire.ERROR);
            out.str(call + " threw " + stackTrace(t));
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter s = new StringWriter();
        t.printStackTrace(new PrintWriter(s));
        return s.toString().trim();
    }

    private void record(int kind, HostTuple tuple) {
        tuple.settled = true;
        if (tuple.id == 0) {
            return; /* a tick */
        }
        synchronized (out) {
            out.u8(kind);
            out.i64(tuple.id);
        }
    }

    private void emit(String streamId, int directTask, long key, Collection<Tuple> anchors, List<Object> values) {
        StreamTable.Stream stream = streams.own(streamId == null ? Utils.DEFAULT_STREAM_ID : streamId, component);
        if (values.size() != stream.fields.size()) {
            throw new IllegalArgumentException("component '" + component + "' emits " + values.size()
                + " values on stream '" + stream.name + "', declared with fields " + stream.fields);
        }
        synchronized (out) {
            out.u8(Wire.EMIT);
            out.i32(stream.number);
            out.i32(directTask);
            out.i64(key);
            int n = anchors == null ? 0 : anchors.size();
            out.i32(n);
            if (n > 0) {
                for (Tuple a : anchors) {
                    out.i64(((HostTuple) a).id);
                }
            }
            out.i32(values.size());
            for (Object v : values) {
                out.value(v);
            }
            emits++;
        }
    }

    private final class BoltCollector implements IOutputCollector {
        @Override
        public List<Integer> emit(String streamId, Collection<Tuple> anchors, List<Object> tuple) {
            TaskHost.this.emit(streamId, -1, 0, anchors, tuple);
            return Collections.emptyList();
        }

        @Override
        public void emitDirect(int taskId, String streamId, Collection<Tuple> anchors, List<Object> tuple) {
            TaskHost.this.emit(streamId, taskId, 0, anchors, tuple);
        }

        @Override
        public void ack(Tuple input) {
            record(Wire.ACK, (HostTuple) input);
        }

        @Override
        public void fail(Tuple input) {
            record(Wire.FAIL, (HostTuple) input);
        }

        @Override
        public void resetTimeout(Tuple input) {
            HostTuple t = (HostTuple) input;
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
            TaskHost.this.emit(streamId, -1, key(messageId), null, tuple);
            return Collections.emptyList();
        }

        @Override
        public void emitDirect(int taskId, String streamId, List<Object> tuple, Object messageId) {
            TaskHost.this.emit(streamId, taskId, key(messageId), null, tuple);
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
