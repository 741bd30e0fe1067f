/* One component of a topology built by TopologyBuilder, as gust runs it:
 * the Java-serialized instance every task deserializes its own copy from,
 * or the command of a ShellBolt/ShellSpout (run by gust's multilang host),
 * its parallelism, configuration, subscriptions and declared streams. */
package gust.jvm;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.storm.generated.StreamInfo;

public final class ComponentSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    /* A subscription: the source's stream and how its tuples are grouped. */
    public static final class Input implements Serializable {
        private static final long serialVersionUID = 1L;
        public final String source;
        public final String stream;
        public final String grouping; /* SHUFFLE, FIELDS, ALL, GLOBAL, NONE, DIRECT, LOCAL_OR_SHUFFLE, PARTIAL_KEY, CUSTOM */
        public final List<String> fields;
        public final String customClass;

        public Input(String source, String stream, String grouping, List<String> fields, String customClass) {
            this.source = source;
            this.stream = stream;
            this.grouping = grouping;
            this.fields = fields;
            this.customClass = customClass;
        }
    }

    public final String id;
    public final boolean spout;
    public final String className;
    public final byte[] serialized;
    public final String[] shellCommand; /* non-null: a ShellBolt or ShellSpout */
    public int parallelism = 1;
    public Integer numTasks;
    public final Map<String, Object> conf = new LinkedHashMap<>();
    public final List<Input> inputs = new ArrayList<>();
    public final Map<String, StreamInfo> outputs = new LinkedHashMap<>();

    public ComponentSpec(String id, boolean spout, String className, byte[] serialized, String[] shellCommand) {
        this.id = id;
        this.spout = spout;
        this.className = className;
        this.serialized = serialized;
        this.shellCommand = shellCommand;
    }
}
