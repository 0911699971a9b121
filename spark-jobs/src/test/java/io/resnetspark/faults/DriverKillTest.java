package io.resnetspark.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ModelStore;
import io.resnetspark.testing.ChildJvm;
import io.resnetspark.testing.Cli;
import io.resnetspark.testing.LearnableImages;
import io.resnetspark.testing.SparkClusters;
import io.resnetspark.testing.SyntheticData;
import io.resnetspark.train.TrainRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver JVM is killed (SIGKILL, no shutdown hooks) while epoch 2 trains; the same command, rerun,
 * continues from the newest complete checkpoint and ends with every planned epoch exactly once.
 */
class DriverKillTest {
    @TempDir
    Path tmp;

    /** Waits until {@code file} exists and then a little longer (into the next epoch), and kills the driver. */
    static void killWhen(Process driver, Path file, Path log) throws Exception {
        try {
            long deadline = System.nanoTime() + 300_000_000_000L;
            while (!Files.exists(file)) {
                if (!driver.isAlive() || System.nanoTime() > deadline) {
                    fail("the driver " + (driver.isAlive() ? "did not get to " : "ended before ") + file + ":\n"
                            + tail(log));
                }
                Thread.sleep(20);
            }
            Thread.sleep(1000);
            assertTrue(driver.isAlive(), "the driver must still be training when it is killed:\n" + tail(log));
        } finally {
            driver.destroyForcibly();
            driver.waitFor();
        }
    }

    static String tail(Path log) throws Exception {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    static List<Integer> epochs(Path run) throws Exception {
        return SyntheticData.metrics(run).stream().map(l -> ((Number) l.get("epoch")).intValue()).toList();
    }

    @Test
    void trainResumesAfterTheDriverIsKilled() throws Exception {
        Path data = SyntheticData.write(tmp.resolve("data"), 1, 16, 32, 8, 2, 13);
        Path run = tmp.resolve("run");
        Path log = tmp.resolve("driver.log");
        List<String> args = TrainRuns.args(data, run, 3, SparkClusters.localSets(2));
        killWhen(ChildJvm.start(log, args), run.resolve("last.zip"), log);
        assertFalse(Files.exists(run.resolve("_SUCCESS")));
        assertFalse(Files.exists(run.resolve("checkpoints/epoch-003.zip")), "killed before the end:\n" + tail(log));

        List<String> resume = new ArrayList<>(args);
        resume.add("--resume");
        TrainRuns.Outcome r = TrainRuns.cli(resume);
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(1, 2, 3), epochs(run), "every planned epoch once, in order");
        assertTrue(Files.exists(run.resolve("_SUCCESS")));
        ModelMetadata last = ModelStore.readMetadata(run.resolve("last.zip").toFile(), "last.zip");
        assertEquals(3, ((Number) last.training().get("epoch")).intValue());
        assertEquals(24, ((Number) last.training().get("iteration")).intValue(),
                "8 files x 3 epochs: an epoch trained twice would count its iterations twice");
        assertArrayEquals(Files.readAllBytes(run.resolve("checkpoints/epoch-003.zip")),
                Files.readAllBytes(run.resolve("last.zip")));
    }

    @Test
    void pipelineContinuesItsInterruptedTrainStage() throws Exception {
        LearnableImages.write(tmp.resolve("images"), 40);
        Path root = tmp.resolve("pipeline");
        Path run = root.resolve("runs/halves");
        Path log = tmp.resolve("pipeline.log");
        List<String> args = List.of("pipeline", "--set", "spark.master=local[2]",
                "--set", "spark.conf.\"spark.ui.enabled\"=false", "--set", "spark.conf.\"spark.driver.host\"=127.0.0.1",
                "--set", "pipeline.root=" + root, "--set", "pipeline.name=halves",
                "--set", "prepare.source=" + tmp.resolve("images"), "--set", "prepare.size=16",
                "--set", "prepare.batch=8", "--set", "prepare.val-fraction=0.25", "--set", "prepare.test-fraction=0.25",
                "--set", "model.name=resnet20", "--set", "train.epochs=3", "--set", "train.optimizer.name=adam",
                "--set", "train.optimizer.lr=0.005", "--set", "train.schedule.name=constant",
                "--set", "train.optimizer.weight-decay=0", "--set", "train.averaging.frequency=2");
        killWhen(ChildJvm.start(log, args), run.resolve("last.zip"), log);
        assertFalse(Files.exists(run.resolve("_SUCCESS")));

        Cli.Outcome again = Cli.run(args.toArray(String[]::new));
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("already prepared"), "prepare is not redone: " + again.out());
        assertEquals(List.of(1, 2, 3), epochs(run), "train continued rather than restarted");
        assertTrue(Files.exists(run.resolve("_SUCCESS")));
        assertTrue(Files.exists(root.resolve("models/halves/v1/_SUCCESS")));
    }
}
