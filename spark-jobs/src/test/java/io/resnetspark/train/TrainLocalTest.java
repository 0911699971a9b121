package io.resnetspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.data.format.BatchTransform;
import io.resnetspark.data.remote.MinibatchLoader;
import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.Normalization;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.storage.Storage;
import io.resnetspark.testing.SparkClusters;
import io.resnetspark.testing.SyntheticData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resume, refusal, divergence and the numWorkers defect, in Spark local mode (one JVM, two threads). */
class TrainLocalTest {
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void data() throws Exception {
        data = SyntheticData.write(tmp.resolve("data"), 1, 16, 32, 6, 2, 11);
    }

    static List<Integer> epochs(Path run) throws Exception {
        return SyntheticData.metrics(run).stream().map(l -> ((Number) l.get("epoch")).intValue()).toList();
    }

    @Test
    void resumeAfterAnInterruptedRunEndsLikeAnUninterruptedOne() throws Exception {
        Path run = tmp.resolve("run-resume");
        TrainRuns.Outcome first = TrainRuns.cli(TrainRuns.args(data, run, 4, SparkClusters.localSets(2),
                "--set", "train.stop-after-epochs=2"));
        assertEquals(0, first.code(), first.err());
        assertEquals(List.of(1, 2), epochs(run));
        assertFalse(Files.exists(run.resolve("_SUCCESS")));

        // a crash after epoch 3's metrics line but before its checkpoint, mid-way through writing it
        // (through Hadoop, as the trainer writes it: the local file system keeps a checksum beside each file)
        Storage storage = new Storage(new Configuration());
        org.apache.hadoop.fs.Path metrics = Storage.path(run.resolve("metrics.jsonl").toString());
        storage.writeString(metrics, storage.readString(metrics) + "{\"epoch\":3,\"train_loss\":0.1}\n");
        Files.write(run.resolve("checkpoints/.epoch-003.zip.tmp-1"), new byte[] {1, 2, 3});

        TrainRuns.Outcome refused = TrainRuns.cli(TrainRuns.args(data, run, 4, SparkClusters.localSets(2)));
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("already has checkpoints up to epoch 2") && refused.err().contains("--resume"),
                refused.err());

        TrainRuns.Outcome resumed = TrainRuns.cli(TrainRuns.args(data, run, 4, SparkClusters.localSets(2), "--resume"));
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(List.of(1, 2, 3, 4), epochs(run));
        assertTrue(Files.exists(run.resolve("_SUCCESS")));
        try (Stream<Path> files = Files.list(run.resolve("checkpoints"))) {
            assertEquals(List.of("epoch-001.zip", "epoch-002.zip", "epoch-003.zip", "epoch-004.zip"),
                    files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList());
        }
        ModelMetadata last = ModelStore.readMetadata(run.resolve("last.zip").toFile(), "last.zip");
        assertEquals(4, ((Number) last.training().get("epoch")).intValue());
        assertEquals(24, ((Number) last.training().get("iteration")).intValue(), "6 files x 4 epochs");
        assertEquals("averaging", last.training().get("master"));
        assertEquals(SyntheticData.CLASSES, last.classes());
        for (String key : List.of("data", "seed", "val_top1", "val_top5", "train_loss", "run", "config")) {
            assertTrue(last.training().containsKey(key), key);
        }
        Map<String, Object> line = SyntheticData.metrics(run).get(3);
        for (String key : List.of("train_loss", "val_top1", "val_top5", "images_per_sec", "lr", "epoch_seconds",
                "elapsed_seconds")) {
            assertTrue(line.get(key) instanceof Number, key + " in " + line);
        }
        // these runs train without weight decay, so no penalty is split off the loss (ShippedConfigsTest has one)
        assertEquals(0.0, ((Number) line.get("weight_penalty")).doubleValue(), line.toString());

        TrainRuns.Outcome again = TrainRuns.cli(TrainRuns.args(data, run, 4, SparkClusters.localSets(2)));
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("already trained"), again.out());
    }

    @Test
    void aDivergingRunStopsWithAClearMessageAndKeepsTheLastGoodCheckpoint() throws Exception {
        Path run = tmp.resolve("run-nan");
        TrainRuns.Outcome good = TrainRuns.cli(TrainRuns.args(data, run, 3, SparkClusters.localSets(2),
                "--set", "train.stop-after-epochs=1"));
        assertEquals(0, good.code(), good.err());
        byte[] lastGood = Files.readAllBytes(run.resolve("last.zip"));

        TrainRuns.Outcome diverged = TrainRuns.cli(TrainRuns.args(data, run, 3, SparkClusters.localSets(2),
                "--resume", "--lr", "1e30"));
        assertEquals(2, diverged.code(), diverged.err());
        assertTrue(diverged.err().contains("error: training diverged in epoch 2") && diverged.err().contains("lower"),
                diverged.err());
        assertEquals(List.of(1), epochs(run));
        assertFalse(Files.exists(run.resolve("checkpoints/epoch-002.zip")));
        assertTrue(java.util.Arrays.equals(lastGood, Files.readAllBytes(run.resolve("last.zip"))));
        assertFalse(Files.exists(run.resolve("_SUCCESS")));
        // the kept checkpoint is usable: it loads with its updater state and holds finite weights
        ModelStore.Loaded kept = ModelStore.load(run.resolve("checkpoints/epoch-001.zip").toFile(), "epoch-001.zip",
                true);
        assertEquals(1, ((Number) kept.metadata().training().get("epoch")).intValue());
        assertTrue(Double.isFinite(kept.graph().params().sumNumber().doubleValue()));
        assertTrue(java.util.Arrays.equals(lastGood, Files.readAllBytes(run.resolve("checkpoints/epoch-001.zip"))));
    }

    @Test
    void fitPathsOnAGraphNeedsNumWorkers() throws Exception {
        ResNetOptions o = ResNetOptions.builder("resnet20").classes(4).input(1, 16, 16).build();
        List<String> paths;
        try (Stream<Path> files = Files.list(data.resolve("train"))) {
            paths = files.map(p -> p.toUri().toString()).sorted().toList();
        }
        MinibatchLoader loader = new MinibatchLoader(BatchTransform.eval(new Normalization(new double[] {0.35},
                new double[] {0.3})), 1);
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("numWorkers")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            JavaRDD<String> rdd = sc.parallelize(paths, 2);
            ParameterAveragingTrainingMaster withoutWorkers = new ParameterAveragingTrainingMaster.Builder(32)
                    .batchSizePerWorker(32).averagingFrequency(2).build();
            SparkComputationGraph broken = new SparkComputationGraph(sc,
                    ResNetBuilder.build(o, Optimization.defaults()), withoutWorkers);
            assertThrows(NullPointerException.class, () -> broken.fitPaths(rdd, loader));

            ComputationGraph g = ResNetBuilder.build(o, Optimization.defaults());
            var before = g.params().dup();
            SparkComputationGraph net = new SparkComputationGraph(sc, g,
                    AveragingMaster.builder(TrainSettingsTest.settings(), 2, 32).build());
            net.fitPaths(rdd, loader);
            assertFalse(before.equals(net.getNetwork().params()), "the parameters must have been trained");
        }
    }
}
