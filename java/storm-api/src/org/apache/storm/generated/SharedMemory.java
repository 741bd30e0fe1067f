/* A component's request for a shared memory region (Storm's resource-aware
 * scheduler): its name and the megabytes on heap, off heap within a worker
 * and off heap within a node.  gust records nothing of it: its scheduler
 * does not place by resources. */
package org.apache.storm.generated;

import java.io.Serializable;

public class SharedMemory implements Serializable {
    private static final long serialVersionUID = 1L;
    private String name;
    private double onHeap, offHeapWorker, offHeapNode;

    public SharedMemory() {
    }

    public SharedMemory(String name) {
        this.name = name;
    }

    public String get_name() {
        return name;
    }

    public void set_name(String name) {
        this.name = name;
    }

    public double get_on_heap() {
        return onHeap;
    }

    public void set_on_heap(double onHeap) {
        this.onHeap = onHeap;
    }

    public double get_off_heap_worker() {
        return offHeapWorker;
    }

    public void set_off_heap_worker(double offHeapWorker) {
        this.offHeapWorker = offHeapWorker;
    }

    public double get_off_heap_node() {
        return offHeapNode;
    }

    public void set_off_heap_node(double offHeapNode) {
        this.offHeapNode = offHeapNode;
    }
}
