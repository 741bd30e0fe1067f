/* Helpers topologies call: sleeping, building tuples, Java serialization. */
package org.apache.storm.utils;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

public class Utils {
    public static final String DEFAULT_STREAM_ID = "default";

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }

    public static List<Object> tuple(Object... values) {
        return new ArrayList<>(Arrays.asList(values));
    }

    public static byte[] javaSerialize(Object obj) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(obj);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new RuntimeException("cannot serialize " + obj.getClass().getName()
                + " (every field of a component must be Serializable or transient)", e);
        }
    }

    public static <T> T javaDeserialize(byte[] serialized, Class<T> clazz) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialized)) {
            @Override
            protected Class<?> resolveClass(java.io.ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                return Class.forName(desc.getName(), false, Thread.currentThread().getContextClassLoader());
            }
        }) {
            return clazz.cast(in.readObject());
        } catch (IOException | ClassNotFoundException e) {
            throw new RuntimeException(e);
        }
    }

    public static byte[] serialize(Object obj) {
        return javaSerialize(obj);
    }

    public static <T> T deserialize(byte[] serialized, Class<T> clazz) {
        return javaDeserialize(serialized, clazz);
    }

    public static Map<String, Object> readDefaultConfig() {
        return new HashMap<>();
    }

    public static Map<String, Object> readStormConfig() {
        return new HashMap<>();
    }

    public static Integer getInt(Object o) {
        return getInt(o, null);
    }

    public static Integer getInt(Object o, Integer defaultValue) {
        if (o == null) {
            return defaultValue;
        }
        if (o instanceof Number) {
            return ((Number) o).intValue();
        }
        if (o instanceof String) {
            return Integer.parseInt((String) o);
        }
        throw new IllegalArgumentException("don't know how to convert " + o + " to int");
    }

    public static boolean getBoolean(Object o, boolean defaultValue) {
        if (o == null) {
            return defaultValue;
        }
        if (o instanceof Boolean) {
            return (Boolean) o;
        }
        throw new IllegalArgumentException("don't know how to convert " + o + " to boolean");
    }

    public static String uuid() {
        return UUID.randomUUID().toString();
    }

    public static long secureRandomLong() {
        return UUID.randomUUID().getLeastSignificantBits();
    }
}
