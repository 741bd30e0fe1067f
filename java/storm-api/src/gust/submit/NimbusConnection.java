/* A connection to Nimbus speaking Storm's Thrift interface, as Storm's
 * NimbusClient does with SIMPLE authentication: framed transport, binary
 * protocol with strict headers, over TCP.  Only the calls a submission
 * makes are here; each writes its argument struct by hand with Thrift's
 * protocol classes (Debian's libthrift-java) and reads the result struct:
 * field 0 is the value, the others the method's declared exceptions,
 * thrown as Storm's exception types.  One caller thread at a time. */
package gust.submit;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.storm.generated.AlreadyAliveException;
import org.apache.storm.generated.AuthorizationException;
import org.apache.storm.generated.InvalidTopologyException;
import org.apache.storm.generated.SubmitOptions;
import org.apache.storm.generated.TopologyInitialStatus;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TProtocolUtil;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.layered.TFramedTransport;

public final class NimbusConnection implements AutoCloseable {
    /* What a getLeader reply says. */
    public static final class Leader {
        public final String host;
        public final int port;

        Leader(String host, int port) {
            this.host = host;
            this.port = port;
        }
    }

    /* How the declared exceptions of a call are thrown. */
    private enum Thrown { ALREADY_ALIVE, INVALID_TOPOLOGY, AUTHORIZATION }

    private static final List<Thrown> AUTHORIZATION_ONLY = List.of(Thrown.AUTHORIZATION);
    private static final List<Thrown> SUBMIT_THROWS =
        List.of(Thrown.ALREADY_ALIVE, Thrown.INVALID_TOPOLOGY, Thrown.AUTHORIZATION);
    private static final TStruct ARGS = new TStruct("args");

    /* Writes a call's argument fields. */
    private interface Args {
        void write(TProtocol out) throws TException;
    }

    public final String host;
    public final int port;
    private final TTransport transport;
    private final TProtocol protocol;
    private int seqid;

    /* TException when nothing answers at host:port. */
    public NimbusConnection(String host, int port, int timeoutMs, int maxFrame) throws TException {
        this.host = host;
        this.port = port;
        TSocket socket = new TSocket(host, port, timeoutMs);
        transport = new TFramedTransport(socket, maxFrame);
        transport.open();
        protocol = new TBinaryProtocol(transport);
    }

    @Override
    public void close() {
        transport.close();
    }

    public Leader getLeader() throws TException {
        return (Leader) call("getLeader", out -> { }, AUTHORIZATION_ONLY, TType.STRUCT, in -> {
            Object[] summary = new Object[2];
            in.readStructBegin();
            for (TField f = in.readFieldBegin(); f.type != TType.STOP; f = in.readFieldBegin()) {
                if (f.id == 1 && f.type == TType.STRING) {
                    summary[0] = in.readString();
                } else if (f.id == 2 && f.type == TType.I32) {
                    summary[1] = in.readI32();
                } else {
                    TProtocolUtil.skip(in, f.type);
                }
                in.readFieldEnd();
            }
            in.readStructEnd();
            if (summary[0] == null || summary[1] == null) {
                throw new TException("Nimbus at " + host + ":" + port + " answered getLeader without a host and port");
            }
            return new Leader((String) summary[0], (Integer) summary[1]);
        });
    }

    public boolean isTopologyNameAllowed(String name) throws TException {
        return (Boolean) call("isTopologyNameAllowed", out -> string(out, 1, name), AUTHORIZATION_ONLY, TType.BOOL,
            TProtocol::readBool);
    }

    public String beginFileUpload() throws TException {
        return (String) call("beginFileUpload", out -> { }, AUTHORIZATION_ONLY, TType.STRING, TProtocol::readString);
    }

    public void uploadChunk(String location, ByteBuffer chunk) throws TException {
        call("uploadChunk", out -> {
            string(out, 1, location);
            out.writeFieldBegin(new TField("chunk", TType.STRING, (short) 2));
            out.writeBinary(chunk);
            out.writeFieldEnd();
        }, AUTHORIZATION_ONLY, TType.VOID, null);
    }

    public void finishFileUpload(String location) throws TException {
        call("finishFileUpload", out -> string(out, 1, location), AUTHORIZATION_ONLY, TType.VOID, null);
    }

    public void submitTopology(String name, String location, String jsonConf, TopologyWriter topology)
        throws TException {
        call("submitTopology", out -> submission(out, name, location, jsonConf, topology), SUBMIT_THROWS,
            TType.VOID, null);
    }

