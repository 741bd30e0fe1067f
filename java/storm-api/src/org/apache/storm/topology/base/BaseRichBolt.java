/* A bolt with an empty cleanup. */
package org.apache.storm.topology.base;

import org.apache.storm.topology.IRichBolt;

public abstract class BaseRichBolt extends BaseComponent implements IRichBolt {
    @Override
    public void cleanup() {
    }
}
