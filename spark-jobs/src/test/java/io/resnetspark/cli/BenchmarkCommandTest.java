package io.resnetspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Smoke test of the benchmark command: the fields a user and the README table rely on. */
class BenchmarkCommandTest {

    @Test
    void trainBenchmarkPrintsOneJsonObject() throws Exception {
        String[] r = SummaryCommandTest.cli("benchmark", "--what", "train", "--model", "resnet20", "--input", "3x16x16",
                "--batch", "4", "--classes", "3", "--warmup", "1", "--iters", "2", "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode j = new ObjectMapper().readTree(r[1].trim());
        assertEquals("train", j.get("what").asText());
        assertEquals("resnet20", j.get("model").asText());
        assertEquals(2, j.get("iterations").asInt());
        assertTrue(j.get("images_per_sec").asDouble() > 0);
        assertTrue(j.get("images_per_sec_min").asDouble() <= j.get("images_per_sec_max").asDouble());
        assertTrue(j.get("onednn").get("complete").asBoolean(), "every conv/BN/pool layer has its helper");
        assertTrue(j.get("rss_mib").asLong() > 0);
        assertTrue(j.get("machine").get("cores").asInt() >= 1);
        assertTrue(j.get("machine").has("cpu") && j.get("machine").has("java"));
        assertTrue(j.get("machine").get("nd4j_threads").asInt() >= 1);
    }

    /** ResNeXt's grouped convolutions are this project's own layer: the train benchmark runs it and still counts oneDNN. */
    @Test
    void trainBenchmarkOfResNeXt() throws Exception {
        String[] r = SummaryCommandTest.cli("benchmark", "--what", "train", "--model", "resnext50_32x4d", "--input",
                "3x16x16", "--stem", "small", "--batch", "2", "--classes", "3", "--warmup", "1", "--iters", "1", "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode j = new ObjectMapper().readTree(r[1].trim());
        assertEquals("resnext50_32x4d", j.get("model").asText());
        assertTrue(j.get("images_per_sec").asDouble() > 0);
        assertTrue(j.get("onednn").get("complete").asBoolean(), "every DL4J conv/BN/pool layer has its helper: " + j);
        assertFalse(r[2].contains("WARNING: oneDNN helpers are missing"), r[2]);
    }

    @Test
    void inferBenchmarkAndBadArguments() throws Exception {
        String[] r = SummaryCommandTest.cli("benchmark", "--what", "infer", "--model", "resnet18", "--input", "1x28x28",
                "--batch", "2", "--classes", "10", "--warmup", "0", "--iters", "1", "--json");
        assertEquals("0", r[0], r[2]);
        assertEquals("infer", new ObjectMapper().readTree(r[1].trim()).get("what").asText());
        String[] prep = SummaryCommandTest.cli("benchmark", "--what", "prepare", "--format", "png", "--source-size", "28",
                "--input", "1x28x28", "--iters", "50", "--json");
        assertEquals("0", prep[0], prep[2]);
        JsonNode p = new ObjectMapper().readTree(prep[1].trim());
        assertTrue(p.get("images_per_sec_per_core").asDouble() > 0);
        assertEquals("1x28x28", p.get("output").asText());
        String[] bad = SummaryCommandTest.cli("benchmark", "--what", "fly", "--model", "resnet18", "--input", "1x28x28");
        assertEquals("2", bad[0]);
        assertTrue(bad[2].contains("--what"), bad[2]);
    }

    @Test
    void inferComparesFoldedWithUnfolded() throws Exception {
        String[] r = SummaryCommandTest.cli("benchmark", "--what", "infer", "--model", "resnet20", "--input", "3x16x16",
                "--batch", "2", "--classes", "4", "--warmup", "0", "--iters", "2", "--compare-unfolded", "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode j = new ObjectMapper().readTree(r[1].trim());
        assertTrue(j.get("bn_folded").asBoolean());
        assertEquals(2, j.get("unfolded").get("iterations").asInt());
        assertTrue(j.get("unfolded").get("images_per_sec").asDouble() > 0);
        assertTrue(j.get("fold_speedup").asDouble() > 0);
        // the folded network has no BN layers left: only convs and pools need helpers
        assertEquals(j.get("onednn").get("layers").asInt(), j.get("onednn").get("with_helper").asInt());

        String[] plain = SummaryCommandTest.cli("benchmark", "--what", "infer", "--model", "resnet20", "--input",
                "3x16x16", "--batch", "2", "--classes", "4", "--warmup", "0", "--iters", "1", "--fold-batch-norm",
                "false", "--json");
        assertEquals("0", plain[0], plain[2]);
        JsonNode p = new ObjectMapper().readTree(plain[1].trim());
        assertFalse(p.get("bn_folded").asBoolean());
        assertFalse(p.has("unfolded"));
        assertTrue(p.get("onednn").get("layers").asInt() > j.get("onednn").get("layers").asInt(),
                "the unfolded network still has its BN layers");
    }

    @Test
    void sparkBenchmarkRunsTheTrainStageOnLocalAndOnACluster() throws Exception {
        String[] r = SummaryCommandTest.cli("benchmark", "--what", "spark", "--model", "resnet20", "--input", "1x12x12",
                "--batch", "4", "--classes", "3", "--warmup", "1", "--epochs", "1", "--iters", "4",
                "--averaging-frequency", "2", "--executors", "2", "--executor-memory-mb", "1024", "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode j = new ObjectMapper().readTree(r[1].trim());
        assertEquals("spark", j.get("what").asText());
        assertEquals(4, j.get("files_per_epoch").asInt());
        assertEquals(2, j.get("averaging_frequency").asInt());
        assertTrue(j.get("single").get("images_per_sec").asDouble() > 0);
        assertTrue(j.get("single").get("onednn").asBoolean());
        JsonNode local = j.get("local");
        assertEquals("local[" + Runtime.getRuntime().availableProcessors() + "]", local.get("master").asText());
        assertEquals(Runtime.getRuntime().availableProcessors(), local.get("workers").asInt());
        assertEquals(1, local.get("epoch_images_per_sec").size(), "the warm-up epoch is not counted");
        assertTrue(local.get("ratio_to_single").asDouble() > 0);
        JsonNode cluster = j.get("cluster");
        assertTrue(cluster.get("master").asText().startsWith("local-cluster[2,1,1024]"), cluster.toString());
        assertEquals(2, cluster.get("workers").asInt());
        assertTrue(cluster.get("images_per_sec").asDouble() > 0);
        assertTrue(cluster.get("ratio_to_single").asDouble() > 0);
        assertTrue(j.get("machine").get("cores").asInt() >= 1);

        String[] bad = SummaryCommandTest.cli("benchmark", "--what", "spark", "--modes", "single,yarn", "--json");
        assertEquals("2", bad[0]);
        assertTrue(bad[2].contains("--modes"), bad[2]);
    }
}
