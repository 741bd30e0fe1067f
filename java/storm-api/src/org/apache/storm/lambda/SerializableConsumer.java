/* A lambda for a value taken that can travel inside a serialized component (Storm 2's
 * lambda spouts and bolts: TopologyBuilder.setSpout/setBolt with a lambda). */
package org.apache.storm.lambda;

import java.io.Serializable;
import java.util.function.Consumer;

public interface SerializableConsumer<T> extends Consumer<T>, Serializable {
}
