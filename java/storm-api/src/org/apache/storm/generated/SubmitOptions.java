/* Options of a submission: the topology's initial status.  (Storm's
 * struct also carries credentials, which gust's Nimbus does not take.) */
package org.apache.storm.generated;

import java.io.Serializable;

public class SubmitOptions implements Serializable {
    private static final long serialVersionUID = 1L;
    private TopologyInitialStatus initialStatus;

    public SubmitOptions() {
    }

    public SubmitOptions(TopologyInitialStatus initialStatus) {
        this.initialStatus = initialStatus;
    }

    public TopologyInitialStatus get_initial_status() {
        return initialStatus;
    }

    public void set_initial_status(TopologyInitialStatus initialStatus) {
        this.initialStatus = initialStatus;
    }

    public boolean is_set_initial_status() {
        return initialStatus != null;
    }
}
