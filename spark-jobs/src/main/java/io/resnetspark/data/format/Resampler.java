package io.resnetspark.data.format;

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
        // weights flattened to a fixed number of taps per output (zero padded): a tight inner loop
        int tx = taps(ax);
        int[] fx = ax.first.clone();
        float[] wx = flat(ax, tx, fx, 0, w);
        int ty = taps(ay);
        int[] fy = ay.first.clone();
        float[] wy = flat(ay, ty, fy, y0, y0 + rows);
        float[][] out = new float[planes.length][outW * outH];
        float[] tmp = new float[rows * outW];
        for (int p = 0; p < planes.length; p++) {
            byte[] src = planes[p];
            for (int r = 0; r < rows; r++) {
                int srow = (y0 + r) * w;
                int trow = r * outW;
                for (int x = 0; x < outW; x++) {
                    int s = srow + fx[x];
                    int k0 = x * tx;
                    float v = 0;
                    for (int k = 0; k < tx; k++) {
                        v += (src[s + k] & 0xFF) * wx[k0 + k];
                    }
                    tmp[trow + x] = v;
                }
            }
            float[] dst = out[p];
            for (int y = 0; y < outH; y++) {
                int r0 = fy[y] - y0;
                int drow = y * outW;
                for (int k = 0; k < ty; k++) {
                    float wk = wy[y * ty + k];
                    if (wk == 0) {
                        continue;
                    }
                    int trow = (r0 + k) * outW;
                    for (int x = 0; x < outW; x++) {
                        dst[drow + x] += tmp[trow + x] * wk;
                    }
                }
            }
        }
        return out;
    }

    private static int taps(Axis a) {
        int t = 1;
        for (float[] w : a.weights) {
            t = Math.max(t, w.length);
        }
        return t;
    }

    /**
     * Weights padded with zeros to {@code taps} per output; where the padding would run past the source
     * end, the window is moved left (in {@code first}) so that every read stays inside.
     */
    private static float[] flat(Axis a, int taps, int[] first, int srcStart, int srcEnd) {
        float[] f = new float[a.first.length * taps];
        for (int i = 0; i < a.first.length; i++) {
            int shift = Math.max(0, first[i] + taps - srcEnd);
            shift = Math.min(shift, first[i] - srcStart);
            first[i] -= shift;
            System.arraycopy(a.weights[i], 0, f, i * taps + shift, a.weights[i].length);
        }
        return f;
    }
}
