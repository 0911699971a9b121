package io.resnetspark.data.format;

import io.resnetspark.model.EvalTransform;
import java.util.Locale;

/**
 * torchvision's evaluation transform on a PIL image, to the bit: {@code Resize(shorter side)} as Pillow's
 * bilinear resampling computes it (a triangle filter widened by the scale when shrinking, so
 * downscaling is antialiased; 22-bit fixed-point weights; a horizontal pass rounded to uint8, then a
 * vertical one), then {@code CenterCrop}. Models imported from PyTorch were trained on exactly these
 * pixels, so their probabilities only match torch's when predict reproduces them; prepare's
 * {@link Resampler} (area averaging) is close but not equal.
 */
public final class PilResize {
    /** Pillow's {@code PRECISION_BITS} for 8-bit images: 32 - 8 - 2. */
    private static final int BITS = 22;

    private PilResize() {
    }

    /**
     * Resizes so the shorter side is {@code t.resizeShorterSide()} (the longer side truncated, as
     * torchvision computes it; an image already that size is not resampled), then center crops
     * {@code t.cropWidth() x t.cropHeight()}. One uint8 plane per input plane.
     */
    public static byte[][] apply(byte[][] planes, int w, int h, EvalTransform t) throws BadInputException {
        int size = t.resizeShorterSide();
        if (!"bilinear".equals(t.interpolation().toLowerCase(Locale.ROOT))) {
            throw new BadInputException("the model's eval transform asks for " + t.interpolation()
                    + " interpolation, and only bilinear is implemented");
        }
        int nw = w <= h ? size : (int) ((long) size * w / h);
        int nh = w <= h ? (int) ((long) size * h / w) : size;
        if (t.cropWidth() > nw || t.cropHeight() > nh) {
            throw new BadInputException(String.format(Locale.ROOT, "a %dx%d crop does not fit the image resized to"
                    + " %dx%d", t.cropWidth(), t.cropHeight(), nw, nh));
        }
        // torchvision's CenterCrop: int(round((size - crop) / 2.0)), Python's round (half to even)
        int top = (int) Math.rint((nh - t.cropHeight()) / 2.0);
        int left = (int) Math.rint((nw - t.cropWidth()) / 2.0);
        byte[][] out = new byte[planes.length][];
        for (int p = 0; p < planes.length; p++) {
            byte[] resized = nw == w && nh == h ? planes[p] : resize(planes[p], w, h, nw, nh);
            out[p] = crop(resized, nw, left, top, t.cropWidth(), t.cropHeight());
        }
        return out;
    }

    private static byte[] crop(byte[] src, int w, int left, int top, int cw, int ch) {
        byte[] out = new byte[cw * ch];
        for (int y = 0; y < ch; y++) {
            System.arraycopy(src, (top + y) * w + left, out, y * cw, cw);
        }
        return out;
    }

    /** Pillow's ImagingResample for one 8-bit band: horizontal first (when the width changes), then vertical. */
    static byte[] resize(byte[] src, int w, int h, int nw, int nh) {
        byte[] horizontal = src;
        if (nw != w) {
            Coefficients cx = Coefficients.of(w, nw);
            horizontal = new byte[nw * h];
            for (int y = 0; y < h; y++) {
                int row = y * w;
                for (int x = 0; x < nw; x++) {
                    int ss = 1 << (BITS - 1);
                    int k0 = x * cx.taps;
                    for (int i = 0; i < cx.count[x]; i++) {
                        ss += (src[row + cx.first[x] + i] & 0xFF) * cx.k[k0 + i];
                    }
                    horizontal[y * nw + x] = clip(ss);
                }
            }
        }
        if (nh == h) {
            return horizontal;
        }
        Coefficients cy = Coefficients.of(h, nh);
        byte[] out = new byte[nw * nh];
        for (int y = 0; y < nh; y++) {
            int k0 = y * cy.taps;
            for (int x = 0; x < nw; x++) {
                int ss = 1 << (BITS - 1);
                for (int i = 0; i < cy.count[y]; i++) {
                    ss += (horizontal[(cy.first[y] + i) * nw + x] & 0xFF) * cy.k[k0 + i];
                }
                out[y * nw + x] = clip(ss);
            }
        }
        return out;
    }

    private static byte clip(int ss) {
        int v = ss >> BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /** Pillow's precompute_coeffs with the bilinear (triangle) filter, then normalize_coeffs_8bpc. */
    static final class Coefficients {
        final int taps;
        final int[] first;
        final int[] count;
        final int[] k;

        private Coefficients(int taps, int n) {
            this.taps = taps;
            this.first = new int[n];
            this.count = new int[n];
            this.k = new int[n * taps];
        }

        static Coefficients of(int in, int out) {
            double scale = (double) in / out;
            double filterScale = Math.max(scale, 1.0);
            double support = 1.0 * filterScale;
            Coefficients c = new Coefficients((int) Math.ceil(support) * 2 + 1, out);
            double[] pre = new double[c.taps];
            for (int xx = 0; xx < out; xx++) {
                double center = (xx + 0.5) * scale;
                double ss = 1.0 / filterScale;
                // C's (int) truncates toward zero; negatives are clamped to 0 right after
                int xmin = Math.max((int) (center - support + 0.5), 0);
                int xmax = Math.min((int) (center + support + 0.5), in) - xmin;
                double ww = 0;
                for (int x = 0; x < xmax; x++) {
                    double d = Math.abs((x + xmin - center + 0.5) * ss);
                    double wgt = d < 1.0 ? 1.0 - d : 0.0;
                    pre[x] = wgt;
                    ww += wgt;
                }
                for (int x = 0; x < xmax; x++) {
                    double v = ww != 0.0 ? pre[x] / ww : pre[x];
                    c.k[xx * c.taps + x] = v < 0 ? (int) (-0.5 + v * (1 << BITS)) : (int) (0.5 + v * (1 << BITS));
                }
                c.first[xx] = xmin;
                c.count[xx] = xmax;
            }
            return c;
        }
    }
}
