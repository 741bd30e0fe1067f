/* How a bolt subscribes to a stream, as Storm's Thrift union names it:
 * exactly one of fields (an empty list: global), shuffle, all, none,
 * direct, custom_serialized or local_or_shuffle is set.  What
 * TopologyContext.getSources and getTargets map streams to, and what
 * InputDeclarer.grouping takes.  (custom_object, Storm's JavaObject
 * grouping built from a class name and arguments, is not provided.) */
package org.apache.storm.generated;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.storm.thrift.TFieldIdEnum;
import org.apache.storm.thrift.TUnion;

public class Grouping extends TUnion<Grouping, Grouping._Fields> {
    private static final long serialVersionUID = 1L;

    /* The members, with their Thrift field ids. */
    public enum _Fields implements TFieldIdEnum {
        FIELDS((short) 1, "fields"),
        SHUFFLE((short) 2, "shuffle"),
        ALL((short) 3, "all"),
        NONE((short) 4, "none"),
        DIRECT((short) 5, "direct"),
        CUSTOM_OBJECT((short) 6, "custom_object"),
        CUSTOM_SERIALIZED((short) 7, "custom_serialized"),
        LOCAL_OR_SHUFFLE((short) 8, "local_or_shuffle");

        private final short id;
        private final String name;

        _Fields(short id, String name) {
            this.id = id;
            this.name = name;
        }

        public static _Fields findByThriftId(int fieldId) {
            for (_Fields f : values()) {
                if (f.id == fieldId) {
                    return f;
                }
            }
            return null;
        }

        public static _Fields findByName(String name) {
            for (_Fields f : values()) {
                if (f.name.equals(name)) {
                    return f;
                }
            }
            return null;
        }

        @Override
        public short getThriftFieldId() {
            return id;
        }

        @Override
        public String getFieldName() {
            return name;
        }
    }

    public Grouping() {
    }

    public Grouping(_Fields setField, Object value) {
        super(setField, value);
    }

    public Grouping(Grouping other) {
        this(other.setField_, other.value_);
    }

    public Grouping deepCopy() {
        return new Grouping(this);
    }

    public static Grouping fields(List<String> value) {
        return new Grouping(_Fields.FIELDS, new ArrayList<>(value));
    }

    public static Grouping shuffle(NullStruct value) {
        return new Grouping(_Fields.SHUFFLE, value);
    }

    public static Grouping all(NullStruct value) {
        return new Grouping(_Fields.ALL, value);
    }

    public static Grouping none(NullStruct value) {
        return new Grouping(_Fields.NONE, value);
    }

    public static Grouping direct(NullStruct value) {
        return new Grouping(_Fields.DIRECT, value);
    }

    public static Grouping custom_serialized(byte[] value) {
        return new Grouping(_Fields.CUSTOM_SERIALIZED, value.clone());
    }

    public static Grouping custom_serialized(ByteBuffer value) {
        byte[] bytes = new byte[value.remaining()];
        value.duplicate().get(bytes);
        return new Grouping(_Fields.CUSTOM_SERIALIZED, bytes);
    }

    public static Grouping local_or_shuffle(NullStruct value) {
        return new Grouping(_Fields.LOCAL_OR_SHUFFLE, value);
    }

    private Object get(_Fields f) {
        if (setField_ != f) {
            throw new RuntimeException("Cannot get field '" + f.getFieldName() + "' because union is currently set to "
                + (setField_ == null ? "nothing" : setField_.getFieldName()));
        }
        return value_;
    }

    private void set(_Fields f, Object v) {
        if (v == null) {
            throw new NullPointerException();
        }
        setField_ = f;
        value_ = v;
    }

    @SuppressWarnings("unchecked")
    public List<String> get_fields() {
        return (List<String>) get(_Fields.FIELDS);
    }

    public void set_fields(List<String> value) {
        set(_Fields.FIELDS, value);
    }

    public NullStruct get_shuffle() {
        return (NullStruct) get(_Fields.SHUFFLE);
    }

    public void set_shuffle(NullStruct value) {
        set(_Fields.SHUFFLE, value);
    }

    public NullStruct get_all() {
        return (NullStruct) get(_Fields.ALL);
    }

    public void set_all(NullStruct value) {
        set(_Fields.ALL, value);
    }

    public NullStruct get_none() {
        return (NullStruct) get(_Fields.NONE);
    }

    public void set_none(NullStruct value) {
        set(_Fields.NONE, value);
    }

    public NullStruct get_direct() {
        return (NullStruct) get(_Fields.DIRECT);
    }

    public void set_direct(NullStruct value) {
        set(_Fields.DIRECT, value);
    }

    public byte[] get_custom_serialized() {
        return ((byte[]) get(_Fields.CUSTOM_SERIALIZED)).clone();
    }

    public ByteBuffer buffer_for_custom_serialized() {
        return ByteBuffer.wrap(get_custom_serialized());
    }

    public void set_custom_serialized(byte[] value) {
        set(_Fields.CUSTOM_SERIALIZED, value.clone());
    }

    public NullStruct get_local_or_shuffle() {
        return (NullStruct) get(_Fields.LOCAL_OR_SHUFFLE);
    }

    public void set_local_or_shuffle(NullStruct value) {
        set(_Fields.LOCAL_OR_SHUFFLE, value);
    }

    public boolean is_set_fields() {
        return setField_ == _Fields.FIELDS;
    }

    public boolean is_set_shuffle() {
        return setField_ == _Fields.SHUFFLE;
    }

    public boolean is_set_all() {
        return setField_ == _Fields.ALL;
    }

    public boolean is_set_none() {
        return setField_ == _Fields.NONE;
    }

    public boolean is_set_direct() {
        return setField_ == _Fields.DIRECT;
    }

    public boolean is_set_custom_object() {
        return setField_ == _Fields.CUSTOM_OBJECT;
    }

    public boolean is_set_custom_serialized() {
        return setField_ == _Fields.CUSTOM_SERIALIZED;
    }

    public boolean is_set_local_or_shuffle() {
        return setField_ == _Fields.LOCAL_OR_SHUFFLE;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Grouping)) {
            return false;
        }
        Grouping g = (Grouping) other;
        return setField_ == g.setField_ && (value_ instanceof byte[] && g.value_ instanceof byte[]
            ? Arrays.equals((byte[]) value_, (byte[]) g.value_) : Objects.equals(value_, g.value_));
    }

    @Override
    public int hashCode() {
        return Objects.hash(setField_, value_ instanceof byte[] ? Arrays.hashCode((byte[]) value_) : value_);
    }

    @Override
    public String toString() {
        if (setField_ == null) {
            return "<Grouping >";
        }
        Object shown = value_ instanceof byte[] ? ((byte[]) value_).length + " bytes" : value_;
        return "<Grouping " + setField_.getFieldName() + ":" + shown + ">";
    }
}
