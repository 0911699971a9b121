package io.resnetspark.data.format;

import io.resnetspark.model.EvalTransform;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What prepare does to every image, on the executor: decode, resize the shorter side to {@code size}
 * and center crop (or, with size 0, require the data set's one fixed size), convert to the output
 * channels, and round to uint8 CHW. Small and serializable: it is shipped with every task.
 */
public final class Preprocessor implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The manifest recipe's key for torchvision's geometry, which train records for predict to repeat. */
    public static final String RESIZE_SHORTER = "resize_shorter";

    private final int width;
    private final int height;
    private final boolean resize;
    private final int channels;
    private final long maxPixels;
    /** Imported models' own transform (torchvision's resize and crop); null = prepare's. */
    private final EvalTransform eval;

    /**
     * @param size      side of the square output; 0 = keep the source size, which must then be
     *                  {@code width x height}
     * @param channels  1 or 3
     */
    public Preprocessor(int size, int width, int height, int channels, long maxPixels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        this.resize = size > 0;
        this.width = size > 0 ? size : width;
        this.height = size > 0 ? size : height;
        this.channels = channels;
        this.maxPixels = maxPixels;
        this.eval = null;
    }

    private Preprocessor(EvalTransform eval, int channels, long maxPixels) {
        this.resize = true;
        this.width = eval.cropWidth();
        this.height = eval.cropHeight();
        this.channels = channels;
        this.maxPixels = maxPixels;
        this.eval = eval;
    }

    /**
     * What a model with a recorded {@link EvalTransform} (imported weights) expects instead of prepare's
     * resize: torchvision's resize of the shorter side and center crop ({@link PilResize}).
     */
    public static Preprocessor evaluating(EvalTransform transform, int channels, long maxPixels) {
        if (!"RGB".equals(transform.channelOrder())) {
            throw new IllegalArgumentException("an eval transform in " + transform.channelOrder() + " channel order is"
                    + " not implemented (RGB is)");
        }
        return new Preprocessor(transform, channels, maxPixels);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int channels() {
        return channels;
    }

    public long maxPixels() {
        return maxPixels;
    }

    public int imageBytes() {
        return channels * width * height;
    }

    /** An encoded image file to uint8 CHW. */
    public byte[] fromFile(byte[] encoded) throws BadInputException {
        return fromPlanes(ImageDecoder.decode(encoded, maxPixels));
    }

    /** One grayscale image given as row-major uint8 (idx and csv records). */
    public byte[] fromGray(byte[] pixels, int w, int h) throws BadInputException {
        return fromPlanes(new ImageDecoder.Planes(new byte[][] {pixels}, w, h));
    }

    public byte[] fromPlanes(ImageDecoder.Planes p) throws BadInputException {
        if (eval != null) {
            byte[][] cropped = PilResize.apply(p.planes(), p.width(), p.height(), eval);
            // a gray band is replicated below, as PIL's convert("RGB") does; resizing it first gives the same pixels
            return fromPlanes(new ImageDecoder.Planes(cropped, width, height), true);
        }
        return fromPlanes(p, false);
    }

    private byte[] fromPlanes(ImageDecoder.Planes p, boolean sized) throws BadInputException {
        int n = width * height;
        byte[] out = new byte[channels * n];
        if (sized || !resize || (p.width() == width && p.height() == height)) {
            if (p.width() != width || p.height() != height) {
                throw new BadInputException(String.format(Locale.ROOT,
                        "image is %dx%d but the data set's images are %dx%d (set prepare.size to resize)",
                        p.width(), p.height(), width, height));
            }
            byte[][] src = p.planes();
            if (src.length == channels) {
                for (int c = 0; c < channels; c++) {
                    System.arraycopy(src[c], 0, out, c * n, n);
                }
            } else if (channels == 3) {
                for (int c = 0; c < 3; c++) {
                    System.arraycopy(src[0], 0, out, c * n, n);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    out[i] = round(luma(src[0][i] & 0xFF, src[1][i] & 0xFF, src[2][i] & 0xFF));
                }
            }
            return out;
        }
        float[][] f = Resampler.shorterSideCenterCrop(p.planes(), p.width(), p.height(), width);
        if (f.length == channels) {
            for (int c = 0; c < channels; c++) {
                float[] plane = f[c];
                int o = c * n;
                for (int i = 0; i < n; i++) {
                    out[o + i] = round(plane[i]);
                }
            }
        } else if (channels == 3) {
            for (int i = 0; i < n; i++) {
                byte v = round(f[0][i]);
                out[i] = v;
                out[n + i] = v;
                out[2 * n + i] = v;
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = round(luma(f[0][i], f[1][i], f[2][i]));
            }
        }
        return out;
    }

    /** ITU-R 601 luma, as PIL's convert("L"). */
    private static float luma(float r, float g, float b) {
        return r * 0.299f + g * 0.587f + b * 0.114f;
    }

    private static byte round(float v) {
        int i = (int) (v + 0.5f);
        return (byte) (i < 0 ? 0 : Math.min(i, 255));
    }

    /** For the manifest: what was done, in words and numbers. */
    public Map<String, Object> recipe() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("decode", "javax.imageio (JPEG, PNG, BMP, GIF); alpha dropped; palette to RGB");
        r.put("resize", eval != null ? "torchvision's: shorter side to " + eval.resizeShorterSide() + " (Pillow "
                + eval.interpolation() + ", antialiased), center crop " + width + "x" + height : resize ? "shorter side to " + width
                + " px (area averaging when shrinking, bilinear when enlarging), center crop " + width + "x" + height
                : "none (every image must be " + width + "x" + height + ")");
        if (eval != null) {
            r.put(RESIZE_SHORTER, eval.resizeShorterSide());
        }
        r.put("channels", channels == 1 ? "1 (color sources to ITU-R 601 luma)" : "3 (gray sources replicated)");
        r.put("width", width);
        r.put("height", height);
        r.put("max_pixels", maxPixels);
        r.put("layout", "uint8 NCHW, normalization applied at training time");
        return r;
    }
}
