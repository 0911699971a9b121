package io.resnetspark.eval;

import io.resnetspark.data.Manifest;
import io.resnetspark.data.format.BatchTransform;
import io.resnetspark.data.format.Minibatch;
import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.Normalization;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.storage.Storage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Test material made the way the real stages make it: prepared data written with {@link Minibatch}
 * and a {@link Manifest}, a small ResNet trained in-process on it until it beats chance, saved with
 * {@link ModelStore} and metadata as train writes it, and a run's metrics.jsonl.
 * The images are learnable: each class is a bright bar at its own place on a noisy background.
 */
public final class SyntheticRun {
    /** A comma, an ampersand and markup in class names: CSV quoting and HTML escaping must cope. */
    public static final List<String> CLASSES = List.of("horizontal, bar", "post & beam", "<cross>");
    public static final int SIDE = 8;
    public static final Normalization NORMALIZATION = new Normalization(new double[] {0.3}, new double[] {0.3});
    /** Test images per file; the last file is short. */
    public static final int[] TEST_FILES = {32, 32, 20};

    private SyntheticRun() {
    }

    static byte[] image(int cls, Random r) {
        byte[] px = new byte[SIDE * SIDE];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) r.nextInt(90);
        }
        int offset = r.nextInt(2);
        for (int a = 0; a < SIDE; a++) {
            for (int t = 0; t < 2; t++) {
                int y;
                int x;
                switch (cls) {
                    case 0 -> { y = 1 + offset + t; x = a; }
                    case 1 -> { y = a; x = 5 + offset + t; }
                    default -> { y = a; x = (a + offset + t) % SIDE; }
                }
                px[y * SIDE + x] = (byte) (170 + r.nextInt(86));
            }
        }
        return px;
    }

    /**
     * One minibatch; with {@code noisy}, every 7th image carries the next class's label, so even a
     * perfect model makes (confident) mistakes the report must list.
     */
    static Minibatch batch(int n, Random r, String split, int file, boolean noisy) {
        byte[] pixels = new byte[n * SIDE * SIDE];
        int[] labels = new int[n];
        String[] sources = new String[n];
        for (int i = 0; i < n; i++) {
            int cls = r.nextInt(CLASSES.size());
            System.arraycopy(image(cls, r), 0, pixels, i * SIDE * SIDE, SIDE * SIDE);
            labels[i] = noisy && (file * 100 + i) % 7 == 3 ? (cls + 1) % CLASSES.size() : cls;
            sources[i] = "raw/" + split + "/" + CLASSES.get(labels[i]) + "/img-" + file + "-" + i + ".png";
        }
        return new Minibatch(n, 1, SIDE, SIDE, CLASSES.size(), pixels, labels, sources);
    }

    /** Writes train (8 x 32) and test ({@link #TEST_FILES}) splits and the manifest, last. */
    public static Manifest writeData(Storage storage, String data) throws IOException {
        Random r = new Random(7);
        Map<String, Manifest.Split> splits = new LinkedHashMap<>();
        int[][] sizes = {{32, 32, 32, 32, 32, 32, 32, 32}, TEST_FILES};
        String[] names = {"train", "test"};
        for (int s = 0; s < names.length; s++) {
            long images = 0;
            for (int f = 0; f < sizes[s].length; f++) {
                Minibatch b = batch(sizes[s][f], r, names[s], f, names[s].equals("test"));
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                b.write(bytes);
                storage.writeBytes(new Path(data + "/" + names[s] + String.format("/part-%05d.bin", f)), bytes.toByteArray());
                images += b.n();
            }
            splits.put(names[s], new Manifest.Split(images, sizes[s].length, Map.of(), 0));
        }
        Manifest m = new Manifest(Manifest.FORMAT_VERSION, "synthetic", "test", CLASSES, 1, SIDE, SIDE, 32,
                NORMALIZATION, splits, List.of(), Map.of("size", SIDE), "2026-01-01T00:00:00Z");
        storage.writeBytes(new Path(data + "/" + Manifest.FILE), ModelStore.JSON.writeValueAsBytes(m));
        return m;
    }

    /** resnet20 trained for one pass over the train split (read back from storage): enough to beat chance by far. */
    public static ComputationGraph train(Storage storage, String data) throws IOException {
        ResNetOptions o = options();
        ComputationGraph g = ResNetBuilder.build(o, new Optimization(new Adam(3e-3), 0, 0));
        BatchTransform t = BatchTransform.eval(NORMALIZATION);
        List<Minibatch> train = new ArrayList<>();
        for (var f : storage.listFiles(new Path(data + "/train"))) {
            try (var in = storage.open(f.getPath())) {
                train.add(Minibatch.read(in, f.getPath().toString()));
            }
        }
        for (int epoch = 0; epoch < 1; epoch++) {
            for (Minibatch b : train) {
                g.fit(t.apply(b, new Random(epoch)));
            }
        }
        return g;
    }

    public static ResNetOptions options() {
        return ResNetOptions.builder("resnet20").classes(CLASSES.size()).input(1, SIDE, SIDE).seed(3).build();
    }

    /**
     * The metadata train writes; the config carries credentials on purpose, as a careless run could,
     * so that what publishes it must mask them.
     */
    public static ModelMetadata metadata(String data, String run, String accessKey, String secretKey) {
        Map<String, Object> hadoop = new LinkedHashMap<>();
        hadoop.put("fs.s3a.access.key", accessKey);
        hadoop.put("fs.s3a.secret.key", secretKey);
        hadoop.put("fs.s3a.path.style.access", "true");
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("train", Map.of("epochs", 4, "batch", 32));
        config.put("hadoop", hadoop);
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("data", data);
        training.put("epoch", 4);
        training.put("iteration", 32);
        training.put("seed", 3);
        training.put("val_top1", 0.95);
        training.put("val_top5", 1.0);
        training.put("train_loss", 0.2);
        training.put("run", run);
        training.put("master", "averaging");
        training.put("config", config);
        return ModelMetadata.of(options(), CLASSES, NORMALIZATION).withTraining(training);
    }

    public static byte[] save(ComputationGraph g, ModelMetadata meta) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelStore.save(g, meta, false, out);
        return out.toByteArray();
    }

    /** metrics.jsonl of a four-epoch run that reaches 0.90 and 0.92 but not 0.94 validation top-1. */
    public static void writeRun(Storage storage, String run) {
        double[] top1 = {0.61, 0.905, 0.925, 0.93};
        StringBuilder sb = new StringBuilder();
        for (int e = 0; e < top1.length; e++) {
            sb.append(String.format(java.util.Locale.ROOT, "{\"epoch\":%d,\"train_loss\":%.3f,\"val_top1\":%.3f,"
                    + "\"val_top5\":1.0,\"images_per_sec\":100.0,\"lr\":0.003,\"epoch_seconds\":10.0,"
                    + "\"elapsed_seconds\":%.1f}\n", e + 1, 1.0 / (e + 1), top1[e], 10.0 * (e + 1)));
        }
        storage.writeString(new Path(run + "/" + io.resnetspark.storage.MetricsLog.FILE), sb.toString());
    }
}
