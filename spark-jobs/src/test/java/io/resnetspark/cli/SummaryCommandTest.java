package io.resnetspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.resnetspark.testing.Cli;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SummaryCommandTest {

    static String[] cli(String... args) {
        return Cli.strings(args);
    }

    @Test
    void jsonSummaryOfResNet50() throws Exception {
        String[] r = cli("summary", "--model", "resnet50", "--classes", "1000", "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode j = new ObjectMapper().readTree(r[1]);
        assertEquals("resnet50", j.get("model").asText());
        assertEquals(25_557_032L, j.get("trainable_params").asLong());
        assertEquals(25_610_152L, j.get("all_params").asLong());
        JsonNode fc = j.get("layers").get(j.get("layers").size() - 1);
        assertEquals("fc", fc.get("name").asText());
        assertEquals("1000", fc.get("output_shape").asText());
        assertEquals(2048 * 1000 + 1000, fc.get("trainable_params").asLong());
    }

    /** The seeds' variants print the reference implementations' trainable counts (the table). */
    @ParameterizedTest
    @CsvSource({"resnext50_32x4d, 25028904", "resnext101_32x8d, 88791336", "resnext101_64x4d, 83455272",
        "wide_resnet50_2, 68883240", "wide_resnet101_2, 126886696", "seresnet50, 28088024", "seresnet101, 49326872",
        "res2net50_26w_4s, 25699120", "res2net101_26w_4s, 45206688"})
    void variantsPrintTheirReferenceParameterCounts(String model, long trainable) {
        // the count does not depend on the input size, so 64 px keeps the shape walk short; the stem is named
        // because model.stem=auto picks the small one (3x3 instead of 7x7: 7,680 fewer weights) below 112 px
        String[] r = cli("summary", "--model", model, "--classes", "1000", "--input", "3x64x64",
                "--stem", "imagenet");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains(String.format(Locale.ROOT, "trainable parameters: %,d", trainable)), r[1]);
    }

    @Test
    void tableForASmallInputAndPlainVariant() {
        String[] r = cli("summary", "--model", "resnet20", "--input", "3x32x32", "--classes", "10", "--plain");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("layer3_2_relu"), r[1]);
        assertFalse(r[1].contains("_add"), "plain network has no residual additions");
        assertTrue(r[1].contains("trainable parameters: 269,722"), r[1]);
    }

    @Test
    void badInputGivesOneSentenceAndNonZeroExit() {
        String[] r = cli("summary", "--model", "resnet19");
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("error: configuration key 'model.name'"), r[2]);
        assertFalse(r[2].contains("\tat "), "no stack trace without --debug");

        String[] tiny = cli("summary", "--model", "resnet50", "--input", "3x16x16", "--stem", "imagenet");
        assertEquals("2", tiny[0]);
        assertTrue(tiny[2].contains("too small"), tiny[2]);

        String[] unknown = cli("summary", "--modle", "resnet50");
        assertEquals("2", unknown[0]);
        assertTrue(unknown[2].contains("unknown option --modle"), unknown[2]);

        String[] cmd = cli("trian");
        assertEquals("2", cmd[0]);
        assertTrue(cmd[2].contains("unknown command 'trian'"), cmd[2]);
    }
}
