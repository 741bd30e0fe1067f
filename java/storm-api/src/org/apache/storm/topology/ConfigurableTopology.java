/* A topology main in a class: start() parses the arguments (-local for a
 * local run, -ttl SECONDS, -conf FILE is refused: no YAML reader in the
 * API jar), then calls run(), whose submit() hands the topology to
 * StormSubmitter. */
package org.apache.storm.topology;

import java.util.ArrayList;
import java.util.List;
import org.apache.storm.Config;
import org.apache.storm.StormSubmitter;

public abstract class ConfigurableTopology {
    protected Config conf = new Config();

    public static void start(ConfigurableTopology topology, String[] args) {
        String[] remaining = topology.parse(args);
        try {
            topology.run(remaining);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    protected Config getConf() {
        return conf;
    }

    protected abstract int run(String[] args) throws Exception;

    protected int submit(String name, Config conf, TopologyBuilder builder) {
        try {
            StormSubmitter.submitTopology(name, conf, builder.createTopology());
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
        return 0;
    }

    protected int submit(Config conf, TopologyBuilder builder) {
        return submit((String) conf.getOrDefault(Config.TOPOLOGY_NAME, getClass().getSimpleName()), conf, builder);
    }

    private String[] parse(String[] args) {
        List<String> remaining = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if ("-conf".equals(args[i])) {
                throw new IllegalArgumentException("-conf " + (i + 1 < args.length ? args[i + 1] : "")
                    + ": configuration files are not read by gust's ConfigurableTopology; set the keys in code");
            } else if ("-local".equals(args[i])) {
                continue;
            } else if ("-ttl".equals(args[i]) && i + 1 < args.length) {
                i++;
            } else {
                remaining.add(args[i]);
            }
        }
        return remaining.toArray(new String[0]);
    }
}
