/* Recognizing tick tuples and asking for them. */
package org.apache.storm.utils;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.storm.Config;
import org.apache.storm.Constants;
import org.apache.storm.tuple.Tuple;

public final class TupleUtils {
    private TupleUtils() {
    }

    public static boolean isTick(Tuple tuple) {
        return tuple != null && Constants.SYSTEM_COMPONENT_ID.equals(tuple.getSourceComponent())
            && Constants.SYSTEM_TICK_STREAM_ID.equals(tuple.getSourceStreamId());
    }

    /* The index, among numTasks, that a tuple with these key values goes to
     * by Storm's own hash of them (the deep hash of the list's elements; 1
     * for no list): what a custom grouping uses to spread keys as Storm's
     * fields grouping does. */
    public static <T> int chooseTaskIndex(List<T> keys, int numTasks) {
        int hash = keys == null ? 1 : Arrays.deepHashCode(keys.toArray());
        return Math.floorMod(hash, numTasks);
    }

    public static Map<String, Object> putTickFrequencyIntoComponentConfig(Map<String, Object> conf, int tickFreqSecs) {
        if (conf == null) {
            conf = new Config();
        }
        if (tickFreqSecs > 0) {
            conf.put(Config.TOPOLOGY_TICK_TUPLE_FREQ_SECS, tickFreqSecs);
        }
        return conf;
    }
}
