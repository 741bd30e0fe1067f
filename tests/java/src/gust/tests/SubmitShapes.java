/* Mains that submit to a Nimbus with `gust jar` (tests/tools/test_gust_jar_cluster.py):
 * a topology with every kind of subscription, a ShellBolt subclass, a
 * custom grouping, task counts and component settings, submitted by
 *   plain NAME        StormSubmitter.submitTopology
 *   progress NAME     StormSubmitter.submitTopologyWithProgressBar
 *   configurable NAME ConfigurableTopology's submit
 *   inactive NAME     StormSubmitter.submitTopology with SubmitOptions
 *                     (INACTIVE) and a ProgressListener that prints
 *   starter NAME      StormSubmitter.submitTopology of a topology shaped as
 *                     storm-starter's WordCountTopology (spout x5 -> ShellBolt
 *                     split x8 -> basic bolt count x12, 3 workers, debug on)
 * The main reports an exception thrown by the submission on standard
 * output as "submit threw CLASS: MESSAGE", then rethrows it. */
package gust.tests;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.storm.Config;
import org.apache.storm.StormSubmitter;
import org.apache.storm.generated.GlobalStreamId;
import org.apache.storm.generated.SubmitOptions;
import org.apache.storm.generated.TopologyInitialStatus;
import org.apache.storm.grouping.CustomStreamGrouping;
import org.apache.storm.task.ShellBolt;
import org.apache.storm.task.WorkerTopologyContext;
import org.apache.storm.testing.TestWordCounter;
import org.apache.storm.testing.TestWordSpout;
import org.apache.storm.topology.ConfigurableTopology;
import org.apache.storm.topology.IRichBolt;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.tuple.Fields;

public class SubmitShapes {
    public static class Split extends ShellBolt implements IRichBolt {
        private static final long serialVersionUID = 1L;

        public Split() {
            super("python3", "splitsentence.py");
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

    /* Sends every tuple to the first task; its state is serialized with it. */
    public static class FirstTask implements CustomStreamGrouping {
        private static final long serialVersionUID = 1L;
        private final String marker = "first-task-marker";
        private List<Integer> targets;

        @Override
        public void prepare(WorkerTopologyContext context, GlobalStreamId stream, List<Integer> targetTasks) {
            targets = new ArrayList<>(targetTasks);
        }

        @Override
        public List<Integer> chooseTasks(int taskId, List<Object> values) {
            return targets.subList(0, 1);
        }
    }

    static TopologyBuilder builder() {
        TopologyBuilder b = new TopologyBuilder();
        b.setSpout("words", new TestWordSpout(), 3);
        b.setBolt("split", new Split(), 2).shuffleGrouping("words").setNumTasks(4);
        b.setBolt("count", new TestWordCounter())
            .fieldsGrouping("split", new Fields("word"))
            .allGrouping("words")
            .addConfiguration("gust.test.setting", "on");
        b.setBolt("total", new TestWordCounter(), 1).globalGrouping("count")
            .customGrouping("words", new FirstTask());
        b.setBolt("partial", new TestWordCounter(), 2).partialKeyGrouping("split", new Fields("word"))
            .localOrShuffleGrouping("count").noneGrouping("words");
        return b;
    }

    static Config conf() {
        Config conf = new Config();
        conf.setNumWorkers(2);
        conf.setMaxSpoutPending(123);
        conf.put("gust.test.user.key", "user value");
        return conf;
    }

    public static class Configurable extends ConfigurableTopology {
        @Override
        protected int run(String[] args) {
            conf.putAll(conf());
            return submit(args[0], conf, builder());
        }
    }

    static void submitStarterShape(String name) throws Exception {
        TopologyBuilder b = new TopologyBuilder();
        b.setSpout("spout", new TestWordSpout(), 5);
        b.setBolt("split", new Split(), 8).shuffleGrouping("spout");
        b.setBolt("count", new TestWordCounter(), 12).fieldsGrouping("split", new Fields("word"));
        Config conf = new Config();
        conf.setDebug(true);
        conf.setNumWorkers(3);
        StormSubmitter.submitTopology(name, conf, b.createTopology());
    }

    /* Says how the upload went, as a StormSubmitter.ProgressListener. */
    static final class Listener implements StormSubmitter.ProgressListener {
        @Override
        public void onStart(String srcFile, String targetFile, long totalBytes) {
            System.out.println("listener start " + totalBytes);
        }

        @Override
        public void onProgress(String srcFile, String targetFile, long bytesUploaded, long totalBytes) {
            System.out.println("listener progress " + bytesUploaded);
        }

        @Override
        public void onCompleted(String srcFile, String targetFile, long totalBytes) {
            System.out.println("listener completed " + targetFile);
        }
    }

    public static void main(String[] args) throws Exception {
        try {
            if (args[0].equals("starter")) {
                submitStarterShape(args[1]);
            } else if (args[0].equals("configurable")) {
                ConfigurableTopology.start(new Configurable(), new String[] {args[1]});
            } else if (args[0].equals("progress")) {
                StormSubmitter.submitTopologyWithProgressBar(args[1], conf(), builder().createTopology());
            } else if (args[0].equals("inactive")) {
                StormSubmitter.submitTopology(args[1], conf(), builder().createTopology(),
                    new SubmitOptions(TopologyInitialStatus.INACTIVE), new Listener());
            } else {
                StormSubmitter.submitTopology(args[1], conf(), builder().createTopology());
            }
        } catch (Exception e) {
            Throwable t = e instanceof RuntimeException && e.getCause() != null ? e.getCause() : e;
            System.out.println("submit threw " + t.getClass().getName() + ": " + t.getMessage());
            throw e;
        }
        System.out.println("submitted " + args[1]);
    }
}
