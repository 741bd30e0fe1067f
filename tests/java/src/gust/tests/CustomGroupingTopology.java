/* A user's CustomStreamGrouping (FirstChar), fed by a Java spout through
 * TopologyBuilder.customGrouping, and by other emitters from Flux files
 * (tests/tools/test_custom_grouping.py).
 *
 *   words (RecordingSpout): "a0", "b1", ..., the letter cycling a..z, each its
 *         own message id, up to N
 *   sink  (Java bolt, 2 tasks, customGrouping FirstChar("x", "q", "t", "w")):
 *         acks each word; prints, when it closes, what its task received
 *
 * FirstChar routes a value by its first character: a..m to the first
 * target task, n..z to the second (in general: spread evenly); one of
 * `both` to every target; one of `none` to no task; one of `throwing`
 * makes chooseTasks throw; one of `wrong` returns task 9999, not a target.
 * With an exit marker (a path), the first value beginning with k makes
 * it exit the JVM (System.exit(5)) — once: the marker directory is made
 * first.  It prints what prepare was given, and whether it was asked
 * within the spout's emit (as Storm asks it) or elsewhere.
 *
 * Arguments: N RELIABILITY (acker or checkpoint) [MODE: broken-prepare,
 * the grouping is a BrokenPrepare; relay, the spout's words go through
 * Relay (Java bolt, 2 tasks, shuffle), which emits the grouped stream],
 * or N RELIABILITY MARKER
 * SPOUT RECORD SINK RECEIVED PAUSE: words from the Python script SPOUT (run
 * by gust's multilang host, outside the JVM; it records what was acked and
 * failed in RECORD, and pauses PAUSE seconds after each word), received by the Python script SINK (it writes "TASK
 * WORD" lines to RECEIVED), and the grouping exits the JVM once. */
package gust.tests;

import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.storm.Config;
import org.apache.storm.StormSubmitter;
import org.apache.storm.generated.GlobalStreamId;
import org.apache.storm.grouping.CustomStreamGrouping;
import org.apache.storm.spout.ShellSpout;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.ShellBolt;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.task.WorkerTopologyContext;
import org.apache.storm.topology.IRichBolt;
import org.apache.storm.topology.IRichSpout;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.topology.base.BaseRichBolt;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.tuple.Values;

public class CustomGroupingTopology {
    public static class FirstChar implements CustomStreamGrouping {
        private static final long serialVersionUID = 1L;
        private final String both;
        private final String none;
        private final String throwing;
        private final String wrong;
        private List<Integer> targets;

        private final String exitMarker;

        public FirstChar(String both, String none, String throwing, String wrong) {
            this(both, none, throwing, wrong, null);
        }

        public FirstChar(String both, String none, String throwing, String wrong, String exitMarker) {
            this.both = both;
            this.none = none;
            this.throwing = throwing;
            this.wrong = wrong;
            this.exitMarker = exitMarker;
        }

        @Override
        public void prepare(WorkerTopologyContext context, GlobalStreamId stream, List<Integer> targetTasks) {
            targets = new ArrayList<>(targetTasks);
            System.out.println("grouping prepared for " + stream.get_componentId() + ":" + stream.get_streamId()
                + " fields " + context.getComponentOutputFields(stream) + " targets " + targets);
        }

        @Override
        public List<Integer> chooseTasks(int taskId, List<Object> values) {
            sayWhereAsked();
            String s = String.valueOf(values.get(0));
            String c = s.substring(0, 1);
            if (exitMarker != null && c.equals("k") && new File(exitMarker).mkdir()) {
                System.out.println("grouping exits the JVM at " + s);
                System.exit(5);
            }
            if (both.contains(c)) {
                return targets;
            }
            if (none.contains(c)) {
                return Collections.emptyList();
            }
            if (throwing.contains(c)) {
                throw new IllegalStateException("no route for " + s);
            }
            if (wrong.contains(c)) {
                return Collections.singletonList(9999);
            }
            int letter = Math.floorMod(Character.toLowerCase(s.charAt(0)) - 'a', 26);
            return Collections.singletonList(targets.get(letter * targets.size() / 26));
        }
    }

