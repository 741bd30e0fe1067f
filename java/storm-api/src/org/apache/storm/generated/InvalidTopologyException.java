/* Thrown by a submission or a topology operation, as Storm's Nimbus answers. */
package org.apache.storm.generated;

import org.apache.thrift.TException;

public class InvalidTopologyException extends TException {
    private static final long serialVersionUID = 1L;

    public InvalidTopologyException() {
    }

    public InvalidTopologyException(String msg) {
        super(msg);
    }

    public String get_msg() {
        return getMessage();
    }
}
