package io.resnetspark.train.remote;

import java.io.Serializable;

/**
 * What one worker of an all-reduce epoch returns. Every worker ends with the same parameters, so only
 * rank 0 sends them (with the updater state); every rank sends a digest of its own, which the driver
 * compares to prove that they did not drift apart.
 */
public final class EpochResult implements Serializable {
    private static final long serialVersionUID = 1L;

    public int rank;
    public int steps;
    /** Images and loss summed over all workers' steps (the same on every rank). */
    public long images;
    public double lossSum;
    public long paramsDigest;
    public float[] params;
    public float[] updaterState;
    /** The outputs of this worker's final network on the epoch's probe input (see AllReduceEpoch). */
    public float[] probe;
    public double seconds;
}
