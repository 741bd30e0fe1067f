/* What TopologyBuilder builds and StormSubmitter submits: the components
 * (spouts first, in the order they were set), each with its serialized
 * instance, subscriptions and streams; for the Thrift form sent to
 * Nimbus also which components were given a parallelism and the
 * serialized objects of custom groupings. */
package org.apache.storm.generated;

import gust.jvm.ComponentSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

public class StormTopology implements Serializable {
    private static final long serialVersionUID = 1L;
    private final List<ComponentSpec> components;
    private final Set<String> parallelismGiven = new HashSet<>();
    private final Map<String, byte[]> customGroupings = new HashMap<>();

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

    public void gustSetParallelismGiven(String component) {
        parallelismGiven.add(component);
    }

    /* Whether setSpout/setBolt named a parallelism (Storm then sets
     * parallelism_hint). */
    public boolean gustParallelismGiven(String component) {
        return parallelismGiven.contains(component);
    }

    public void gustSetCustomGrouping(String bolt, String source, String stream, byte[] serialized) {
        customGroupings.put(bolt + '\0' + source + '\0' + stream, serialized);
    }

    /* The serialized object of a custom grouping, or null. */
    public byte[] gustCustomGrouping(String bolt, String source, String stream) {
        return customGroupings.get(bolt + '\0' + source + '\0' + stream);
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
