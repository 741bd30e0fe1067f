/* Builds a spout or bolt that a Flux file defines with the user's Java
 * class, the way Storm's Flux builder does, from a definition gust's
 * Flux loader sends in place of Java-serialized bytes.
 *
 * The bytes: MAGIC, the class name and a newline, then one wire value
 * (Wire.In): a map with
 * "definition" (the spout's or bolt's object definition: className,
 * constructorArgs, properties, configMethods, factory, factoryArgs) and
 * "components" (every Flux component, id -> object definition).  The
 * loader has typed the YAML already: integers arrive as Long and become
 * Integer when they fit, as SnakeYAML reads them.
 *
 * Flux's rules, followed here:
 *   - factory (+ factoryArgs): a public static method of the class with
 *     that name whose parameters take the arguments; else constructorArgs:
 *     a declared constructor that takes them (the last one found when
 *     several do); else the no-argument constructor;
 *   - an argument takes a parameter of its class or a supertype, a Boolean
 *     a boolean, a Number any primitive or boxed number (converted), a
 *     String an enum (Enum.valueOf), a List an array; a null argument is
 *     an error;
 *   - {ref: ID} is the component ID, {reflist: [IDs]} a List of them;
 *   - properties: setNAME(value) when a public setter takes the value,
 *     else the public field NAME;
 *   - configMethods: the public method NAME taking args, called in order.
 * An IBasicBolt comes wrapped in a BasicBoltExecutor, as Flux's
 * TopologyBuilder.setBolt wraps it.  Components are built when first referenced, once per definition, so a
 * component only a built-in class uses (gust implements those natively)
 * is never loaded here.  Anything that fails is a BuildException naming
 * the class and what did not fit. */
package gust.jvm;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.storm.topology.BasicBoltExecutor;
import org.apache.storm.topology.IBasicBolt;

public final class FluxObjects {
    /* Never the start of Java serialization (0xACED). */
    static final byte[] MAGIC = "gust-flux-definition\n".getBytes(StandardCharsets.US_ASCII);

    /* What a Flux definition cannot be built from, with the reason. */
    public static final class BuildException extends Exception {
        private static final long serialVersionUID = 1L;
        /* the cause is an exception the user's code threw */
        public final boolean thrownByUserCode;

        BuildException(String message, Throwable cause) {
            this(message, cause, false);
        }

        BuildException(String message, Throwable cause, boolean thrownByUserCode) {
            super(message, cause);
            this.thrownByUserCode = thrownByUserCode;
        }
    }

    private final Map<Object, Object> componentDefs;
    private final Map<String, Object> built = new HashMap<>();
    private final List<String> building = new ArrayList<>();

    private FluxObjects(Map<Object, Object> componentDefs) {
        this.componentDefs = componentDefs;
    }

