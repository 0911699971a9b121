package io.resnetspark.train;

import io.resnetspark.config.UserError;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;

/**
 * Fails a gradient-sharing run fast when an executor is lost, instead of letting it hang.
 *
 * <p>What dl4j-spark-parameterserver 1.0.0-M2 does when an executor JVM dies mid-epoch (ExecutorLossTest):
 * Spark reruns the lost task on a survivor and starts a replacement executor; the survivors keep
 * sending updates to the dead peer's Aeron endpoint (NOT_CONNECTED, once a second, for ever); the epoch
 * may still end, but the next training task that lands on the replacement executor never finishes, and
 * a model pulled from the replacement is not there. So on the first lost executor every running job is
 * cancelled and the run stops with a message to resume from the last checkpoint.
 */
final class ExecutorLossWatch extends SparkListener implements AutoCloseable {
    private final SparkContext sc;
    private volatile String lost;
    private volatile int epoch;

    private ExecutorLossWatch(SparkContext sc) {
        this.sc = sc;
    }

    static ExecutorLossWatch install(SparkContext sc) {
        ExecutorLossWatch w = new ExecutorLossWatch(sc);
        sc.addSparkListener(w);
        return w;
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
        if (lost == null) {
            lost = removed.executorId() + " (" + removed.reason() + ")";
            sc.cancelAllJobs();
        }
    }

    /** Notes the epoch starting; throws if an executor was lost already (its replacement would hang it). */
    void check(int startingEpoch) {
        epoch = startingEpoch;
        UserError e = error();
        if (e != null) {
            throw e;
        }
    }

    /** The error for a run stopped in the current epoch, or null if no executor was lost. */
    UserError error() {
        if (lost == null) {
            return null;
        }
        return new UserError("executor " + lost + " was lost during gradient-sharing training in epoch " + epoch
                + ", which DL4J's gradient sharing cannot recover from (its replacement hangs); rerun with --resume"
                + " to continue from " + (epoch > 1 ? "the checkpoint of epoch " + (epoch - 1) : "the start"));
    }

    /** Stops watching: executors leaving at the end of the run are no loss. */
    @Override
    public void close() {
        sc.removeSparkListener(this);
    }
}
