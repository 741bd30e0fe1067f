/* A component's resource requests, as Storm's resource-aware scheduler
 * reads them: memory on and off heap, CPU, shared memory.  gust keeps the
 * memory and CPU figures in the component's configuration, as Storm does,
 * and places nothing by them. */
package org.apache.storm.topology;

import org.apache.storm.generated.SharedMemory;

public interface ResourceDeclarer<T extends ResourceDeclarer> {
    T setMemoryLoad(Number onHeap);

    T setMemoryLoad(Number onHeap, Number offHeap);

    T setCPULoad(Number amount);

    T addSharedMemory(SharedMemory request);
}
