/* A request for a shared memory region off heap, within a node (see SharedMemory). */
package org.apache.storm.topology;

import java.util.UUID;
import org.apache.storm.generated.SharedMemory;

public class SharedOffHeapWithinNode extends SharedMemory {
    private static final long serialVersionUID = 1L;

    public SharedOffHeapWithinNode(double amount, String name) {
        super(name == null ? UUID.randomUUID().toString() : name);
        set_off_heap_node(amount);
    }
}
