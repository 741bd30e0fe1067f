/* Reports an error of a component without failing anything. */
package org.apache.storm.task;

public interface IErrorReporter {
    void reportError(Throwable error);
}
