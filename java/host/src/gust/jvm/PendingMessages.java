/* A spout task's pending message ids by the key gust carries for each
 * (TaskHost): an open-addressing table of primitive keys (keys count up
 * from 1; 0 marks a free slot) with linear probing and backward-shift
 * deletion, so a reliable emit and its ack allocate nothing here and the
 * table holds no boxed keys for the collector to copy while the tuples
 * are in flight.  It grows to twice its size at half full and never
 * shrinks (topology.max.spout.pending bounds it in practice).  Not
 * thread-safe: TaskHost guards it with its answer buffer's lock. */
package gust.jvm;

final class PendingMessages {
    private long[] keys = new long[64];
    private Object[] ids = new Object[64];
    private int size;

    int size() {
        return size;
    }

    /* Keeps id under key (> 0), replacing what key had. */
    void put(long key, Object id) {
        if (key <= 0) {
            throw new IllegalArgumentException("key " + key);
        }
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = home(key, mask);
        while (keys[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (keys[i] == 0) {
            keys[i] = key;
            size++;
        }
        ids[i] = id;
    }

    /* The id kept under key, no longer kept; null when there is none. */
    Object remove(long key) {
        int mask = keys.length - 1;
        for (int i = home(key, mask); keys[i] != 0; i = (i + 1) & mask) {
            if (keys[i] == key) {
                Object id = ids[i];
                close(i, mask);
                size--;
                return id;
            }
        }
        return null;
    }

    private static int home(long key, int mask) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> 32) & mask;
    }

    /* Empties slot hole, moving back the entries after it whose probe
     * passed through it, so every entry stays reachable from its home. */
    private void close(int hole, int mask) {
        for (int i = (hole + 1) & mask; keys[i] != 0; i = (i + 1) & mask) {
            int h = home(keys[i], mask);
            /* entry i may move into hole unless its home lies cyclically in (hole, i] */
            boolean homeBetween = hole < i ? h > hole && h <= i : h > hole || h <= i;
            if (!homeBetween) {
                keys[hole] = keys[i];
                ids[hole] = ids[i];
                hole = i;
            }
        }
        keys[hole] = 0;
        ids[hole] = null;
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldIds = ids;
        keys = new long[2 * oldKeys.length];
        ids = new Object[2 * oldKeys.length];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                put(oldKeys[i], oldIds[i]);
            }
        }
    }
}
