package io.resnetspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.model.ModelStore;
import io.resnetspark.testing.SparkClusters;
import io.resnetspark.testing.SyntheticData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Both training masters on a real multi-JVM cluster (two executors in their own JVMs on loopback): the
 * model must actually learn (gradients cross JVMs through the sharing master's TCP ring), and the
 * learning-rate schedule must reach the workers.
 */
class TrainClusterTest {
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void data() throws Exception {
        data = SyntheticData.write(tmp.resolve("data"), 1, 16, 32, 12, 4, 7);
    }

    @Test
    void parameterAveragingLearnsAndTheScheduleReachesTheWorkers() throws Exception {
        Path run = tmp.resolve("run-averaging");
        // step schedule with gamma 0: epoch 3 trains at lr 0, so its weights must equal epoch 2's
        TrainRuns.Outcome r = TrainRuns.cli(TrainRuns.args(data, run, 3, SparkClusters.cliSets(2, 1536),
                "--master-type", "averaging", "--set", "train.schedule.name=step",
                "--set", "train.schedule.step-size=2", "--set", "train.schedule.gamma=0"));
        assertEquals(0, r.code(), r.err());
        List<Map<String, Object>> m = SyntheticData.metrics(run);
        assertEquals(List.of(1, 2, 3), m.stream().map(l -> ((Number) l.get("epoch")).intValue()).toList());
        assertEquals(0.003, ((Number) m.get(0).get("lr")).doubleValue(), 1e-12);
        assertEquals(0.0, ((Number) m.get(2).get("lr")).doubleValue(), 0.0);
        assertEquals(2, ((Number) m.get(0).get("workers")).intValue());
        double top1 = ((Number) m.get(1).get("val_top1")).doubleValue();
        assertTrue(top1 > 0.65, "validation top-1 after 2 epochs should be far above chance (0.25), got " + top1);
        INDArray w2 = fc(run, 2);
        INDArray w3 = fc(run, 3);
        assertEquals(w2, w3, "lr 0 in epoch 3 must leave the classifier unchanged on the workers");
        assertTrue(Files.exists(run.resolve("_SUCCESS")));
        assertTrue(Files.exists(run.resolve("best.zip")) && Files.exists(run.resolve("last.zip")));
    }

    @Test
    void gradientSharingLearnsAcrossExecutorJvms() throws Exception {
        Path run = tmp.resolve("run-sharing");
        TrainRuns.Outcome r = TrainRuns.cli(TrainRuns.args(data, run, 3, SparkClusters.cliSets(2, 1536),
                "--master-type", "sharing"));
        assertEquals(0, r.code(), r.err());
        List<Map<String, Object>> m = SyntheticData.metrics(run);
        assertEquals(3, m.size());
        double top1 = ((Number) m.get(2).get("val_top1")).doubleValue();
        // chance is 0.25
        assertTrue(top1 > 0.5, "validation top-1 after 3 epochs should be far above chance (0.25), got " + top1);
        double loss1 = ((Number) m.get(0).get("train_loss")).doubleValue();
        double loss3 = ((Number) m.get(2).get("train_loss")).doubleValue();
        assertTrue(loss3 < loss1 / 4, "the executors' training loss must fall: " + loss1 + " -> " + loss3);
    }

    static INDArray fc(Path run, int epoch) {
        Path p = run.resolve(String.format("checkpoints/epoch-%03d.zip", epoch));
        return ModelStore.load(p.toFile(), p.toString(), false).graph().getParam("fc_W");
    }
}
