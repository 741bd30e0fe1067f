/* The hand-over of a topology from the user's main to the gust process
 * that started this JVM, over the control pipe it gave as descriptor 3
 * (frames as in Wire): SUBMIT with the topology's description, KILL when
 * a LocalCluster kills it or shuts down, MAIN_DONE when main returns.
 * The submitted components stay here: each task the host opens
 * deserializes its instance from them.  For a worker of a topology stored
 * by Nimbus, LOADED says what each stored component is (StoredTopology). */
package gust.jvm;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.storm.generated.AlreadyAliveException;
import org.apache.storm.generated.InvalidTopologyException;
import org.apache.storm.generated.StormTopology;
import org.apache.storm.generated.StreamInfo;
import org.apache.storm.generated.SubmitOptions;

public final class Submission {
    static final int SUBMIT = 'S', KILL = 'K', MAIN_DONE = 'M', LOADED = 'L';
    private static final String CONTROL = "/proc/self/fd/3";
    private static OutputStream control;
    private static String submittedName;
    private static final Map<String, ComponentSpec> COMPONENTS = new LinkedHashMap<>();

    private Submission() {
    }

    public static void submit(String name, Map<String, Object> conf, StormTopology topology)
        throws AlreadyAliveException, InvalidTopologyException {
        submit(name, conf, topology, null);
    }

    /* opts: its initial status INACTIVE starts the topology deactivated. */
    public static synchronized void submit(String name, Map<String, Object> conf, StormTopology topology,
        SubmitOptions opts) throws AlreadyAliveException, InvalidTopologyException {
        if (name == null || name.isEmpty()) {
            throw new InvalidTopologyException("a topology needs a name");
        }
        if (name.equals(submittedName)) {
            throw new AlreadyAliveException(name + " is already running");
        }
        if (submittedName != null) {
            throw new InvalidTopologyException("gust jar --local runs one topology; '" + submittedName
                + "' was submitted before '" + name + "'");
        }
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("name", name);
        description.put("conf", conf == null ? new LinkedHashMap<>() : conf);
        List<Object> components = new ArrayList<>();
        for (ComponentSpec c : topology.gustComponents()) {
            components.add(describe(c, topology));
        }
        description.put("components", components);
        if (opts != null && opts.is_set_initial_status()) {
            description.put("initial_status", opts.get_initial_status().name());
        }
        Wire.Out out = new Wire.Out();
        out.u8(SUBMIT);
        out.value(description);
        send(out);
        submittedName = name;
        for (ComponentSpec c : topology.gustComponents()) {
            COMPONENTS.put(c.id, c);
        }
        keepForRelaunch();
    }

    /* The Java components in the file StoredTopology reads, so that a JVM
     * gust starts after this one died can host the same tasks. */
    private static void keepForRelaunch() {
        Path file = Launcher.componentsFile();
        if (file == null) {
            return;
        }
        Wire.Out out = new Wire.Out();
        int n = 0;
        for (ComponentSpec c : COMPONENTS.values()) {
            n += c.serialized != null && c.shellCommand == null ? 1 : 0;
        }
        out.i32(n);
        for (ComponentSpec c : COMPONENTS.values()) {
            if (c.serialized != null && c.shellCommand == null) {
                out.str(c.id);
                out.u8(c.spout ? 1 : 0);
                out.bytes(c.serialized);
            }
        }
        try {
            Files.write(file, Arrays.copyOf(out.buf.array(), out.size()));
        } catch (IOException e) {
            System.err.println("gust JVM host: cannot keep the components for a restart in " + file + ": " + e);
        }
    }

    private static Map<String, Object> describe(ComponentSpec c, StormTopology topology) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", c.id);
        d.put("spout", c.spout);
        d.put("class", c.className);
        d.put("parallelism", (long) c.parallelism);
        d.put("tasks", c.numTasks == null ? null : (long) c.numTasks);
        d.put("conf", c.conf);
        List<Object> shell = null;
        if (c.shellCommand != null) {
            shell = new ArrayList<>();
            for (String arg : c.shellCommand) {
                shell.add(arg);
            }
        }
        d.put("shell", shell);
        List<Object> outputs = new ArrayList<>();
        for (Map.Entry<String, StreamInfo> s : c.outputs.entrySet()) {
            List<Object> o = new ArrayList<>();
            o.add(s.getKey());
            o.add(s.getValue().is_direct());
            o.add(new ArrayList<Object>(s.getValue().get_output_fields()));
            outputs.add(o);
        }
        d.put("outputs", outputs);
        List<Object> inputs = new ArrayList<>();
        for (ComponentSpec.Input in : c.inputs) {
            List<Object> i = new ArrayList<>();
            i.add(in.source);
            i.add(in.stream);
            i.add(in.grouping);
            i.add(in.fields == null ? null : new ArrayList<Object>(in.fields));
            i.add(in.customClass);
            i.add(topology.gustCustomGrouping(c.id, in.source, in.stream)); /* its Java serialization */
            inputs.add(i);
        }
        d.put("inputs", inputs);
        return d;
    }

    /* The components of a topology stored by Nimbus (StoredTopology), hosted
     * for a worker: kept for the tasks, and what each is sent back as LOADED. */
    static synchronized void hostStored(List<ComponentSpec> hosted, Map<Object, Object> loaded) {
        for (ComponentSpec c : hosted) {
            COMPONENTS.put(c.id, c);
        }
        try {
            Launcher.serve(); /* before LOADED: gust's tasks connect as soon as it arrives */
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve the JVM host's socket: " + e, e);
        }
        submittedName = "stored";
        Wire.Out out = new Wire.Out();
        out.u8(LOADED);
        out.value(loaded);
        send(out);
    }

    public static synchronized void kill(String name) {
        if (submittedName == null || (name != null && !name.equals(submittedName))) {
            return;
        }
        Wire.Out out = new Wire.Out();
        out.u8(KILL);
        out.str(submittedName);
        send(out);
    }

    static synchronized void mainDone(int status, String error) {
        Wire.Out out = new Wire.Out();
        out.u8(MAIN_DONE);
        out.i32(status);
        out.str(error == null ? "" : error);
        send(out);
    }

    static synchronized boolean submitted() {
        return submittedName != null;
    }

    static synchronized ComponentSpec component(String id) {
        return COMPONENTS.get(id);
    }

    private static void send(Wire.Out out) {
        try {
            if (control == null) {
                control = new FileOutputStream(CONTROL);
            }
            ByteBuffer head = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, out.size());
            control.write(head.array());
            control.write(out.buf.array(), 0, out.size());
            control.flush();
        } catch (IOException e) {
            throw new IllegalStateException("this JVM was not started by `gust jar`: there is nothing to submit "
                + "the topology to (" + e.getMessage() + ")", e);
        }
    }
}
