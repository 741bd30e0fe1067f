/* A topology's configuration: a map from Storm's configuration keys to
 * values, with typed setters for the common ones.  The keys are Storm's
 * (storm-client's Config.java); gust reads the ones it implements and
 * carries the others. */
package org.apache.storm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

public class Config extends HashMap<String, Object> {
    private static final long serialVersionUID = 1L;

    public static final String TOPOLOGY_DEBUG = "topology.debug";
    public static final String TOPOLOGY_WORKERS = "topology.workers";
    public static final String TOPOLOGY_TASKS = "topology.tasks";
    public static final String TOPOLOGY_ACKER_EXECUTORS = "topology.acker.executors";
    public static final String TOPOLOGY_EVENTLOGGER_EXECUTORS = "topology.eventlogger.executors";
    public static final String TOPOLOGY_MESSAGE_TIMEOUT_SECS = "topology.message.timeout.secs";
    public static final String TOPOLOGY_MAX_SPOUT_PENDING = "topology.max.spout.pending";
    public static final String TOPOLOGY_MAX_TASK_PARALLELISM = "topology.max.task.parallelism";
    public static final String TOPOLOGY_TICK_TUPLE_FREQ_SECS = "topology.tick.tuple.freq.secs";
    public static final String TOPOLOGY_NAME = "topology.name";
    public static final String TOPOLOGY_SKIP_MISSING_KRYO_REGISTRATIONS = "topology.skip.missing.kryo.registrations";
    public static final String TOPOLOGY_KRYO_REGISTER = "topology.kryo.register";
    public static final String TOPOLOGY_FALL_BACK_ON_JAVA_SERIALIZATION = "topology.fall.back.on.java.serialization";
    public static final String TOPOLOGY_WORKER_CHILDOPTS = "topology.worker.childopts";
    public static final String TOPOLOGY_STATS_SAMPLE_RATE = "topology.stats.sample.rate";
    public static final String TOPOLOGY_ENABLE_MESSAGE_TIMEOUTS = "topology.enable.message.timeouts";
    public static final String TOPOLOGY_SHELLBOLT_MAX_PENDING = "topology.shellbolt.max.pending";
    public static final String TOPOLOGY_MULTILANG_SERIALIZER = "topology.multilang.serializer";
    public static final String TOPOLOGY_BACKPRESSURE_ENABLE = "topology.backpressure.enable";
    public static final String TOPOLOGY_ENVIRONMENT = "topology.environment";
    public static final String TOPOLOGY_STATE_PROVIDER = "topology.state.provider";
    public static final String TOPOLOGY_STATE_CHECKPOINT_INTERVAL = "topology.state.checkpoint.interval.ms";
    public static final String TOPOLOGY_PRIORITY = "topology.priority";
    public static final String TOPOLOGY_SUBMITTER_USER = "topology.submitter.user";
    public static final String NIMBUS_SEEDS = "nimbus.seeds";
    public static final String NIMBUS_THRIFT_PORT = "nimbus.thrift.port";
    public static final String STORM_ZOOKEEPER_SERVERS = "storm.zookeeper.servers";
    public static final String STORM_ZOOKEEPER_PORT = "storm.zookeeper.port";
    public static final String STORM_LOCAL_DIR = "storm.local.dir";
    public static final String STORM_CLUSTER_MODE = "storm.cluster.mode";
    public static final String SUPERVISOR_SLOTS_PORTS = "supervisor.slots.ports";

    public void setDebug(boolean isOn) {
        setDebug(this, isOn);
    }

    public static void setDebug(Map<String, Object> conf, boolean isOn) {
        conf.put(TOPOLOGY_DEBUG, isOn);
    }

    public void setNumWorkers(int workers) {
        setNumWorkers(this, workers);
    }

    public static void setNumWorkers(Map<String, Object> conf, int workers) {
        conf.put(TOPOLOGY_WORKERS, workers);
    }

