/* A FailedException that is also reported as the component's error. */
package org.apache.storm.topology;

public class ReportedFailedException extends FailedException {
    private static final long serialVersionUID = 1L;

    public ReportedFailedException() {
    }

    public ReportedFailedException(String msg) {
        super(msg);
    }

    public ReportedFailedException(String msg, Throwable cause) {
        super(msg, cause);
    }

    public ReportedFailedException(Throwable cause) {
        super(cause);
    }
}
