package io.resnetspark.data.format;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes one image file with javax.imageio (JPEG, PNG, BMP, GIF, and through the TwelveMonkeys plugins CMYK and
 * YCCK JPEG, TIFF and WebP; no native code) into uint8 planes: one plane for grayscale sources, R, G, B
 * otherwise. Refuses, with a reason, empty files, non-images, images above the pixel limit (checked from the
 * header before any pixel is decoded) and files the decoder reports as damaged. A truncated JPEG decodes
 * "successfully" with a warning, so the warnings that say the data is cut or corrupt count as damage; other
 * warnings (a CMYK JPEG without an embedded colour profile, say) describe a valid image and do not.
 */
public final class ImageDecoder {
    static {
        // decode from memory; the default would spill every stream to a temp file
        ImageIO.setUseCache(false);
    }

    /** The reader warnings that mean pixels are missing or wrong: libjpeg's words for a cut or corrupt stream. */
    private static final java.util.regex.Pattern DAMAGE = java.util.regex.Pattern.compile(
            "(?i)premature end|truncat|corrupt|bad huffman|must resync|invalid sos|inconsistent progression|unexpected end");
    /** Corrupt in libjpeg's words, harmless in fact: bytes between markers, which every decoder skips. */
    private static final java.util.regex.Pattern HARMLESS = java.util.regex.Pattern.compile("(?i)extraneous bytes");

    static final String SUPPORTED = "not an image in a supported format (JPEG, PNG, BMP, GIF, TIFF, WebP)";

    private ImageDecoder() {
    }

    /** Whether a reader warning means the image is damaged (rather than a note about a valid one). */
    static boolean damage(String warning) {
        return warning != null && DAMAGE.matcher(warning).find() && !HARMLESS.matcher(warning).find();
    }

    /** Uint8 planes of one image at its own size. */
    public record Planes(byte[][] planes, int width, int height) {
        public boolean gray() {
            return planes.length == 1;
        }
    }

    public static Planes decode(byte[] bytes, long maxPixels) throws BadInputException {
        if (bytes.length == 0) {
            throw new BadInputException("empty file");
        }
        BufferedImage img = read(bytes, maxPixels);
        return planes(img);
    }

