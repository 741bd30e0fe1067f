/* The JVM `gust jar` starts: java -cp API-JAR:TOPOLOGY-JAR gust.jvm.Launcher
 * SOCKET MAINCLASS [ARGS...].
 *
 * It listens on the Unix socket SOCKET (one connection per Java task,
 * each served by its own TaskHost thread, and one per custom grouping of
 * an emitting task, handed to a GroupingHost), runs MAINCLASS.main(ARGS),
 * whose StormSubmitter or LocalCluster hands the topology to gust
 * (Submission), says MAIN_DONE, and then serves the tasks until gust
 * closes this JVM's standard input.  A JVM gust starts again after one
 * died binds the same SOCKET (the dead one's file is removed first).  For
 * gust.jvm.StoredTopology (a worker's JVM, or one started again) the
 * socket is bound once its components are loaded, so no task connects
 * before its component is there. */
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

public final class Launcher {
    private static String socketPath;
    private static boolean serving;

    private Launcher() {
    }

    /* The file beside the socket where the submitted components are kept
     * for a JVM started again after this one dies (StoredTopology reads it). */
    static Path componentsFile() {
        return socketPath == null ? null : Path.of(socketPath).resolveSibling("components.bin");
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: gust.jvm.Launcher SOCKET MAINCLASS [ARGS...]");
            System.exit(2);
        }
        socketPath = args[0];
        /* the stored components load before any task may connect */
        boolean componentsFirst = args[1].equals(StoredTopology.class.getName());
        if (!componentsFirst) {
            serve(args[0]);
        }
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
        if (componentsFirst) {
            serve(args[0]);
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

    /* Binds the socket once; a stored topology's components bind it as soon
     * as they are loaded, before gust hears they are (Submission.hostStored). */
    static synchronized void serve() throws IOException {
        if (serving || socketPath == null) {
            return;
        }
        serve(socketPath);
    }

    private static synchronized void serve(String socket) throws IOException {
        if (serving) {
            return;
        }
        serving = true;
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        Files.deleteIfExists(Path.of(socket));
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread acceptor = new Thread(() -> accept(server), "gust-jvm-accept");
        acceptor.setDaemon(true);
        acceptor.start();
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
