package io.resnetspark.data.format;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * The split of an input from a seeded hash of its name relative to the source, so the same file lands
 * in the same split on every rerun and wherever the data set is stored (local disk, HDFS, S3).
 */
public final class SplitHash implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long seed;
    private final double val;
    private final double test;

    public SplitHash(long seed, double valFraction, double testFraction) {
        this.seed = seed;
        this.val = valFraction;
        this.test = testFraction;
    }

    public String split(String name) {
        double u = unit(name);
        return u < val ? "val" : u < val + test ? "test" : "train";
    }

    /** A uniform number in [0, 1) from the name (FNV-1a 64 over seed and UTF-8 bytes, then a mixer). */
    public double unit(String name) {
        long h = 0xcbf29ce484222325L ^ (seed * 0x9E3779B97F4A7C15L);
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (h >>> 11) * 0x1.0p-53;
    }

    public double val() {
        return val;
    }

    public double test() {
        return test;
    }
}
