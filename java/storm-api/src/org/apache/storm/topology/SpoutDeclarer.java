/* What TopologyBuilder.setSpout returns: settings of the spout. */
package org.apache.storm.topology;

public interface SpoutDeclarer extends ComponentConfigurationDeclarer<SpoutDeclarer> {
}