    /* submitTopology's fields, then 5: SubmitOptions {1: initial_status i32}. */
    public void submitTopologyWithOpts(String name, String location, String jsonConf, TopologyWriter topology,
        SubmitOptions opts) throws TException {
        call("submitTopologyWithOpts", out -> {
            submission(out, name, location, jsonConf, topology);
            out.writeFieldBegin(new TField("options", TType.STRUCT, (short) 5));
            out.writeStructBegin(new TStruct("SubmitOptions"));
            TopologyInitialStatus status = opts.is_set_initial_status() ? opts.get_initial_status()
                : TopologyInitialStatus.ACTIVE;
            out.writeFieldBegin(new TField("initial_status", TType.I32, (short) 1));
            out.writeI32(status.getValue());
            out.writeFieldEnd();
            out.writeFieldStop();
            out.writeStructEnd();
            out.writeFieldEnd();
        }, SUBMIT_THROWS, TType.VOID, null);
    }

    /* The fields both submit calls begin with. */
    private static void submission(TProtocol out, String name, String location, String jsonConf,
        TopologyWriter topology) throws TException {
        string(out, 1, name);
        string(out, 2, location);
        string(out, 3, jsonConf);
        out.writeFieldBegin(new TField("topology", TType.STRUCT, (short) 4));
        topology.write(out);
        out.writeFieldEnd();
    }

    static void string(TProtocol out, int id, String value) throws TException {
        out.writeFieldBegin(new TField("", TType.STRING, (short) id));
        out.writeString(value);
        out.writeFieldEnd();
    }

    /* Reads the success value of a result. */
    private interface Value {
        Object read(TProtocol in) throws TException;
    }

    private Object call(String method, Args args, List<Thrown> thrown, byte valueType, Value value)
        throws TException {
        int id = ++seqid;
        protocol.writeMessageBegin(new TMessage(method, TMessageType.CALL, id));
        protocol.writeStructBegin(ARGS);
        args.write(protocol);
        protocol.writeFieldStop();
        protocol.writeStructEnd();
        protocol.writeMessageEnd();
        transport.flush();

        TMessage reply = protocol.readMessageBegin();
        if (reply.type == TMessageType.EXCEPTION) {
            TApplicationException e = TApplicationException.readFrom(protocol);
            protocol.readMessageEnd();
            throw e;
        }
        if (reply.seqid != id || !method.equals(reply.name)) {
            throw new TApplicationException(TApplicationException.BAD_SEQUENCE_ID, "Nimbus answered " + reply.name
                + " #" + reply.seqid + " to " + method + " #" + id);
        }
        Object result = null;
        TException declared = null;
        protocol.readStructBegin();
        for (TField f = protocol.readFieldBegin(); f.type != TType.STOP; f = protocol.readFieldBegin()) {
            if (f.id == 0 && f.type == valueType && value != null) {
                result = value.read(protocol);
            } else if (f.id >= 1 && f.id <= thrown.size() && f.type == TType.STRUCT) {
                declared = exception(thrown.get(f.id - 1), readMessage(protocol));
            } else {
                TProtocolUtil.skip(protocol, f.type);
            }
            protocol.readFieldEnd();
        }
        protocol.readStructEnd();
        protocol.readMessageEnd();
        if (declared != null) {
            throw declared;
        }
        if (value != null && result == null) {
            throw new TApplicationException(TApplicationException.MISSING_RESULT, method + " failed: unknown result");
        }
        return result;
    }

    /* The msg field (1) of one of Storm's exceptions. */
    private static String readMessage(TProtocol in) throws TException {
        String msg = null;
        in.readStructBegin();
        for (TField f = in.readFieldBegin(); f.type != TType.STOP; f = in.readFieldBegin()) {
            if (f.id == 1 && f.type == TType.STRING) {
                msg = in.readString();
            } else {
                TProtocolUtil.skip(in, f.type);
            }
            in.readFieldEnd();
        }
        in.readStructEnd();
        return msg;
    }

    private static TException exception(Thrown kind, String msg) {
        switch (kind) {
        case ALREADY_ALIVE:
            return new AlreadyAliveException(msg);
        case INVALID_TOPOLOGY:
            return new InvalidTopologyException(msg);
        default:
            return new AuthorizationException(msg);
        }
    }
}
