/* A Thrift union: one member set, with its value.  Grouping extends it, as
 * in storm-client, whose compiled code calls getSetField and
 * getFieldValue here. */
package org.apache.storm.thrift;

import java.io.Serializable;

public abstract class TUnion<T extends TUnion<T, F>, F extends TFieldIdEnum> implements Serializable {
    private static final long serialVersionUID = 1L;
    protected F setField_;
    protected Object value_;

    protected TUnion() {
    }

    protected TUnion(F setField, Object value) {
        setField_ = setField;
        value_ = value;
    }

    public F getSetField() {
        return setField_;
    }

    public Object getFieldValue() {
        return value_;
    }

    public boolean isSet() {
        return setField_ != null;
    }
}
