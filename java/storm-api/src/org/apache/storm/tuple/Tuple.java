/* A tuple a bolt receives: its values and where it came from. */
package org.apache.storm.tuple;

import org.apache.storm.generated.GlobalStreamId;
import org.apache.storm.task.GeneralTopologyContext;

public interface Tuple extends ITuple {
    GlobalStreamId getSourceGlobalStreamId();

    String getSourceComponent();

    int getSourceTask();

    String getSourceStreamId();

    MessageId getMessageId();

    GeneralTopologyContext getContext();
}
