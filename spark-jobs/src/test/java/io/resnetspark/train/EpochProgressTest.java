package io.resnetspark.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;

/** The in-epoch progress line shows what the executors counted, and stops with the epoch. */
class EpochProgressTest {
    @Test
    void printsNothingBeforeTheFirstStep() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (EpochProgress p = new EpochProgress(1, 5, 10, 128, () -> 0, out)) {
            Thread.sleep(2500);
        }
        assertTrue(bytes.size() == 0, "a rate of 0 img/s says nothing: " + bytes);
    }

    @Test
    void printsStepsDoneOfTheEpochUntilClosed() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        LongAccumulator loaded = new LongAccumulator();
        loaded.add(3);
        try (EpochProgress p = new EpochProgress(2, 5, 10, 128, loaded::value, out)) {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!bytes.toString(StandardCharsets.UTF_8).contains("3/10") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("[train epoch 2/5] 3/10 steps (30%)") && text.contains("img/s"), text);
        int length = text.length();
        loaded.add(4);
        Thread.sleep(2500);
        assertTrue(bytes.toString(StandardCharsets.UTF_8).length() == length, "nothing printed after close");
    }
}
