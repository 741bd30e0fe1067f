/* Wires spouts and bolts into a topology.  setSpout/setBolt record each
 * component with its parallelism; the returned declarer adds inputs and
 * settings; createTopology serializes every component (each task later
 * deserializes its own copy, as on Storm; a ShellBolt or ShellSpout too,
 * which is what Storm sends to Nimbus) and asks each for its streams and
 * configuration. */
package org.apache.storm.topology;

import gust.jvm.ComponentSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.storm.Config;
import org.apache.storm.generated.GlobalStreamId;
import org.apache.storm.generated.Grouping;
import org.apache.storm.generated.SharedMemory;
import org.apache.storm.generated.StormTopology;
import org.apache.storm.grouping.CustomStreamGrouping;
import org.apache.storm.grouping.PartialKeyGrouping;
import org.apache.storm.lambda.LambdaBiConsumerBolt;
import org.apache.storm.lambda.LambdaConsumerBolt;
import org.apache.storm.lambda.LambdaSpout;
import org.apache.storm.lambda.SerializableBiConsumer;
import org.apache.storm.lambda.SerializableConsumer;
import org.apache.storm.lambda.SerializableSupplier;
import org.apache.storm.spout.ShellSpout;
import org.apache.storm.task.ShellBolt;
import org.apache.storm.tuple.Fields;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.utils.Utils;

public class TopologyBuilder {
    private static final class Entry {
        final String id;
        final boolean spout;
        final IComponent instance;
        final int parallelism;
        final boolean parallelismGiven;
        final Map<String, byte[]> customGroupings = new LinkedHashMap<>(); /* source\0stream -> object */
        final Map<String, Object> conf = new LinkedHashMap<>();
        final List<ComponentSpec.Input> inputs = new ArrayList<>();

