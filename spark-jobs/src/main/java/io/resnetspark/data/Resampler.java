package io.resnetspark.data;

/**
 * Resize so the shorter side becomes the target size, then center crop, in one separable pass over
 * only the source pixels the crop needs. Downscaling averages the exact source area under each output
 * pixel (fractional coverage at the edges), so a 1024 px photo shrunk to 224 px does not alias;
 * upscaling is bilinear with half-pixel centers (the convention of PIL and torchvision).
 */
public final class Resampler {
    private Resampler() {
    }

    /** Per output index: the first source index it reads and the weights of consecutive sources. */
    static final class Axis {
        final int[] first;
        final float[][] weights;

        Axis(int n) {
            first = new int[n];
            weights = new float[n][];
        }

        int sourceMin() {
            return first[0];
        }

        int sourceMax() {
            int m = 0;
            for (int i = 0; i < first.length; i++) {
                m = Math.max(m, first[i] + weights[i].length - 1);
            }
            return m;
        }
    }

    /**
     * @param offset source coordinate of the left edge of output pixel 0
     * @param scale  source pixels per output pixel
     */
    static Axis axis(int srcLen, double offset, double scale, int outLen) {
        Axis a = new Axis(outLen);
        for (int i = 0; i < outLen; i++) {
            if (scale > 1.0) {
                double lo = offset + i * scale;
                double hi = lo + scale;
                int s0 = (int) Math.floor(lo);
                int s1 = (int) Math.ceil(hi) - 1;
                s0 = clamp(s0, srcLen);
                s1 = Math.max(s0, clamp(s1, srcLen));
                float[] w = new float[s1 - s0 + 1];
                double sum = 0;
                for (int s = s0; s <= s1; s++) {
                    double cover = Math.min(hi, s + 1) - Math.max(lo, s);
                    w[s - s0] = (float) Math.max(0, cover);
                    sum += w[s - s0];
                }
                normalize(w, sum);
                a.first[i] = s0;
                a.weights[i] = w;
            } else {
                double c = offset + (i + 0.5) * scale - 0.5;
                int s0 = (int) Math.floor(c);
                float f = (float) (c - s0);
                if (s0 < 0) {
                    s0 = 0;
                    f = 0;
                } else if (s0 >= srcLen - 1) {
                    s0 = srcLen - 1;
                    f = 0;
                }
                a.first[i] = s0;
                a.weights[i] = f == 0 ? new float[] {1f} : new float[] {1f - f, f};
            }
        }
        return a;
    }

    private static int clamp(int v, int len) {
        return v < 0 ? 0 : Math.min(v, len - 1);
    }

    private static void normalize(float[] w, double sum) {
        for (int k = 0; k < w.length; k++) {
            w[k] = (float) (w[k] / sum);
        }
    }

    /**
     * Resizes {@code planes} (each w*h uint8, row-major) so the shorter side is {@code size}, center
     * crops size x size, and returns one float plane per input plane (values 0..255).
     */
    public static float[][] shorterSideCenterCrop(byte[][] planes, int w, int h, int size) {
        int shorter = Math.min(w, h);
        double scale = (double) shorter / size;
        Axis ax = axis(w, (w - shorter) / 2.0, scale, size);
        Axis ay = axis(h, (h - shorter) / 2.0, scale, size);
        return resample(planes, w, ax, ay, size, size);
    }

    static float[][] resample(byte[][] planes, int w, Axis ax, Axis ay, int outW, int outH) {
        int y0 = ay.sourceMin();
        int rows = ay.sourceMax() - y0 + 1;
        float[][] out = new float[planes.length][outW * outH];
        float[] tmp = new float[rows * outW];
        for (int p = 0; p < planes.length; p++) {
            byte[] src = planes[p];
            for (int r = 0; r < rows; r++) {
                int srow = (y0 + r) * w;
                int trow = r * outW;
                for (int x = 0; x < outW; x++) {
                    int s = srow + ax.first[x];
                    float[] wx = ax.weights[x];
                    float v = 0;
                    for (int k = 0; k < wx.length; k++) {
                        v += (src[s + k] & 0xFF) * wx[k];
                    }
                    tmp[trow + x] = v;
                }
            }
            float[] dst = out[p];
            for (int y = 0; y < outH; y++) {
                int r0 = ay.first[y] - y0;
                float[] wy = ay.weights[y];
                int drow = y * outW;
                for (int k = 0; k < wy.length; k++) {
                    float wk = wy[k];
                    int trow = (r0 + k) * outW;
                    for (int x = 0; x < outW; x++) {
                        dst[drow + x] += tmp[trow + x] * wk;
                    }
                }
            }
        }
        return out;
    }
}
