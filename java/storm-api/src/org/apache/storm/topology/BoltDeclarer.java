/* What TopologyBuilder.setBolt returns: inputs and settings of the bolt. */
package org.apache.storm.topology;

public interface BoltDeclarer extends InputDeclarer<BoltDeclarer>, ComponentConfigurationDeclarer<BoltDeclarer> {
}
