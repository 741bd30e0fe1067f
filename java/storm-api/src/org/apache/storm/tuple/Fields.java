/* The ordered names of a stream's values, with an index from name to position. */
package org.apache.storm.tuple;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

public class Fields implements Iterable<String>, Serializable {
    private static final long serialVersionUID = -3377931843059975424L;
    private final List<String> fields;
    private final Map<String, Integer> index = new HashMap<>();

    public Fields(String... fields) {
        this(Arrays.asList(fields));
    }

    public Fields(List<String> fields) {
        this.fields = new ArrayList<>(fields.size());
        for (String field : fields) {
            if (this.fields.contains(field)) {
                throw new IllegalArgumentException(String.format("duplicate field '%s'", field));
            }
            this.fields.add(field);
        }
        for (int i = 0; i < this.fields.size(); i++) {
            index.put(this.fields.get(i), i);
        }
    }

    /* The values of the given fields, taken from a tuple of these fields. */
    public List<Object> select(Fields selector, List<Object> tuple) {
        List<Object> selected = new ArrayList<>(selector.size());
        for (String name : selector) {
            selected.add(tuple.get(fieldIndex(name)));
        }
        return selected;
    }

    public List<String> toList() {
        return new ArrayList<>(fields);
    }

    public int size() {
        return fields.size();
    }

    public String get(int index) {
        return fields.get(index);
    }

    @Override
    public Iterator<String> iterator() {
        return Collections.unmodifiableList(fields).iterator();
    }

    public int fieldIndex(String field) {
        Integer position = index.get(field);
        if (position == null) {
            throw new IllegalArgumentException(field + " does not exist");
        }
        return position;
    }

    public boolean contains(String field) {
        return index.containsKey(field);
    }

    @Override
    public String toString() {
        return fields.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Fields && fields.equals(((Fields) other).fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }
}
