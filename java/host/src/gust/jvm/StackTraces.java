/* A Throwable as the text gust reports: its stack trace, causes included,
 * without the trailing newline. */
package gust.jvm;

import java.io.PrintWriter;
import java.io.StringWriter;

final class StackTraces {
    private StackTraces() {
    }

    static String of(Throwable t) {
        StringWriter s = new StringWriter();
        t.printStackTrace(new PrintWriter(s));
        return s.toString().trim();
    }
}
