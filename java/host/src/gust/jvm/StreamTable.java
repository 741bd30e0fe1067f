/* The engine's stream numbers (as the OPEN record lists them): each
 * number's component, name, fields, whether anybody subscribes to it and
 * which subscriptions are local (LocalRoute), and this task's own streams
 * by name.  Filled while the task opens, read
 * after by the task's threads. */
package gust.jvm;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.storm.tuple.Fields;

final class StreamTable {
    static final class Stream {
        final int number;
        final String component;
        final String name;
        final Fields fields;
        final boolean subscribed; /* some component subscribes to it */
        int unrouted; /* own streams: emits dropped since the last answer (guarded by the task's out) */
        /* own streams: their custom groupings in OPEN's order, null for one
         * that could not be built; null: none (filled while the task opens) */
        UserGrouping[] groupings;
        /* own streams: the subscriptions of Java bolts of this JVM that
         * take its tuples directly (null: none; then gust routes them all) */
        LocalRoute[] local;
        /* guarded by the task's out: own streams, emits that went over
         * local routes since the last answer; input streams, the local
         * tuples this task executed, acked and failed since then */
        int localEmitted, localExecuted, localAcked, localFailed;

        Stream(int number, String component, String name, Fields fields, boolean subscribed) {
            this.number = number;
            this.component = component;
            this.name = name;
            this.fields = fields;
            this.subscribed = subscribed;
        }

        void addGrouping(UserGrouping g) {
            UserGrouping[] more = groupings == null ? new UserGrouping[1] : Arrays.copyOf(groupings, groupings.length + 1);
            more[more.length - 1] = g;
            groupings = more;
        }
    }

    private Stream[] byNumber = new Stream[0];
    private final Map<String, Stream> own = new HashMap<>();

    void add(Stream s, boolean isOwn) {
        if (s.number < 0 || s.number > 1 << 20) {
            throw new IllegalStateException("stream number " + s.number + " out of range");
        }
        if (s.number >= byNumber.length) {
            Stream[] bigger = new Stream[s.number + 1];
            System.arraycopy(byNumber, 0, bigger, 0, byNumber.length);
            byNumber = bigger;
        }
        byNumber[s.number] = s;
        if (isOwn) {
            own.put(s.name, s);
        }
    }

    Stream get(int number) {
        if (number < 0 || number >= byNumber.length || byNumber[number] == null) {
            throw new IllegalStateException("unknown stream number " + number);
        }
        return byNumber[number];
    }

    Iterable<Stream> own() {
        return own.values();
    }

    /* The own stream looked up last, by the very name object asked for (a
     * task emits on one stream again and again, its name a constant).  Any
     * of the task's threads may emit: the pair is one immutable object. */
    private static final class Looked {
        final String name;
        final Stream stream;

        Looked(String name, Stream stream) {
            this.name = name;
            this.stream = stream;
        }
    }

    private Looked last = new Looked(null, null);

    Stream own(String name, String component) {
        Looked l = last;
        if (name == l.name && name != null) {
            return l.stream;
        }
        Stream s = own.get(name);
        if (s == null) {
            throw new IllegalArgumentException("component '" + component + "' emits on stream '" + name
                + "', which it did not declare");
        }
        last = new Looked(name, s);
        return s;
    }
}
