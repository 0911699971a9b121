package io.resnetspark.data;

import java.io.Serializable;
import java.util.Random;

/**
 * Training-time augmentation of one image, fused with normalization: reads uint8 CHW pixels and
 * writes normalized floats. {@link #none()} is the identity (evaluation).
 */
public class Augmentation implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Pixels of zero padding around the image before a random crop of the original size (0 = off). */
    private final int padCrop;
    /** Probability of a horizontal flip. */
    private final double flip;

    public Augmentation(int padCrop, double flip) {
        this.padCrop = padCrop;
        this.flip = flip;
    }

    public static Augmentation none() {
        return new Augmentation(0, 0.0);
    }

    public int padCrop() {
        return padCrop;
    }

    public double flip() {
        return flip;
    }

    public boolean isNone() {
        return padCrop == 0 && flip == 0.0;
    }

    /**
     * @param scale per-channel multiplier (1 / (255 std)); {@code shift} per-channel offset (-mean / std).
     *              Padding is zero in pixel space, so it normalizes to {@code shift}.
     */
    public void apply(byte[] src, int srcOff, float[] dst, int dstOff, int c, int h, int w, float[] scale,
                      float[] shift, Random random) {
        int dy = 0;
        int dx = 0;
        if (padCrop > 0) {
            dy = random.nextInt(2 * padCrop + 1) - padCrop;
            dx = random.nextInt(2 * padCrop + 1) - padCrop;
        }
        boolean mirror = flip > 0 && random.nextDouble() < flip;
        for (int ch = 0; ch < c; ch++) {
            int plane = ch * h * w;
            for (int y = 0; y < h; y++) {
                int sy = y + dy;
                int row = dstOff + plane + y * w;
                if (sy < 0 || sy >= h) {
                    java.util.Arrays.fill(dst, row, row + w, shift[ch]);
                    continue;
                }
                int srow = srcOff + plane + sy * w;
                for (int x = 0; x < w; x++) {
                    int sx = (mirror ? w - 1 - x : x) + dx;
                    dst[row + x] = sx < 0 || sx >= w ? shift[ch] : (src[srow + sx] & 0xFF) * scale[ch] + shift[ch];
                }
            }
        }
    }
}
