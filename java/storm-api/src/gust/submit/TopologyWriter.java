/* Writes a StormTopology built by TopologyBuilder as the Thrift struct of
 * storm.thrift, as Storm's TopologyBuilder fills it: every spout and bolt
 * a ComponentObject serialized_java (the ObjectOutputStream bytes of the
 * component instance; an IBasicBolt inside its BasicBoltExecutor, a
 * ShellBolt subclass as itself), its inputs (a global grouping is a fields
 * grouping on no field; a custom grouping the serialized grouping object),
 * declared streams, parallelism_hint when one was given and json_conf when
 * the component or its declarer set any configuration; no worker hooks
 * or dependencies, the Storm version gust follows and this JVM's version.  A partial-key
 * grouping goes as the custom_object PartialKeyGrouping with the field
 * names as string arguments, the form gust's Nimbus builds it from. */
package gust.submit;

import gust.jvm.ComponentSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.storm.generated.StormTopology;
import org.apache.storm.generated.StreamInfo;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TList;
import org.apache.thrift.protocol.TMap;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;

public final class TopologyWriter {
    private static final TStruct STRUCT = new TStruct("");
    private static final String PARTIAL_KEY = "org.apache.storm.grouping.PartialKeyGrouping";
    /* The Storm release gust follows (GUST_STORM_VERSION in compat/include/gust/storm.h). */
    private static final String STORM_VERSION = "2.6.0";

    private final StormTopology topology;
    private final String jdkVersion = System.getProperty("java.version");

    public TopologyWriter(StormTopology topology) {
        this.topology = topology;
    }

    /* InvalidTopologyException-worthy problems are found by the caller:
     * this only writes. */
    public void write(TProtocol out) throws TException {
        List<ComponentSpec> spouts = new ArrayList<>();
        List<ComponentSpec> bolts = new ArrayList<>();
        for (ComponentSpec c : topology.gustComponents()) {
            (c.spout ? spouts : bolts).add(c);
        }
        out.writeStructBegin(STRUCT);
        components(out, 1, spouts);
        components(out, 2, bolts);
        field(out, 3, TType.MAP);
        out.writeMapBegin(new TMap(TType.STRING, TType.STRUCT, 0));
        out.writeMapEnd();
        out.writeFieldEnd();
        /* no worker hooks, dependency jars or artifacts: empty, as Storm sends them */
        emptyList(out, 4);
        emptyList(out, 5);
        emptyList(out, 6);
        NimbusConnection.string(out, 7, STORM_VERSION);
        if (jdkVersion != null) {
            NimbusConnection.string(out, 8, jdkVersion);
        }
        out.writeFieldStop();
        out.writeStructEnd();
    }

    /* SpoutSpec and Bolt share their layout: 1 the object, 2 the common. */
    private void components(TProtocol out, int id, List<ComponentSpec> list) throws TException {
        field(out, id, TType.MAP);
        out.writeMapBegin(new TMap(TType.STRING, TType.STRUCT, list.size()));
        for (ComponentSpec c : list) {
            out.writeString(c.id);
            out.writeStructBegin(STRUCT);
            field(out, 1, TType.STRUCT);
            out.writeStructBegin(STRUCT);
            binary(out, 1, c.serialized);
            out.writeFieldStop();
            out.writeStructEnd();
            out.writeFieldEnd();
            field(out, 2, TType.STRUCT);
            common(out, c);
            out.writeFieldEnd();
            out.writeFieldStop();
            out.writeStructEnd();
        }
        out.writeMapEnd();
        out.writeFieldEnd();
    }

