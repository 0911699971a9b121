package io.resnetspark.bench;

import io.resnetspark.data.Manifest;
import io.resnetspark.data.format.Minibatch;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.Normalization;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Prepared data of random pixels and labels in the layout prepare writes (manifest.json + train/part-*.bin),
 * so a speed measurement runs the real training stage, loader included, without a data set.
 */
public final class RandomMinibatches {
    private RandomMinibatches() {
    }

    /** Writes {@code files} train minibatches of {@code batch} images and the manifest under {@code dir}. */
    public static Path write(Path dir, int classes, int channels, int height, int width, int batch, int files,
                             long seed) throws IOException {
        Random random = new Random(seed);
        Path train = Files.createDirectories(dir.resolve("train"));
        List<String> names = new ArrayList<>();
        for (int k = 0; k < classes; k++) {
            names.add("class" + k);
        }
        long[] perClass = new long[classes];
        for (int f = 0; f < files; f++) {
            byte[] pixels = new byte[batch * channels * height * width];
            random.nextBytes(pixels);
            int[] labels = new int[batch];
            String[] sources = new String[batch];
            for (int i = 0; i < batch; i++) {
                labels[i] = random.nextInt(classes);
                perClass[labels[i]]++;
                sources[i] = "random/" + f + "/" + i;
            }
            try (OutputStream out = Files.newOutputStream(train.resolve(String.format("part-%05d.bin", f)))) {
                new Minibatch(batch, channels, height, width, classes, pixels, labels, sources).write(out);
            }
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        for (int k = 0; k < classes; k++) {
            counts.put(names.get(k), perClass[k]);
        }
        double[] mean = new double[channels];
        double[] std = new double[channels];
        java.util.Arrays.fill(mean, 0.5);
        java.util.Arrays.fill(std, 0.29);
        Manifest m = new Manifest(Manifest.FORMAT_VERSION, "random pixels (benchmark)", "random", names, channels,
                height, width, batch, new Normalization(mean, std),
                Map.of("train", new Manifest.Split((long) files * batch, files, counts, 0)), List.of(),
                Map.of("kind", "random"), java.time.Instant.now().toString());
        Files.write(dir.resolve(Manifest.FILE), ModelStore.JSON.writeValueAsBytes(m));
        return dir;
    }
}
