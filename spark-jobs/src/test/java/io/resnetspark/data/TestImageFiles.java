package io.resnetspark.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small ImageFolder trees of real image files, with planted bad files, for the prepare tests. */
public final class TestImageFiles {
    private TestImageFiles() {
    }

    /**
     * @param files    every file written
     * @param good     files that must be used
     * @param bad      relative path -> a word the skip reason must contain
     * @param perClass files written per class folder (good and bad)
     */
    public record Tree(long files, long good, Map<String, String> bad, Map<String, Long> perClass) {
    }

    public static Tree mixedTree(Path root) throws IOException {
        Map<String, String> bad = new LinkedHashMap<>();
        long good = 0;
        TestImages.write(root.resolve("cat/a.png"), TestImages.rgb(40, 30, 10, 20, 30), "png");
        TestImages.write(root.resolve("cat/b.jpg"), TestImages.gray(50, 50, 0), "jpeg");
        TestImages.write(root.resolve("cat/c.gif"), TestImages.palette(64, 32, 0xFF8800, 0x0088FF), "gif");
        TestImages.write(root.resolve("cat/d.bmp"), TestImages.rgb(33, 17, 0, 100, 200), "bmp");
        TestImages.write(root.resolve("cat/nested/e.png"), TestImages.gray(9, 31, 50), "png");
        TestImages.write(root.resolve("cat/f g#1.jpeg"), TestImages.rgb(300, 200, 5, 5, 5), "jpeg");
        good += 6;
        TestImages.write(root.resolve("cat/huge.png"), TestImages.pngClaiming(10_000, 8_000));
        bad.put("cat/huge.png", "megapixels");
        TestImages.write(root.resolve("dog/a.png"), TestImages.rgba(20, 60, 1, 2, 3, 100), "png");
        TestImages.write(root.resolve("dog/b.jpg"), TestImages.rgb(100, 80, 50, 60, 70), "jpeg");
        TestImages.write(root.resolve("dog/c.png"), TestImages.palette(64, 32, 0x112233, 0x445566), "png");
        TestImages.write(root.resolve("dog/d.gif"), TestImages.palette(48, 48, 0x000000, 0xFFFFFF), "gif");
        TestImages.write(root.resolve("dog/e.bmp"), TestImages.gray(15, 15, 3), "bmp");
        good += 5;
        TestImages.write(root.resolve("dog/truncated.jpg"),
                TestImages.truncated(TestImages.encode(TestImages.rgb(120, 90, 0, 0, 0), "jpeg"), 0.5));
        bad.put("dog/truncated.jpg", "JPEG");
        TestImages.write(root.resolve("dog/truncated.png"),
                TestImages.truncated(TestImages.encode(TestImages.rgb(120, 90, 0, 0, 0), "png"), 0.6));
        bad.put("dog/truncated.png", "PNG");
        TestImages.write(root.resolve("dog/empty.png"), new byte[0]);
        bad.put("dog/empty.png", "empty file");
        TestImages.write(root.resolve("dog/notes.txt"), "not an image".getBytes(StandardCharsets.UTF_8));
        bad.put("dog/notes.txt", "not an image");
        TestImages.write(root.resolve("readme.txt"), "top level".getBytes(StandardCharsets.UTF_8));
        bad.put("readme.txt", "not inside a class folder");
        TestImages.write(root.resolve("dog/.DS_Store"), new byte[] {0, 1});
        bad.put("dog/.DS_Store", "hidden file");
        Files.createDirectories(root.resolve("empty"));
        return new Tree(good + bad.size(), good, bad, Map.of("cat", 7L, "dog", 10L));
    }

    /** train/{a,b}, val/a, test/b, and a folder outside the split names. */
    public static void splitTree(Path root) throws IOException {
        for (int i = 0; i < 3; i++) {
            TestImages.write(root.resolve("train/a/" + i + ".png"), TestImages.gray(12, 10, i * 10), "png");
        }
        for (int i = 0; i < 2; i++) {
            TestImages.write(root.resolve("train/b/" + i + ".jpg"), TestImages.rgb(10, 12, i * 10, 0, 0), "jpeg");
            TestImages.write(root.resolve("val/a/" + i + ".png"), TestImages.gray(8, 8, i), "png");
        }
        TestImages.write(root.resolve("test/b/0.bmp"), TestImages.rgb(9, 9, 0, 0, 9), "bmp");
        TestImages.write(root.resolve("extra/a/x.png"), TestImages.gray(8, 8, 0), "png");
    }
}
