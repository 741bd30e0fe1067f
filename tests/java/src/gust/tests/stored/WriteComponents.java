/* Writes the Java serialization of the stored-topology test's components
 * into DIR, as StormSubmitter puts them into `serialized_java`:
 * spout.ser, shell-spout.ser (the ShellSpout subclass), split.ser (the
 * ShellBolt subclass), count.ser and absent.ser
 * (basic bolts, wrapped in a BasicBoltExecutor). */
package gust.tests.stored;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.storm.topology.BasicBoltExecutor;
import org.apache.storm.utils.Utils;

public final class WriteComponents {
    private WriteComponents() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        write(dir, "spout.ser", new SentenceSpout("the cow jumped over the moon",
            "an apple a day keeps the doctor away", "four score and seven years ago"));
        write(dir, "shell-spout.ser", new ShellSentenceSpout());
        write(dir, "split.ser", new SplitShellBolt());
        write(dir, "count.ser", new BasicBoltExecutor(new WordCountBolt("java count")));
        write(dir, "absent.ser", new BasicBoltExecutor(new AbsentBolt()));
    }

    private static void write(Path dir, String name, Object component) throws IOException {
        Files.write(dir.resolve(name), Utils.javaSerialize(component));
    }
}
