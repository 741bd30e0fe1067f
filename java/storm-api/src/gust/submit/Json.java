/* The JSON a submission needs: the topology conf StormSubmitter sends as
 * jsonConf and a component's json_conf (written), the client conf `gust
 * jar` passes in and the -c values in storm.options (read).  Objects read
 * as LinkedHashMap, arrays as ArrayList, integers as Long, other numbers as
 * Double, as Storm's JSON reader gives them. */
package gust.submit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public final class Json {
    private Json() {
    }

    /* IllegalArgumentException naming the value that is not JSON. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value);
        return out.toString();
    }

    private static void write(StringBuilder out, Object v) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof String || v instanceof Character) {
            string(out, v.toString());
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short
            || v instanceof Byte) {
            out.append(v);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("the number " + v + " is not JSON");
            }
            out.append(v);
        } else if (v instanceof Map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!(e.getKey() instanceof String)) {
                    throw new IllegalArgumentException("the key " + e.getKey() + " is not a string");
                }
                out.append(first ? "" : ",");
                first = false;
                string(out, (String) e.getKey());
                out.append(':');
                write(out, e.getValue());
            }
            out.append('}');
        } else if (v instanceof Collection || v instanceof Object[]) {
            Collection<?> items = v instanceof Collection ? (Collection<?>) v : List.of((Object[]) v);
            out.append('[');
            boolean first = true;
            for (Object item : items) {
                out.append(first ? "" : ",");
                first = false;
                write(out, item);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("a " + v.getClass().getName() + " (" + v + ") is not JSON");
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
            case '"': out.append("\\\""); break;
            case '\\': out.append("\\\\"); break;
            case '\n': out.append("\\n"); break;
            case '\r': out.append("\\r"); break;
            case '\t': out.append("\\t"); break;
            default:
                if (c < 0x20) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        out.append('"');
    }

    /* IllegalArgumentException with the offset of what is not JSON. */
    public static Object parse(String text) {
        Reader r = new Reader(text);
        Object v = r.value();
        r.space();
        if (r.at < text.length()) {
            throw r.bad("text after the value");
        }
        return v;
    }

    private static final class Reader {
        final String s;
        int at;

        Reader(String s) {
            this.s = s;
        }

        IllegalArgumentException bad(String what) {
            return new IllegalArgumentException("not JSON at offset " + at + ": " + what);
        }

        void space() {
            while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
                at++;
            }
        }

        boolean take(String word) {
            if (s.startsWith(word, at)) {
                at += word.length();
                return true;
            }
            return false;
        }

        Object value() {
            space();
            if (at >= s.length()) {
                throw bad("a value is missing");
            }
            char c = s.charAt(at);
            if (c == '{') {
                at++;
                Map<String, Object> m = new LinkedHashMap<>();
                space();
                if (take("}")) {
                    return m;
                }
                do {
                    space();
                    if (at >= s.length() || s.charAt(at) != '"') {
                        throw bad("a key must be a string");
                    }
                    String key = str();
                    space();
                    if (!take(":")) {
                        throw bad("':' expected");
                    }
                    m.put(key, value());
                    space();
                } while (take(","));
                if (!take("}")) {
                    throw bad("'}' expected");
                }
                return m;
            }
            if (c == '[') {
                at++;
                List<Object> l = new ArrayList<>();
                space();
                if (take("]")) {
                    return l;
                }
                do {
                    l.add(value());
                    space();
                } while (take(","));
                if (!take("]")) {
                    throw bad("']' expected");
                }
                return l;
            }
            if (c == '"') {
                return str();
            }
            if (take("true")) {
                return Boolean.TRUE;
            }
            if (take("false")) {
                return Boolean.FALSE;
            }
            if (take("null")) {
                return null;
            }
            return number();
        }

        String str() {
            at++;
            StringBuilder b = new StringBuilder();
            while (at < s.length()) {
                char c = s.charAt(at++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                if (at >= s.length()) {
                    break;
                }
                char e = s.charAt(at++);
                switch (e) {
                case 'n': b.append('\n'); break;
                case 't': b.append('\t'); break;
                case 'r': b.append('\r'); break;
                case 'b': b.append('\b'); break;
                case 'f': b.append('\f'); break;
                case 'u':
                    if (at + 4 > s.length()) {
                        throw bad("a short \\u escape");
                    }
                    b.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
                    at += 4;
                    break;
                default: b.append(e);
                }
            }
            throw bad("an unterminated string");
        }

        Object number() {
            int start = at;
            while (at < s.length() && "+-0123456789.eE".indexOf(s.charAt(at)) >= 0) {
                at++;
            }
            String n = s.substring(start, at);
            if (n.isEmpty()) {
                throw bad("unexpected '" + s.charAt(at) + "'");
            }
            try {
                if (n.matches("-?[0-9]+")) {
                    return Long.parseLong(n);
                }
                return Double.parseDouble(n);
            } catch (NumberFormatException e) {
                at = start;
                throw bad("'" + n + "' is not a number");
            }
        }
    }
}
