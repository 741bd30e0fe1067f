/* The JVM host's wire format, shared with compat/jvm/jvm_wire.c.
 *
 * A frame is a little-endian u32 byte count and that many bytes: a batch
 * of records, each a one-byte kind and its fields (integers little-endian,
 * strings as u32 length + UTF-8).  Every frame gust sends a task is
 * answered by one frame.  Values are the engine's: null, booleans, i64,
 * f64, strings, bytes, lists, maps.  Integer, Short and Byte travel as
 * i64 and Float as f64; any other Serializable value travels as its Java
 * serialization, bytes that begin with Java's stream header (AC ED 00 05),
 * and is deserialized again when a Java task receives it.  A task's
 * answer acks inputs of consecutive ids as one ACK_RUN record (first id
 * u64, count u32), written after the emits anchored to them.  Emits on a
 * stream nobody subscribes to (OPEN says which) are not written, only
 * counted per stream in UNROUTED records (stream i32, count u32).  Runs
 * travel short: a TUPLE_NEXT is the tuple after the frame's record before
 * it (id one more, same source task and stream), an EMIT_AGAIN an emit
 * like the EMIT before it in the frame (same stream, direct task, key and
 * anchors); each carries only its values.  The record kinds and their
 * fields are listed in compat/jvm/jvm_private.h. */
package gust.jvm;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.storm.utils.Utils;

public final class Wire {
    /* value tags */
    static final int V_NULL = 0, V_FALSE = 1, V_TRUE = 2, V_I64 = 3, V_F64 = 4, V_STR = 5, V_BYTES = 6,
        V_LIST = 7, V_MAP = 8;
    /* gust -> task */
    static final int OPEN = 'O', TUPLE = 'T', TUPLE_NEXT = 'P', NEXT = 'N', SPOUT_ACK = 'A', SPOUT_FAIL = 'F',
        ACTIVATE = 'a', DEACTIVATE = 'd', CLOSE = 'C', FLUSH = 'f';
    /* task -> gust */
    static final int READY = 'K', OPEN_FAILED = 'X', EMIT = 'E', EMIT_AGAIN = 'e', ACK = 'A', FAIL = 'F',
        ERROR = 'R', METRIC = 'M', RESET_TIMEOUT = 't', TASK_IDS_QUERY = 'W', ACK_RUN = 'B', UNROUTED = 'U',
        LOCAL_EMITS = 'l', LOCAL_COUNTS = 'L', ACK_FAILED_TREE = 'G';
    /* gust -> task, in the middle of a call: the answer to TASK_IDS_QUERY */
    static final int TASK_IDS = 'w';

    private Wire() {
    }

