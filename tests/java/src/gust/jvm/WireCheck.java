/* Checks Wire.In against what Wire.Out wrote: every kind of value read
 * back equal, through a task's cache of received strings too, over random
 * strings of every length the cache keeps and past it (few letters, so
 * that many share their first and last bytes; some not ASCII), and
 * strings made to differ only where the cache's slot does not look; and
 * a frame cut short throws instead of reading the bytes after its end.
 * Prints "wire ok" or throws.  In gust.jvm's package to reach the
 * package-private classes. */
package gust.jvm;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

public final class WireCheck {
    private WireCheck() {
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    private static String randomString(Random random, int n) {
        String letters = "ab\u00e9\u4e2d";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(random.nextInt(8) == 0 ? letters.charAt(random.nextInt(4)) : letters.charAt(random.nextInt(2)));
        }
        return b.toString();
    }

    /* Strings of one length sharing all but one byte, the one that differs
     * moving along the whole string. */
    private static List<String> nearTwins(int n) {
        List<String> twins = new ArrayList<>();
        for (int at = 0; at < n; at++) {
            char[] c = new char[n];
            Arrays.fill(c, 'x');
            c[at] = 'y';
            twins.add(new String(c));
        }
        return twins;
    }

    /* Strings of length n that are all 'x' but for random letters in
     * [from, to): many share the cache's slot with a string that has the
     * same length and differs only there. */
    private static List<String> sharing(Random random, int n, int from, int to, int count) {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            char[] c = new char[n];
            Arrays.fill(c, 'x');
            for (int at = Math.max(0, from); at < Math.min(n, to); at++) {
                c[at] = (char) ('a' + random.nextInt(26));
            }
            strings.add(new String(c));
        }
        return strings;
    }

    private static Wire.In in(Wire.Out out, Wire.Strings strings) {
        return new Wire.In(ByteBuffer.wrap(out.buf.array(), 0, out.size()), strings);
    }

    public static void main(String[] args) {
        Random random = new Random(7);
        Wire.Strings strings = new Wire.Strings();
        List<Object> written = new ArrayList<>();
        for (int n = 0; n <= 80; n++) {
            written.addAll(nearTwins(n));
        }
        for (int n = 1; n <= 80; n++) { /* differing only in the first, the middle, the last bytes */
            written.addAll(sharing(random, n, 0, 4, 300));
            written.addAll(sharing(random, n, n / 2 - 2, n / 2 + 2, 300));
            written.addAll(sharing(random, n, n - 4, n, 300));
            written.addAll(sharing(random, n, 8, n - 8, 300));
        }
        for (int i = 0; i < 200_000; i++) {
            written.add(randomString(random, random.nextInt(81)));
        }
        Map<Object, Object> map = new LinkedHashMap<>();
        map.put("k", 3L);
        map.put(2L, List.of("v", 1.5));
        written.addAll(Arrays.asList(null, true, false, -7L, Long.MIN_VALUE, 2.25, map, List.of(), "", "x"));
        for (int round = 0; round < 3; round++) { /* again: the cache now holds many of them */
            Wire.Out out = new Wire.Out();
            for (Object v : written) {
                out.value(v);
            }
            out.value(new byte[] {1, 2, 3});
            Wire.In in = in(out, strings);
            for (Object v : written) {
                Object read = in.value();
                check(v == null ? read == null : v.equals(read), "read " + read + " for " + v);
            }
            check(Arrays.equals((byte[]) in.value(), new byte[] {1, 2, 3}), "bytes");
            check(!in.more(), "bytes left over");
        }
        /* a frame cut short, with a whole frame's bytes after its end */
        Wire.Out out = new Wire.Out();
        List<Integer> ends = new ArrayList<>(List.of(0)); /* a cut there leaves whole values */
        for (Object v : List.of("a string long enough to be cut", 12345L, "and another")) {
            out.value(v);
            ends.add(out.size());
        }
        byte[] twice = new byte[2 * out.size()];
        System.arraycopy(out.buf.array(), 0, twice, 0, out.size());
        System.arraycopy(out.buf.array(), 0, twice, out.size(), out.size());
        for (int cut = 0; cut < out.size(); cut++) {
            Wire.In in = new Wire.In(ByteBuffer.wrap(twice, 0, cut), strings);
            try {
                while (in.more()) {
                    in.value();
                }
                check(ends.contains(cut), "a frame cut at " + cut + " read as whole");
            } catch (BufferUnderflowException | IllegalStateException e) {
                /* as it should */
            }
        }
        System.out.println("wire ok");
    }
}
