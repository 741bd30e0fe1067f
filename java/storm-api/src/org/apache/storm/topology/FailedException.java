/* Thrown by a basic bolt's execute to fail its input tuple. */
package org.apache.storm.topology;

public class FailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FailedException() {
    }

    public FailedException(String msg) {
        super(msg);
    }

    public FailedException(String msg, Throwable cause) {
        super(msg, cause);
    }

    public FailedException(Throwable cause) {
        super(cause);
    }
}
