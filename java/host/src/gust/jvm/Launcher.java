/* The JVM `gust jar` starts: java -cp API-JAR:TOPOLOGY-JAR gust.jvm.Launcher
 * SOCKET MAINCLASS [ARGS...].
 *
 * It listens on the Unix socket SOCKET (one connection per Java task,
 * each served by its own TaskHost thread), runs MAINCLASS.main(ARGS),
 * whose StormSubmitter or LocalCluster hands the topology to gust
 * (Submission), says MAIN_DONE, and then serves the tasks until gust
 * closes this JVM's standard input. */
package gust.jvm;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: gust.jvm.Launcher SOCKET MAINCLASS [ARGS...]");
            System.exit(2);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(args[0]));
        Thread acceptor = new Thread(() -> accept(server), "gust-jvm-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        Thread stdin = new Thread(Launcher::exitAtEndOfInput, "gust-jvm-stdin");
        stdin.setDaemon(true);
        stdin.start();

        int status = 0;
        String error = null;
        try {
            Method main = Class.forName(args[1]).getMethod("main", String[].class);
            main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            status = 1;
            error = "cannot run " + args[1] + ": " + e;
        } catch (InvocationTargetException e) {
            status = 1;
            error = args[1] + ".main threw " + explain(e.getCause());
        }
        Submission.mainDone(status, error);
        if (!Submission.submitted()) {
            System.exit(status);
        }
        new CountDownLatch(1).await(); /* the task threads serve until standard input ends */
    }

    /* A class the user's code needs that this API does not provide is
     * named, with the parts of Storm gust does not run. */
    private static String explain(Throwable t) {
        StringWriter s = new StringWriter();
        if (t instanceof NoClassDefFoundError) {
            s.write("(a class of Storm's API that gust does not provide: " + t.getMessage().replace('/', '.')
                + "; Trident, DRPC, the Streams API, windowed and stateful bolts are not supported) ");
        }
        t.printStackTrace(new PrintWriter(s));
        return s.toString().trim();
    }

    private static void accept(ServerSocketChannel server) {
        int n = 0;
        while (true) {
            try {
                SocketChannel channel = server.accept();
                Thread t = new Thread(new TaskHost(channel), "gust-task-" + (n++));
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void exitAtEndOfInput() {
        InputStream in = System.in;
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) >= 0) {
                continue;
            }
        } catch (IOException e) {
            /* the same as the end */
        }
        System.exit(0);
    }
}
