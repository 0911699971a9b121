package io.resnetspark.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.testing.SparkClusters;
import io.resnetspark.testing.StallingFileSystem;
import io.resnetspark.testing.SyntheticData;
import io.resnetspark.train.TrainRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An averaging round that makes no progress (an executor stuck reading a file, without dying) used to wait forever;
 * train.stall-timeout now cancels the epoch's jobs and stops with one sentence, and --resume continues.
 */
class StallTest {
    @TempDir
    Path tmp;

    static List<String> args(String data, Path run, int epochs, String... more) {
        List<String> a = new ArrayList<>(TrainRuns.args(Path.of("DATA"), run, epochs, SparkClusters.localSets(2),
                "--set", "hadoop.\"fs.stall.impl\"=" + StallingFileSystem.class.getName(),
                "--set", "hadoop.\"fs.stall.impl.disable.cache\"=true"));
        a.remove("--debug");
        a.set(a.indexOf("DATA"), data);
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void aStuckRoundFailsTheEpochInOneSentenceAndResumeContinues() throws Exception {
        Path data = SyntheticData.write(tmp.resolve("data"), 1, 16, 32, 6, 2, 11);
        String uri = "stall://" + data;
        Path run = tmp.resolve("run");
        TrainRuns.Outcome first = TrainRuns.cli(args(uri, run, 2, "--set", "train.stop-after-epochs=1"));
        assertEquals(0, first.code(), first.err());

        System.setProperty(StallingFileSystem.PROPERTY, "part-00003.bin");
        TrainRuns.Outcome stalled;
        try {
            stalled = TrainRuns.cli(args(uri, run, 2, "--resume", "--set", "train.stall-timeout=4s"));
        } finally {
            System.clearProperty(StallingFileSystem.PROPERTY);
        }
        assertEquals(2, stalled.code(), stalled.err());
        List<String> errors = stalled.err().lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), stalled.err());
        assertTrue(errors.get(0).contains("epoch 2 made no progress for 4s (train.stall-timeout)")
                && errors.get(0).contains("--resume"), errors.get(0));

        TrainRuns.Outcome resumed = TrainRuns.cli(args(uri, run, 2, "--resume"));
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(List.of(1, 2), SyntheticData.metrics(run).stream()
                .map(l -> ((Number) l.get("epoch")).intValue()).toList());
        assertTrue(Files.exists(run.resolve("_SUCCESS")));
    }
}
