package io.resnetspark.data.format;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Random;

/**
 * Training-time augmentation of one image, fused with normalization: reads uint8 CHW pixels and
 * writes normalized floats in one pass. Either pad-and-crop (CIFAR style: zero padding, random crop
 * of the original size) or random-resized-crop (ImageNet style: a random box of a random share of the
 * area and aspect ratio, bilinearly scaled back to the image size), each with an optional horizontal
 * flip. {@link #none()} is the identity (evaluation).
 */
public class Augmentation implements Serializable {
    private static final long serialVersionUID = 2L;

    /** Pixels of zero padding around the image before a random crop of the original size (0 = off). */
    private final int padCrop;
    /** Probability of a horizontal flip. */
    private final double flip;
    /** Random-resized-crop area range as fractions of the image (0 = off). */
    private final double cropMinScale;
    private final double cropMaxScale;
    /** Aspect ratio range (width / height) of the random-resized-crop box. */
    private final double minRatio;
    private final double maxRatio;

    public Augmentation(int padCrop, double flip) {
        this(padCrop, flip, 0, 0, 3.0 / 4, 4.0 / 3);
    }

    public Augmentation(int padCrop, double flip, double cropMinScale, double cropMaxScale, double minRatio,
                        double maxRatio) {
        if (padCrop < 0 || flip < 0 || flip > 1) {
            throw new IllegalArgumentException("padCrop must be >= 0 and flip in [0, 1]");
        }
        if (cropMinScale != 0 && !(cropMinScale > 0 && cropMinScale <= cropMaxScale && cropMaxScale <= 1)) {
            throw new IllegalArgumentException("random-resized-crop scales must satisfy 0 < min <= max <= 1, got "
                    + cropMinScale + ".." + cropMaxScale);
        }
        if (cropMinScale > 0 && padCrop > 0) {
            throw new IllegalArgumentException("pad-crop and random-resized-crop are alternatives; choose one");
        }
        if (!(minRatio > 0 && minRatio <= maxRatio)) {
            throw new IllegalArgumentException("aspect ratios must satisfy 0 < min <= max");
        }
        this.padCrop = padCrop;
        this.flip = flip;
        this.cropMinScale = cropMinScale;
        this.cropMaxScale = cropMaxScale;
        this.minRatio = minRatio;
        this.maxRatio = maxRatio;
    }

    public static Augmentation none() {
        return new Augmentation(0, 0.0);
    }

    /** torchvision's RandomResizedCrop(scale=(minScale, maxScale), ratio=(3/4, 4/3)) plus a flip. */
    public static Augmentation randomResizedCrop(double minScale, double maxScale, double flip) {
        return new Augmentation(0, flip, minScale, maxScale, 3.0 / 4, 4.0 / 3);
    }

    public int padCrop() {
        return padCrop;
    }

    public double flip() {
        return flip;
    }

    public double cropMinScale() {
        return cropMinScale;
    }

    public double cropMaxScale() {
        return cropMaxScale;
    }

    /**
     * @param scale per-channel multiplier (1 / (255 std)); {@code shift} per-channel offset (-mean / std).
     *              Padding is zero in pixel space, so it normalizes to {@code shift}.
     */
    public void apply(byte[] src, int srcOff, float[] dst, int dstOff, int c, int h, int w, float[] scale,
                      float[] shift, Random random) {
        if (cropMinScale > 0) {
            double[] box = cropBox(h, w, random);
            boolean mirror = flip > 0 && random.nextDouble() < flip;
            resizedCrop(src, srcOff, dst, dstOff, c, h, w, box, mirror, scale, shift);
            return;
        }
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
                    Arrays.fill(dst, row, row + w, shift[ch]);
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

    /** {top, left, height, width} of the crop box, drawn as torchvision does (10 tries, then the center). */
    double[] cropBox(int h, int w, Random random) {
        double area = (double) h * w;
        double logMin = Math.log(minRatio);
        double logMax = Math.log(maxRatio);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (cropMinScale + random.nextDouble() * (cropMaxScale - cropMinScale));
            double ratio = Math.exp(logMin + random.nextDouble() * (logMax - logMin));
            int cw = (int) Math.round(Math.sqrt(target * ratio));
            int ch = (int) Math.round(Math.sqrt(target / ratio));
            if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
                int top = random.nextInt(h - ch + 1);
                int left = random.nextInt(w - cw + 1);
                return new double[] {top, left, ch, cw};
            }
        }
        double ratio = (double) w / h;
        int cw = w;
        int ch = h;
        if (ratio < minRatio) {
            ch = (int) Math.round(w / minRatio);
        } else if (ratio > maxRatio) {
            cw = (int) Math.round(h * maxRatio);
        }
        return new double[] {(h - ch) / 2, (w - cw) / 2, ch, cw};
    }

    /** Bilinear (half-pixel centers) from the box to the full h x w, fused with flip and normalization. */
    private static void resizedCrop(byte[] src, int srcOff, float[] dst, int dstOff, int c, int h, int w,
                                    double[] box, boolean mirror, float[] scale, float[] shift) {
        int[] x0 = new int[w];
        int[] x1 = new int[w];
        float[] fx = new float[w];
        double sxScale = box[3] / w;
        for (int x = 0; x < w; x++) {
            int ox = mirror ? w - 1 - x : x;
            double sx = box[1] + (ox + 0.5) * sxScale - 0.5;
            sx = Math.max(0, Math.min(w - 1, sx));
            x0[x] = (int) sx;
            x1[x] = Math.min(w - 1, x0[x] + 1);
            fx[x] = (float) (sx - x0[x]);
        }
        double syScale = box[2] / h;
        for (int y = 0; y < h; y++) {
            double sy = box[0] + (y + 0.5) * syScale - 0.5;
            sy = Math.max(0, Math.min(h - 1, sy));
            int y0 = (int) sy;
            int y1 = Math.min(h - 1, y0 + 1);
            float fy = (float) (sy - y0);
            for (int ch = 0; ch < c; ch++) {
                int plane = srcOff + ch * h * w;
                int r0 = plane + y0 * w;
                int r1 = plane + y1 * w;
                int row = dstOff + ch * h * w + y * w;
                float sc = scale[ch];
                float sh = shift[ch];
                for (int x = 0; x < w; x++) {
                    float top = (src[r0 + x0[x]] & 0xFF) + ((src[r0 + x1[x]] & 0xFF) - (src[r0 + x0[x]] & 0xFF)) * fx[x];
                    float bot = (src[r1 + x0[x]] & 0xFF) + ((src[r1 + x1[x]] & 0xFF) - (src[r1 + x0[x]] & 0xFF)) * fx[x];
                    dst[row + x] = (top + (bot - top) * fy) * sc + sh;
                }
            }
        }
    }
}
