/* A bolt run as a subprocess speaking Storm's multilang protocol.  gust
 * runs it with its own multilang host (the command and settings below);
 * the Java methods are never called on gust. */
package org.apache.storm.task;

import java.util.Map;
import org.apache.storm.tuple.Tuple;

public class ShellBolt implements IBolt {
    private static final long serialVersionUID = 1L;
    private final String[] command;
    private Map<String, String> env;
    private boolean changeDirectory = true;

    public ShellBolt(String... command) {
        this.command = command;
    }

    public ShellBolt setEnv(Map<String, String> env) {
        this.env = env;
        return this;
    }

    public boolean shouldChangeChildCWD() {
        return changeDirectory;
    }

    public void changeChildCWD(boolean changeDirectory) {
        this.changeDirectory = changeDirectory;
    }

    /* The command gust's multilang host starts. */
    public String[] gustCommand() {
        return command.clone();
    }

    /* What setEnv gave (gust's multilang host adds it to the environment), or null. */
    public Map<String, String> gustEnv() {
        return env;
    }

    @Override
    public void prepare(Map<String, Object> topoConf, TopologyContext context, OutputCollector collector) {
        throw new UnsupportedOperationException("gust runs ShellBolt through its multilang host");
    }

    @Override
    public void execute(Tuple input) {
        throw new UnsupportedOperationException("gust runs ShellBolt through its multilang host");
    }

    @Override
    public void cleanup() {
    }
}
