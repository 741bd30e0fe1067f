package org.apache.storm.grouping;

import java.io.Serializable;
import java.util.List;
import org.apache.storm.tuple.Fields;

/**
 * Stand-in for storm-client's PartialKeyGrouping with the members, nested
 * helper types and serialVersionUID that Storm 2.x serializes into a
 * Grouping's custom_serialized bytes.  Nothing here routes tuples.
 */
public class PartialKeyGrouping implements Serializable {
    private static final long serialVersionUID = -1672360572274911808L;
    private List<Integer> targetTasks;
    private Fields fields = null;
    private Fields outFields = null;
    private AssignmentCreator assignmentCreator;
    private TargetSelector targetSelector;

    public PartialKeyGrouping() {
        this(null);
    }

    public PartialKeyGrouping(Fields fields) {
        this(fields, new RandomTwoTaskAssignmentCreator(), new BalancedTargetSelector());
    }

    public PartialKeyGrouping(Fields fields, AssignmentCreator assignmentCreator, TargetSelector targetSelector) {
        this.fields = fields;
        this.assignmentCreator = assignmentCreator;
        this.targetSelector = targetSelector;
    }

    public interface AssignmentCreator extends Serializable {
    }

    public interface TargetSelector extends Serializable {
    }

    public static class RandomTwoTaskAssignmentCreator implements AssignmentCreator {
    }

    public static class BalancedTargetSelector implements TargetSelector {
        private static final long serialVersionUID = 1L;
    }
}
