/* The components of a topology stored by gust's Nimbus, hosted for a
 * worker: the "main class" the worker's JVM runs (Launcher SOCKET
 * gust.jvm.StoredTopology FILE).
 *
 * FILE holds every `serialized_java` component of the topology: a u32
 * count, then for each its id (u32 length + UTF-8), a spout flag (u8) and
 * its Java-serialized bytes (u32 length + bytes), integers little-endian.
 * Each is deserialized once here (ComponentInputStream: Storm's UIDs for
 * org.apache.storm classes accepted) to learn what it is; its tasks later
 * deserialize their own instances from the same bytes (TaskHost).  The
 * answer is one LOADED control record: a map from component id to
 * [class, shell command or null, shell env or null, error or null] — a
 * ShellBolt/ShellSpout gives its command for gust's multilang host, a
 * component that cannot be hosted its reason with the Java stack trace.
 *
 * A component's bytes may instead be a Flux definition (FluxObjects):
 * the JVM builds the object as Flux would, and its entry has two more
 * items, the streams it declares ([[id, direct, [fields]], ...]) and its
 * getComponentConfiguration() (a map or null), which gust's Flux loader
 * cannot know otherwise. */
package gust.jvm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.storm.generated.StreamInfo;
import org.apache.storm.spout.ISpout;
import org.apache.storm.spout.ShellSpout;
import org.apache.storm.task.IBolt;
import org.apache.storm.task.ShellBolt;
import org.apache.storm.topology.BasicBoltExecutor;
import org.apache.storm.topology.IComponent;
import org.apache.storm.topology.OutputFieldsGetter;

public final class StoredTopology {
    private StoredTopology() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: gust.jvm.StoredTopology COMPONENTS-FILE");
        }
        Wire.In in = new Wire.In(ByteBuffer.wrap(Files.readAllBytes(Path.of(args[0]))));
        int n = in.count();
        List<ComponentSpec> hosted = new ArrayList<>();
        Map<Object, Object> loaded = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String id = in.str();
            boolean spout = in.u8() != 0;
            byte[] bytes = in.bytes();
            loaded.put(id, load(id, spout, bytes, hosted));
        }
        Submission.hostStored(hosted, loaded);
    }

    private static List<Object> load(String id, boolean spout, byte[] bytes, List<ComponentSpec> hosted) {
        Object instance;
        String className = "?";
        boolean flux = FluxObjects.isDefinition(bytes);
        try {
            instance = flux ? FluxObjects.build(bytes) : ComponentInputStream.readComponent(bytes);
            className = instance.getClass().getName();
        } catch (FluxObjects.BuildException e) {
            return Arrays.asList(className, null, null, "cannot be built: " + e.getMessage()
                + (e.thrownByUserCode ? "\n" + StackTraces.of(e.getCause()) : ""));
        } catch (Throwable t) {
            return Arrays.asList(className, null, null, "cannot be deserialized: " + StackTraces.of(t));
        }
        String[] shell = null;
        Map<String, String> env = null;
        if (instance instanceof ShellBolt) {
            shell = ((ShellBolt) instance).gustCommand();
            env = ((ShellBolt) instance).gustEnv();
        } else if (instance instanceof ShellSpout) {
            shell = ((ShellSpout) instance).gustCommand();
            env = ((ShellSpout) instance).gustEnv();
        } else if (instance instanceof BasicBoltExecutor) {
            className = ((BasicBoltExecutor) instance).gustBolt().getClass().getName();
        }
        if (shell != null && (shell.length == 0 || shell[0] == null)) {
            return Arrays.asList(className, null, null, "is a shell component without a command");
        }
        if (spout ? !(instance instanceof ISpout) : !(instance instanceof IBolt)) {
            return Arrays.asList(className, null, null, "is not " + (spout ? "a spout (ISpout)" : "a bolt (IBolt)"));
        }
        hosted.add(new ComponentSpec(id, spout, className, shell == null ? bytes : null, shell));
        List<Object> answer = new ArrayList<>(Arrays.asList(className,
            shell == null ? null : new ArrayList<Object>(Arrays.asList(shell)),
            env == null ? null : new LinkedHashMap<Object, Object>(env), null));
        if (flux) { /* what Storm's TopologyBuilder would have put into the topology */
            try {
                IComponent component = instance instanceof IComponent ? (IComponent) instance : null;
                answer.add(component == null ? new ArrayList<Object>() : declaredStreams(component));
                Map<String, Object> conf = component == null ? null : component.getComponentConfiguration();
                answer.add(conf == null ? null : new LinkedHashMap<Object, Object>(conf));
            } catch (Throwable t) {
                return Arrays.asList(className, null, null, "cannot declare its streams: " + StackTraces.of(t));
            }
        }
        return answer;
    }

    /* [[stream id, direct, [field, ...]], ...] as declareOutputFields says. */
    private static List<Object> declaredStreams(IComponent component) {
        OutputFieldsGetter getter = new OutputFieldsGetter();
        component.declareOutputFields(getter);
        List<Object> streams = new ArrayList<>();
        for (Map.Entry<String, StreamInfo> e : getter.getFieldsDeclaration().entrySet()) {
            streams.add(Arrays.asList(e.getKey(), e.getValue().is_direct(),
                new ArrayList<Object>(e.getValue().get_output_fields())));
        }
        return streams;
    }

}
