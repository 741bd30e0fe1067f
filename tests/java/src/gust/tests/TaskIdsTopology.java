/* What emit returns: the task ids the tuple went to, for every grouping.
 *
 *   source (Java spout): for n in 0..N-1, reliable emits of [n, n % 5] on
 *          "default" (byfield: fields on key, toall: all, relay: shuffle),
 *          and unreliable emits of [n] on "nobody" (no subscriber) and
 *          "single" (global: global grouping); reads each list at once.
 *          In one call it reads the lists an earlier call returned (the one
 *          on "single" is unknown by then, the one on "nobody" is []).
 *   relay  (Java rich bolt): per input, tries an emit anchored to a
 *          null tuple (refused: NullPointerException), then emits [n, key]
 *          anchored on "default" (partial: partial key grouping, local:
 *          local-or-shuffle, none: none grouping), then [2000 + n, []] and
 *          that unread list as a value on "report" (reporter), and from
 *          another thread [n] on "side" (sidesink: shuffle), whose list
 *          that thread emits as a value on "report" as 1000 + n.
 *   sinks  print what they got and ack it.
 *
 * Printed lines: "tasks COMPONENT [ids]" (each sink, from its context),
 * "sent COMPONENT STREAM N [ids]", "got COMPONENT TASK STREAM N",
 * "report N [ids]", "late MESSAGE"; the spout prints, when it closes,
 * which messages were acked.
 *
 * Arguments: N RELIABILITY (acker or checkpoint). */
package gust.tests;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.storm.Config;
import org.apache.storm.StormSubmitter;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.topology.base.BaseRichBolt;
import org.apache.storm.topology.base.BaseRichSpout;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;

public class TaskIdsTopology {
    static synchronized void say(String line) {
        System.out.println(line);
    }

    public static class Source extends BaseRichSpout {
        private static final long serialVersionUID = 1L;
        private final long limit;
        private transient SpoutOutputCollector collector;
        private transient TreeSet<Long> acked;
        private transient List<Integer> earlier;
        private transient List<Integer> nobody;
        private long next;

        public Source(long limit) {
            this.limit = limit;
        }

        @Override
        public void open(Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
            this.collector = collector;
            acked = new TreeSet<>();
        }

        @Override
        public void nextTuple() {
            if (next >= limit) {
                return;
            }
            long n = next++;
            if (n == 1) {
                try {
                    say("late read " + earlier.size());
                } catch (IllegalStateException e) {
                    say("late " + e.getMessage());
                }
            }
            if (n == 1) {
                say("late nobody " + nobody.size()); /* known at once: it went to no task */
            }
            List<Integer> ids = collector.emit(new Values(n, n % 5), n);
            List<Integer> none = collector.emit("nobody", new Values(n));
            if (n == 0) {
                nobody = none;
            } else {
                say("sent source nobody " + n + " " + none);
            }
            List<Integer> single = collector.emit("single", new Values(n));
            say("sent source default " + n + " " + ids);
            if (n == 0) {
                earlier = single; /* read in the next call */
            } else {
                say("sent source single " + n + " " + single);
            }
        }

        @Override
        public void ack(Object id) {
            acked.add((Long) id);
        }

        @Override
        public void close() {
            say("source acked " + acked);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("n", "key"));
            declarer.declareStream("nobody", new Fields("n"));
            declarer.declareStream("single", new Fields("n"));
        }
    }

    public static class Relay extends BaseRichBolt {
        private static final long serialVersionUID = 1L;
        private transient OutputCollector collector;
        private transient ExecutorService other;
        private transient int task;

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context, OutputCollector collector) {
            this.collector = collector;
            other = Executors.newSingleThreadExecutor();
            task = context.getThisTaskId();
            say("tasks relay " + context.getComponentTasks("relay"));
        }

        @Override
        public void execute(Tuple input) {
            long n = input.getLongByField("n");
            say("got relay " + task + " source:default " + n);
            try {
                collector.emit(Arrays.asList((Tuple) null), new Values(n, 0L));
                say("null anchor taken");
            } catch (NullPointerException e) {
                say("null anchor refused");
            }
            List<Integer> ids = collector.emit(input, new Values(n, input.getLongByField("key")));
            collector.emit("report", input, new Values(2000 + n, List.of()));
            /* like the emit before it (stream, anchor), and read while it is written */
            collector.emit("report", input, new Values(n, ids));
            say("sent relay default " + n + " " + ids);
            other.submit(() -> {
                List<Integer> side = collector.emit("side", new Values(n));
                collector.emit("report", new Values(1000 + n, side)); /* read while it is written */
                say("sent relay side " + n + " " + side);
            });
            collector.ack(input);
        }

        @Override
        public void cleanup() {
            other.shutdown();
            try {
                other.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("n", "key"));
            declarer.declareStream("report", new Fields("n", "ids"));
            declarer.declareStream("side", new Fields("n"));
        }
    }

    public static class Sink extends BaseRichBolt {
        private static final long serialVersionUID = 1L;
        private transient OutputCollector collector;
        private transient String name;
        private transient int task;

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context, OutputCollector collector) {
            this.collector = collector;
            name = context.getThisComponentId();
            task = context.getThisTaskId();
            say("tasks " + name + " " + context.getComponentTasks(name));
        }

        @Override
        public void execute(Tuple input) {
            if (input.getSourceStreamId().equals("report")) {
                say("report " + input.getLong(0) + " " + input.getValue(1));
            } else {
                say("got " + name + " " + task + " " + input.getSourceComponent() + ":"
                    + input.getSourceStreamId() + " " + input.getLong(0));
            }
            collector.ack(input);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
        }
    }

    public static void main(String[] args) throws Exception {
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout("source", new Source(Long.parseLong(args[0])));
        builder.setBolt("byfield", new Sink(), 3).fieldsGrouping("source", new Fields("key"));
        builder.setBolt("toall", new Sink(), 2).allGrouping("source");
        builder.setBolt("global", new Sink(), 3).globalGrouping("source", "single");
        builder.setBolt("relay", new Relay(), 2).shuffleGrouping("source");
        builder.setBolt("partial", new Sink(), 3).partialKeyGrouping("relay", new Fields("key"));
        builder.setBolt("local", new Sink(), 2).localOrShuffleGrouping("relay");
        builder.setBolt("none", new Sink(), 2).noneGrouping("relay");
        builder.setBolt("reporter", new Sink(), 1).shuffleGrouping("relay", "report");
        builder.setBolt("sidesink", new Sink(), 2).shuffleGrouping("relay", "side");
        Config conf = new Config();
        conf.put("topology.gust.reliability", args[1]);
        StormSubmitter.submitTopology("task-ids", conf, builder.createTopology());
    }
}
