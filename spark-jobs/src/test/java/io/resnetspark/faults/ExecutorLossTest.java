package io.resnetspark.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.testing.SparkClusters;
import io.resnetspark.testing.SyntheticData;
import io.resnetspark.train.TrainRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor JVM of a two-executor cluster is SIGKILLed while an epoch trains. Spark reruns the lost
 * tasks (on the survivor, and on the executor the standalone Master launches in the dead one's place).
 */
class ExecutorLossTest {
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void data() throws Exception {
        data = SyntheticData.write(tmp.resolve("data"), 1, 16, 32, 12, 4, 7);
    }

    static List<Integer> epochs(Path run) throws Exception {
        return SyntheticData.metrics(run).stream().map(l -> ((Number) l.get("epoch")).intValue()).toList();
    }

    @Test
    void parameterAveragingFinishesAndLearnsAfterAnExecutorIsKilled() throws Exception {
        Path run = tmp.resolve("run-averaging");
        TrainRuns.Outcome r;
        long killed;
        // in epoch 2, while a split of train files is being fitted (not in one of DL4J's bookkeeping jobs)
        try (ExecutorKiller killer = new ExecutorKiller(run, 1, "treeAggregate at ParameterAveragingTrainingMaster")) {
            r = TrainRuns.cli(TrainRuns.args(data, run, 3, SparkClusters.cliSets(2, 1536), "--master-type", "averaging"));
            killed = killer.killedPid();
        }
        assertTrue(killed > 0, "an executor must have been killed during epoch 2");
        assertFalse(ProcessHandle.of(killed).map(ProcessHandle::isAlive).orElse(false));
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(1, 2, 3), epochs(run));
        assertTrue(Files.exists(run.resolve("_SUCCESS")));
        Map<String, Object> last = SyntheticData.metrics(run).get(2);
        double top1 = ((Number) last.get("val_top1")).doubleValue();
        assertTrue(top1 > 0.65, "validation top-1 after the loss should be far above chance (0.25), got " + top1);
    }

    /**
     * Gradient sharing runs each epoch as one Spark barrier stage: when a worker dies, Spark fails the
     * stage and reruns all of its tasks (on the survivor and on the executor the standalone Master
     * starts in the dead one's place) from the epoch's starting model, so the run finishes and learns.
     */
    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void gradientSharingRerunsTheEpochAfterAnExecutorIsKilled() throws Exception {
        Path run = tmp.resolve("run-sharing");
        TrainRuns.Outcome r;
        long killed;
        try (ExecutorKiller killer = new ExecutorKiller(run, 1, "at SharingMaster")) {
            r = TrainRuns.cli(TrainRuns.args(data, run, 3, SparkClusters.cliSets(2, 1536), "--master-type", "sharing"));
            killed = killer.killedPid();
        }
        assertTrue(killed > 0, "an executor must have been killed during epoch 2");
        assertFalse(ProcessHandle.of(killed).map(ProcessHandle::isAlive).orElse(false));
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(1, 2, 3), epochs(run));
        assertTrue(Files.exists(run.resolve("_SUCCESS")));
        double top1 = ((Number) SyntheticData.metrics(run).get(2).get("val_top1")).doubleValue();
        assertTrue(top1 > 0.65, "validation top-1 after the loss should be far above chance (0.25), got " + top1);
    }
}
