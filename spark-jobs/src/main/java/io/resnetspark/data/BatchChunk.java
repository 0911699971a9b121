package io.resnetspark.data;

import java.io.Serializable;

/**
 * Consecutive images of one decode partition that belong to the same output file. Partitions hold
 * contiguous runs of the input order, so a file's images arrive in one or two chunks: the shuffle
 * moves a few hundred chunks instead of one record per image. Plain fields for Kryo.
 */
public class BatchChunk implements Serializable {
    private static final long serialVersionUID = 1L;

    public int n;
    public byte[] pixels;
    public int[] labels;
    public String[] names;

    public BatchChunk() {
    }
}