        Entry(String id, boolean spout, IComponent instance, Number parallelism) {
            this.id = id;
            this.spout = spout;
            this.instance = instance;
            this.parallelism = parallelism == null ? 1 : parallelism.intValue();
            this.parallelismGiven = parallelism != null;
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    public StormTopology createTopology() {
        List<ComponentSpec> specs = new ArrayList<>();
        for (Entry e : entries.values()) {
            String[] shell = null;
            if (e.instance instanceof ShellBolt) {
                shell = ((ShellBolt) e.instance).gustCommand();
            } else if (e.instance instanceof ShellSpout) {
                shell = ((ShellSpout) e.instance).gustCommand();
            }
            ComponentSpec spec = new ComponentSpec(e.id, e.spout, e.instance.getClass().getName(),
                Utils.javaSerialize(e.instance), shell);
            spec.parallelism = e.parallelism;
            Map<String, Object> own = e.instance.getComponentConfiguration();
            if (own != null) {
                spec.conf.putAll(own);
            }
            spec.conf.putAll(e.conf);
            Object tasks = spec.conf.remove(Config.TOPOLOGY_TASKS);
            if (tasks instanceof Number) {
                spec.numTasks = ((Number) tasks).intValue();
            }
            spec.inputs.addAll(e.inputs);
            OutputFieldsGetter getter = new OutputFieldsGetter();
            e.instance.declareOutputFields(getter);
            spec.outputs.putAll(getter.getFieldsDeclaration());
            specs.add(spec);
        }
        StormTopology built = new StormTopology(specs);
        for (Entry e : entries.values()) {
            if (e.parallelismGiven) {
                built.gustSetParallelismGiven(e.id);
            }
            for (Map.Entry<String, byte[]> g : e.customGroupings.entrySet()) {
                String[] sourceStream = g.getKey().split("\0", 2);
                built.gustSetCustomGrouping(e.id, sourceStream[0], sourceStream[1], g.getValue());
            }
        }
        return built;
    }

    public BoltDeclarer setBolt(String id, IRichBolt bolt) {
        return setBolt(id, bolt, null);
    }

    public BoltDeclarer setBolt(String id, IRichBolt bolt, Number parallelismHint) {
        return new BoltDecl(add(id, false, bolt, parallelismHint));
    }

    public BoltDeclarer setBolt(String id, IBasicBolt bolt) {
        return setBolt(id, bolt, null);
    }

    public BoltDeclarer setBolt(String id, IBasicBolt bolt, Number parallelismHint) {
        return setBolt(id, new BasicBoltExecutor(bolt), parallelismHint);
    }

    /* Storm 2's lambda components: the lambda must be Serializable (it is
     * one of these interfaces), and travels inside the component. */
    public BoltDeclarer setBolt(String id, SerializableBiConsumer<Tuple, BasicOutputCollector> biConsumer,
        String... fields) {
        return setBolt(id, new LambdaBiConsumerBolt(biConsumer, fields), null);
    }

    public BoltDeclarer setBolt(String id, SerializableBiConsumer<Tuple, BasicOutputCollector> biConsumer,
        Number parallelismHint, String... fields) {
        return setBolt(id, new LambdaBiConsumerBolt(biConsumer, fields), parallelismHint);
    }

    public BoltDeclarer setBolt(String id, SerializableConsumer<Tuple> consumer) {
        return setBolt(id, new LambdaConsumerBolt(consumer), null);
    }

    public BoltDeclarer setBolt(String id, SerializableConsumer<Tuple> consumer, Number parallelismHint) {
        return setBolt(id, new LambdaConsumerBolt(consumer), parallelismHint);
    }

    public SpoutDeclarer setSpout(String id, SerializableSupplier<?> supplier) {
        return setSpout(id, new LambdaSpout(supplier), null);
    }

    public SpoutDeclarer setSpout(String id, SerializableSupplier<?> supplier, Number parallelismHint) {
        return setSpout(id, new LambdaSpout(supplier), parallelismHint);
    }

    public SpoutDeclarer setSpout(String id, IRichSpout spout) {
        return setSpout(id, spout, null);
    }

    public SpoutDeclarer setSpout(String id, IRichSpout spout, Number parallelismHint) {
        return new SpoutDecl(add(id, true, spout, parallelismHint));
    }

    private Entry add(String id, boolean spout, IComponent instance, Number parallelism) {
        if (id == null || id.isEmpty() || id.startsWith("__")) {
            throw new IllegalArgumentException("component id '" + id + "' is not allowed");
        }
        if (entries.containsKey(id)) {
            throw new IllegalArgumentException("component id '" + id + "' is used twice");
        }
        if (parallelism != null && parallelism.intValue() < 1) {
            throw new IllegalArgumentException("component '" + id + "': parallelism must be at least 1");
        }
        Entry e = new Entry(id, spout, instance, parallelism);
        entries.put(id, e);
        return e;
    }

    /* A bolt's declarer: inputs and settings. */
    private static final class BoltDecl extends Settings<BoltDeclarer> implements BoltDeclarer {
        BoltDecl(Entry entry) {
            super(entry);
        }

        private BoltDecl input(String source, String stream, String grouping, Fields fields, String custom) {
            entry.inputs.add(new ComponentSpec.Input(source, stream, grouping,
                fields == null ? null : fields.toList(), custom));
            return this;
        }

        @Override
        public BoltDecl fieldsGrouping(String componentId, Fields fields) {
            return fieldsGrouping(componentId, Utils.DEFAULT_STREAM_ID, fields);
        }

        @Override
        public BoltDecl fieldsGrouping(String componentId, String streamId, Fields fields) {
            return input(componentId, streamId, "FIELDS", fields, null);
        }

        @Override
        public BoltDecl globalGrouping(String componentId) {
            return globalGrouping(componentId, Utils.DEFAULT_STREAM_ID);
        }

        @Override
        public BoltDecl globalGrouping(String componentId, String streamId) {
            return input(componentId, streamId, "GLOBAL", null, null);
        }

        @Override
        public BoltDecl shuffleGrouping(String componentId) {
            return shuffleGrouping(componentId, Utils.DEFAULT_STREAM_ID);
        }

        @Override
        public BoltDecl shuffleGrouping(String componentId, String streamId) {
            return input(componentId, streamId, "SHUFFLE", null, null);
        }

        @Override
        public BoltDecl localOrShuffleGrouping(String componentId) {
            return localOrShuffleGrouping(componentId, Utils.DEFAULT_STREAM_ID);
        }

        @Override
        public BoltDecl localOrShuffleGrouping(String componentId, String streamId) {
            return input(componentId, streamId, "LOCAL_OR_SHUFFLE", null, null);
        }

        @Override
        public BoltDecl noneGrouping(String componentId) {
            return noneGrouping(componentId, Utils.DEFAULT_STREAM_ID);
        }

        @Override
        public BoltDecl noneGrouping(String componentId, String streamId) {
            return input(componentId, streamId, "NONE", null, null);
        }

        @Override
        public BoltDecl allGrouping(String componentId) {
            return allGrouping(componentId, Utils.DEFAULT_STREAM_ID);
        }

        @Override
        public BoltDecl allGrouping(String componentId, String streamId) {
            return input(componentId, streamId, "ALL", null, null);
        }

        @Override
        public BoltDecl directGrouping(String componentId) {
            return directGrouping(componentId, Utils.DEFAULT_STREAM_ID);
        }

        @Override
        public BoltDecl directGrouping(String componentId, String streamId) {
            return input(componentId, streamId, "DIRECT", null, null);
        }

        @Override
        public BoltDecl partialKeyGrouping(String componentId, Fields fields) {
            return partialKeyGrouping(componentId, Utils.DEFAULT_STREAM_ID, fields);
        }

        @Override
        public BoltDecl partialKeyGrouping(String componentId, String streamId, Fields fields) {
            return input(componentId, streamId, "PARTIAL_KEY", fields, null);
        }

        @Override
        public BoltDecl customGrouping(String componentId, CustomStreamGrouping grouping) {
            return customGrouping(componentId, Utils.DEFAULT_STREAM_ID, grouping);
        }

        @Override
        public BoltDecl customGrouping(String componentId, String streamId, CustomStreamGrouping grouping) {
            if (grouping instanceof PartialKeyGrouping) {
                return input(componentId, streamId, "PARTIAL_KEY", null, null).withFields(((PartialKeyGrouping) grouping).gustFields());
            }
            entry.customGroupings.put(componentId + '\0' + streamId, Utils.javaSerialize(grouping));
            return input(componentId, streamId, "CUSTOM", null, grouping.getClass().getName());
        }

        @Override
        public BoltDecl grouping(GlobalStreamId id, Grouping grouping) {
            String source = id.get_componentId();
            String stream = id.get_streamId();
            if (grouping.getSetField() == null) {
                throw new IllegalArgumentException("a grouping of " + source + ":" + stream + " with no member set");
            }
            switch (grouping.getSetField()) {
                case FIELDS:
                    List<String> fields = grouping.get_fields();
                    return fields.isEmpty() ? globalGrouping(source, stream)
                        : fieldsGrouping(source, stream, new Fields(fields));
                case SHUFFLE:
                    return shuffleGrouping(source, stream);
                case ALL:
                    return allGrouping(source, stream);
                case NONE:
                    return noneGrouping(source, stream);
                case DIRECT:
                    return directGrouping(source, stream);
                case LOCAL_OR_SHUFFLE:
                    return localOrShuffleGrouping(source, stream);
                case CUSTOM_SERIALIZED:
                    return customGrouping(source, stream,
                        Utils.javaDeserialize(grouping.get_custom_serialized(), CustomStreamGrouping.class));
                default:
                    throw new IllegalArgumentException("a " + grouping.getSetField().getFieldName() + " grouping of "
                        + source + ":" + stream + " is not supported by gust (use customGrouping)");
            }
        }

        private BoltDecl withFields(List<String> fields) {
            ComponentSpec.Input last = entry.inputs.remove(entry.inputs.size() - 1);
            entry.inputs.add(new ComponentSpec.Input(last.source, last.stream, last.grouping, fields, null));
            return this;
        }
    }

    /* A spout's declarer: settings only. */
    private static final class SpoutDecl extends Settings<SpoutDeclarer> implements SpoutDeclarer {
        SpoutDecl(Entry entry) {
            super(entry);
        }
    }

    /* The settings both declarers take. */
    @SuppressWarnings("unchecked")
    private abstract static class Settings<T extends ComponentConfigurationDeclarer> implements ComponentConfigurationDeclarer<T> {
        final Entry entry;

        Settings(Entry entry) {
            this.entry = entry;
        }

        @Override
        public T addConfigurations(Map<String, Object> conf) {
            if (conf != null) {
                entry.conf.putAll(conf);
            }
            return (T) this;
        }

        @Override
        public T addConfiguration(String config, Object value) {
            entry.conf.put(config, value);
            return (T) this;
        }

        @Override
        public T setDebug(boolean debug) {
            return addConfiguration(Config.TOPOLOGY_DEBUG, debug);
        }

        @Override
        public T setMaxTaskParallelism(Number val) {
            return addConfiguration(Config.TOPOLOGY_MAX_TASK_PARALLELISM, val);
        }

        @Override
        public T setMaxSpoutPending(Number val) {
            return addConfiguration(Config.TOPOLOGY_MAX_SPOUT_PENDING, val);
        }

        @Override
        public T setNumTasks(Number val) {
            return addConfiguration(Config.TOPOLOGY_TASKS, val);
        }

        @Override
        public Map<String, Object> getComponentConfiguration() {
            return entry.conf;
        }

        /* Resources: each also in the component's resources map, as Storm
         * keeps them. */
        @Override
        public T setMemoryLoad(Number onHeap) {
            if (onHeap == null) {
                return (T) this;
            }
            addResource(Config.TOPOLOGY_COMPONENT_RESOURCES_ONHEAP_MEMORY_MB, onHeap);
            return addConfiguration(Config.TOPOLOGY_COMPONENT_RESOURCES_ONHEAP_MEMORY_MB, onHeap.doubleValue());
        }

        @Override
        public T setMemoryLoad(Number onHeap, Number offHeap) {
            setMemoryLoad(onHeap);
            if (offHeap == null) {
                return (T) this;
            }
            addResource(Config.TOPOLOGY_COMPONENT_RESOURCES_OFFHEAP_MEMORY_MB, offHeap);
            return addConfiguration(Config.TOPOLOGY_COMPONENT_RESOURCES_OFFHEAP_MEMORY_MB, offHeap.doubleValue());
        }

        @Override
        public T setCPULoad(Number amount) {
            if (amount == null) {
                return (T) this;
            }
            addResource(Config.TOPOLOGY_COMPONENT_CPU_PCORE_PERCENT, amount);
            return addConfiguration(Config.TOPOLOGY_COMPONENT_CPU_PCORE_PERCENT, amount);
        }

        @Override
        public T addResource(String resourceName, Number resourceValue) {
            Map<String, Double> resources = (Map<String, Double>) entry.conf.computeIfAbsent(
                Config.TOPOLOGY_COMPONENT_RESOURCES_MAP, k -> new HashMap<String, Double>());
            resources.put(resourceName, resourceValue.doubleValue());
            return (T) this;
        }

        @Override
        public T addResources(Map<String, Double> resources) {
            if (resources != null) {
                for (Map.Entry<String, Double> e : resources.entrySet()) {
                    addResource(e.getKey(), e.getValue());
                }
            }
            return (T) this;
        }

        /* Shared memory: nothing to keep (see SharedMemory). */
        @Override
        public T addSharedMemory(SharedMemory request) {
            return (T) this;
        }
    }
}
