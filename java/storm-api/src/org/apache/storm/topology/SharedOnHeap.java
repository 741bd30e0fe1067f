/* A request for a shared memory region on heap (see SharedMemory). */
package org.apache.storm.topology;

import java.util.UUID;
import org.apache.storm.generated.SharedMemory;

public class SharedOnHeap extends SharedMemory {
    private static final long serialVersionUID = 1L;

    public SharedOnHeap(double amount, String name) {
        super(name == null ? UUID.randomUUID().toString() : name);
        set_on_heap(amount);
    }
}