    private void common(TProtocol out, ComponentSpec c) throws TException {
        out.writeStructBegin(STRUCT);
        field(out, 1, TType.MAP);
        out.writeMapBegin(new TMap(TType.STRUCT, TType.STRUCT, c.inputs.size()));
        for (ComponentSpec.Input in : c.inputs) {
            out.writeStructBegin(STRUCT);
            NimbusConnection.string(out, 1, in.source);
            NimbusConnection.string(out, 2, in.stream);
            out.writeFieldStop();
            out.writeStructEnd();
            grouping(out, c.id, in);
        }
        out.writeMapEnd();
        out.writeFieldEnd();

        field(out, 2, TType.MAP);
        out.writeMapBegin(new TMap(TType.STRING, TType.STRUCT, c.outputs.size()));
        for (Map.Entry<String, StreamInfo> s : c.outputs.entrySet()) {
            out.writeString(s.getKey());
            out.writeStructBegin(STRUCT);
            strings(out, 1, s.getValue().get_output_fields());
            field(out, 2, TType.BOOL);
            out.writeBool(s.getValue().is_direct());
            out.writeFieldEnd();
            out.writeFieldStop();
            out.writeStructEnd();
        }
        out.writeMapEnd();
        out.writeFieldEnd();

        if (topology.gustParallelismGiven(c.id)) {
            field(out, 3, TType.I32);
            out.writeI32(c.parallelism);
            out.writeFieldEnd();
        }
        Map<String, Object> conf = new java.util.LinkedHashMap<>(c.conf);
        if (c.numTasks != null) {
            conf.put("topology.tasks", c.numTasks.longValue());
        }
        if (!conf.isEmpty()) {
            NimbusConnection.string(out, 4, Json.write(conf));
        }
        out.writeFieldStop();
        out.writeStructEnd();
    }

    private void grouping(TProtocol out, String bolt, ComponentSpec.Input in) throws TException {
        out.writeStructBegin(STRUCT);
        byte[] custom = topology.gustCustomGrouping(bolt, in.source, in.stream);
        switch (in.grouping) {
        case "FIELDS":
            strings(out, 1, in.fields == null ? List.of() : in.fields);
            break;
        case "GLOBAL":
            strings(out, 1, List.of());
            break;
        case "SHUFFLE":
            empty(out, 2);
            break;
        case "ALL":
            empty(out, 3);
            break;
        case "NONE":
            empty(out, 4);
            break;
        case "DIRECT":
            empty(out, 5);
            break;
        case "LOCAL_OR_SHUFFLE":
            empty(out, 8);
            break;
        case "PARTIAL_KEY":
            field(out, 6, TType.STRUCT);
            out.writeStructBegin(STRUCT);
            NimbusConnection.string(out, 1, PARTIAL_KEY);
            List<String> fields = in.fields == null ? List.of() : in.fields;
            field(out, 2, TType.LIST);
            out.writeListBegin(new TList(TType.STRUCT, fields.size()));
            for (String f : fields) {
                out.writeStructBegin(STRUCT);
                NimbusConnection.string(out, 3, f); /* JavaObjectArg.string_arg */
                out.writeFieldStop();
                out.writeStructEnd();
            }
            out.writeListEnd();
            out.writeFieldEnd();
            out.writeFieldStop();
            out.writeStructEnd();
            out.writeFieldEnd();
            break;
        default:
            if (custom == null) {
                throw new TException("bolt '" + bolt + "': the " + in.grouping + " grouping from '" + in.source
                    + "' cannot be sent to Nimbus");
            }
            binary(out, 7, custom);
        }
        out.writeFieldStop();
        out.writeStructEnd();
    }

    private static void field(TProtocol out, int id, byte type) throws TException {
        out.writeFieldBegin(new TField("", type, (short) id));
    }

    private static void emptyList(TProtocol out, int id) throws TException {
        field(out, id, TType.LIST);
        out.writeListBegin(new TList(TType.STRING, 0));
        out.writeListEnd();
        out.writeFieldEnd();
    }

    private static void empty(TProtocol out, int id) throws TException {
        field(out, id, TType.STRUCT);
        out.writeStructBegin(STRUCT);
        out.writeFieldStop();
        out.writeStructEnd();
        out.writeFieldEnd();
    }

    private static void binary(TProtocol out, int id, byte[] bytes) throws TException {
        field(out, id, TType.STRING);
        out.writeBinary(ByteBuffer.wrap(bytes));
        out.writeFieldEnd();
    }

    private static void strings(TProtocol out, int id, List<String> items) throws TException {
        field(out, id, TType.LIST);
        out.writeListBegin(new TList(TType.STRING, items.size()));
        for (String s : items) {
            out.writeString(s);
        }
        out.writeListEnd();
        out.writeFieldEnd();
    }
}
