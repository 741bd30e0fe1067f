/* Values across the boundary: a spout emits a user's own Serializable
 * class, a JDK map and list, an Integer, a float, bytes, null and a
 * string that is not ASCII; a bolt checks each arrives as it should (the
 * POJO as itself, the Integer as a Long, getValues() a list it may add
 * to) and prints one line per tuple it checked.  (A JVM that fails
 * under a topology: JvmFailureTopology.) */
package gust.tests;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.storm.StormSubmitter;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.topology.base.BaseRichSpout;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;

public class ValuesTopology {
    public static final class Point implements Serializable {
        private static final long serialVersionUID = 7L;
        final int x;
        final int y;

        Point(int x, int y) {
            this.x = x;
            this.y = y;
        }
    }

    public static class Source extends BaseRichSpout {
        private static final long serialVersionUID = 1L;
        private transient SpoutOutputCollector collector;
        private int n;

        @Override
        public void open(Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
            this.collector = collector;
        }

        @Override
        public void nextTuple() {
            if (n >= 50) {
                return;
            }
            Map<String, Object> map = new TreeMap<>();
            map.put("n", n);
            map.put("name", "p" + n);
            collector.emit(new Values(new Point(n, 2 * n), map, Arrays.asList("a", n), n, 0.5f,
                new byte[] {1, 2, (byte) n}, null, text(n)), n);
            n++;
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("point", "map", "list", "int", "float", "bytes", "nothing", "text"));
        }
    }

    /* Not ASCII: Latin-1, other BMP letters and a character beyond it (a surrogate pair in Java). */
    static String text(long n) {
        return "p" + n + " caf\u00e9 \u017c\u00f3\u0142w \uD83D\uDC22";
    }

    public static class Check extends BaseBasicBolt {
        private static final long serialVersionUID = 1L;
        @Override
        public void execute(Tuple t, BasicOutputCollector collector) {
            Point p = (Point) t.getValueByField("point");
            Map<?, ?> map = (Map<?, ?>) t.getValueByField("map");
            List<?> list = (List<?>) t.getValueByField("list");
            long n = (Long) t.getValueByField("int");
            boolean ok = p.x == n && p.y == 2 * n && map.get("n").equals(n) && map.get("name").equals("p" + n)
                && list.get(0).equals("a") && list.get(1).equals(n) && t.getInteger(3) == (int) n
                && t.getDouble(4) == 0.5 && Arrays.equals(t.getBinary(5), new byte[] {1, 2, (byte) n})
                && t.getValue(6) == null && t.getStringByField("text").equals(text(n)) && valuesGrow(t);
            System.out.println("checked " + n + " " + (ok ? "ok" : "WRONG " + t));
        }

        /* A bolt may take getValues() and add to it (to emit the tuple
         * with one more field, say), as Storm's lists allow. */
        private static boolean valuesGrow(Tuple t) {
            List<Object> values = t.getValues();
            values.add("extra");
            return values.size() == 9;
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
        }
    }

    public static void main(String[] args) throws Exception {
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout("source", new Source());
        builder.setBolt("check", new Check(), 2).shuffleGrouping("source");
        Map<String, Object> conf = new java.util.HashMap<>();
        StormSubmitter.submitTopology("values", conf, builder.createTopology());
    }
}
