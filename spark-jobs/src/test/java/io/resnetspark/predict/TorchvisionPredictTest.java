package io.resnetspark.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.data.PreparedData;
import io.resnetspark.data.TestImages;
import io.resnetspark.data.format.Minibatch;
import io.resnetspark.data.format.Preprocessor;
import io.resnetspark.model.EvalTransform;
import io.resnetspark.testing.Cli;
import io.resnetspark.testing.Python;
import io.resnetspark.testing.Torch;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imported torchvision weights score raw images through {@code predict} as torchvision's own
 * evaluation pipeline does (PIL, Resize(256), CenterCrop(224), ToTensor, Normalize): the same pixels
 * and torch's probabilities within 1e-3, on JPEG and PNG files larger, smaller and exactly 256 px on
 * their shorter side, in color and gray.
 */
class TorchvisionPredictTest {
    static final int CLASSES = 5;

    @TempDir
    Path dir;

    /** Texture at every scale (noise, fine stripes, a gradient), so a wrong resampling filter shows. */
    private static BufferedImage textured(int w, int h, long seed, boolean gray) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] c = new int[3];
                for (int k = 0; k < 3; k++) {
                    double v = 128 + 60 * Math.sin((x * (k + 1) + y * (3 - k)) * 0.37) + 40.0 * x / w - 20.0 * y / h
                            + r.nextGaussian() * 25;
                    c[k] = (int) Math.max(0, Math.min(255, v));
                }
                if (gray) {
                    img.getRaster().setSample(x, y, 0, c[0]);
                } else {
                    img.setRGB(x, y, (c[0] << 16) | (c[1] << 8) | c[2]);
                }
            }
        }
        return img;
    }

    @Test
    void predictGivesTorchvisionsPixelsAndProbabilities() throws Exception {
        Path torch = Files.createDirectories(dir.resolve("torch"));
        Torch.resnet("resnet18", torch, CLASSES, 32, 1, "pth");
        Path model = dir.resolve("imported.zip");
        String[] imported = Cli.strings("import-weights", "--from", torch.resolve("weights.pth").toString(), "--model",
                "resnet18", "--out", model.toString());
        assertEquals("0", imported[0], imported[2]);

        // one class folder, so that prepare reads the same files as an ImageFolder
        Path images = Files.createDirectories(dir.resolve("images/pics"));
        // name -> {width, height, gray}: exactly 256 (no resampling), shrunk both ways, enlarged, gray
        Map<String, int[]> specs = new java.util.LinkedHashMap<>();
        specs.put("square256.png", new int[] {256, 256, 0});
        specs.put("exact256.png", new int[] {256, 300, 0});
        specs.put("wide.jpg", new int[] {400, 300, 0});
        specs.put("tall.png", new int[] {333, 500, 0});
        specs.put("small.jpg", new int[] {200, 150, 0});
        specs.put("gray.png", new int[] {300, 260, 1});
        List<String> names = new ArrayList<>(specs.keySet());
        StringBuilder list = new StringBuilder();
        long seed = 1;
        for (String name : names) {
            int[] s = specs.get(name);
            TestImages.write(images.resolve(name), textured(s[0], s[1], seed++, s[2] == 1),
                    name.endsWith(".png") ? "png" : "jpg");
            list.append(images.resolve(name)).append('\n');
        }
        Path listFile = Files.writeString(dir.resolve("images.txt"), list);
        Python.script("torchvision_predict.py", torch, "--model", "resnet18", "--weights",
                torch.resolve("weights.pth").toString(), "--classes", String.valueOf(CLASSES), "--images",
                listFile.toString(), "--out", torch.toString());

        // prepare with torchvision's evaluation geometry writes the same pixels that predict feeds the model
        Path prepared = dir.resolve("prepared");
        String[] prep = Cli.strings("prepare", "--source", images.getParent().toString(), "--format", "imagefolder",
                "--out", prepared.toString(), "--size", "224", "--batch", "8", "--val-fraction", "0",
                "--test-fraction", "0", "--set", "prepare.resize-shorter=256", "--set", "spark.master=local[2]");
        assertEquals("0", prep[0], prep[2]);
        Map<String, byte[]> preparedPixels = new HashMap<>();
        for (Minibatch b : PreparedData.batches(prepared, "train")) {
            for (int i = 0; i < b.n(); i++) {
                String src = b.sources()[i];
                preparedPixels.put(src.substring(src.lastIndexOf('/') + 1),
                        Arrays.copyOfRange(b.pixels(), i * b.imageBytes(), (i + 1) * b.imageBytes()));
            }
        }
        assertEquals(new java.util.TreeSet<>(names), new java.util.TreeSet<>(preparedPixels.keySet()));

        // the pixels: equal to PIL's for lossless files; JPEG decoders (libjpeg-turbo, javax.imageio) may differ by 1
        Preprocessor pre = Preprocessor.evaluating(EvalTransform.torchvision(224, 224), 3, 100_000_000L);
        for (int i = 0; i < names.size(); i++) {
            byte[] ours = pre.fromFile(Files.readAllBytes(images.resolve(names.get(i))));
            assertArrayEquals(ours, preparedPixels.get(names.get(i)), names.get(i) + ": prepare and predict agree");
            byte[] pil = Files.readAllBytes(torch.resolve("pixels-" + i + ".bin"));
            int n = 224 * 224;
            int worst = 0;
            long total = 0;
            for (int p = 0; p < n; p++) {
                for (int c = 0; c < 3; c++) {
                    int d = Math.abs((ours[c * n + p] & 0xFF) - (pil[p * 3 + c] & 0xFF));
                    worst = Math.max(worst, d);
                    total += d;
                }
            }
            double mean = total / (3.0 * n);
            System.out.printf("PIXELS %s: max difference to PIL %d, mean %.4f%n", names.get(i), worst, mean);
            if (names.get(i).endsWith(".png")) {
                assertEquals(0, worst, names.get(i) + ": Pillow's exact pixels");
            } else {
                // the resampling is exact; what remains is the two JPEG decoders' rounding
                assertTrue(worst <= 16 && mean < 0.5, names.get(i) + ": pixels differ by " + worst + ", mean " + mean);
            }
        }

        Path out = dir.resolve("predictions");
        String[] r = Cli.strings("predict", "--model", model.toString(), "--images", images.toString(), "--out",
                out.toString(), "--top-k", String.valueOf(CLASSES), "--set", "spark.master=local[2]");
        assertEquals("0", r[0], r[2]);
        SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
        List<Row> rows;
        try {
            rows = spark.read().parquet(out.resolve("parquet").toString()).collectAsList();
        } finally {
            spark.stop();
        }
        assertEquals(names.size(), rows.size());
        float[] expected = Torch.floats(torch.resolve("probs.bin"));
        double worst = 0;
        for (Row row : rows) {
            String path = row.getString(0);
            assertNull(row.get(1), path);
            int i = names.indexOf(path.substring(path.lastIndexOf('/') + 1));
            Map<String, Double> probs = new HashMap<>();
            for (int k = 0; k < CLASSES; k++) {
                probs.put(row.getString(2 + 2 * k), row.getDouble(3 + 2 * k));
            }
            for (int c = 0; c < CLASSES; c++) {
                worst = Math.max(worst, Math.abs(probs.get(Integer.toString(c)) - expected[i * CLASSES + c]));
            }
        }
        System.out.printf("PREDICT vs torchvision: max probability difference %.3g over %d images%n", worst,
                rows.size());
        assertTrue(worst < 1e-3, "probabilities differ from torch's by " + worst);
    }
}
