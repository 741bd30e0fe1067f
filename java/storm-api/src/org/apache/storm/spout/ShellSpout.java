/* A spout run as a subprocess speaking Storm's multilang protocol.  gust
 * runs it with its own multilang host; the Java methods are never called
 * on gust. */
package org.apache.storm.spout;

import java.util.Map;
import org.apache.storm.task.TopologyContext;

public class ShellSpout implements ISpout {
    private static final long serialVersionUID = 1L;
    private final String[] command;
    private Map<String, String> env;
    private boolean changeDirectory = true;

    public ShellSpout(String... command) {
        this.command = command;
    }

    public ShellSpout setEnv(Map<String, String> env) {
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

    private static UnsupportedOperationException hosted() {
        return new UnsupportedOperationException("gust runs ShellSpout through its multilang host");
    }

    @Override
    public void open(Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
        throw hosted();
    }

    @Override
    public void close() {
    }

    @Override
    public void activate() {
    }

    @Override
    public void deactivate() {
    }

    @Override
    public void nextTuple() {
        throw hosted();
    }

    @Override
    public void ack(Object msgId) {
    }

    @Override
    public void fail(Object msgId) {
    }
}