    public static boolean isDefinition(byte[] bytes) {
        return bytes.length >= MAGIC.length && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /* The spout or bolt the definition describes, newly built. */
    @SuppressWarnings("unchecked")
    public static Object build(byte[] bytes) throws BuildException {
        Map<Object, Object> top;
        try {
            int start = MAGIC.length;
            while (bytes[start] != '\n') { /* the class name line, for readers that look no further */
                start++;
            }
            start++;
            Wire.In in = new Wire.In(ByteBuffer.wrap(bytes, start, bytes.length - start).slice());
            top = (Map<Object, Object>) in.value();
        } catch (RuntimeException e) {
            throw new BuildException("the Flux definition is malformed: " + e, e);
        }
        Map<Object, Object> components = (Map<Object, Object>) top.get("components");
        FluxObjects builder = new FluxObjects(components == null ? Map.of() : components);
        Object instance = builder.object((Map<Object, Object>) top.get("definition"));
        /* as TopologyBuilder.setBolt(id, IBasicBolt) wraps it */
        return instance instanceof IBasicBolt ? new BasicBoltExecutor((IBasicBolt) instance) : instance;
    }

    @SuppressWarnings("unchecked")
    private Object object(Map<Object, Object> def) throws BuildException {
        String className = (String) def.get("className");
        Class<?> clazz;
        try {
            clazz = Class.forName(className, true, FluxObjects.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new BuildException("it is not on the class path (is it in the jar?)", e);
        }
        Object instance = instantiate(clazz, def);
        List<Object> properties = (List<Object>) def.get("properties");
        if (properties != null) {
            for (Object p : properties) {
                setProperty(clazz, instance, (Map<Object, Object>) p);
            }
        }
        List<Object> methods = (List<Object>) def.get("configMethods");
        if (methods != null) {
            for (Object m : methods) {
                Map<Object, Object> call = (Map<Object, Object>) m;
                String name = (String) call.get("name");
                List<Object> args = resolve((List<Object>) call.get("args"));
                Method method = compatibleMethod(clazz, name, args, false);
                if (method == null) {
                    throw new BuildException("it has no public method '" + name + "' taking " + describe(args)
                        + " (configMethods)", null);
                }
                Object[] values = coerce(args, method.getParameterTypes());
                invoke(name, () -> method.invoke(instance, values));
            }
        }
        return instance;
    }

    private interface Call {
        Object run() throws ReflectiveOperationException;
    }

    private static Object invoke(String what, Call call) throws BuildException {
        try {
            return call.run();
        } catch (InvocationTargetException e) {
            throw new BuildException(what + " threw " + e.getCause(), e.getCause(), true);
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            throw new BuildException(what + " cannot be called: " + e, e);
        }
    }

    @SuppressWarnings("unchecked")
    private Object instantiate(Class<?> clazz, Map<Object, Object> def) throws BuildException {
        String factory = (String) def.get("factory");
        if (def.containsKey("constructorArgs")) {
            List<Object> args = resolve((List<Object>) def.get("constructorArgs"));
            Constructor<?> found = null;
            for (Constructor<?> c : clazz.getDeclaredConstructors()) {
                if (fits(args, c.getParameterTypes())) {
                    found = c;
                }
            }
            if (found == null) {
                throw new BuildException("it has no constructor taking " + describe(args) + " (constructorArgs)",
                    null);
            }
            Constructor<?> con = found;
            Object[] values = coerce(args, con.getParameterTypes());
            return invoke("its constructor", () -> con.newInstance(values));
        }
        if (factory != null) {
            List<Object> args = resolve((List<Object>) def.get("factoryArgs"));
            Method method = compatibleMethod(clazz, factory, args, true);
            if (method == null) {
                throw new BuildException("it has no public static method '" + factory + "' taking "
                    + describe(args) + " (factory)", null);
            }
            Object[] values = coerce(args, method.getParameterTypes());
            return invoke(factory, () -> method.invoke(null, values));
        }
        try {
            Constructor<?> con = clazz.getDeclaredConstructor();
            return invoke("its constructor", () -> con.newInstance());
        } catch (NoSuchMethodException e) {
            throw new BuildException("it has no constructor without arguments (give constructorArgs or a factory)",
                e);
        }
    }

    @SuppressWarnings("unchecked")
    private void setProperty(Class<?> clazz, Object instance, Map<Object, Object> p) throws BuildException {
        String name = (String) p.get("name");
        Object value = p.containsKey("ref") ? component((String) p.get("ref")) : typed(p.get("value"));
        String setterName = "set" + name.substring(0, 1).toUpperCase() + name.substring(1);
        List<Object> args = new ArrayList<>();
        args.add(value);
        for (Method m : clazz.getMethods()) {
            if (m.getName().equals(setterName) && fits(args, m.getParameterTypes())) {
                Object[] values = coerce(args, m.getParameterTypes());
                invoke(setterName, () -> m.invoke(instance, values));
                return;
            }
        }
        try {
            Field field = clazz.getField(name);
            field.set(instance, value);
        } catch (NoSuchFieldException e) {
            throw new BuildException("it has neither a public setter '" + setterName + "' taking " + describe(args)
                + " nor a public field '" + name + "' (properties)", e);
        } catch (IllegalAccessException | IllegalArgumentException e) {
            throw new BuildException("its property '" + name + "' cannot be set: " + e, e);
        }
    }

    private static Method compatibleMethod(Class<?> clazz, String name, List<Object> args, boolean isStatic)
        throws BuildException {
        Method found = null;
        for (Method m : clazz.getMethods()) {
            if (m.getName().equals(name) && (!isStatic || Modifier.isStatic(m.getModifiers()))
                && fits(args, m.getParameterTypes())) {
                found = m;
            }
        }
        return found;
    }

    /* The arguments with {ref} and {reflist} replaced by components. */
    @SuppressWarnings("unchecked")
    private List<Object> resolve(List<Object> args) throws BuildException {
        List<Object> out = new ArrayList<>();
        if (args == null) {
            return out;
        }
        for (Object a : args) {
            if (a instanceof Map && ((Map<Object, Object>) a).size() == 1 && ((Map<Object, Object>) a).containsKey("ref")) {
                out.add(component((String) ((Map<Object, Object>) a).get("ref")));
            } else if (a instanceof Map && ((Map<Object, Object>) a).size() == 1
                && ((Map<Object, Object>) a).containsKey("reflist")) {
                List<Object> list = new ArrayList<>();
                for (Object id : (List<Object>) ((Map<Object, Object>) a).get("reflist")) {
                    list.add(component((String) id));
                }
                out.add(list);
            } else {
                out.add(typed(a));
            }
        }
        return out;
    }

    /* Integers as SnakeYAML reads them: Integer when they fit. */
    @SuppressWarnings("unchecked")
    private static Object typed(Object v) {
        if (v instanceof Long && (Long) v == ((Long) v).intValue()) {
            return ((Long) v).intValue();
        }
        if (v instanceof List) {
            List<Object> out = new ArrayList<>();
            for (Object item : (List<Object>) v) {
                out.add(typed(item));
            }
            return out;
        }
        if (v instanceof Map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<Object, Object> e : ((Map<Object, Object>) v).entrySet()) {
                out.put(e.getKey(), typed(e.getValue()));
            }
            return out;
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private Object component(String id) throws BuildException {
        if (built.containsKey(id)) {
            return built.get(id);
        }
        Object def = componentDefs.get(id);
        if (def == null) {
            throw new BuildException("no component '" + id + "' is defined (ref)", null);
        }
        if (building.contains(id)) {
            throw new BuildException("component '" + id + "' refers to itself through " + building, null);
        }
        building.add(id);
        try {
            Object instance = object((Map<Object, Object>) def);
            built.put(id, instance);
            return instance;
        } catch (BuildException e) {
            throw new BuildException("component '" + id + "' (class " + ((Map<Object, Object>) def).get("className")
                + ") cannot be built: " + e.getMessage(), e.getCause(), e.thrownByUserCode);
        } finally {
            building.remove(id);
        }
    }

    private static boolean fits(List<Object> args, Class<?>[] types) throws BuildException {
        if (types.length != args.size()) {
            return false;
        }
        for (int i = 0; i < types.length; i++) {
            Object a = args.get(i);
            if (a == null) {
                throw new BuildException("argument " + i + " is null", null);
            }
            Class<?> t = types[i];
            Class<?> at = a.getClass();
            boolean ok = t.isAssignableFrom(at) || (t == boolean.class && a instanceof Boolean)
                || ((t.isPrimitive() && t != boolean.class || Number.class.isAssignableFrom(t)) && a instanceof Number)
                || (t.isEnum() && a instanceof String) || (t.isArray() && a instanceof List);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object[] coerce(List<Object> args, Class<?>[] types) throws BuildException {
        Object[] out = new Object[args.size()];
        for (int i = 0; i < out.length; i++) {
            Object a = args.get(i);
            Class<?> t = types[i];
            if (t.isInstance(a) || (t == boolean.class && a instanceof Boolean)) {
                out[i] = a;
            } else if (a instanceof Number && (t.isPrimitive() || Number.class.isAssignableFrom(t))) {
                out[i] = number((Number) a, t);
            } else if (t.isEnum() && a instanceof String) {
                try {
                    out[i] = Enum.valueOf((Class<? extends Enum>) t, (String) a);
                } catch (IllegalArgumentException e) {
                    throw new BuildException("'" + a + "' is not a constant of enum " + t.getName() + " (one of "
                        + Arrays.toString(t.getEnumConstants()) + ")", e);
                }
            } else if (t.isArray() && a instanceof List) {
                List<Object> list = (List<Object>) a;
                Object array = Array.newInstance(t.getComponentType(), list.size());
                for (int j = 0; j < list.size(); j++) {
                    Object item = list.get(j);
                    Class<?> ct = t.getComponentType();
                    if (item instanceof Number && (ct.isPrimitive() || Number.class.isAssignableFrom(ct))) {
                        item = number((Number) item, ct);
                    }
                    try {
                        Array.set(array, j, item);
                    } catch (IllegalArgumentException e) {
                        throw new BuildException("list item " + item + " does not fit an array of " + ct.getName(), e);
                    }
                }
                out[i] = array;
            } else {
                out[i] = a;
            }
        }
        return out;
    }

    private static Object number(Number n, Class<?> t) {
        if (t == float.class || t == Float.class) {
            return n.floatValue();
        } else if (t == double.class || t == Double.class) {
            return n.doubleValue();
        } else if (t == long.class || t == Long.class) {
            return n.longValue();
        } else if (t == int.class || t == Integer.class) {
            return n.intValue();
        } else if (t == short.class || t == Short.class) {
            return n.shortValue();
        } else if (t == byte.class || t == Byte.class) {
            return n.byteValue();
        }
        return n;
    }

    private static String describe(List<Object> args) {
        List<String> parts = new ArrayList<>();
        for (Object a : args) {
            if (a == null) {
                parts.add("null");
            } else if (a instanceof String || a instanceof Number || a instanceof Boolean) {
                parts.add(a.getClass().getSimpleName() + " " + a);
            } else if (a instanceof List) {
                parts.add("a list of " + ((List<?>) a).size());
            } else {
                parts.add(a.getClass().getName());
            }
        }
        return args.isEmpty() ? "no arguments" : "(" + String.join(", ", parts) + ")";
    }
}
