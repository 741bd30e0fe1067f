/* Thrown by a submission or a topology operation, as Storm's Nimbus answers. */
package org.apache.storm.generated;

import org.apache.thrift.TException;

public class AuthorizationException extends TException {
    private static final long serialVersionUID = 1L;

    public AuthorizationException() {
    }

    public AuthorizationException(String msg) {
        super(msg);
    }

    public String get_msg() {
        return getMessage();
    }
}
