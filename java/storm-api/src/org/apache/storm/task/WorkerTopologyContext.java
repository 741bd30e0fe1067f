/* What a worker's tasks share: on gust one process runs every task. */
package org.apache.storm.task;

import gust.jvm.TaskTable;
import java.util.ArrayList;
import java.util.List;

public class WorkerTopologyContext extends GeneralTopologyContext {
    public WorkerTopologyContext(TaskTable table) {
        super(table);
    }

    public List<Integer> getThisWorkerTasks() {
        return new ArrayList<>(table.taskToComponent.keySet());
    }

    public Integer getThisWorkerPort() {
        return 0;
    }

    public String getThisWorkerHost() {
        return "localhost";
    }

    public String getCodeDir() {
        return System.getProperty("user.dir");
    }

    public String getPIDDir() {
        return System.getProperty("java.io.tmpdir");
    }
}
