/* A stream named by its component and stream id. */
package org.apache.storm.generated;

import java.io.Serializable;
import java.util.Objects;

public class GlobalStreamId implements Serializable {
    private static final long serialVersionUID = 1L;
    private String componentId;
    private String streamId;

    public GlobalStreamId() {
    }

    public GlobalStreamId(String componentId, String streamId) {
        this.componentId = componentId;
        this.streamId = streamId;
    }

    public String get_componentId() {
        return componentId;
    }

    public void set_componentId(String componentId) {
        this.componentId = componentId;
    }

    public String get_streamId() {
        return streamId;
    }

    public void set_streamId(String streamId) {
        this.streamId = streamId;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof GlobalStreamId)) {
            return false;
        }
        GlobalStreamId that = (GlobalStreamId) other;
        return Objects.equals(componentId, that.componentId) && Objects.equals(streamId, that.streamId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(componentId, streamId);
    }

    @Override
    public String toString() {
        return "GlobalStreamId(componentId:" + componentId + ", streamId:" + streamId + ")";
    }
}
