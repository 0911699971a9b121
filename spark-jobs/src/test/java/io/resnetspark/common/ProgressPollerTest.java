package io.resnetspark.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The one progress mechanism: lines follow the count, none before the first unit, none after close. */
class ProgressPollerTest {
    @Test
    void printsNothingBeforeTheFirstUnit() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (ProgressPoller p = new ProgressPoller(new Progress("train epoch 1/5", "steps", 10, out), 10, () -> 0,
                n -> "x img/s")) {
            Thread.sleep(2500);
        }
        assertEquals(0, bytes.size(), "a rate of 0 img/s says nothing: " + bytes);
    }

    @Test
    void followsTheCountUntilClosedAndFinishesWithTheTotal() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        AtomicLong done = new AtomicLong(3);
        ProgressPoller p = new ProgressPoller(new Progress("train epoch 2/5", "steps", 10, out), 10, done::get,
                n -> n * 128 + " img");
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!bytes.toString(StandardCharsets.UTF_8).contains("3/10") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("[train epoch 2/5] 3/10 steps (30%)") && text.contains("384 img"), text);
        p.close();
        int length = bytes.size();
        done.set(7);
        Thread.sleep(2500);
        assertEquals(length, bytes.size(), "nothing printed after close");
        p.finish("done");
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("10/10 steps (100%)"), bytes.toString());
    }
}
