package gust.tests.grouping;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import org.apache.storm.grouping.PartialKeyGrouping;
import org.apache.storm.tuple.Fields;

/**
 * Writes the custom_serialized bytes of the partial-key groupings that the
 * thrift_topology test converts, one file each, into the directory given:
 * what TopologyBuilder.partialKeyGrouping(id, new Fields(...)) sends, the
 * no-argument form, and one with a user's own AssignmentCreator.
 */
public final class WritePartialKeyGroupings {
    /** A user's own assignment: code gust cannot run. */
    public static final class StickyAssignment implements PartialKeyGrouping.AssignmentCreator {
        private final int salt = 7;
    }

    private static void write(String dir, String name, Serializable object) throws IOException {
        try (ObjectOutputStream out = new ObjectOutputStream(new FileOutputStream(dir + "/" + name))) {
            out.writeObject(object);
        }
    }

    public static void main(String[] args) throws IOException {
        String dir = args[0];
        write(dir, "partial_key_word.ser", new PartialKeyGrouping(new Fields("word")));
        write(dir, "partial_key_two.ser", new PartialKeyGrouping(new Fields("user", "word")));
        write(dir, "partial_key_none.ser", new PartialKeyGrouping());
        write(dir, "partial_key_custom.ser", new PartialKeyGrouping(new Fields("word"),
            new StickyAssignment(), new PartialKeyGrouping.BalancedTargetSelector()));
    }
}
