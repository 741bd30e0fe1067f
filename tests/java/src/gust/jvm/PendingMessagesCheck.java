/* Checks PendingMessages against java.util.HashMap over a long random
 * run of puts and removes shaped like a spout's (keys counting up, acks
 * mostly in order, some late or repeated, some of keys never issued),
 * then in bulk past several doublings.  Prints "pending ok" or throws.
 * In gust.jvm's package to reach the package-private class. */
package gust.jvm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

public final class PendingMessagesCheck {
    private PendingMessagesCheck() {
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    public static void main(String[] args) {
        Random random = new Random(42);
        PendingMessages table = new PendingMessages();
        Map<Long, Object> expected = new HashMap<>();
        List<Long> inFlight = new ArrayList<>();
        long next = 0;
        for (int step = 0; step < 2_000_000; step++) {
            int what = random.nextInt(10);
            if (what < 5 || inFlight.isEmpty()) {
                long key = ++next;
                Object id = "m" + key;
                table.put(key, id);
                expected.put(key, id);
                inFlight.add(key);
            } else if (what < 9) {
                /* an ack: the oldest mostly, sometimes a later one */
                int at = random.nextInt(4) == 0 ? random.nextInt(inFlight.size()) : 0;
                long key = inFlight.remove(at);
                check(table.remove(key) == expected.remove(key), "remove " + key);
            } else {
                /* a key that is not kept: never issued, or settled already */
                long key = random.nextBoolean() ? next + 1 + random.nextInt(1000) : 1 + random.nextInt((int) next);
                check(table.remove(key) == expected.remove(key), "remove of an absent " + key);
            }
            check(table.size() == expected.size(), "size at step " + step);
        }
        for (Map.Entry<Long, Object> e : expected.entrySet()) {
            check(table.remove(e.getKey()) == e.getValue(), "left " + e.getKey());
        }
        check(table.size() == 0, "empty at the end");
        for (long key = 1; key <= 100_000; key++) {
            table.put(key, key);
        }
        table.put(7, "again");
        check(table.size() == 100_000, "bulk size");
        check("again".equals(table.remove(7)) && table.remove(7) == null, "replaced");
        for (long key = 100_000; key >= 1; key--) {
            check(key == 7 || Long.valueOf(key).equals(table.remove(key)), "bulk " + key);
        }
        check(table.size() == 0, "bulk empty");
        System.out.println("pending ok");
    }
}
