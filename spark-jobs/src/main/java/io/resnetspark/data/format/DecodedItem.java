package io.resnetspark.data.format;

import java.io.Serializable;

/**
 * The executor's answer for one {@link PrepareItem}: uint8 CHW pixels and per-channel sums (for the
 * normalization statistics), or the reason it was skipped. Plain fields for Kryo.
 */
public class DecodedItem implements Serializable {
    private static final long serialVersionUID = 1L;

    public int index;
    public String name;
    public String split;
    public int label;
    public String reason;
    public byte[] pixels;
    /** Per channel: sum of pixel values and of their squares (exact in long, so reruns agree bit for bit). */
    public long[] sum;
    public long[] sumSquares;

    public DecodedItem() {
    }

    public boolean ok() {
        return reason == null;
    }

    /** The same without the pixels: what the driver collects. */
    public DecodedItem status() {
        DecodedItem d = new DecodedItem();
        d.index = index;
        d.name = name;
        d.split = split;
        d.label = label;
        d.reason = reason;
        d.sum = sum;
        d.sumSquares = sumSquares;
        return d;
    }
}
