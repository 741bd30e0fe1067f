/* A tuple's values in order: an ArrayList built from its arguments. */
package org.apache.storm.tuple;

import java.util.ArrayList;

public class Values extends ArrayList<Object> {
    private static final long serialVersionUID = 1L;

    public Values() {
    }

    public Values(Object... values) {
        super(values.length);
        for (Object value : values) {
            add(value);
        }
    }
}
