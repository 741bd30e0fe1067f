/* Thrown by a submission or a topology operation, as Storm's Nimbus answers. */
package org.apache.storm.generated;

import org.apache.thrift.TException;

public class NotAliveException extends TException {
    private static final long serialVersionUID = 1L;

    public NotAliveException() {
    }

    public NotAliveException(String msg) {
        super(msg);
    }

    public String get_msg() {
        return getMessage();
    }
}
