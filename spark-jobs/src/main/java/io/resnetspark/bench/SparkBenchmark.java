package io.resnetspark.bench;

import io.resnetspark.config.JobConfig;
import io.resnetspark.data.Manifest;
import io.resnetspark.data.format.Augmentation;
import io.resnetspark.data.format.BatchTransform;
import io.resnetspark.data.format.Minibatch;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.OneDnn;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.spark.LocalCluster;
import io.resnetspark.train.Trainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * Training images/s of one model through the real train stage ({@link Trainer}: fitPaths with the
 * configured master, the minibatch loader, checkpoints) on {@code local[N]} and on an N-executor
 * local-cluster, against the same minibatch files fitted by plain DL4J in this process. The first
 * {@code warmup} epochs of each mode pay for JIT, natives and executor start and are not counted.
 */
public final class SparkBenchmark {
    private SparkBenchmark() {
    }

    /** What to run: files per epoch, epochs not counted and counted, which modes, executors of the cluster. */
    public record Plan(int files, int warmupEpochs, int epochs, List<String> modes, int executors, int executorMb) {
    }

    public static Map<String, Object> run(JobConfig config, ResNetOptions o, int batch, Plan plan, PrintStream log)
            throws IOException {
        Path dir = Files.createTempDirectory("resnet-spark-bench");
        try {
            Path data = RandomMinibatches.write(dir.resolve("data"), o.classes(), o.channels(), o.height(), o.width(),
                    batch, plan.files(), o.seed());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("what", "spark");
            m.put("model", o.model());
            m.put("input", o.inputShape());
            m.put("batch", batch);
            m.put("classes", o.classes());
            m.put("files_per_epoch", plan.files());
            m.put("warmup_epochs", plan.warmupEpochs());
            m.put("epochs", plan.epochs());
            m.put("averaging_frequency", config.getInt("train.averaging.frequency"));
            m.put("prefetch", config.getInt("train.averaging.prefetch"));
            Double single = null;
            int cores = Runtime.getRuntime().availableProcessors();
            for (String mode : plan.modes()) {
                Map<String, Object> r;
                switch (mode) {
                    case "single" -> {
                        r = single(o, data, batch, plan, log);
                        single = (Double) r.get("images_per_sec");
                    }
                    case "local" -> r = spark(config, data, dir.resolve("run-local"), plan,
                            Map.of("spark.master", "local[" + cores + "]"), log);
                    case "cluster" -> r = spark(config, data, dir.resolve("run-cluster"), plan,
                            LocalCluster.settings(plan.executors(), plan.executorMb()), log);
                    default -> throw new IllegalArgumentException("unknown mode " + mode);
                }
                m.put(mode, r);
            }
            if (single != null) {
                for (String mode : List.of("local", "cluster")) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> r = (Map<String, Object>) m.get(mode);
                    if (r != null) {
                        r.put("ratio_to_single", Timings.round((Double) r.get("images_per_sec") / single));
                    }
                }
            }
            m.put("rss_mib", Machine.rssMiB());
            m.put("peak_rss_mib", Machine.peakRssMiB());
            m.put("machine", Machine.describe());
            return m;
        } finally {
            deleteTree(dir);
        }
    }

    /** The same files, the same transform and optimizer, fitted one after the other in this JVM. */
    static Map<String, Object> single(ResNetOptions o, Path data, int batch, Plan plan, PrintStream log)
            throws IOException {
        ComputationGraph g = ResNetBuilder.build(o, new Optimization(new Nesterovs(0.01, 0.9), 0, 0));
        Manifest manifest = ModelStore.JSON.readValue(data.resolve(Manifest.FILE).toFile(), Manifest.class);
        BatchTransform t = new BatchTransform(manifest.normalization(), Augmentation.none());
        List<Path> files;
        try (Stream<Path> s = Files.list(data.resolve("train"))) {
            files = s.sorted().toList();
        }
        List<Double> perEpoch = new ArrayList<>();
        for (int epoch = 1; epoch <= plan.warmupEpochs() + plan.epochs(); epoch++) {
            long t0 = System.nanoTime();
            long images = 0;
            for (Path p : files) {
                Minibatch b;
                try (InputStream in = Files.newInputStream(p)) {
                    b = Minibatch.read(in, p.toString());
                }
                g.fit(t.apply(b, new Random(epoch)));
                images += b.n();
            }
            double ips = images / ((System.nanoTime() - t0) / 1e9);
            log.printf(java.util.Locale.ROOT, "[benchmark] single process, epoch %d: %.2f images/s%n", epoch, ips);
            if (epoch > plan.warmupEpochs()) {
                perEpoch.add(ips);
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("images_per_sec", Timings.round(median(perEpoch)));
        r.put("epoch_images_per_sec", perEpoch.stream().map(Timings::round).toList());
        r.put("onednn", OneDnn.coverage(g).complete());
        return r;
    }

    static Map<String, Object> spark(JobConfig config, Path data, Path run, Plan plan, Map<String, String> spark,
                                     PrintStream log) throws IOException {
        Map<String, Object> over = new LinkedHashMap<>();
        over.put("train.data", data.toString());
        over.put("train.run", run.toString());
        over.put("train.epochs", plan.warmupEpochs() + plan.epochs());
        over.put("train.resume", false);
        over.put("train.stop-after-epochs", 0);
        over.put("train.init-from", "");
        // the optimizer of the single-process run and of the PyTorch peer
        over.put("train.optimizer.name", "sgd");
        over.put("train.optimizer.lr", 0.01);
        over.put("train.optimizer.momentum", 0.9);
        over.put("train.optimizer.nesterov", true);
        over.put("train.optimizer.weight-decay", 0.0);
        over.put("train.schedule.name", "constant");
        over.put("train.schedule.warmup-epochs", 0);
        over.put("train.linear-scaling.enabled", false);
        over.put("train.augmentation.pad-crop", 0);
        over.put("train.augmentation.flip", 0.0);
        for (Map.Entry<String, String> e : spark.entrySet()) {
            over.put(e.getKey().equals("spark.master") ? "spark.master" : "spark.conf.\"" + e.getKey() + "\"",
                    e.getValue());
        }
        over.putIfAbsent("spark.conf.\"spark.ui.enabled\"", "false");
        over.putIfAbsent("spark.conf.\"spark.driver.host\"", "127.0.0.1");
        new Trainer(config.with(over), log).run();
        List<Double> perEpoch = new ArrayList<>();
        int workers = 0;
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            if (line.isBlank()) {
                continue;
            }
            Map<?, ?> l = ModelStore.JSON.readValue(line, Map.class);
            workers = ((Number) l.get("workers")).intValue();
            if (((Number) l.get("epoch")).intValue() > plan.warmupEpochs()) {
                perEpoch.add(((Number) l.get("images_per_sec")).doubleValue());
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("master", spark.get("spark.master"));
        r.put("workers", workers);
        r.put("images_per_sec", Timings.round(median(perEpoch)));
        r.put("epoch_images_per_sec", perEpoch.stream().map(Timings::round).toList());
        return r;
    }

    static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
