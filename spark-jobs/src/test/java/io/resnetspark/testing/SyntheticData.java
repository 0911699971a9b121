package io.resnetspark.testing;

import io.resnetspark.data.Manifest;
import io.resnetspark.data.format.BatchChecksums;
import io.resnetspark.data.format.Minibatch;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.Normalization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A small, learnable prepared data set in the layout prepare writes ({@code manifest.json} +
 * {@code <split>/part-NNNNN.bin}): class k of 4 is the image whose k-th quadrant is bright, on a noisy
 * background. A small ResNet learns it in a few epochs; chance is 25%.
 */
public final class SyntheticData {
    public static final List<String> CLASSES = List.of("top-left", "top-right", "bottom-left", "bottom-right");

    private SyntheticData() {
    }

    /** Writes the data set and returns its directory. */
    public static Path write(Path dir, int channels, int size, int batch, int trainFiles, int valFiles, long seed)
            throws IOException {
        Random random = new Random(seed);
        Map<String, Manifest.Split> splits = new LinkedHashMap<>();
        splits.put("train", split(dir, "train", trainFiles, channels, size, batch, random));
        splits.put("val", split(dir, "val", valFiles, channels, size, batch, random));
        double[] mean = new double[channels];
        double[] std = new double[channels];
        Arrays.fill(mean, 0.35);
        Arrays.fill(std, 0.3);
        Manifest m = new Manifest(Manifest.FORMAT_VERSION, "synthetic quadrants", "synthetic", CLASSES, channels, size,
                size, batch, new Normalization(mean, std), splits, List.of(), Map.of("kind", "quadrants"),
                "2026-01-01T00:00:00Z");
        Files.write(dir.resolve(Manifest.FILE), ModelStore.JSON.writeValueAsBytes(m));
        return dir;
    }

    private static Manifest.Split split(Path dir, String name, int files, int channels, int size, int batch,
                                        Random random) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        long[] perClass = new long[CLASSES.size()];
        List<Manifest.BatchFile> batchFiles = new ArrayList<>();
        for (int f = 0; f < files; f++) {
            byte[] pixels = new byte[batch * channels * size * size];
            int[] labels = new int[batch];
            String[] sources = new String[batch];
            for (int i = 0; i < batch; i++) {
                int label = random.nextInt(CLASSES.size());
                labels[i] = label;
                perClass[label]++;
                sources[i] = name + "/" + f + "/" + i + ".png";
                int half = size / 2;
                int y0 = label / 2 * half;
                int x0 = label % 2 * half;
                for (int c = 0; c < channels; c++) {
                    for (int y = 0; y < size; y++) {
                        for (int x = 0; x < size; x++) {
                            boolean bright = y >= y0 && y < y0 + half && x >= x0 && x < x0 + half;
                            int v = (bright ? 170 : 60) + random.nextInt(60);
                            pixels[((i * channels + c) * size + y) * size + x] = (byte) v;
                        }
                    }
                }
            }
            Minibatch b = new Minibatch(batch, channels, size, size, CLASSES.size(), pixels, labels, sources);
            String file = String.format("part-%05d.bin", f);
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            b.write(bytes);
            Files.write(d.resolve(file), bytes.toByteArray());
            // as prepare records them: every reader checks the file against these
            Map<String, Integer> held = new LinkedHashMap<>();
            for (int label : labels) {
                held.merge(CLASSES.get(label), 1, Integer::sum);
            }
            batchFiles.add(new Manifest.BatchFile(name + "/" + file, batch, held,
                    BatchChecksums.crc32c(bytes.toByteArray())));
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        for (int k = 0; k < perClass.length; k++) {
            counts.put(CLASSES.get(k), perClass[k]);
        }
        long images = (long) files * batch;
        return new Manifest.Split(images, files, counts, 0, images, Map.of(), batchFiles);
    }

    /** Reads a metrics.jsonl into its lines as maps. */
    public static List<Map<String, Object>> metrics(Path run) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            if (!line.isBlank()) {
                out.add(ModelStore.JSON.readValue(line, Map.class));
            }
        }
        return out;
    }
}
