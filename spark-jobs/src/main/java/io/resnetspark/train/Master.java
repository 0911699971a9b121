package io.resnetspark.train;

import io.resnetspark.data.format.BatchChecksums;
import io.resnetspark.data.format.BatchTransform;
import io.resnetspark.model.Normalization;
import io.resnetspark.storage.RemoteStorage;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * How an epoch is trained on the cluster ({@code train.master}): {@link AveragingMaster} or
 * {@link SharingMaster}. Either way the driver's network holds the epoch's result when {@link #fitEpoch}
 * returns, so evaluation, checkpoints and the next epoch start from it.
 */
interface Master {
    /**
     * Trains one epoch over the train files in {@code order} (already shuffled for the epoch).
     *
     * @param seed  the epoch's seed for mixing and augmentation
     * @param steps counts training steps as they happen, for the progress line
     * @return DL4J's score at the end of the epoch: data loss plus the weight penalty
     */
    double fitEpoch(List<String> order, long seed, LongAccumulator steps);

    /** Training steps an epoch of {@code files} minibatch files takes, as {@code steps} counts them. */
    long steps(int files);

    /**
     * The master {@code train.master} names, training {@code graph} (the driver's network) in place.
     *
     * @param slots tasks the cluster runs at once
     */
    static Master create(Cluster cluster, ComputationGraph graph, int slots, int batch, Normalization normalization) {
        return switch (cluster.settings().master()) {
            case SHARING -> {
                SharingMaster.checkCluster(cluster.sc(), cluster.workers(), slots);
                yield new SharingMaster(cluster, graph, BatchTransform.eval(normalization));
            }
            case AVERAGING -> new AveragingMaster(cluster, graph, batch);
        };
    }

    /**
     * What either master trains with: the cluster, the settings, how many workers, the training transform
     * (augmentation and normalization), the Hadoop settings executors read the files with and the files'
     * checksums (a broadcast: one per run, whatever the number of files).
     */
    record Cluster(JavaSparkContext sc, TrainSettings settings, int workers, BatchTransform transform,
                   RemoteStorage remote, Broadcast<BatchChecksums> checks) {
    }
}
