/* Java bolts fed by Java bolts only, which gust routes in the JVM (local
 * routes), with everything that decides when a spout tuple is acked:
 *
 *   numbers (RecordingSpout): reliable emits of 0..N-1
 *   relay   (Java rich bolt, 2 tasks): emits [n, n % 13] anchored, acks
 *           n; prints the task ids an emit returned that are not one task
 *           of each consumer ("relay: bad receivers ...")
 *   mid     (VARIANT "chain" only: Java rich bolt, 3 tasks, shuffle from
 *           relay): passes the tuple on as relay does; sink and tally
 *           then subscribe to mid instead
 *   ping, pong (VARIANT "cycle" only: Java rich bolts in a loop): ping
 *           sends relay's tuples to pong, pong sends them back, and ping
 *           then passes them to sink and tally; a loop stays routed by
 *           gust (the emitting thread runs its consumer), sink and tally
 *           are still fed inside the JVM
 *   sink    (Java rich bolt, 3 tasks, fields grouping on key): fails
 *           n % 5 == 0; throws for n % 11 == 0 ("boom at n"); holds
 *           n % 7 == 0 and acks what it holds on its next tick tuple (its
 *           own thread, after the relay's call ended); acks the rest; at
 *           cleanup prints the keys it saw ("sink task T keys [...]")
 *   tally   (Java basic bolt, 2 tasks, shuffle given as Storm's Thrift
 *           Grouping): counts; prints its count ("tally task T counted C")
 *
 * Task 0 of relay (and mid) prints its targets, sink its input fields and
 * tally its sources, as TopologyContext tells them.
 *
 * Arguments: N RELIABILITY [LOCAL [VARIANT]] (LOCAL:
 * topology.gust.jvm.local.routing, true by default).  A spout tuple is
 * acked only when both consumers acked its copy; failed when sink failed
 * it or threw.  VARIANT "thread": relay emits and acks from a thread of
 * its own (after execute returned); "keep": sink never acks what it holds
 * (the message timeout is then 4 s); "chain": relay feeds mid, which feeds
 * sink and tally; "cycle": relay feeds the ping-pong loop, whose ping
 * feeds sink and tally. */
package gust.tests;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.storm.Config;
import org.apache.storm.StormSubmitter;
import org.apache.storm.generated.GlobalStreamId;
import org.apache.storm.generated.Grouping;
import org.apache.storm.generated.NullStruct;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.topology.base.BaseRichBolt;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;
import org.apache.storm.utils.TupleUtils;

public class LocalRoutesTopology {
    public static class Relay extends BaseRichBolt {
        private static final long serialVersionUID = 1L;
        private final boolean ownThread;
        private final String[] consumers;
        private transient OutputCollector collector;
        private transient TopologyContext context;
        private transient ExecutorService thread;

        public Relay(boolean ownThread, String... consumers) {
            this.ownThread = ownThread;
            this.consumers = consumers;
        }

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context, OutputCollector collector) {
            this.collector = collector;
            this.context = context;
            this.thread = ownThread ? Executors.newSingleThreadExecutor() : null;
            if (context.getThisTaskIndex() == 0) {
                TreeMap<String, String> targets = new TreeMap<>();
                for (Map.Entry<String, Map<String, Grouping>> s : context.getThisTargets().entrySet()) {
                    for (Map.Entry<String, Grouping> c : s.getValue().entrySet()) {
                        targets.put(s.getKey() + ">" + c.getKey(), describe(c.getValue()));
                    }
                }
                System.out.println(context.getThisComponentId() + " targets " + targets);
            }
        }

        @Override
        public void execute(Tuple input) {
            if (thread != null) {
                thread.execute(() -> relay(input));
            } else {
                relay(input);
            }
        }

        @Override
        public void cleanup() {
            if (thread != null) {
                thread.shutdown();
            }
        }

