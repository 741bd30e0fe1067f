/* Which path an OutputCollector's one-anchor emits take: gust's own
 * collector gets them without a collection (SingleAnchorEmitter), while a
 * user's OutputCollector subclass, or an OutputCollector over a collector
 * of the user's, sees them through the Collection overloads, as in Storm.
 * Run as a plain main (no topology); prints "paths ok" or what differed
 * and exits 1. */
package gust.tests;

import gust.api.SingleAnchorEmitter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.storm.task.IOutputCollector;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;

public class CollectorPaths {
    /* Records each call as "path stream anchors values". */
    static final class Recorder implements IOutputCollector, SingleAnchorEmitter {
        final List<String> calls = new ArrayList<>();

        @Override
        public List<Integer> emit(String stream, Collection<Tuple> anchors, List<Object> values) {
            calls.add("collection " + stream + " " + (anchors == null ? 0 : anchors.size()) + " " + values);
            return null;
        }

        @Override
        public void emitDirect(int task, String stream, Collection<Tuple> anchors, List<Object> values) {
            calls.add("collection-direct " + task + " " + stream + " " + anchors.size() + " " + values);
        }

        @Override
        public List<Integer> emit(String stream, Tuple anchor, List<Object> values) {
            calls.add("single " + stream + " 1 " + values);
            return null;
        }

        @Override
        public void emitDirect(int task, String stream, Tuple anchor, List<Object> values) {
            calls.add("single-direct " + task + " " + stream + " 1 " + values);
        }

        @Override
        public void ack(Tuple input) {
        }

        @Override
        public void fail(Tuple input) {
        }

        @Override
        public void resetTimeout(Tuple input) {
        }

        @Override
        public void reportError(Throwable error) {
        }

        @Override
        public void flush() {
        }
    }

    /* A user's subclass that counts what passes its Collection overload. */
    static final class Counting extends OutputCollector {
        int seen;

        Counting(IOutputCollector delegate) {
            super(delegate);
        }

        @Override
        public List<Integer> emit(String stream, Collection<Tuple> anchors, List<Object> values) {
            seen++;
            return super.emit(stream, anchors, values);
        }
    }

    static void emitBoth(OutputCollector c, Tuple anchor) {
        c.emit(anchor, new Values("a"));
        c.emitDirect(7, "s", anchor, new Values("b"));
        c.emit((Tuple) null, new Values("c"));
    }

    public static void main(String[] args) {
        Tuple anchor = (Tuple) java.lang.reflect.Proxy.newProxyInstance(Tuple.class.getClassLoader(),
            new Class<?>[] {Tuple.class}, (proxy, method, a) -> null);
        List<String> wrong = new ArrayList<>();

        Recorder own = new Recorder();
        emitBoth(new OutputCollector(own), anchor);
        expect(wrong, "gust's collector", own.calls,
            List.of("single default 1 [a]", "single-direct 7 s 1 [b]", "collection default 0 [c]"));

        Recorder under = new Recorder();
        Counting counting = new Counting(under);
        emitBoth(counting, anchor);
        expect(wrong, "a subclass", under.calls,
            List.of("collection default 1 [a]", "collection-direct 7 s 1 [b]", "collection default 0 [c]"));
        if (counting.seen != 2) {
            wrong.add("a subclass's Collection overload saw " + counting.seen + " emits, not 2");
        }

        Recorder inner = new Recorder();
        emitBoth(new OutputCollector(new OutputCollector(inner)), anchor);
        expect(wrong, "a wrapped collector", inner.calls,
            List.of("collection default 1 [a]", "collection-direct 7 s 1 [b]", "collection default 0 [c]"));

        if (!wrong.isEmpty()) {
            wrong.forEach(System.out::println);
            System.exit(1);
        }
        System.out.println("paths ok");
    }

    static void expect(List<String> wrong, String what, List<String> got, List<String> want) {
        if (!got.equals(want)) {
            wrong.add(what + ": " + got + ", expected " + want);
        }
    }
}
