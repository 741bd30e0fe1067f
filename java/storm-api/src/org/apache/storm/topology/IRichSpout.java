/* A spout that declares its outputs: what TopologyBuilder.setSpout takes. */
package org.apache.storm.topology;

import org.apache.storm.spout.ISpout;

public interface IRichSpout extends ISpout, IComponent {
}
