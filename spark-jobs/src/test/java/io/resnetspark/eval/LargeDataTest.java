package io.resnetspark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.Normalization;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.testing.Cli;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evaluation and prediction over many small images complete and leave nothing per image on the
 * driver: the heap after a full GC once a command has returned must stay far below what the per-image
 * results would take had they been collected. The heap level through the run (median of samples after
 * full GCs; executors share the JVM in local mode) and the peak RSS are printed, not asserted; run with
 * {@code -Dlarge.images=N -Dlarge.predict-images=M} to measure other sizes.
 */
class LargeDataTest {
    /** Images evaluated in CI; 8x8 gray, so the data set is large in count, small on disk. */
    static final int IMAGES = Integer.getInteger("large.images", 30_000);
    static final int PREDICT_IMAGES = Integer.getInteger("large.predict-images", 2_000);
    static final long NOISE = 2_000_000;

    @TempDir
    Path tmp;

    static void idx(Path file, int magic, int[] dims, int n, Random r, boolean labels) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            byte[] img = new byte[labels ? 1 : 64];
            for (int i = 0; i < n; i++) {
                if (labels) {
                    img[0] = (byte) (i % 10);
                } else {
                    r.nextBytes(img);
                }
                out.write(img);
            }
        }
    }

    static Path model(Path dir, List<String> classes) throws IOException {
        ResNetOptions o = ResNetOptions.builder("resnet20").classes(classes.size()).input(1, 8, 8).seed(1).build();
        Path f = dir.resolve("model.zip");
        ModelStore.save(ResNetBuilder.build(o, Optimization.defaults()),
                ModelMetadata.of(o, classes, new Normalization(new double[] {0.5}, new double[] {0.29})), false,
                f.toFile());
        return f;
    }

    /** Heap retained after a full GC, sampled every second while a command runs. */
    static final class RetainedHeap implements AutoCloseable {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final List<Long> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Thread sampler;
        private volatile boolean stop;

        RetainedHeap() {
            sampler = new Thread(() -> {
                while (!stop) {
                    samples.add(sample());
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "retained-heap");
            sampler.setDaemon(true);
            sampler.start();
        }

        long sample() {
            System.gc();
            return memory.getHeapMemoryUsage().getUsed();
        }

        /**
         * The median sample: results held until the end of a stage raise it (they build up through the
         * run), while one task's buffers caught in flight by a single sample do not.
         */
        long level() {
            List<Long> sorted = new ArrayList<>(samples);
            sorted.add(sample());
            sorted.sort(null);
            return sorted.get(sorted.size() / 2);
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            sampler.join();
        }
    }

    /** Peak resident set of this JVM since the last reset (Linux). */
    static long peakRssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException e) {
            // not Linux, or not allowed: the peak then covers the whole JVM's life
        }
    }

    /** The size, on the heap, of the per-image results had they been collected: the CSV rows as strings. */
    static long collectedSize(Path csvDir, MemoryMXBean memory) throws IOException {
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        List<String> rows = new ArrayList<>();
        try (var files = Files.walk(csvDir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p) && (p.toString().endsWith(".csv") && !p.getFileName().toString().startsWith("."))) {
                    rows.addAll(Files.readAllLines(p));
                }
            }
        }
        System.gc();
        long size = memory.getHeapMemoryUsage().getUsed() - before;
        assertTrue(rows.size() > 0);
        return Math.max(size, rows.stream().mapToLong(String::length).sum());
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    @Test
    void evaluateAndPredictHoldNothingPerImageOnTheDriver() throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        Random r = new Random(11);
        Path src = Files.createDirectories(tmp.resolve("idx"));
        idx(src.resolve("train-images-idx3-ubyte"), 0x803, new int[] {64, 8, 8}, 64, r, false);
        idx(src.resolve("train-labels-idx1-ubyte"), 0x801, new int[] {64}, 64, r, true);
        idx(src.resolve("t10k-images-idx3-ubyte"), 0x803, new int[] {IMAGES, 8, 8}, IMAGES, r, false);
        idx(src.resolve("t10k-labels-idx1-ubyte"), 0x801, new int[] {IMAGES}, IMAGES, r, true);
        Path data = tmp.resolve("data");
        String[] local = {"--set", "spark.master=local[2]", "--set", "spark.conf.\"spark.ui.enabled\"=false"};
        Cli.Outcome prep = Cli.run(concat(new String[] {"prepare", "--source", src.toString(), "--format", "idx",
            "--out", data.toString(), "--batch", "64", "--val-fraction", "0"}, local));
        assertEquals(0, prep.code(), prep.err());
        List<String> classes = IntStream.range(0, 10).mapToObj(Integer::toString).toList();
        Path model = model(tmp, classes);

        // evaluate: the 64 train images, then the large test split; a SparkContext and the model pool cost
        // the same in both runs, so the difference is what the driver keeps per image
        long small = retained(() -> Cli.run(concat(new String[] {"evaluate", "--model", model.toString(), "--data",
            data.toString(), "--split", "train", "--out", tmp.resolve("eval-small").toString()}, local)));
        Path out = tmp.resolve("eval");
        resetPeakRss();
        long t0 = System.nanoTime();
        System.gc();
        long beforeEvaluate = memory.getHeapMemoryUsage().getUsed();
        long large = retained(() -> Cli.run(concat(new String[] {"evaluate", "--model", model.toString(), "--data",
            data.toString(), "--out", out.toString()}, local)));
        System.gc();
        long keptAfterEvaluate = memory.getHeapMemoryUsage().getUsed() - beforeEvaluate;
        double evalSeconds = (System.nanoTime() - t0) / 1e9;
        long evalRss = peakRssKb();
        assertEquals(IMAGES, ModelStore.JSON.readTree(out.resolve("report.json").toFile()).get("examples").asLong());
        long collected = collectedSize(out, memory);
        System.err.printf(Locale.ROOT, "LARGE-DATA evaluate images=%d retained_small=%s retained_large=%s "
                + "kept_after=%s collected_would_be=%s peak_rss=%d kB heap_max=%s seconds=%.1f%n",
                IMAGES, mb(small), mb(large), mb(keptAfterEvaluate), mb(collected), evalRss,
                mb(Runtime.getRuntime().maxMemory()), evalSeconds);
        // in local mode (executor work in the same heap) the predictions persisted in memory showed as
        // 27.7 MB retained for 100,000 images; they are now kept on the executor's disk
        // measured, not asserted: the median heap level through the run (local mode, executor work in
        // this heap) is noisy at CI sizes (0.6 to 4.9 MB more for 30,000 to 50,000 images than for 64)
        // NOISE: heap after a full GC moves by up to about 2 MB between identical runs here
        assertTrue(keptAfterEvaluate < NOISE + collected / 4, "the driver kept " + mb(keptAfterEvaluate)
                + " after evaluating " + IMAGES + " images; the per-image results would be " + mb(collected));

        // predict over image files: the first folder of 250, then all of them
        Path images = Files.createDirectories(tmp.resolve("images"));
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < PREDICT_IMAGES; i++) {
            img.getRaster().setSample(i % 8, (i / 8) % 8, 0, i % 256);
            Path dir = Files.createDirectories(images.resolve(String.format(Locale.ROOT, "%03d", i / 250)));
            try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(dir.resolve(i + ".png")))) {
                ImageIO.write(img, "png", o);
            }
        }
        small = retained(() -> Cli.run(concat(new String[] {"predict", "--model", model.toString(), "--images",
            images.resolve("000").toString(), "--out", tmp.resolve("pred-small").toString()}, local)));
        Path pred = tmp.resolve("pred");
        resetPeakRss();
        t0 = System.nanoTime();
        Cli.Outcome[] p = new Cli.Outcome[1];
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        large = retained(() -> p[0] = Cli.run(concat(new String[] {"predict", "--model", model.toString(), "--images",
            images.toString(), "--out", pred.toString()}, local)));
        System.gc();
        long kept = memory.getHeapMemoryUsage().getUsed() - before;
        assertTrue(p[0].out().contains(PREDICT_IMAGES + " images, 0 could not be read"), p[0].out());
        double predictSeconds = (System.nanoTime() - t0) / 1e9;
        long predictRss = peakRssKb();
        collected = collectedSize(pred.resolve("csv"), memory);
        System.err.printf(Locale.ROOT, "LARGE-DATA predict images=%d retained_small=%s retained_large=%s "
                + "kept_after=%s collected_would_be=%s peak_rss=%d kB seconds=%.1f%n",
                PREDICT_IMAGES, mb(small), mb(large), mb(kept), mb(collected), predictRss,
                predictSeconds);
        // at CI size the rows are smaller than the noise: this only catches a gross per-image leak
        assertTrue(kept < NOISE + collected / 4, "the driver kept " + mb(kept) + " after predicting " + PREDICT_IMAGES
                + " images; the per-image rows would be " + mb(collected));
    }

    /** Heap retained (after full GCs, median through the run) above the level before {@code run}, which must succeed. */
    static long retained(java.util.function.Supplier<Cli.Outcome> run) throws InterruptedException {
        try (RetainedHeap heap = new RetainedHeap()) {
            long baseline = heap.sample();
            Cli.Outcome r = run.get();
            assertEquals(0, r.code(), r.err());
            return heap.level() - baseline;
        }
    }


    static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
