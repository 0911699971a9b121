package io.resnetspark.data;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Real image files for tests, encoded by javax.imageio's own writers. */
public final class TestImages {
    private TestImages() {
    }

    /** RGB image whose pixel (x, y) is (r0 + x, g0 + y, b) clamped, so position is visible in the values. */
    public static BufferedImage rgb(int w, int h, int r0, int g0, int b) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (Math.min(255, r0 + x) << 16) | (Math.min(255, g0 + y) << 8) | b);
            }
        }
        return img;
    }

    public static BufferedImage solid(int w, int h, int rgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    public static BufferedImage gray(int w, int h, int v0) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, Math.min(255, v0 + x + y));
            }
        }
        return img;
    }

    public static BufferedImage rgba(int w, int h, int r, int g, int b, int alpha) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (alpha << 24) | (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    /** Palette image: left half color A, right half color B. */
    public static BufferedImage palette(int w, int h, int rgbA, int rgbB) {
        byte[] r = {(byte) (rgbA >> 16), (byte) (rgbB >> 16)};
        byte[] g = {(byte) (rgbA >> 8), (byte) (rgbB >> 8)};
        byte[] b = {(byte) rgbA, (byte) rgbB};
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY, new IndexColorModel(1, 2, r, g, b));
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, x < w / 2 ? 0 : 1);
            }
        }
        return img;
    }

    public static byte[] encode(BufferedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalArgumentException("no writer for " + format + " and image type " + img.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static void write(Path file, BufferedImage img, String format) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, encode(img, format));
    }

    public static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    /** A valid small PNG whose header claims w x h (the pixel data is that of a 1x1 image). */
    public static byte[] pngClaiming(int w, int h) {
        byte[] png = encode(gray(1, 1, 0), "png");
        // signature (8) + length (4) + "IHDR" (4): width and height follow
        ByteBuffer bb = ByteBuffer.wrap(png);
        bb.putInt(16, w);
        bb.putInt(20, h);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 4 + 13);
        bb.putInt(12 + 4 + 13, (int) crc.getValue());
        return png;
    }

    public static byte[] truncated(byte[] file, double keep) {
        return Arrays.copyOf(file, (int) (file.length * keep));
    }
}
