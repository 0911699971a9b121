package io.resnetspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.data.format.Minibatch;
import io.resnetspark.testing.Cli;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad files a real image collection holds, through the prepare command: each is skipped and named
 * with its reason in the manifest (never a crash, never silently dropped), images of every channel
 * layout become the output's channels, and an idx source that cannot be read sensibly is refused as a
 * whole in one sentence.
 */
class BadImageFilesTest {
    @TempDir
    Path tmp;

    static Cli.Outcome prepare(String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "prepare";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--set";
        all[args.length + 2] = "spark.master=local[2]";
        all[args.length + 3] = "--set";
        all[args.length + 4] = "spark.conf.\"spark.ui.enabled\"=false";
        return Cli.run(all);
    }

    /** A valid small JPEG whose frame header (SOF0) claims w x h. */
    static byte[] jpegClaiming(int w, int h) {
        byte[] jpeg = TestImages.encode(TestImages.rgb(16, 16, 10, 20, 30), "jpeg");
        for (int i = 2; i + 9 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xC0) {
                // FF C0, length (2), precision (1), height (2), width (2)
                ByteBuffer bb = ByteBuffer.wrap(jpeg);
                bb.putShort(i + 5, (short) h);
                bb.putShort(i + 7, (short) w);
                return jpeg;
            }
        }
        throw new IllegalStateException("no SOF0 marker in the encoded JPEG");
    }

    /** Gray plus alpha: a two-channel PNG. */
    static BufferedImage grayAlpha(int w, int h) {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster r = cm.createCompatibleWritableRaster(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setSample(x, y, 0, 120);
                r.setSample(x, y, 1, 200);
            }
        }
        return new BufferedImage(cm, r, false, null);
    }

    /** 16 bits per sample grayscale. */
    static BufferedImage gray16(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, 40_000);
            }
        }
        return img;
    }

    static void write(Path file, BufferedImage img, String format) throws Exception {
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(img, format, file.toFile()), "ImageIO wrote " + file);
    }

    @Test
    void everyBadFileIsSkippedAndNamedAndEveryChannelLayoutIsConverted() throws Exception {
        Path src = tmp.resolve("src");
        Map<String, String> bad = new LinkedHashMap<>();
        // usable: 8-bit gray, gray + alpha, 16-bit gray, RGB, RGBA, palette
        write(src.resolve("cat/gray.png"), TestImages.gray(12, 12, 10), "png");
        write(src.resolve("cat/gray-alpha.png"), grayAlpha(12, 12), "png");
        write(src.resolve("cat/gray16.png"), gray16(12, 12), "png");
        write(src.resolve("dog/rgb.jpg"), TestImages.rgb(20, 12, 10, 20, 30), "jpeg");
        write(src.resolve("dog/rgba.png"), TestImages.rgba(12, 12, 1, 2, 3, 100), "png");
        write(src.resolve("dog/palette.gif"), TestImages.palette(12, 12, 0xFF0000, 0x00FF00), "gif");
        int good = 6;
        // 20000 x 20000 = 400 megapixels, from small files whose headers say so
        TestImages.write(src.resolve("cat/huge.jpg"), jpegClaiming(20_000, 20_000));
        bad.put("cat/huge.jpg", "20000x20000 = 400.0 megapixels");
        TestImages.write(src.resolve("dog/huge.png"), TestImages.pngClaiming(20_000, 20_000));
        bad.put("dog/huge.png", "20000x20000 = 400.0 megapixels");
        TestImages.write(src.resolve("cat/zero.jpg"), new byte[0]);
        bad.put("cat/zero.jpg", "empty file");
        TestImages.write(src.resolve("dog/letter.png"), "Dear team, the photos follow.".getBytes(StandardCharsets.UTF_8));
        bad.put("dog/letter.png", "not an image");
        byte[] noise = new byte[4096];
        new Random(3).nextBytes(noise);
        TestImages.write(src.resolve("dog/noise.jpg"), noise);
        bad.put("dog/noise.jpg", "not an image");
        byte[] png = TestImages.encode(TestImages.rgb(40, 40, 0, 0, 0), "png");
        TestImages.write(src.resolve("cat/cut.png"), TestImages.truncated(png, 0.5));
        bad.put("cat/cut.png", "PNG");
        // a class folder with files but no usable image
        TestImages.write(src.resolve("bird/readme.txt"), "photos to come".getBytes(StandardCharsets.UTF_8));
        bad.put("bird/readme.txt", "not an image");
        TestImages.write(src.resolve("bird/empty.png"), new byte[0]);
        bad.put("bird/empty.png", "empty file");

        Path out = tmp.resolve("out");
        Cli.Outcome r = prepare("--source", src.toString(), "--out", out.toString(), "--size", "8", "--batch", "4",
                "--val-fraction", "0", "--test-fraction", "0");
        assertEquals(0, r.code(), r.err());
        Manifest m = PreparedData.manifest(out);
        assertEquals(3, m.channels());
        assertEquals(good, m.splits().get("train").images());
        Map<String, String> reasons = new HashMap<>();
        m.skipped().forEach(s -> reasons.put(s.path(), s.reason()));
        bad.forEach((path, reason) -> assertTrue(reasons.containsKey(path) && reasons.get(path).contains(reason),
                path + " should be skipped for '" + reason + "', manifest says: " + reasons.get(path)));
        // the class list keeps bird (labels are folder order), and says loudly that it has no image
        assertEquals(List.of("bird", "cat", "dog"), m.classes());
        assertTrue(reasons.getOrDefault("bird/", "").contains("no usable image"), reasons.toString());
        assertTrue(r.err().contains("class 'bird' has no usable image"), r.err());
        assertEquals(bad.size() + 1, reasons.size(), reasons.toString());

        // every layout became three channels of the right values
        Map<String, byte[]> pixels = new HashMap<>();
        for (Minibatch b : PreparedData.batches(out, "train")) {
            assertEquals(3, b.channels());
            for (int i = 0; i < b.n(); i++) {
                byte[] img = new byte[3 * 8 * 8];
                System.arraycopy(b.pixels(), i * img.length, img, 0, img.length);
                pixels.put(b.sources()[i], img);
            }
        }
        assertEquals(good, pixels.size());
        assertEquals(120, pixels.get("cat/gray-alpha.png")[0] & 0xFF, "gray + alpha keeps the gray, drops alpha");
        assertEquals(120, pixels.get("cat/gray-alpha.png")[2 * 64] & 0xFF, "replicated to every channel");
        assertEquals(40_000 >> 8, pixels.get("cat/gray16.png")[64] & 0xFF, "16-bit samples keep their high byte");
    }

    static byte[] idx(int magic, int[] dims, byte[] data) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(4 + 4 * dims.length);
        header.putInt(magic);
        for (int d : dims) {
            header.putInt(d);
        }
        bytes.write(header.array());
        bytes.write(data);
        return bytes.toByteArray();
    }

    static byte[] gz(byte[] data) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
            z.write(data);
        }
        return bytes.toByteArray();
    }

    @Test
    void idxFilesThatCannotBeReadAreRefusedAsAWholeInOneSentence() throws Exception {
        byte[] labels = idx(0x801, new int[] {4}, new byte[] {0, 1, 0, 1});
        String[][] cases = {
            // color images in an idx4 file (N x 3 x H x W): another channel count than idx3 gray
            {"idx4", "is not an idx3 image file"},
            {"truncated", "is truncated"},
            {"test-size", "holds 5x5 images but the train files hold 4x4"},
            {"truncated-gz", "train-images-idx3-ubyte.gz"},
        };
        for (String[] c : cases) {
            Path dir = Files.createDirectories(tmp.resolve(c[0]));
            Files.write(dir.resolve("train-labels-idx1-ubyte"), labels);
            switch (c[0]) {
                case "idx4" -> Files.write(dir.resolve("train-images-idx3-ubyte"),
                        idx(0x804, new int[] {4, 3, 4, 4}, new byte[4 * 3 * 16]));
                case "truncated" -> Files.write(dir.resolve("train-images-idx3-ubyte"),
                        idx(0x803, new int[] {4, 4, 4}, new byte[3 * 16]));
                case "test-size" -> {
                    Files.write(dir.resolve("train-images-idx3-ubyte"), idx(0x803, new int[] {4, 4, 4}, new byte[64]));
                    Files.write(dir.resolve("t10k-images-idx3-ubyte"), idx(0x803, new int[] {4, 5, 5}, new byte[100]));
                    Files.write(dir.resolve("t10k-labels-idx1-ubyte"), labels);
                }
                default -> {
                    byte[] z = gz(idx(0x803, new int[] {4, 4, 4}, new byte[64]));
                    Files.write(dir.resolve("train-images-idx3-ubyte.gz"), java.util.Arrays.copyOf(z, z.length / 2));
                }
            }
            Cli.Outcome r = prepare("--source", dir.toString(), "--format", "idx", "--out",
                    tmp.resolve(c[0] + "-out").toString());
            String err = r.err().strip();
            assertEquals(2, r.code(), c[0] + ": " + r.err());
            assertTrue(err.startsWith("error: ") && err.contains(c[1]), c[0] + ": " + err);
            assertEquals(1, err.lines().count(), c[0] + ": one sentence, no stack trace: " + err);
            assertFalse(Files.exists(tmp.resolve(c[0] + "-out/manifest.json")));
        }
    }
}
