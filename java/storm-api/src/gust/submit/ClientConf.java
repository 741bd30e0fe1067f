/* The configuration a submitting main sees, as Storm's Utils reads it:
 *   - the client conf: Storm's defaults < storm.yaml (or --config FILE) <
 *     -c options.  `gust jar` reads it (the same reader as every gust
 *     cluster command) and passes it as JSON in the environment variable
 *     GUST_CLIENT_CONF (not on the command line, where any user could
 *     read it); without it (a JVM started by hand) only Storm's
 *     defaults for reaching Nimbus apply, with the -c options on top;
 *   - the command-line options: system property storm.options, as
 *     `storm jar` passes them: comma-separated URL-encoded KEY=VALUE
 *     items, each VALUE JSON when it parses as JSON, else the text. */
package gust.submit;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public final class ClientConf {
    public static final String CLIENT_CONF_VARIABLE = "GUST_CLIENT_CONF";
    public static final String OPTIONS_PROPERTY = "storm.options";
    public static final String JAR_PROPERTY = "storm.jar";

    private ClientConf() {
    }

    /* The -c options of `gust jar` / `storm jar`. */
    public static Map<String, Object> commandLineOptions() {
        Map<String, Object> options = new LinkedHashMap<>();
        String text = System.getProperty(OPTIONS_PROPERTY);
        if (text == null || text.isEmpty()) {
            return options;
        }
        /* A comma inside a JSON list or object is not a separator (Storm's
         * storm.cmd does not URL-encode). */
        for (String item : splitOutsideBrackets(text)) {
            String decoded = URLDecoder.decode(item, StandardCharsets.UTF_8);
            int eq = decoded.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String value = decoded.substring(eq + 1);
            Object parsed;
            try {
                parsed = Json.parse(value);
            } catch (IllegalArgumentException e) {
                parsed = value;
            }
            options.put(decoded.substring(0, eq), parsed);
        }
        return options;
    }

    private static List<String> splitOutsideBrackets(String text) {
        List<String> items = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '[' || c == '{') {
                depth++;
            } else if ((c == ']' || c == '}') && depth > 0) {
                depth--;
            } else if (c == ',' && depth == 0) {
                items.add(text.substring(start, i));
                start = i + 1;
            }
        }
        items.add(text.substring(start));
        return items;
    }

    /* The client conf: where Nimbus is and how to talk to it. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> read() {
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put("nimbus.seeds", List.of("localhost"));
        conf.put("nimbus.thrift.port", 6627L);
        conf.put("nimbus.thrift.max_buffer_size", 1048576L);
        conf.put("storm.thrift.socket.timeout.ms", 600000L);
        String passed = System.getenv(CLIENT_CONF_VARIABLE);
        if (passed != null && !passed.isEmpty()) {
            Object parsed;
            try {
                parsed = Json.parse(passed);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("environment variable " + CLIENT_CONF_VARIABLE + ": " + e.getMessage());
            }
            if (!(parsed instanceof Map)) {
                throw new IllegalArgumentException("environment variable " + CLIENT_CONF_VARIABLE + " is not a JSON object");
            }
            conf.putAll((Map<String, Object>) parsed);
        }
        conf.putAll(commandLineOptions());
        return conf;
    }
}