    public void setNumAckers(int numExecutors) {
        setNumAckers(this, numExecutors);
    }

    public static void setNumAckers(Map<String, Object> conf, int numExecutors) {
        conf.put(TOPOLOGY_ACKER_EXECUTORS, numExecutors);
    }

    public void setNumEventLoggers(int numExecutors) {
        setNumEventLoggers(this, numExecutors);
    }

    public static void setNumEventLoggers(Map<String, Object> conf, int numExecutors) {
        conf.put(TOPOLOGY_EVENTLOGGER_EXECUTORS, numExecutors);
    }

    public void setMessageTimeoutSecs(int secs) {
        setMessageTimeoutSecs(this, secs);
    }

    public static void setMessageTimeoutSecs(Map<String, Object> conf, int secs) {
        conf.put(TOPOLOGY_MESSAGE_TIMEOUT_SECS, secs);
    }

    public void setMaxSpoutPending(int max) {
        setMaxSpoutPending(this, max);
    }

    public static void setMaxSpoutPending(Map<String, Object> conf, int max) {
        conf.put(TOPOLOGY_MAX_SPOUT_PENDING, max);
    }

    public void setMaxTaskParallelism(int max) {
        setMaxTaskParallelism(this, max);
    }

    public static void setMaxTaskParallelism(Map<String, Object> conf, int max) {
        conf.put(TOPOLOGY_MAX_TASK_PARALLELISM, max);
    }

    public void setStatsSampleRate(double rate) {
        setStatsSampleRate(this, rate);
    }

    public static void setStatsSampleRate(Map<String, Object> conf, double rate) {
        conf.put(TOPOLOGY_STATS_SAMPLE_RATE, rate);
    }

    public void setFallBackOnJavaSerialization(boolean fallback) {
        setFallBackOnJavaSerialization(this, fallback);
    }

    public static void setFallBackOnJavaSerialization(Map<String, Object> conf, boolean fallback) {
        conf.put(TOPOLOGY_FALL_BACK_ON_JAVA_SERIALIZATION, fallback);
    }

    public void setSkipMissingKryoRegistrations(boolean skip) {
        setSkipMissingKryoRegistrations(this, skip);
    }

    public static void setSkipMissingKryoRegistrations(Map<String, Object> conf, boolean skip) {
        conf.put(TOPOLOGY_SKIP_MISSING_KRYO_REGISTRATIONS, skip);
    }

    /* Kryo registrations: gust passes other Java values Java-serialized,
     * so a registration is only recorded in the configuration. */
    public void registerSerialization(Class klass) {
        registerSerialization(this, klass);
    }

    public static void registerSerialization(Map<String, Object> conf, Class klass) {
        registrations(conf).add(klass.getName());
    }

    public void registerSerialization(Class klass, Class serializerClass) {
        registerSerialization(this, klass, serializerClass);
    }

    public static void registerSerialization(Map<String, Object> conf, Class klass, Class serializerClass) {
        Map<String, String> registration = new HashMap<>();
        registration.put(klass.getName(), serializerClass.getName());
        registrations(conf).add(registration);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> registrations(Map<String, Object> conf) {
        Object current = conf.get(TOPOLOGY_KRYO_REGISTER);
        if (current instanceof List) {
            return (List<Object>) current;
        }
        List<Object> list = new ArrayList<>();
        conf.put(TOPOLOGY_KRYO_REGISTER, list);
        return list;
    }

    public void setTopologyWorkerMaxHeapSize(Number size) {
        put("topology.worker.max.heap.size.mb", size);
    }

    public void setTopologyPriority(int priority) {
        put(TOPOLOGY_PRIORITY, priority);
    }

    public void setTopologyStrategy(String strategy) {
        put("topology.scheduler.strategy", strategy);
    }

    public void setEnvironment(Map<String, Object> env) {
        put(TOPOLOGY_ENVIRONMENT, env);
    }
}
