/* A lambda for a call that can travel inside a serialized component (Storm 2's
 * lambda spouts and bolts: TopologyBuilder.setSpout/setBolt with a lambda). */
package org.apache.storm.lambda;

import java.io.Serializable;
import java.util.concurrent.Callable;

public interface SerializableCallable<R> extends Callable<R>, Serializable {
}
