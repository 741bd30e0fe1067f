/* A request for a shared memory region off heap, within a worker (see SharedMemory). */
package org.apache.storm.topology;

import java.util.UUID;
import org.apache.storm.generated.SharedMemory;

public class SharedOffHeapWithinWorker extends SharedMemory {
    private static final long serialVersionUID = 1L;

    public SharedOffHeapWithinWorker(double amount, String name) {
        super(name == null ? UUID.randomUUID().toString() : name);
        set_off_heap_worker(amount);
    }
}
