package io.resnetspark.train;

import java.util.List;
import org.apache.spark.util.LongAccumulator;

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
}
