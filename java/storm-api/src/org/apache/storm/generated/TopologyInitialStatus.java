/* How a submitted topology starts: its spouts active, or deactivated until
 * `storm activate` (Storm's Thrift enum, with its wire values). */
package org.apache.storm.generated;

public enum TopologyInitialStatus {
    ACTIVE(1),
    INACTIVE(2);

    private final int value;

    TopologyInitialStatus(int value) {
        this.value = value;
    }

    public int getValue() {
        return value;
    }

    public static TopologyInitialStatus findByValue(int value) {
        for (TopologyInitialStatus s : values()) {
            if (s.value == value) {
                return s;
            }
        }
        return null;
    }
}
