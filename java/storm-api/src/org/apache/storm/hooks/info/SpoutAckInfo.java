/* A spout message acked: its id, the spout task and the complete latency (null: not measured). */
package org.apache.storm.hooks.info;

import java.util.List;
import org.apache.storm.hooks.ITaskHook;
import org.apache.storm.task.TopologyContext;

public class SpoutAckInfo {
    public Object messageId;
    public int spoutTaskId;
    public Long completeLatencyMs;

    public SpoutAckInfo(Object messageId, int spoutTaskId, Long completeLatencyMs) {
        this.messageId = messageId;
        this.spoutTaskId = spoutTaskId;
        this.completeLatencyMs = completeLatencyMs;
    }

    /* Tells every hook of the context. */
    public void applyOn(TopologyContext topologyContext) {
        List<ITaskHook> hooks = topologyContext.getHooks();
        for (int i = 0; i < hooks.size(); i++) {
            hooks.get(i).spoutAck(this);
        }
    }
}
