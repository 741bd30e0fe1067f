/* The empty value of the groupings that take no argument (shuffle, all,
 * none, direct, local-or-shuffle), as Storm's Thrift IDL has it. */
package org.apache.storm.generated;

import java.io.Serializable;

public class NullStruct implements Serializable, Comparable<NullStruct> {
    private static final long serialVersionUID = 1L;

    public NullStruct() {
    }

    public NullStruct(NullStruct other) {
    }

    public NullStruct deepCopy() {
        return new NullStruct();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NullStruct;
    }

    @Override
    public int hashCode() {
        return 0;
    }

    @Override
    public int compareTo(NullStruct other) {
        return 0;
    }

    @Override
    public String toString() {
        return "NullStruct()";
    }
}
