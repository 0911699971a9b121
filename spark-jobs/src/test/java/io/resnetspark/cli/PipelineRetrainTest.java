package io.resnetspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.resnetspark.model.ModelStore;
import io.resnetspark.testing.Cli;
import io.resnetspark.testing.LearnableImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job and scheduled retraining in-process on real PNG files: the pipeline writes every stage
 * under one root and a rerun skips them all; retraining promotes a first model, then keeps the
 * champion when the challenger does not beat it by the margin, recording both decisions.
 */
class PipelineRetrainTest {
    @TempDir
    Path dir;

    private String[] run(String command, Path root, String... extra) {
        List<String> args = new ArrayList<>(List.of(command, "--set", "spark.master=local[2]",
                "--set", "pipeline.root=" + root, "--set", "pipeline.name=halves",
                "--set", "prepare.source=" + dir.resolve("images"), "--set", "prepare.size=16",
                "--set", "prepare.batch=16", "--set", "prepare.val-fraction=0.25", "--set", "prepare.test-fraction=0.25",
                "--set", "model.name=resnet20", "--set", "train.epochs=4", "--set", "train.optimizer.name=adam",
                "--set", "train.optimizer.lr=0.005", "--set", "train.schedule.name=constant", "--set", "train.optimizer.weight-decay=0",
                "--set", "train.averaging.frequency=2"));
        args.addAll(List.of(extra));
        return Cli.strings(args.toArray(new String[0]));
    }

    @Test
    void pipelineThenRetraining() throws Exception {
        LearnableImages.write(dir.resolve("images"), 160);
        Path root = dir.resolve("pipeline");
        String[] r = run("pipeline", root);
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("report: " + root + "/runs/halves/report/report.html"), r[1]);
        assertTrue(r[1].contains("model:  " + root + "/models/halves/v1"), r[1]);
        JsonNode report = ModelStore.JSON.readTree(root.resolve("runs/halves/report/report.json").toFile());
        assertTrue(report.get("top1").asDouble() >= 0.8, "learned: " + report.get("top1") + "; metrics: "
                + Files.readString(root.resolve("runs/halves/metrics.jsonl")));
        assertTrue(Files.exists(root.resolve("models/halves/v1/_SUCCESS")));
        long modelTime = Files.getLastModifiedTime(root.resolve("runs/halves/best.zip")).toMillis();

        String[] again = run("pipeline", root);
        assertEquals("0", again[0], again[2]);
        assertEquals(modelTime, Files.getLastModifiedTime(root.resolve("runs/halves/best.zip")).toMillis(),
                "a rerun skips every committed stage");

        Path models = dir.resolve("retrain/models/halves");
        String[] first = run("retrain", dir.resolve("retrain"), "--set", "retrain.run-id=day1");
        assertEquals("0", first[0], first[2]);
        assertTrue(first[1].contains("promoted v1"), first[1]);
        assertEquals("v1", Files.readString(models.resolve("champion")).trim());

        String[] second = run("retrain", dir.resolve("retrain"), "--set", "retrain.run-id=day2",
                "--set", "retrain.margin=1.0");
        assertEquals("0", second[0], second[2]);
        assertTrue(second[1].contains("kept v1"), second[1]);
        assertTrue(second[2].contains("warm start from"), "the challenger starts from the champion");
        assertEquals("v1", Files.readString(models.resolve("champion")).trim(), "champion unchanged");
        assertFalse(Files.exists(models.resolve("v2")));

        List<String> decisions = Files.readAllLines(models.resolve("decisions.jsonl"));
        assertEquals(2, decisions.size());
        JsonNode d1 = ModelStore.JSON.readTree(decisions.get(0));
        JsonNode d2 = ModelStore.JSON.readTree(decisions.get(1));
        assertTrue(d1.get("promoted").asBoolean());
        assertFalse(d2.get("promoted").asBoolean());
        assertTrue(d2.get("reason").asText().contains("margin"), d2.toString());
        assertTrue(d2.get("champion").asDouble() > 0 && d2.has("challenger"), d2.toString());
    }
}