    /**
     * The reader for the stream: TwelveMonkeys' where it offers one. Where the JDK has a reader for the same
     * format (TIFF), ImageIO's order between the two is not fixed from one JVM to the next, and the JDK's
     * reader converts CMYK without the colour profile (a red came out as 239,96,96 instead of about 220,30,30).
     */
    private static ImageReader reader(ImageInputStream in) throws BadInputException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new BadInputException(SUPPORTED);
        }
        ImageReader first = readers.next();
        while (!twelveMonkeys(first) && readers.hasNext()) {
            ImageReader next = readers.next();
            if (twelveMonkeys(next)) {
                return next;
            }
        }
        return first;
    }

    private static boolean twelveMonkeys(ImageReader r) {
        return r.getClass().getName().startsWith("com.twelvemonkeys.");
    }

    /** Width and height from the header alone. */
    public static int[] size(byte[] bytes) throws BadInputException {
        if (bytes.length == 0) {
            throw new BadInputException("empty file");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = reader(in);
            try {
                reader.setInput(in, true, true);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new BadInputException("cannot read the image header: " + reason(e));
        }
    }

    static BufferedImage read(byte[] bytes, long maxPixels) throws BadInputException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = reader(in);
            String format = reader.getFormatName().toUpperCase(Locale.ROOT);
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w <= 0 || h <= 0) {
                    throw new BadInputException(format + " header gives an empty image (" + w + "x" + h + ")");
                }
                if (w * h > maxPixels) {
                    throw new BadInputException(String.format(Locale.ROOT,
                            "%s image is %dx%d = %.1f megapixels, above the limit of %.1f (prepare.max-pixels)",
                            format, w, h, w * h / 1e6, maxPixels / 1e6));
                }
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage img = reader.read(0);
                for (String warning : warnings) {
                    if (damage(warning)) {
                        throw new BadInputException("damaged " + format + " file: " + warning);
                    }
                }
                return img;
            } catch (IOException | RuntimeException e) {
                throw new BadInputException("cannot decode " + format + " file: " + reason(e));
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new BadInputException("cannot read the file: " + reason(e));
        }
    }

    private static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && t.getMessage() == null) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t.getCause() != null && t.getCause().getMessage() != null && !m.contains(t.getCause().getMessage())) {
            m += " (" + t.getCause().getMessage() + ")";
        }
        return m;
    }

    private static Planes direct(Raster raster, int channels, int w, int h) {
        ComponentSampleModel sm = (ComponentSampleModel) raster.getSampleModel();
        DataBufferByte db = (DataBufferByte) raster.getDataBuffer();
        byte[] data = db.getData();
        int stride = sm.getPixelStride();
        int scan = sm.getScanlineStride();
        int[] offsets = sm.getBandOffsets();
        int[] banks = sm.getBankIndices();
        int base = db.getOffset() - raster.getSampleModelTranslateY() * scan
                - raster.getSampleModelTranslateX() * stride;
        byte[][] planes = new byte[channels][w * h];
        for (int c = 0; c < channels; c++) {
            byte[] bank = banks[c] == 0 ? data : db.getData(banks[c]);
            byte[] plane = planes[c];
            for (int y = 0; y < h; y++) {
                int src = base + y * scan + offsets[c];
                int o = y * w;
                for (int x = 0; x < w; x++, src += stride) {
                    plane[o + x] = bank[src];
                }
            }
        }
        return new Planes(planes, w, h);
    }

    /**
     * Grayscale sources keep their one channel (raw samples, not through the color model, which would
     * treat Java's linear gray as needing gamma); palette, RGB and RGBA become R, G, B, dropping alpha
     * as PIL's convert("RGB") does.
     */
    static Planes planes(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        Raster raster = img.getRaster();
        var cm = img.getColorModel();
        int type = cm.getColorSpace().getType();
        boolean component = cm instanceof ComponentColorModel;
        if (component && (type == ColorSpace.TYPE_GRAY || cm.getColorSpace().isCS_sRGB())
                && raster.getDataBuffer() instanceof DataBufferByte
                && raster.getSampleModel() instanceof ComponentSampleModel) {
            // the common case (8-bit JPEG, PNG, BMP): read the decoder's bytes directly
            return direct(raster, type == ColorSpace.TYPE_GRAY ? 1 : 3, w, h);
        }
        if (component && type == ColorSpace.TYPE_GRAY) {
            int shift = Math.max(0, cm.getComponentSize(0) - 8);
            byte[] g = new byte[w * h];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    g[y * w + x] = (byte) (row[x] >> shift);
                }
            }
            return new Planes(new byte[][] {g}, w, h);
        }
        byte[] r = new byte[w * h];
        byte[] gr = new byte[w * h];
        byte[] b = new byte[w * h];
        if (cm instanceof ComponentColorModel && cm.getColorSpace().isCS_sRGB() && raster.getNumBands() >= 3) {
            int bands = raster.getNumBands();
            int shift = Math.max(0, cm.getComponentSize(0) - 8);
            int[] row = new int[w * bands];
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, row);
                int o = y * w;
                for (int x = 0, k = 0; x < w; x++, k += bands) {
                    r[o + x] = (byte) (row[k] >> shift);
                    gr[o + x] = (byte) (row[k + 1] >> shift);
                    b[o + x] = (byte) (row[k + 2] >> shift);
                }
            }
        } else {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, row, 0, w);
                int o = y * w;
                for (int x = 0; x < w; x++) {
                    int p = row[x];
                    r[o + x] = (byte) (p >> 16);
                    gr[o + x] = (byte) (p >> 8);
                    b[o + x] = (byte) p;
                }
            }
        }
        return new Planes(new byte[][] {r, gr, b}, w, h);
    }
}
