/* Task hooks (ITaskHook) told of what their tasks do:
 *
 *   numbers (RecordingSpout): reliable emits of 0..N-1
 *   gate    (Java rich bolt, 2 tasks): fails n % 5 == 0, else emits n
 *           anchored and acks; adds a Counting hook itself in prepare
 *   sink    (Java basic bolt, 2 tasks, fields grouping on n): acks all
 *
 * Every task also gets a Counting hook from topology.auto.task.hooks.
 * Each hook prints, at its cleanup, what it heard:
 *
 *   hook (auto|added) COMPONENT:TASK emit E execute X ack A fail F spoutAck SA spoutFail SF badEmit B
 *
 * (badEmit: emits whose outTasks were not the tasks of the consumer.)
 * Argument: N RELIABILITY. */
package gust.tests;

import java.util.Map;
import org.apache.storm.Config;
import org.apache.storm.StormSubmitter;
import org.apache.storm.hooks.BaseTaskHook;
import org.apache.storm.hooks.info.BoltAckInfo;
import org.apache.storm.hooks.info.BoltExecuteInfo;
import org.apache.storm.hooks.info.BoltFailInfo;
import org.apache.storm.hooks.info.EmitInfo;
import org.apache.storm.hooks.info.SpoutAckInfo;
import org.apache.storm.hooks.info.SpoutFailInfo;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.BasicOutputCollector;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.topology.base.BaseBasicBolt;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;

public class TaskHooksTopology {
    public static class Counting extends BaseTaskHook {
        private final String kind;
        private String name;
        private TopologyContext context;
        private long emits, executes, acks, fails, spoutAcks, spoutFails, badEmits;

        public Counting() {
            this("auto");
        }

        Counting(String kind) {
            this.kind = kind;
        }

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context) {
            this.context = context;
            this.name = context.getThisComponentId() + ":" + context.getThisTaskId();
        }

        @Override
        public synchronized void emit(EmitInfo info) {
            emits++;
            String consumer = info.stream.equals("default") && context.getThisComponentId().equals("numbers") ? "gate"
                : "sink";
            if (info.outTasks.size() != 1 || !context.getComponentTasks(consumer).containsAll(info.outTasks)
                || info.taskId != context.getThisTaskId()) {
                badEmits++;
            }
        }

        @Override
        public synchronized void boltExecute(BoltExecuteInfo info) {
            executes++;
        }

        @Override
        public synchronized void boltAck(BoltAckInfo info) {
            acks++;
        }

        @Override
        public synchronized void boltFail(BoltFailInfo info) {
            fails++;
        }

        @Override
        public synchronized void spoutAck(SpoutAckInfo info) {
            spoutAcks++;
        }

        @Override
        public synchronized void spoutFail(SpoutFailInfo info) {
            spoutFails++;
        }

        @Override
        public synchronized void cleanup() {
            System.out.println("hook " + kind + " " + name + " emit " + emits + " execute " + executes + " ack " + acks
                + " fail " + fails + " spoutAck " + spoutAcks + " spoutFail " + spoutFails + " badEmit " + badEmits);
        }
    }

    /* AckFailTopology's gate, with a hook of its own. */
    public static class Gate extends AckFailTopology.Gate {
        private static final long serialVersionUID = 1L;

        @Override
        public void prepare(Map<String, Object> conf, TopologyContext context, OutputCollector collector) {
            super.prepare(conf, context, collector);
            context.addTaskHook(new Counting("added"));
        }
    }

    public static class Sink extends BaseBasicBolt {
        private static final long serialVersionUID = 1L;

        @Override
        public void execute(Tuple input, BasicOutputCollector collector) {
        }

        @Override
        public void declareOutputFields(OutputFieldsDeclarer declarer) {
        }
    }

    public static void main(String[] args) throws Exception {
        TopologyBuilder builder = new TopologyBuilder();
        builder.setSpout("numbers", RecordingSpout.numbers(Long.parseLong(args[0])));
        builder.setBolt("gate", new Gate(), 2).shuffleGrouping("numbers");
        builder.setBolt("sink", new Sink(), 2).fieldsGrouping("gate", new Fields("n"));
        Config conf = new Config();
        conf.put("topology.gust.reliability", args[1]);
        conf.put(Config.TOPOLOGY_AUTO_TASK_HOOKS, java.util.List.of(Counting.class.getName()));
        conf.setMessageTimeoutSecs(120);
        StormSubmitter.submitTopology("task-hooks", conf, builder.createTopology());
    }
}
