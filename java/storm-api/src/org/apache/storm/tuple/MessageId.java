/* A tuple's identity for acking: the roots of its trees and its edge ids.
 * On gust the tracking ids stay in the engine; a Java tuple carries the
 * engine's id for it as its single entry. */
package org.apache.storm.tuple;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

public class MessageId {
    private final Map<Long, Long> anchorsToIds;

    protected MessageId(Map<Long, Long> anchorsToIds) {
        this.anchorsToIds = anchorsToIds;
    }

    public static MessageId makeUnanchored() {
        return new MessageId(new HashMap<>());
    }

    public static MessageId makeRootId(long id, long val) {
        Map<Long, Long> anchors = new HashMap<>();
        anchors.put(id, val);
        return new MessageId(anchors);
    }

    public Map<Long, Long> getAnchorsToIds() {
        return Collections.unmodifiableMap(anchorsToIds);
    }

    public Set<Long> getAnchors() {
        return anchorsToIds.keySet();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MessageId && anchorsToIds.equals(((MessageId) other).anchorsToIds);
    }

    @Override
    public int hashCode() {
        return anchorsToIds.hashCode();
    }

    @Override
    public String toString() {
        return anchorsToIds.toString();
    }
}
