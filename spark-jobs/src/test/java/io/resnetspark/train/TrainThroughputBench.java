package io.resnetspark.train;

import io.resnetspark.data.format.Augmentation;
import io.resnetspark.data.format.BatchTransform;
import io.resnetspark.data.format.Minibatch;
import io.resnetspark.model.Normalization;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.testing.SparkClusters;
import io.resnetspark.testing.SyntheticData;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Training throughput, not a test (no timing is asserted anywhere): the same minibatch files trained by
 * plain DL4J in one process, and by the train stage with parameter averaging (local[2] and a 2-executor
 * local-cluster) and with gradient sharing (2-executor local-cluster).
 *
 * <pre>java [test JVM flags] -cp ... io.resnetspark.train.TrainThroughputBench resnet20 3x32x32 64 8 plain,local2,averaging,sharing</pre>
 * Prints one line per mode: images/s of the second epoch (the first pays for JIT, natives and executor start).
 */
public final class TrainThroughputBench {
    private TrainThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        String model = args[0];
        int[] input = ResNetOptions.parseInput(args[1]);
        int batch = Integer.parseInt(args[2]);
        int files = Integer.parseInt(args[3]);
        List<String> modes = List.of(args[4].split(","));
        Path dir = Files.createTempDirectory("bench");
        Path data = SyntheticData.write(dir.resolve("data"), input[0], input[1], batch, files, 1, 5);
        List<String> results = new ArrayList<>();
        for (String mode : modes) {
            double ips = switch (mode) {
                case "plain" -> plain(model, input, data);
                case "local2" -> spark(model, data, dir.resolve("run-" + mode), SparkClusters.localSets(2), "averaging");
                case "averaging", "sharing" -> spark(model, data, dir.resolve("run-" + mode),
                        SparkClusters.cliSets(2, 3072), mode);
                default -> throw new IllegalArgumentException(mode);
            };
            results.add(String.format(Locale.ROOT, "%s %s batch %d, %d images/epoch, %s: %.2f images/s", model,
                    args[1], batch, files * batch, mode, ips));
            System.err.println("RESULT " + results.get(results.size() - 1));
        }
        results.forEach(r -> System.out.println("RESULT " + r));
    }

    static double plain(String model, int[] input, Path data) throws Exception {
        ResNetOptions o = ResNetOptions.builder(model).classes(4).input(input[0], input[1], input[2]).build();
        ComputationGraph g = ResNetBuilder.build(o, Optimization.defaults());
        double[] mean = new double[input[0]];
        double[] std = new double[input[0]];
        java.util.Arrays.fill(mean, 0.35);
        java.util.Arrays.fill(std, 0.3);
        BatchTransform t = new BatchTransform(new Normalization(mean, std), new Augmentation(0, 0));
        List<Path> paths;
        try (Stream<Path> s = Files.list(data.resolve("train"))) {
            paths = s.sorted().toList();
        }
        double ips = 0;
        for (int epoch = 1; epoch <= 2; epoch++) {
            long images = 0;
            long t0 = System.nanoTime();
            for (Path p : paths) {
                Minibatch b;
                try (InputStream in = Files.newInputStream(p)) {
                    b = Minibatch.read(in, p.toString());
                }
                DataSet ds = t.apply(b, new Random(epoch));
                g.fit(ds);
                images += b.n();
            }
            ips = images / ((System.nanoTime() - t0) / 1e9);
            System.err.printf(Locale.ROOT, "plain epoch %d: %.2f images/s, oneDNN %s%n", epoch, ips,
                    io.resnetspark.model.OneDnn.coverage(g));
        }
        return ips;
    }

    static double spark(String model, Path data, Path run, List<String> spark, String master) throws Exception {
        List<String> a = new ArrayList<>(List.of("train", "--data", data.toString(), "--run", run.toString(),
                "--model", model, "--epochs", "2", "--master-type", master,
                "--set", "train.optimizer.name=adam", "--set", "train.optimizer.lr=0.001",
                "--set", "train.averaging.frequency=4"));
        a.addAll(spark);
        TrainRuns.Outcome r = TrainRuns.cli(a);
        if (r.code() != 0) {
            throw new IllegalStateException("train failed: " + r.err());
        }
        List<Map<String, Object>> m = SyntheticData.metrics(run);
        return ((Number) m.get(m.size() - 1).get("images_per_sec")).doubleValue();
    }
}
