package io.resnetspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.resnetspark.model.ModelStore;
import io.resnetspark.testing.Cli;
import io.resnetspark.testing.SparkClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accuracy and experiment configs shipped in conf/, run end to end on a slice of the real
 * Fashion-MNIST (a few hundred images per split, one epoch), so they stay valid as the code moves.
 */
class ShippedConfigsTest {
    private static final Path CONF = Path.of(System.getProperty("user.dir")).getParent().resolve("conf");

    @TempDir
    Path dir;

    private static String[] run(String command, String conf, String... sets) {
        assertTrue(Files.isDirectory(PrepareIdxCsvTest.FASHION),
                "Fashion-MNIST is missing at " + PrepareIdxCsvTest.FASHION + "; run deploy/setup-test-deps");
        List<String> args = new ArrayList<>(List.of(command, "--conf", CONF.resolve(conf).toString(),
                "--set", "prepare.source=" + PrepareIdxCsvTest.FASHION, "--set", "prepare.max-per-split=256",
                "--set", "train.epochs=1"));
        args.addAll(SparkClusters.localSets(2));
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        return Cli.strings(args.toArray(new String[0]));
    }

    @Test
    void accuracyConfigsRunThePipelineAndReportTimeToTestAccuracy() throws Exception {
        for (String conf : List.of("fashion-mnist-accuracy.conf", "fashion-mnist-0949.conf")) {
            Path root = dir.resolve(conf);
            String[] r = run("pipeline", conf, "pipeline.root=" + root);
            assertEquals("0", r[0], conf + ": " + r[2]);
            Path runDir;
            try (var runs = Files.list(root.resolve("runs"))) {
                runDir = runs.findFirst().orElseThrow();
            }
            JsonNode manifest = ModelStore.JSON.readTree(root.resolve("data/manifest.json").toFile());
            assertEquals(256, manifest.at("/recipe/max_per_split").asInt(), conf);
            assertEquals(256, manifest.at("/splits/test/images").asInt(), conf + " test split cut to 256");
            String metrics = Files.readString(runDir.resolve("metrics.jsonl"));
            assertTrue(metrics.contains("\"test_top1\""), conf + " tracks test accuracy per epoch: " + metrics);
            // weight decay 5e-4: DL4J's score carries the penalty, which is logged apart from the data loss
            JsonNode epoch1 = ModelStore.JSON.readTree(metrics.lines().findFirst().orElseThrow());
            assertTrue(epoch1.get("weight_penalty").asDouble() > 0, conf + ": " + epoch1);
            double dataLoss = epoch1.get("train_loss").asDouble();
            assertTrue(dataLoss > 0 && dataLoss < 5, conf + ": cross-entropy over 10 classes, " + epoch1);
            JsonNode report = ModelStore.JSON.readTree(runDir.resolve("report/report.json").toFile());
            JsonNode tta = report.at("/training_run/time_to_accuracy");
            assertEquals(3, tta.size(), conf + ": " + tta);
            assertEquals("test_top1", tta.get(0).get("metric").asText());
            assertEquals(0.94, tta.get(2).get("accuracy").asDouble(), 1e-9);
            // both recipes anneal the rate to zero, so the final epoch is the model that is evaluated and shipped
            assertTrue(report.at("/model/uri").asText().endsWith(runDir.getFileName() + "/last.zip"),
                    conf + ": " + report.at("/model/uri"));
            String html = Files.readString(runDir.resolve("report/report.html"));
            assertTrue(html.contains("<th>test top-1</th>"), conf + ": the time-to-accuracy table names its metric");
            assertTrue(r[1].contains("model:  " + root + "/models/"), r[1]);
        }
    }

    @Test
    void degradationExperimentReportsEveryRunSideBySide() throws Exception {
        Path root = dir.resolve("experiment");
        String[] r = run("experiment", "experiment-degradation.conf", "experiment.root=" + root);
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("report: " + root + "/report/experiment.html"), r[1]);
        JsonNode report = ModelStore.JSON.readTree(root.resolve("report/experiment.json").toFile());
        JsonNode runs = report.get("runs");
        assertEquals(4, runs.size());
        List<String> names = new ArrayList<>();
        runs.forEach(n -> names.add(n.get("name").asText()));
        assertEquals(List.of("plain-20", "plain-56", "resnet-20", "resnet-56"), names);
        // option A shortcuts hold no parameters, so each plain network has exactly its residual twin's
        assertEquals(runs.get(0).get("parameters").asLong(), runs.get(2).get("parameters").asLong());
        assertEquals(runs.get(1).get("parameters").asLong(), runs.get(3).get("parameters").asLong());
        assertTrue(runs.get(1).get("parameters").asLong() > 3 * runs.get(0).get("parameters").asLong());
        for (JsonNode n : runs) {
            assertEquals(1, n.get("epochs").asInt(), n.toString());
            assertEquals("test_top1", n.get("accuracy_metric").asText());
            assertTrue(n.get("final_accuracy").asDouble() > 0, n.toString());
        }
        String html = Files.readString(root.resolve("report/experiment.html"));
        for (String name : names) {
            assertTrue(html.contains(name), name);
        }
        assertTrue(html.contains("id=\"loss-curves\"") && html.contains("id=\"accuracy-curves\"")
                && html.contains("<svg"), "both charts are on the page");
        assertTrue(Files.exists(root.resolve("report/_SUCCESS")));

        // a rerun keeps every finished run
        long trained = Files.getLastModifiedTime(root.resolve("runs/resnet-56/last.zip")).toMillis();
        String[] again = run("experiment", "experiment-degradation.conf", "experiment.root=" + root);
        assertEquals("0", again[0], again[2]);
        assertEquals(trained, Files.getLastModifiedTime(root.resolve("runs/resnet-56/last.zip")).toMillis());
    }

    @Test
    void variantsExperimentComparesTheThreeBlockKindsOnOneBudget() throws Exception {
        Path root = dir.resolve("variants");
        // 64 images a split instead of 256: three 50-layer networks are ~20x the work of the degradation runs.
        // Plain SGD instead of the config's Adam: every averaging round returns each worker's parameters and
        // optimizer state through the driver's heap, and Adam's two state tensors per weight tripled that to
        // ~340 MB a worker, more than the test JVM's 3 GiB heap held by the third network (the job then hung).
        String[] r = run("experiment", "experiment-variants.conf", "experiment.root=" + root,
                "prepare.max-per-split=64", "train.optimizer.name=sgd", "train.optimizer.momentum=0",
                "train.optimizer.nesterov=false");
        assertEquals("0", r[0], r[2]);
        JsonNode runs = ModelStore.JSON.readTree(root.resolve("report/experiment.json").toFile()).get("runs");
        List<String> names = new ArrayList<>();
        runs.forEach(n -> names.add(n.get("name").asText()));
        assertEquals(List.of("resnet50", "resnext50_32x4d", "seresnet50"), names);
        for (JsonNode n : runs) {
            assertEquals(1, n.get("epochs").asInt(), n.toString());
            assertEquals("test_top1", n.get("accuracy_metric").asText());
            assertTrue(n.get("images_per_sec").asDouble() > 0, n.toString());
        }
        // ResNeXt-50 is slightly smaller than ResNet-50 (torchvision: 25.0M vs 25.6M), SE-ResNet-50 larger (28.1M)
        long resnet = runs.get(0).get("parameters").asLong();
        assertTrue(runs.get(1).get("parameters").asLong() < resnet && resnet < runs.get(2).get("parameters").asLong(),
                runs.toString());
        assertTrue(Files.readString(root.resolve("report/experiment.html")).contains("<th>images/s</th>"));
    }
}
