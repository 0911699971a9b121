package io.resnetspark.bench;

import io.resnetspark.data.format.BadInputException;
import io.resnetspark.data.format.Preprocessor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * How fast one core decodes and preprocesses images, measured on images generated in memory (smooth
 * gradients plus noise, so JPEG compresses about as much as a photo). The benchmark command calls
 * {@link #measure}; {@code main} prints one line for a quick check.
 */
public final class DecodeThroughput {
    private DecodeThroughput() {
    }

    /**
     * @param imagesPerSecond    by the wall clock
     * @param imagesPerCpuSecond by the thread's CPU time: what one core does, even on a busy machine
     */
    public record Result(String format, int sourceSide, int outSide, int channels, int images, double seconds,
                         double imagesPerSecond, double imagesPerCpuSecond, long meanFileBytes) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s %dx%d -> %dx%dx%d: %.0f images per CPU second on one thread "
                    + "(%.0f images/s by the wall clock; %d images, %.2f s, %,d bytes per file)", format, sourceSide,
                    sourceSide, channels, outSide, outSide, imagesPerCpuSecond, imagesPerSecond, images, seconds,
                    meanFileBytes);
        }
    }

    /**
     * @param format   "jpeg", "png", "bmp" or "gif"
     * @param side     side of the generated square images
     * @param outSide  prepare.size (0 = keep)
     * @param channels 1 (grayscale images, output 1 channel) or 3 (color)
     */
    public static Result measure(int n, int side, String format, int outSide, int channels) {
        List<byte[]> files = generate(n, side, format, channels);
        Preprocessor pre = new Preprocessor(outSide, side, side, channels, 50_000_000L);
        try {
            // warm up the decoders and the JIT on a share of the images
            for (int i = 0; i < Math.min(n, Math.max(20, n / 5)); i++) {
                pre.fromFile(files.get(i));
            }
            long sink = 0;
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpu0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (byte[] f : files) {
                sink += pre.fromFile(f)[0];
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
            long bytes = files.stream().mapToLong(f -> f.length).sum() / n;
            if (sink == Long.MIN_VALUE) {
                throw new IllegalStateException();
            }
            return new Result(format, side, outSide == 0 ? side : outSide, channels, n, secs, n / secs,
                    cpu > 0 ? n / cpu : n / secs, bytes);
        } catch (BadInputException e) {
            throw new IllegalStateException("a generated image did not decode: " + e.getMessage(), e);
        }
    }

    static List<byte[]> generate(int n, int side, String format, int channels) {
        Random r = new Random(42);
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(side, side,
                    channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
            int phase = r.nextInt(256);
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    int red = (x * 255 / side + phase + r.nextInt(16)) & 0xFF;
                    int green = (y * 255 / side + r.nextInt(16)) & 0xFF;
                    int blue = ((x + y) * 127 / side + r.nextInt(16)) & 0xFF;
                    img.setRGB(x, y, (red << 16) | (green << 8) | blue);
                }
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                if (!ImageIO.write(img, format, bytes)) {
                    throw new IllegalArgumentException("no ImageIO writer for " + format);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.add(bytes.toByteArray());
        }
        return out;
    }

    /** {@code DecodeThroughput [n] [side] [format] [outSide] [channels]} */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int side = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        String format = args.length > 2 ? args[2] : "jpeg";
        int outSide = args.length > 3 ? Integer.parseInt(args[3]) : 224;
        int channels = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        System.out.println(measure(n, side, format, outSide, channels));
    }
}
