/* A tuple a Java bolt receives from gust: its values, the engine's id for
 * it (0 for ticks: nothing to ack), its source task and stream; once a
 * local route carries a tuple anchored to it, what its ack waits for
 * (LocalOrigin).  LocalTuple is one that came over a local route. */
package gust.jvm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.storm.generated.GlobalStreamId;
import org.apache.storm.task.GeneralTopologyContext;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.MessageId;
import org.apache.storm.tuple.Tuple;

class HostTuple implements Tuple {
    final long id;
    final int sourceTask;
    final StreamTable.Stream stream;
    final Object[] values; /* getValues() copies them into a list */
    final GeneralTopologyContext context;
    boolean settled;
    LocalOrigin origin; /* set once a local route carries a tuple anchored to it (see LocalOrigin) */

    HostTuple(long id, int sourceTask, StreamTable.Stream stream, Object[] values,
        GeneralTopologyContext context) {
        this.id = id;
        this.sourceTask = sourceTask;
        this.stream = stream;
        this.values = values;
        this.context = context;
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public boolean contains(String field) {
        return stream.fields.contains(field);
    }

    @Override
    public Fields getFields() {
        return stream.fields;
    }

    @Override
    public int fieldIndex(String field) {
        return stream.fields.fieldIndex(field);
    }

    @Override
    public List<Object> select(Fields selector) {
        return stream.fields.select(selector, Arrays.asList(values));
    }

    @Override
    public Object getValue(int i) {
        return values[i];
    }

    @Override
    public String getString(int i) {
        return (String) values[i];
    }

    private Number number(int i) {
        return (Number) values[i];
    }

    @Override
    public Integer getInteger(int i) {
        Number n = number(i);
        return n == null ? null : n.intValue();
    }

    @Override
    public Long getLong(int i) {
        Number n = number(i);
        return n == null ? null : n.longValue();
    }

    @Override
    public Boolean getBoolean(int i) {
        return (Boolean) values[i];
    }

    @Override
    public Short getShort(int i) {
        Number n = number(i);
        return n == null ? null : n.shortValue();
    }

    @Override
    public Byte getByte(int i) {
        Number n = number(i);
        return n == null ? null : n.byteValue();
    }

    @Override
    public Double getDouble(int i) {
        Number n = number(i);
        return n == null ? null : n.doubleValue();
    }

    @Override
    public Float getFloat(int i) {
        Number n = number(i);
        return n == null ? null : n.floatValue();
    }

    @Override
    public byte[] getBinary(int i) {
        return (byte[]) values[i];
    }

    @Override
    public Object getValueByField(String field) {
        return values[fieldIndex(field)];
    }

    @Override
    public String getStringByField(String field) {
        return getString(fieldIndex(field));
    }

    @Override
    public Integer getIntegerByField(String field) {
        return getInteger(fieldIndex(field));
    }

    @Override
    public Long getLongByField(String field) {
        return getLong(fieldIndex(field));
    }

    @Override
    public Boolean getBooleanByField(String field) {
        return getBoolean(fieldIndex(field));
    }

    @Override
    public Short getShortByField(String field) {
        return getShort(fieldIndex(field));
    }

    @Override
    public Byte getByteByField(String field) {
        return getByte(fieldIndex(field));
    }

    @Override
    public Double getDoubleByField(String field) {
        return getDouble(fieldIndex(field));
    }

    @Override
    public Float getFloatByField(String field) {
        return getFloat(fieldIndex(field));
    }

    @Override
    public byte[] getBinaryByField(String field) {
        return getBinary(fieldIndex(field));
    }

    @Override
    public List<Object> getValues() {
        return new ArrayList<>(Arrays.asList(values)); /* a list the bolt may change, as Storm's */
    }

    @Override
    public GlobalStreamId getSourceGlobalStreamId() {
        return new GlobalStreamId(stream.component, stream.name);
    }

    @Override
    public String getSourceComponent() {
        return stream.component;
    }

    @Override
    public int getSourceTask() {
        return sourceTask;
    }

    @Override
    public String getSourceStreamId() {
        return stream.name;
    }

    @Override
    public MessageId getMessageId() {
        return MessageId.makeRootId(id, id);
    }

    @Override
    public GeneralTopologyContext getContext() {
        return context;
    }

    @Override
    public String toString() {
        return "source: " + stream.component + ":" + sourceTask + ", stream: " + stream.name + ", id: " + id
            + ", " + Arrays.asList(values);
    }
}
