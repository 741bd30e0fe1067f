/* A member of a Thrift struct or union, by id and name: what the members
 * of Grouping are, so that code compiled against Storm's shaded Thrift
 * finds getSetField where it looks. */
package org.apache.storm.thrift;

public interface TFieldIdEnum {
    short getThriftFieldId();

    String getFieldName();
}
