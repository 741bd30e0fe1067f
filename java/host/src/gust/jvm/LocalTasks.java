/* The Java bolt tasks of this JVM that take tuples from local routes (see
 * LocalRoute), by Storm task id: a task registers once it is prepared and
 * leaves when it closes.  Any thread. */
package gust.jvm;

import java.util.concurrent.ConcurrentHashMap;

final class LocalTasks {
    private static final ConcurrentHashMap<Integer, TaskHost> OPEN = new ConcurrentHashMap<>();
    private static final long WAIT_STEP_MS = 5;

    private LocalTasks() {
    }

    static void register(int taskId, TaskHost host) {
        OPEN.put(taskId, host);
    }

    static void unregister(int taskId, TaskHost host) {
        OPEN.remove(taskId, host);
    }

    /* The task, waiting up to waitMs for one that is still opening (gust
     * opens the tasks of a topology side by side); null if it is not open
     * by then. */
    static TaskHost await(int taskId, long waitMs) {
        TaskHost host = OPEN.get(taskId);
        long deadline = System.nanoTime() + waitMs * 1_000_000;
        while (host == null && System.nanoTime() < deadline) {
            try {
                Thread.sleep(WAIT_STEP_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            host = OPEN.get(taskId);
        }
        return host;
    }
}
