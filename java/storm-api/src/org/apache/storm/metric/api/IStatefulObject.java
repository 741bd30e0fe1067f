/* An object that can say its state (Storm's metrics read it). */
package org.apache.storm.metric.api;

public interface IStatefulObject {
    Object getState();
}
