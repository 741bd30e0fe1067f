/* What crossing the boundary to gust costs this JVM, measured when the
 * environment variable GUST_JVM_BOUNDARY_STATS is set (to anything but
 * "0"; gust's side reads the same one, see compat/jvm/jvm_boundary.c).
 * Off, nothing is timed: ON is a constant the compiler folds.
 *
 * Each task (TaskHost) adds up, on its own thread: decoding the tuples it
 * receives (thread CPU time around decoding each run of TUPLE records,
 * which are executed after: a collection that stops the thread there, or
 * another thread that takes its core, is not decoding), encoding what it
 * emits (around writing an
 * EMIT record, one emit in SAMPLE_EVERY, less the clock's own cost
 * CLOCK_NS measured at start, scaled up by SAMPLE_EVERY: timing every
 * emit would cost as much as the work timed; the one-word ACK records are
 * not timed; this clock runs on while the thread is stopped, so a sample
 * longer than STRETCHED_NS, which a collection's pause or the loss of
 * the core to another thread stretched, is left out and the samples kept
 * stand for it), and, in thread CPU time, reading and writing every frame on
 * the socket (the calls' CPU, not the wait for gust).  A task that ends adds
 * its sums here; the JVM prints them on standard error when it exits,
 * with the time its garbage collections took (apart: collecting is no part
 * of the boundary, though what decoding allocates adds to it). */
package gust.jvm;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicLong;

final class Boundary {
    static final boolean ON = on(System.getenv("GUST_JVM_BOUNDARY_STATS"));
    static final int SAMPLE_EVERY = 8;
    /* a sampled emit taking longer was stopped (an emit's encoding takes
     * well under a microsecond; Java serialization of a large value more) */
    static final long STRETCHED_NS = 200_000;
    /* what one System.nanoTime() costs, measured (0 when off) */
    static final long CLOCK_NS = ON ? clockCost() : 0;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final AtomicLong ENCODE = new AtomicLong(), TRANSFER = new AtomicLong(),
        DECODE = new AtomicLong(), FRAMES = new AtomicLong();

    static {
        if (ON) {
            Runtime.getRuntime().addShutdownHook(new Thread(Boundary::print, "gust-boundary-stats"));
        }
    }

    private Boundary() {
    }

    private static boolean on(String v) {
        return v != null && !v.isEmpty() && !v.equals("0");
    }

    private static long clockCost() {
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long start = System.nanoTime(), sink = 0;
            for (int i = 0; i < 10000; i++) {
                sink += System.nanoTime();
            }
            best = Math.min(best, (System.nanoTime() - start + (sink & 1)) / 10000);
        }
        return best;
    }

    /* The calling thread's CPU time in ns. */
    static long threadCpu() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /* The time all emits took, from the kept samples' sum: each sample
     * stands for SAMPLE_EVERY emits, and the kept ones for those left out. */
    static long scaleSamples(long keptNs, long samples, long kept) {
        return kept == 0 ? 0 : (long) ((double) keptNs * SAMPLE_EVERY * samples / kept);
    }

    static void add(long encodeNs, long transferNs, long decodeNs, long frames) {
        ENCODE.addAndGet(encodeNs);
        TRANSFER.addAndGet(transferNs);
        DECODE.addAndGet(decodeNs);
        FRAMES.addAndGet(frames);
    }

    private static void print() {
        if (FRAMES.get() == 0) {
            return;
        }
        long gcMs = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMs += Math.max(0, gc.getCollectionTime());
        }
        System.err.printf("gust JVM host: JVM boundary: encode %.3f s, transfer %.3f s, decode %.3f s over %d frames"
            + " (System.nanoTime costs %d ns); garbage collection %.3f s%n", ENCODE.get() / 1e9, TRANSFER.get() / 1e9,
            DECODE.get() / 1e9, FRAMES.get(), CLOCK_NS, gcMs / 1e3);
        System.err.flush();
    }
}
