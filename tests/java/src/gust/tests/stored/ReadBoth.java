/* Reads each FILE of Java-serialized bytes twice and prints one line per
 * reading: "plain FILE: ..." with a plain ObjectInputStream (the JDK's
 * rules: a differing serialVersionUID fails) and "gust FILE: ..." with the
 * worker JVM's ComponentInputStream — the class read, and a ShellBolt's
 * command — or the exception. */
package gust.tests.stored;

import gust.jvm.ComponentInputStream;
import java.io.ByteArrayInputStream;
import java.io.ObjectInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.storm.task.ShellBolt;

public final class ReadBoth {
    private ReadBoth() {
    }

    public static void main(String[] args) throws Exception {
        for (String file : args) {
            byte[] bytes = Files.readAllBytes(Path.of(file));
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
                System.out.println("plain " + file + ": " + describe(in.readObject()));
            } catch (Exception e) {
                System.out.println("plain " + file + ": " + e);
            }
            try {
                System.out.println("gust " + file + ": " + describe(ComponentInputStream.readComponent(bytes)));
            } catch (Exception e) {
                System.out.println("gust " + file + ": " + e);
            }
        }
    }

    private static String describe(Object o) {
        String command = o instanceof ShellBolt ? " " + Arrays.toString(((ShellBolt) o).gustCommand()) : "";
        return o.getClass().getName() + command;
    }
}
