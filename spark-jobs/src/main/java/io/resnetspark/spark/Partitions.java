package io.resnetspark.spark;

import org.apache.spark.api.java.JavaSparkContext;

/**
 * How many partitions a stage cuts its work into, the one rule: small tasks, so that progress (which
 * Spark reports per finished task) moves, a retried task redoes little and a task's memory stays bounded;
 * at least four per core, so that uneven tasks balance.
 */
public final class Partitions {
    private Partitions() {
    }

    /**
     * @param items      work items (images, files)
     * @param maxPerTask the most items a task should hold (memory, retry cost)
     * @param minPerTask the fewest worth a task (a minibatch, say)
     * @param configured the user's choice; 0 = decide
     */
    public static int of(JavaSparkContext sc, long items, long maxPerTask, long minPerTask, int configured) {
        long n = configured > 0 ? configured
                : Math.max(4L * sc.defaultParallelism(), (items + maxPerTask - 1) / maxPerTask);
        long most = Math.max(1, (items + minPerTask - 1) / Math.max(1, minPerTask));
        return (int) Math.max(1, Math.min(n, most));
    }
}
