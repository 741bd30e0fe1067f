/* Deserializes a component as a Storm worker would, with the classes of
 * the JVM's class path (gust's Storm API first, then the topology jar).
 *
 * Storm's own base classes (BaseRichSpout, BaseBasicBolt, ShellBolt, ...)
 * mostly carry serialVersionUIDs the JVM computes from the class's shape,
 * so the UID in bytes written against Storm's storm-client jar differs
 * from the one of gust's classes of the same name.  For a class under
 * org.apache.storm. that this JVM has, the UID read from the stream is
 * replaced by the local class's: the data are then read field by field by
 * name as Java does for compatible classes (fields the local class lacks
 * are skipped, even when their classes are unknown here).  Every other
 * class, the user's own included, must match as it is.
 *
 * How: ObjectInputStream reads a class descriptor through its own
 * readUTF (the class name) and readLong (the UID); while a descriptor is
 * being read those two calls are watched. */
package gust.jvm;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;

public final class ComponentInputStream extends ObjectInputStream {
    private static final String STORM_PACKAGE = "org.apache.storm.";
    private final ClassLoader loader;
    private boolean inDescriptor;
    private String descriptorName;

    public ComponentInputStream(byte[] serialized, ClassLoader loader) throws IOException {
        super(new ByteArrayInputStream(serialized));
        this.loader = loader;
    }

    /* The object serialized in bytes, read with the class path of this JVM;
     * or, for a Flux definition (FluxObjects), the object it describes. */
    public static Object readComponent(byte[] serialized) throws IOException, ClassNotFoundException {
        if (FluxObjects.isDefinition(serialized)) {
            try {
                return FluxObjects.build(serialized);
            } catch (FluxObjects.BuildException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        try (ComponentInputStream in = new ComponentInputStream(serialized,
            ComponentInputStream.class.getClassLoader())) {
            return in.readObject();
        }
    }

    @Override
    protected ObjectStreamClass readClassDescriptor() throws IOException, ClassNotFoundException {
        inDescriptor = true;
        descriptorName = null;
        try {
            return super.readClassDescriptor();
        } finally {
            inDescriptor = false;
        }
    }

    @Override
    public String readUTF() throws IOException {
        String s = super.readUTF();
        if (inDescriptor && descriptorName == null) {
            descriptorName = s;
        }
        return s;
    }

    @Override
    public long readLong() throws IOException {
        long uid = super.readLong();
        if (!inDescriptor || descriptorName == null) {
            return uid;
        }
        String name = descriptorName;
        inDescriptor = false; /* the UID is the descriptor's only long */
        if (!name.startsWith(STORM_PACKAGE)) {
            return uid;
        }
        try {
            ObjectStreamClass local = ObjectStreamClass.lookup(Class.forName(name, false, loader));
            return local == null ? uid : local.getSerialVersionUID();
        } catch (ClassNotFoundException | LinkageError e) {
            return uid; /* resolveClass says so if the class is needed */
        }
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
        try {
            return Class.forName(desc.getName(), false, loader);
        } catch (ClassNotFoundException e) {
            return super.resolveClass(desc); /* primitive types */
        }
    }
}