        private void relay(Tuple input) {
            long n = input.getLongByField("n");
            List<Integer> receivers = collector.emit(input, new Values(n, n % 13));
            boolean right = receivers.size() == consumers.length;
            for (String consumer : consumers) {
                List<Integer> tasks = context.getComponentTasks(consumer);
                right &= receivers.stream().filter(tasks::contains).count() == 1;
            }
            if (!right) {
                System.out.println(context.getThisComponentId() + ": bad receivers " + receivers + " for " + n);
            }
            collector.ack(input);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("n", "key"));
        }
    }

    /* A grouping as "shuffle", "fields[key]", ... */
    static String describe(Grouping g) {
        return g.getSetField().getFieldName() + (g.is_set_fields() ? g.get_fields().toString() : "");
    }

    /* ping (back false): relay's tuples go to pong on stream "out", what
     * comes back on "back" goes on on "default"; pong (back true): what
     * comes goes back on "back". */
    public static class Loop extends BaseRichBolt {
        private static final long serialVersionUID = 1L;
        private final boolean back;
        private transient OutputCollector collector;

        public Loop(boolean back) {
            this.back = back;
        }

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context, OutputCollector collector) {
            this.collector = collector;
        }

        @Override
        public void execute(Tuple input) {
            String stream = back ? "back" : input.getSourceStreamId().equals("back") ? "default" : "out";
            collector.emit(stream, input, new Values(input.getLongByField("n"), input.getLongByField("key")));
            collector.ack(input);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            if (back) {
                declarer.declareStream("back", new Fields("n", "key"));
            } else {
                declarer.declare(new Fields("n", "key"));
                declarer.declareStream("out", new Fields("n", "key"));
            }
        }
    }

    public static class Sink extends BaseRichBolt {
        private static final long serialVersionUID = 1L;
        private final boolean keep;
        private transient OutputCollector collector;
        private transient List<Tuple> held;
        private transient TreeSet<Long> keys;
        private transient int task;

        public Sink(boolean keep) {
            this.keep = keep;
        }

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context, OutputCollector collector) {
            this.collector = collector;
            this.held = new ArrayList<>();
            this.keys = new TreeSet<>();
            this.task = context.getThisTaskId();
            if (context.getThisTaskIndex() == 0) {
                System.out.println("sink input fields " + new TreeMap<>(context.getThisInputFields()));
            }
        }

        @Override
        public void execute(Tuple input) {
            if (TupleUtils.isTick(input)) {
                if (keep) {
                    return;
                }
                for (Tuple t : held) {
                    collector.ack(t);
                }
                held.clear();
                return;
            }
            long n = input.getLongByField("n");
            keys.add(input.getLongByField("key"));
            if (n % 5 == 0) {
                collector.fail(input);
            } else if (n % 11 == 0) {
                throw new IllegalStateException("boom at " + n);
            } else if (n % 7 == 0) {
                held.add(input);
            } else {
                collector.ack(input);
            }
        }

        @Override
        public void cleanup() {
            System.out.println("sink task " + task + " keys " + keys);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
        }

        @Override
        public Map<String, Object> getComponentConfiguration() {
            return TupleUtils.putTickFrequencyIntoComponentConfig(null, 1);
        }
    }

    public static class Tally extends BaseBasicBolt {
        private static final long serialVersionUID = 1L;
        private transient int task;
        private long counted;

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context) {
            task = context.getThisTaskId();
            if (context.getThisTaskIndex() == 0) {
                TreeMap<String, String> sources = new TreeMap<>();
                for (Map.Entry<GlobalStreamId, Grouping> e : context.getThisSources().entrySet()) {
                    sources.put(e.getKey().get_componentId() + ":" + e.getKey().get_streamId(), describe(e.getValue()));
                }
                System.out.println("tally sources " + sources);
            }
        }

        @Override
        public void execute(Tuple input, BasicOutputCollector collector) {
            counted++;
        }

        @Override
        public void cleanup() {
            System.out.println("tally task " + task + " counted " + counted);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
        }
    }

    public static void main(String[] args) throws Exception {
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout("numbers", RecordingSpout.numbers(Long.parseLong(args[0])));
        String variant = args.length > 3 ? args[3] : "plain";
        String last = "relay";
        if (variant.equals("chain")) {
            builder.setBolt("relay", new Relay(false, "mid"), 2).shuffleGrouping("numbers");
            builder.setBolt("mid", new Relay(false, "sink", "tally"), 3).shuffleGrouping("relay");
            last = "mid";
        } else if (variant.equals("cycle")) {
            builder.setBolt("relay", new Relay(false, "ping"), 2).shuffleGrouping("numbers");
            builder.setBolt("ping", new Loop(false), 2).shuffleGrouping("relay").shuffleGrouping("pong", "back");
            builder.setBolt("pong", new Loop(true), 2).shuffleGrouping("ping", "out");
            last = "ping";
        } else {
            builder.setBolt("relay", new Relay(variant.equals("thread"), "sink", "tally"), 2).shuffleGrouping("numbers");
        }
        builder.setBolt("sink", new Sink(variant.equals("keep")), 3).fieldsGrouping(last, new Fields("key"));
        /* as Storm's Thrift grouping: InputDeclarer.grouping */
        builder.setBolt("tally", new Tally(), 2).grouping(new GlobalStreamId(last, "default"),
            Grouping.shuffle(new NullStruct()));
        Config conf = new Config();
        conf.put("topology.gust.reliability", args[1]);
        if (args.length > 2) {
            conf.put("topology.gust.jvm.local.routing", Boolean.parseBoolean(args[2]));
        }
        conf.setMessageTimeoutSecs(variant.equals("keep") ? 4 : 120);
        StormSubmitter.submitTopology("local-routes", conf, builder.createTopology());
    }
}
