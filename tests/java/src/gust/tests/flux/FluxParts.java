/* Classes a Flux file names (tests/tools/test_gust_jar_flux.py), each
 * reachable only the way Flux builds objects:
 *   WordSpout     constructorArgs (a list -> String[]), public field
 *                 `limit` (properties), reliable, reports at close;
 *   Decorator     no public constructor: the static factory create(suffix)
 *                 (factory, factoryArgs), setMode(Mode) given a string
 *                 (properties, enum), addPrefix (configMethods);
 *   DecorateBolt  constructorArgs {ref: decorator}; configMethod also(...)
 *                 with a {reflist} (List -> Decorator[]); emits each
 *                 word once per decorator, anchored;
 *   CountBolt     a basic bolt; prints its total and distinct words.
 * Everything printed goes to the run's standard output. */
package gust.tests.flux;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.topology.base.BaseRichBolt;
import org.apache.storm.topology.base.BaseRichSpout;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;

public final class FluxParts {
    private FluxParts() {
    }

    public enum Mode {
        UPPER, LOWER
    }

    public static class WordSpout extends BaseRichSpout {
        private static final long serialVersionUID = 1L;
        public int limit; /* a Flux property without a setter */
        private final String[] words;
        private transient SpoutOutputCollector collector;
        private long emitted;
        private long acked;
        private long failed;

        public WordSpout(String[] words) {
            this.words = words;
        }

        @Override
        public void open(Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
            this.collector = collector;
        }

        @Override
        public void nextTuple() {
            if (emitted < limit) {
                collector.emit(new Values(words[(int) (emitted % words.length)]), emitted);
                emitted++;
            }
        }

        @Override
        public void ack(Object id) {
            acked++;
        }

        @Override
        public void fail(Object id) {
            failed++;
        }

        @Override
        public void close() {
            System.out.println("flux spout: emitted " + emitted + " acked " + acked + " failed " + failed);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("word"));
        }
    }

    public static final class Decorator implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String suffix;
        private Mode mode = Mode.LOWER;
        private String prefix = "";

        private Decorator(String suffix) {
            this.suffix = suffix;
        }

        public static Decorator create(String suffix) {
            return new Decorator(suffix);
        }

        public void setMode(Mode mode) {
            this.mode = mode;
        }

        public void addPrefix(String more) {
            prefix = prefix + more;
        }

        String decorate(String word) {
            String w = mode == Mode.UPPER ? word.toUpperCase(Locale.ROOT) : word.toLowerCase(Locale.ROOT);
            return prefix + w + suffix;
        }
    }

    public static class DecorateBolt extends BaseRichBolt {
        private static final long serialVersionUID = 1L;
        private final List<Decorator> decorators = new ArrayList<>();
        private transient OutputCollector collector;

        public DecorateBolt(Decorator decorator) {
            decorators.add(decorator);
        }

        public void also(Decorator[] more) {
            decorators.addAll(List.of(more));
        }

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context, OutputCollector collector) {
            this.collector = collector;
        }

        @Override
        public void execute(Tuple input) {
            for (Decorator d : decorators) {
                collector.emit(input, new Values(d.decorate(input.getString(0))));
            }
            collector.ack(input);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("decorated"));
        }
    }

    public static class CountBolt extends BaseBasicBolt {
        private static final long serialVersionUID = 1L;
        private transient TreeSet<String> distinct;
        private transient String name;
        private long total;

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context) {
            distinct = new TreeSet<>();
            name = context.getThisComponentId();
        }

        @Override
        public void execute(Tuple input, BasicOutputCollector collector) {
            distinct.add(input.getString(0));
            total++;
        }

        @Override
        public void cleanup() {
            System.out.println("flux count " + name + ": total " + total + " words " + distinct);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
        }
    }
}
