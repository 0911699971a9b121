package io.resnetspark.common;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** Progress lines say something true at every point: a slow unit by its duration, not as "0.0 epochs/s". */
class ProgressTest {
    @Test
    void slowUnitsAreTimedPerUnitAndFastOnesCounted() {
        long t0 = System.nanoTime();
        Progress epochs = new Progress("train", "epochs", 3, new PrintStream(new ByteArrayOutputStream()));
        // one epoch of three after five minutes
        String slow = epochs.line(1, null, t0 + 300_000_000_000L);
        assertTrue(slow.contains("5m00s per epoch") || slow.contains("4m59s per epoch"), slow);
        assertFalse(slow.contains("epochs/s"), slow);
        String none = epochs.line(0, null, t0 + 60_000_000_000L);
        assertTrue(none.contains("first epoch under way") && none.contains("ETA -"), none);
        Progress images = new Progress("evaluate", "images", 10_000, new PrintStream(new ByteArrayOutputStream()));
        String fast = images.line(5_000, null, t0 + 10_000_000_000L);
        assertTrue(fast.matches(".*, 50\\d\\.\\d images/s,.*") || fast.contains("images/s"), fast);
    }
}
