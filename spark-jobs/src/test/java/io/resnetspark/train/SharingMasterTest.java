package io.resnetspark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.data.format.Augmentation;
import io.resnetspark.data.PreparedData;
import io.resnetspark.data.format.BatchChecksums;
import io.resnetspark.data.format.BatchTransform;
import io.resnetspark.data.format.Minibatch;
import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.Normalization;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.storage.RemoteStorage;
import io.resnetspark.storage.Storage;
import io.resnetspark.testing.SyntheticData;
import io.resnetspark.train.remote.AllReduceEpoch;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The gradient-sharing master in Spark local mode (two workers in one JVM, a real TCP ring between
 * them): with minibatches of different sizes on the two workers, the workers stay identical, and the
 * network the driver ends with, and saves, scores exactly like theirs.
 */
class SharingMasterTest {
    @TempDir
    Path tmp;

    @Test
    void theDriverHoldsAndSavesTheWorkersModelAndTheLossFalls() throws Exception {
        Path data = SyntheticData.write(tmp.resolve("data"), 1, 16, 32, 5, 1, 3);
        // a short last file, as prepare writes one: the workers' minibatches then differ in size
        Minibatch full;
        try (var in = Files.newInputStream(data.resolve("train/part-00000.bin"))) {
            full = Minibatch.read(in, "part-00000.bin");
        }
        try (var out = Files.newOutputStream(data.resolve("train/part-00005.bin"))) {
            int n = 7;
            new Minibatch(n, 1, 16, 16, 4, java.util.Arrays.copyOf(full.pixels(), n * 256),
                    java.util.Arrays.copyOf(full.labels(), n), java.util.Arrays.copyOf(full.sources(), n)).write(out);
        }
        List<String> files;
        try (Stream<Path> s = Files.list(data.resolve("train"))) {
            files = s.map(p -> p.toUri().toString()).sorted().toList();
        }
        Normalization norm = new Normalization(new double[] {0.35}, new double[] {0.3});
        ResNetOptions o = ResNetOptions.builder("resnet20").classes(4).input(1, 16, 16).build();
        TrainSettings s = TrainSettingsTest.settings("train.master=sharing", "train.mix-files=2");
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("sharing")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            ComputationGraph graph = ResNetBuilder.build(o, Optimization.defaults());
            RemoteStorage remote = new RemoteStorage(Map.of());
            SharingMaster master = new SharingMaster(new Master.Cluster(sc, s, 2,
                    new BatchTransform(norm, Augmentation.none()), remote,
                    sc.broadcast(PreparedData.checksums(data))), graph, BatchTransform.eval(norm));
            assertEquals(3, master.steps(files.size()), "6 files over 2 workers");
            double first = 0;
            double last = 0;
            for (int epoch = 1; epoch <= 4; epoch++) {
                var steps = sc.sc().longAccumulator();
                double loss = master.fitEpoch(files, epoch, steps);
                first = epoch == 1 ? loss : first;
                last = loss;
                assertEquals(3, steps.value(), "steps of rank 0");
                assertTrue(master.probeDifference() < 1e-6, "driver vs workers: " + master.probeDifference());
                assertEquals(3L * epoch, graph.getConfiguration().getIterationCount());
            }
            assertTrue(last < first * 0.7, "the loss must fall: " + first + " -> " + last);

            // the saved model is the workers' model: it scores the probe images as the driver's network does
            File zip = tmp.resolve("model.zip").toFile();
            ModelStore.save(graph, ModelMetadata.of(o, SyntheticData.CLASSES, norm), true, zip);
            ComputationGraph loaded = ModelStore.load(zip, zip.toString(), true).graph();
            INDArray probe = AllReduceEpoch.probe(new Storage(new Configuration()), BatchChecksums.NONE, files.get(0),
                    BatchTransform.eval(norm));
            assertArrayEquals(graph.outputSingle(false, probe).reshape(-1).toFloatVector(),
                    loaded.outputSingle(false, probe).reshape(-1).toFloatVector(), 0f);
        }
    }
}
