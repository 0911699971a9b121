package io.resnetspark.train.remote;

import io.resnetspark.model.OneDnn;
import org.apache.spark.TaskContext;

/**
 * A training task computes with the cores Spark gave it ({@code spark.task.cpus}, 1 unless configured),
 * so that the tasks sharing an executor, or the threads of {@code local[N]}, do not each start a team of
 * every core. Measured on 2 cores, ResNet-20 on {@code local[2]} with the own oneDNN helpers: 128 img/s
 * with a team of 2 per task, 295 with 1 (README, Measured figures).
 */
final class TaskThreads {
    private TaskThreads() {
    }

    /** On a task thread: its team size for oneDNN calls; elsewhere nothing. */
    static void apply() {
        TaskContext task = TaskContext.get();
        if (task != null) {
            OneDnn.threadsForThisThread(task.cpus());
        }
    }
}
