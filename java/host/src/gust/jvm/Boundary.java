/* What crossing the boundary to gust costs this JVM, measured when the
 * environment variable GUST_JVM_BOUNDARY_STATS is set (to anything but
 * "0"; gust's side reads the same one, see compat/jvm/jvm_boundary.c).
 * Off, nothing is timed: ON is a constant the compiler folds.
 *
 * Each task (TaskHost) adds up, on its own thread: decoding the tuples it
 * receives (thread CPU time around decoding each run of TUPLE records,
 * which are executed after: a collection that stops the thread there, or
 * another thread that takes its core, is not decoding), encoding what it
 * emits (one emit in SAMPLE_EVERY is written ENCODE_REPEAT times more
 * into a scratch buffer, the repeats timed together: a clock read around
 * a single write costs more than the write and overlaps it, so neither
 * the read nor its cost taken off measures it; scaled up by SAMPLE_EVERY;
 * a sample longer than ENCODE_REPEAT times STRETCHED_NS, which a
 * collection's pause or the loss of the core stretched, is left out and
 * the samples kept stand for it, as for the emits TaskHost cannot write
 * twice; the one-word ACK records are not timed), and, in thread CPU
 * time, reading and writing every frame on
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
    static final int SAMPLE_EVERY = 128;
    static final int ENCODE_REPEAT = 16;
    /* a sampled emit's repeats taking longer than this were stopped (an
     * emit's encoding takes well under a microsecond; a large byte
     * array's longer) */
    static final long STRETCHED_NS = 200_000 * ENCODE_REPEAT;
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

    /* The calling thread's CPU time in ns. */
    static long threadCpu() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /* The time all emits took, from the kept samples' sum: each sample
     * stands for SAMPLE_EVERY emits, and the kept ones for those left out. */
    static long scaleSamples(long keptNs, long samples, long kept) {
        return kept == 0 ? 0 : (long) ((double) keptNs / ENCODE_REPEAT * SAMPLE_EVERY * samples / kept);
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
            + "; garbage collection %.3f s%n", ENCODE.get() / 1e9, TRANSFER.get() / 1e9, DECODE.get() / 1e9,
            FRAMES.get(), gcMs / 1e3);
        System.err.flush();
    }
}
