/* A bolt that declares its outputs: what TopologyBuilder.setBolt takes. */
package org.apache.storm.topology;

import org.apache.storm.task.IBolt;

public interface IRichBolt extends IBolt, IComponent {
}
