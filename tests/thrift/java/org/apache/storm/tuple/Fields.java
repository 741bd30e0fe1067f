package org.apache.storm.tuple;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stand-in for storm-client's Fields with the members and serialVersionUID
 * Storm 2.x serializes, so that the bytes this test tree writes are the
 * bytes the real storm-client writes.
 */
public class Fields implements Serializable {
    private static final long serialVersionUID = -3377931843059975424L;
    private List<String> fields;
    private Map<String, Integer> index = new HashMap<>();

    public Fields(String... names) {
        fields = new ArrayList<>(names.length);
        for (String name : names) {
            index.put(name, fields.size());
            fields.add(name);
        }
    }
}
