package io.resnetspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.data.Manifest;
import io.resnetspark.data.PreparedData;
import io.resnetspark.testing.Cli;
import io.resnetspark.testing.FashionFolder;
import io.resnetspark.testing.SparkClusters;
import io.resnetspark.testing.SyntheticData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Fashion-MNIST images in an ImageFolder listed class by class, as users have them, prepared and
 * trained with the default recipe on a two-executor cluster (separate JVMs) with each master. Before
 * prepare shuffled each split, every minibatch file held one class and both masters stayed at chance.
 */
class ImageFolderLearningTest {
    @TempDir
    static Path tmp;
    static Path data;
    static String prepareLog;

    @BeforeAll
    static void prepare() throws Exception {
        Path src = FashionFolder.write(tmp.resolve("fashion"), 150, 40);
        data = tmp.resolve("data");
        Cli.Outcome r = Cli.run("prepare", "--source", src.toString(), "--format", "imagefolder", "--out",
                data.toString(), "--size", "28", "--batch", "64", "--set", "prepare.channels=1",
                "--set", "spark.master=local[2]", "--set", "spark.conf.\"spark.ui.enabled\"=false");
        assertEquals(0, r.code(), r.err());
        prepareLog = r.err();
    }

    @Test
    void everyTrainingFileHoldsManyClasses() throws Exception {
        Manifest m = PreparedData.manifest(data);
        List<Manifest.BatchFile> files = m.splits().get("train").batchFiles();
        assertEquals(24, files.size(), "1,500 images in files of 64");
        for (Manifest.BatchFile f : files) {
            int largest = f.classes().values().stream().mapToInt(Integer::intValue).max().orElse(0);
            assertEquals(f.images(), f.classes().values().stream().mapToInt(Integer::intValue).sum(), f.name());
            if (f.images() == 64) {
                assertTrue(f.classes().size() >= 7 && largest <= 20, f.name() + " holds " + f.classes());
            }
        }
        // the files themselves agree with the manifest
        for (var b : PreparedData.batches(data, "train")) {
            assertTrue(Arrays.stream(b.labels()).distinct().count() >= 5 || b.n() < 16);
        }
        assertFalse(prepareLog.contains("dominated by one class"), prepareLog);
    }

    @Test
    void parameterAveragingLearns() throws Exception {
        assertLearns("averaging");
    }

    @Test
    void gradientSharingLearns() throws Exception {
        assertLearns("sharing");
    }

    private void assertLearns(String master) throws Exception {
        Path run = tmp.resolve("run-" + master);
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--run", run.toString(),
                "--model", "resnet20", "--epochs", "4", "--master-type", master, "--set", "train.track-test=true"));
        args.addAll(SparkClusters.cliSets(2, 1536));
        Cli.Outcome r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        List<Map<String, Object>> m = SyntheticData.metrics(run);
        double top1 = ((Number) m.get(m.size() - 1).get("test_top1")).doubleValue();
        System.out.println(master + " test top-1 by epoch: " + m.stream().map(l -> l.get("test_top1")).toList());
        assertTrue(top1 > 0.6, master + ": test top-1 after 4 epochs should be far above chance (0.1), got " + top1);
    }
}
