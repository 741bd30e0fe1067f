/* What TopologyBuilder builds and StormSubmitter submits: the components
 * (spouts first, in the order they were set), each with its serialized
 * instance, subscriptions and streams. */
package org.apache.storm.generated;

import gust.jvm.ComponentSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

public class StormTopology implements Serializable {
    private static final long serialVersionUID = 1L;
    private final List<ComponentSpec> components;

    public StormTopology() {
        this(new ArrayList<>());
    }

    public StormTopology(List<ComponentSpec> components) {
        this.components = new ArrayList<>(components);
    }

    /* gust's view of the components. */
    public List<ComponentSpec> gustComponents() {
        return Collections.unmodifiableList(components);
    }

    public int get_spouts_size() {
        int n = 0;
        for (ComponentSpec c : components) {
            n += c.spout ? 1 : 0;
        }
        return n;
    }

    public int get_bolts_size() {
        return components.size() - get_spouts_size();
    }
}
