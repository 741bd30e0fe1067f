/* A declared stream: its fields and whether it takes only direct emits. */
package org.apache.storm.generated;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

public class StreamInfo implements Serializable {
    private static final long serialVersionUID = 1L;
    private List<String> outputFields;
    private boolean direct;

    public StreamInfo() {
    }

    public StreamInfo(List<String> outputFields, boolean direct) {
        this.outputFields = new ArrayList<>(outputFields);
        this.direct = direct;
    }

    public List<String> get_output_fields() {
        return outputFields;
    }

    public boolean is_direct() {
        return direct;
    }
}
