package io.resnetspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