    /* A FirstChar whose prepare throws: it cannot be built for any task. */
    public static class BrokenPrepare extends FirstChar {
        private static final long serialVersionUID = 1L;

        public BrokenPrepare() {
            super("x", "q", "t", "w");
        }

        @Override
        public void prepare(WorkerTopologyContext context, GlobalStreamId stream, List<Integer> targetTasks) {
            throw new IllegalStateException("this grouping never prepares");
        }
    }

    private static final AtomicBoolean ASKED_WITHIN = new AtomicBoolean();
    private static final AtomicBoolean ASKED_OUTSIDE = new AtomicBoolean();

    /* Says, once each, whether chooseTasks was asked within an emit of the
     * emitter (its nextTuple or execute on the stack), as Storm asks it, or
     * elsewhere. */
    private static void sayWhereAsked() {
        boolean within = StackWalker.getInstance().walk(
            frames -> frames.anyMatch(f -> f.getMethodName().equals("nextTuple") || f.getMethodName().equals("execute")));
        if ((within ? ASKED_WITHIN : ASKED_OUTSIDE).compareAndSet(false, true)) {
            System.out.println("grouping asked " + (within ? "within" : "outside") + " an emit");
        }
    }

    /* Emits each word it receives again, anchored to it (a BasicBolt). */
    public static class Relay extends BaseBasicBolt {
        private static final long serialVersionUID = 1L;

        @Override
        public void execute(Tuple input, BasicOutputCollector collector) {
            collector.emit(new Values(input.getValue(0)));
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("word"));
        }
    }

    /* Acks what it receives; says, when it closes, what its task got. */
    public static class Received extends BaseRichBolt {
        private static final long serialVersionUID = 1L;
        private transient OutputCollector collector;
        private transient TreeSet<String> got;
        private transient int task;

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context, OutputCollector collector) {
            this.collector = collector;
            got = new TreeSet<>();
            task = context.getThisTaskId();
        }

        @Override
        public void execute(Tuple input) {
            got.add(String.valueOf(input.getValue(0)));
            collector.ack(input);
        }

        @Override
        public void cleanup() {
            System.out.println("task " + task + " received " + got);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
        }
    }

    public static class ShellWords extends ShellSpout implements IRichSpout {
        private static final long serialVersionUID = 1L;

        public ShellWords(String... command) {
            super(command);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
            declarer.declare(new Fields("word"));
        }

        @Override
        public Map<String, Object> getComponentConfiguration() {
            return null;
        }
    }

    public static class ShellReceived extends ShellBolt implements IRichBolt {
        private static final long serialVersionUID = 1L;

        public ShellReceived(String... command) {
            super(command);
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
        }

        @Override
        public Map<String, Object> getComponentConfiguration() {
            return null;
        }
    }

    public static void main(String[] args) throws Exception {
        TopologyBuilder builder = new TopologyBuilder();
        if (args.length > 3) { /* outside the JVM: a Python spout and sink; the grouping exits the JVM once */
            builder.setSpout("words", new ShellWords("python3", args[3], args[4], args[0], args[7]));
            builder.setBolt("sink", new ShellReceived("python3", args[5], args[6]), 2)
                .customGrouping("words", new FirstChar("x", "q", "t", "w", args[2]));
        } else {
            String mode = args.length > 2 ? args[2] : "";
            builder.setSpout("words", RecordingSpout.words(Long.parseLong(args[0])));
            String emitter = "words";
            if (mode.equals("relay")) {
                builder.setBolt("relay", new Relay(), 2).shuffleGrouping("words");
                emitter = "relay";
            }
            builder.setBolt("sink", new Received(), 2).customGrouping(emitter,
                mode.equals("broken-prepare") ? new BrokenPrepare() : new FirstChar("x", "q", "t", "w"));
        }
        Config conf = new Config();
        conf.put("topology.gust.reliability", args[1]);
        conf.setMaxSpoutPending(100);
        StormSubmitter.submitTopology("custom-grouping", conf, builder.createTopology());
    }
}