    /* little-endian ints in a byte array */
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);

    /* A growable little-endian output buffer. */
    public static final class Out {
        ByteBuffer buf;

        public Out() {
            this(1 << 16);
        }

        Out(int capacity) {
            buf = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
        }

        void room(int n) {
            if (buf.remaining() < n) {
                grow(n);
            }
        }

        /* Apart from room(), which every write calls, so that the JIT
         * compiler inlines only the check into each writer, not the copy:
         * with the copy (then a ByteBuffer put) in room(), compiling the
         * writers inlined it again and again, and one compile took 10-20 MB
         * of native memory for a moment, the JVM's peak RSS in about one
         * run in five of the Java WordCount. */
        private void grow(int n) {
            int at = buf.position();
            int cap = buf.capacity();
            while (cap - at < n) {
                cap *= 2;
            }
            buf = ByteBuffer.wrap(Arrays.copyOf(buf.array(), cap)).order(ByteOrder.LITTLE_ENDIAN).position(at);
        }

        public void u8(int v) {
            room(1);
            buf.put((byte) v);
        }

        public void i32(int v) {
            room(4);
            buf.putInt(v);
        }

        public void i64(long v) {
            room(8);
            buf.putLong(v);
        }

        public void f64(double v) {
            room(8);
            buf.putDouble(v);
        }

        public void bytes(byte[] b) {
            i32(b.length);
            room(b.length);
            buf.put(b);
        }

        public void str(String s) {
            string(s, false);
        }

        /* A record's kind and a count, with one bounds check. */
        void kindAndCount(int kind, int n) {
            room(5);
            int at = buf.position();
            byte[] a = buf.array();
            a[at] = (byte) kind;
            INT_LE.set(a, at + 1, n);
            buf.position(at + 5);
        }

        /* A string's length and bytes, after V_STR when tagged (a value),
         * with one bounds check: ASCII (the common case) is copied a char a
         * byte straight into the array, checked as it goes; anything else
         * is encoded as UTF-8. */
        private void string(String s, boolean tagged) {
            int n = s.length();
            int head = tagged ? 5 : 4;
            room(head + 3 * n);
            byte[] a = buf.array();
            int at = buf.position();
            if (tagged) {
                a[at] = (byte) V_STR;
            }
            int p = at + head;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    byte[] b = s.getBytes(StandardCharsets.UTF_8);
                    System.arraycopy(b, 0, a, at + head, b.length);
                    INT_LE.set(a, at + head - 4, b.length);
                    buf.position(at + head + b.length);
                    return;
                }
                a[p++] = (byte) c;
            }
            INT_LE.set(a, at + head - 4, n);
            buf.position(p);
        }

        public void value(Object v) {
            if (v == null) {
                u8(V_NULL);
            } else if (v instanceof String) {
                string((String) v, true);
            } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
                u8(V_I64);
                i64(((Number) v).longValue());
            } else if (v instanceof Double || v instanceof Float) {
                u8(V_F64);
                f64(((Number) v).doubleValue());
            } else if (v instanceof Boolean) {
                u8((Boolean) v ? V_TRUE : V_FALSE);
            } else if (v instanceof byte[]) {
                u8(V_BYTES);
                bytes((byte[]) v);
            } else if (v instanceof List && isPlainList(v)) {
                List<?> list = (List<?>) v;
                u8(V_LIST);
                i32(list.size());
                for (Object item : list) {
                    value(item);
                }
            } else if (v instanceof Map && isPlainMap(v)) {
                Map<?, ?> map = (Map<?, ?>) v;
                u8(V_MAP);
                i32(map.size());
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    value(e.getKey());
                    value(e.getValue());
                }
            } else {
                u8(V_BYTES);
                bytes(Utils.javaSerialize(v));
            }
        }

        /* A value written as it is, without asking anybody anything. */
        static boolean isScalar(Object v) {
            return v == null || v instanceof String || v instanceof Long || v instanceof Integer || v instanceof Short
                || v instanceof Byte || v instanceof Double || v instanceof Float || v instanceof Boolean
                || v instanceof byte[];
        }

        /* Lists and maps of the JDK travel as engine values; a user's own
         * subclass keeps its class by Java serialization. */
        private static boolean isPlainList(Object v) {
            return v.getClass().getName().startsWith("java.util.") || v instanceof org.apache.storm.tuple.Values
                || v instanceof TaskIdList;
        }

        private static boolean isPlainMap(Object v) {
            return v.getClass().getName().startsWith("java.util.") || v instanceof org.apache.storm.Config;
        }

        public int size() {
            return buf.position();
        }

        public void clear() {
            buf.clear();
        }
    }

    /* Strings a task received lately, by their bytes: a task that receives
     * the same short strings again and again (words, keys) gets the same
     * String back instead of a new one, with its hash already computed.
     * Direct-mapped, one task's thread only.  A string is known by its
     * length and two words of its bytes, read a word at a time: its first
     * and last 8 bytes (4 bytes each when shorter than 8, all its bytes
     * when shorter than 4).  Up to 16 bytes, they are all of its bytes;
     * a longer one is also compared byte by byte, and 8 bytes from its
     * middle go into its slot too. */
    static final class Strings {
        static final int SLOTS = 1024, LONGEST = 64, WHOLLY_KNOWN = 16;
        final int[] lengths = new int[SLOTS];
        final long[] firsts = new long[SLOTS], lasts = new long[SLOTS];
        final byte[][] bytes = new byte[SLOTS][]; /* of strings longer than WHOLLY_KNOWN */
        final String[] strings = new String[SLOTS];

        String get(byte[] a, int at, int n) {
            long first, last;
            if (n >= 8) {
                first = (long) LONG_LE.get(a, at);
                last = (long) LONG_LE.get(a, at + n - 8);
            } else if (n >= 4) {
                first = (int) INT_LE.get(a, at) & 0xffffffffL;
                last = (int) INT_LE.get(a, at + n - 4) & 0xffffffffL;
            } else {
                first = 0;
                for (int i = at; i < at + n; i++) {
                    first = first << 8 | (a[i] & 0xff);
                }
                last = 0;
            }
            long x = first ^ Long.rotateLeft(last, 23) ^ n;
            if (n > WHOLLY_KNOWN) {
                x ^= Long.rotateLeft((long) LONG_LE.get(a, at + n / 2 - 4), 47);
            }
            int slot = (int) ((x * 0x9E3779B97F4A7C15L) >>> 54); /* SLOTS = 2^10 */
            String s = strings[slot];
            if (s != null && lengths[slot] == n && firsts[slot] == first && lasts[slot] == last
                && (n <= WHOLLY_KNOWN || Arrays.equals(bytes[slot], 0, n, a, at, at + n))) {
                return s;
            }
            s = new String(a, at, n, StandardCharsets.UTF_8);
            strings[slot] = s;
            lengths[slot] = n;
            firsts[slot] = first;
            lasts[slot] = last;
            bytes[slot] = n > WHOLLY_KNOWN ? Arrays.copyOfRange(a, at, at + n) : null;
            return s;
        }
    }

    /* Reading one frame's records, from a byte array; reading past the
     * frame's end throws BufferUnderflowException. */
    public static final class In {
        private final byte[] a;
        private int pos;
        private final int end;
        final Strings strings; /* null: every string is new */

        In(ByteBuffer buf) {
            this(buf, null);
        }

        /* The bytes between buf's position and limit. */
        In(ByteBuffer buf, Strings strings) {
            this.a = buf.array();
            this.pos = buf.arrayOffset() + buf.position();
            this.end = buf.arrayOffset() + buf.limit();
            this.strings = strings;
        }

        private int take(int n) {
            int at = pos;
            if (n > end - at) {
                throw new BufferUnderflowException();
            }
            pos = at + n;
            return at;
        }

        boolean more() {
            return pos < end;
        }

        int u8() {
            return a[take(1)] & 0xff;
        }

        /* The next byte, left unread. */
        int peek() {
            if (pos >= end) {
                throw new BufferUnderflowException();
            }
            return a[pos] & 0xff;
        }

        int i32() {
            return (int) INT_LE.get(a, take(4));
        }

        long i64() {
            return (long) LONG_LE.get(a, take(8));
        }

        int count() {
            int n = i32();
            if (n < 0 || n > end - pos) {
                throw new IllegalStateException("count " + n + " is larger than the frame");
            }
            return n;
        }

        /* A count and that many bytes. */
        byte[] bytes() {
            int n = count();
            int at = take(n);
            return Arrays.copyOfRange(a, at, at + n);
        }

        String str() {
            int n = count();
            int at = take(n);
            return strings != null && n <= Strings.LONGEST ? strings.get(a, at, n)
                : new String(a, at, n, StandardCharsets.UTF_8);
        }

        Object value() {
            int tag = u8();
            switch (tag) {
                case V_NULL:
                    return null;
                case V_FALSE:
                    return Boolean.FALSE;
                case V_TRUE:
                    return Boolean.TRUE;
                case V_I64:
                    return i64();
                case V_F64:
                    return Double.longBitsToDouble(i64());
                case V_STR:
                    return str();
                case V_BYTES: {
                    byte[] b = bytes();
                    return isJavaSerialized(b) ? javaObject(b) : b;
                }
                case V_LIST: {
                    int n = count();
                    List<Object> list = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        list.add(value());
                    }
                    return list;
                }
                case V_MAP: {
                    int n = count();
                    Map<Object, Object> map = new LinkedHashMap<>();
                    for (int i = 0; i < n; i++) {
                        Object k = value();
                        map.put(k, value());
                    }
                    return map;
                }
                default:
                    throw new IllegalStateException("unknown value tag " + tag);
            }
        }
    }

    static boolean isJavaSerialized(byte[] b) {
        return b.length > 4 && (b[0] & 0xff) == 0xAC && (b[1] & 0xff) == 0xED && b[2] == 0 && b[3] == 5;
    }

    static Object javaObject(byte[] b) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b)) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                return Class.forName(desc.getName(), false, Thread.currentThread().getContextClassLoader());
            }
        }) {
            return in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot deserialize a Java value of a tuple: " + e, e);
        }
    }
}
