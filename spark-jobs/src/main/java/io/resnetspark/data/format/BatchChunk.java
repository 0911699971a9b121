package io.resnetspark.data.format;

import io.resnetspark.data.remote.ChunkByFile;
import java.io.Serializable;

/**
 * Images of one decode partition that follow each other both in the input and in one output file
 * (see {@link ChunkByFile}). Plain fields for Kryo.
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
