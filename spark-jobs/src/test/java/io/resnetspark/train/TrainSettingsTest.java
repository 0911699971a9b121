package io.resnetspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.config.JobConfig;
import io.resnetspark.config.UserError;
import io.resnetspark.executor.FreePortSupplier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.FixedThresholdAlgorithm;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.schedule.ISchedule;

/** Settings, schedules, optimizers and master construction: everything decided before Spark starts. */
class TrainSettingsTest {

    static TrainSettings settings(String... sets) {
        List<String> all = new ArrayList<>(List.of("train.data=/d", "train.run=/r"));
        all.addAll(List.of(sets));
        return TrainSettings.from(JobConfig.load(null, all, Map.of()));
    }

    static String error(String... sets) {
        return assertThrows(UserError.class, () -> settings(sets)).getMessage();
    }

    @Test
    void defaultsAreValid() {
        TrainSettings s = settings();
        assertEquals("averaging", s.master());
        assertEquals("sgd", s.optimizer().name());
        assertEquals(0, s.configuredWorkers());
    }

    @Test
    void badValuesNameTheirKey() {
        assertTrue(error("train.master=ring").contains("'train.master'"));
        assertTrue(error("train.epochs=0").contains("'train.epochs'"));
        assertTrue(error("train.optimizer.nesterov=false").contains("'train.optimizer.nesterov'"));
        assertTrue(error("train.sharing.ports=99-80").contains("'train.sharing.ports'"));
        assertTrue(error("train.sharing.ports=abc").contains("'train.sharing.ports'"));
        assertTrue(error("train.sharing.controller-port=40250").contains("'train.sharing.controller-port'"));
        assertTrue(error("train.sharing.network-mask=10.0.0.0").contains("'train.sharing.network-mask'"));
        assertTrue(error("train.sharing.aeron-unblock-timeout=5s").contains("aeron-unblock-timeout"));
        assertTrue(error("train.schedule.gamma=2").contains("'train.schedule.gamma'"));
        assertTrue(error("train.run=").contains("'train.run'"));
    }

    @Test
    void stepCosineAndWarmupSchedules() {
        LrSchedule step = new LrSchedule("step", 0, 2, 0.1, 0);
        assertEquals(1.0, step.lr(1.0, 1, 6), 1e-12);
        assertEquals(0.1, step.lr(1.0, 2, 6), 1e-12);
        assertEquals(0.01, step.lr(1.0, 5, 6), 1e-12);
        LrSchedule cosine = new LrSchedule("cosine", 2, 1, 1, 0.0);
        assertEquals(0.3, cosine.lr(0.9, 0, 10), 1e-12);
        assertEquals(0.6, cosine.lr(0.9, 1, 10), 1e-12);
        assertEquals(0.9, cosine.lr(0.9, 2, 10), 1e-12);
        assertEquals(0.45, cosine.lr(0.9, 6, 10), 1e-12);
        assertTrue(cosine.lr(0.9, 9, 10) < 0.1);
        ISchedule dl4j = cosine.toDl4j(0.9, 6, 10);
        // keyed from this invocation's first epoch: DL4J epoch 0 is run epoch 6
        assertEquals(cosine.lr(0.9, 6, 10), dl4j.valueAt(0, 0), 1e-12);
        assertEquals(cosine.lr(0.9, 9, 10), dl4j.valueAt(0, 3), 1e-12);
    }

    @Test
    void linearScalingGrowsWithTheGlobalBatch() {
        assertEquals(0.1, settings().baseLr(512), 1e-12);
        TrainSettings s = settings("train.linear-scaling.enabled=true", "train.linear-scaling.reference-batch=256");
        assertEquals(0.2, s.baseLr(512), 1e-12);
        assertEquals(0.025, s.baseLr(64), 1e-12);
    }

    @Test
    void optimizersMapToDl4jUpdatersAndDecay() {
        ISchedule lr = new LrSchedule("constant", 0, 1, 1, 0).toDl4j(0.1, 0, 3);
        var sgd = Optimizers.of(settings().optimizer(), lr);
        assertInstanceOf(Nesterovs.class, sgd.updater());
        assertEquals(5e-4, sgd.l2(), 0);
        assertEquals(0, sgd.weightDecay(), 0);
        var adamw = Optimizers.of(settings("train.optimizer.name=adamw", "train.optimizer.weight-decay=0.01",
                "train.optimizer.beta2=0.99").optimizer(), lr);
        assertInstanceOf(Adam.class, adamw.updater());
        assertEquals(0.99, ((Adam) adamw.updater()).getBeta2(), 0);
        assertEquals(0, adamw.l2(), 0);
        assertEquals(0.01, adamw.weightDecay(), 0);
    }

    @Test
    void averagingMasterAlwaysGetsNumWorkers() {
        // fitPaths on a ComputationGraph dereferences numWorkers; TrainLocalTest shows the NPE without it
        assertEquals(3, TrainingMasters.averaging(settings(), 3, 32).getNumWorkers());
    }

    @Test
    void sharingMasterUsesTheFreePortSupplierAndThresholdSettings() {
        TrainSettings s = settings("train.master=sharing", "train.sharing.threshold-algorithm=fixed",
                "train.sharing.threshold=0.01", "train.sharing.ports=41000-41010",
                "train.sharing.network-mask=10.1.0.0/16");
        SharedTrainingMaster m = TrainingMasters.sharing(s, 2, 32, "10.1.2.3");
        assertInstanceOf(FreePortSupplier.class, m.getVoidConfiguration().getPortSupplier());
        int port = m.getVoidConfiguration().getPortSupplier().getPort();
        assertTrue(port >= 41000 && port <= 41010, "port " + port);
        assertEquals("10.1.0.0/16", m.getVoidConfiguration().getNetworkMask());
        assertInstanceOf(FixedThresholdAlgorithm.class, TrainingMasters.threshold(s.sharing()));
        // DL4J finds no controller on its own unless SPARK_PUBLIC_DNS or DL4J_VOID_IP is set: the driver's host is used
        assertEquals("10.1.2.3", TrainingMasters.sharing(settings("train.master=sharing"), 2, 32, "10.1.2.3")
                .getVoidConfiguration().getControllerAddress());
    }

    @Test
    void sharingAddsAeronTimeoutToExecutorsAndTheTmpDir() {
        TrainSettings s = settings("train.master=sharing", "train.sharing.tmp-dir=/shared/tmp");
        Map<String, String> conf = TrainingMasters.sparkSettings(s, "-Xss4m");
        assertEquals("-Xss4m -Daeron.publication.unblock.timeout=60000000000",
                conf.get("spark.executor.extraJavaOptions"));
        assertEquals("/shared/tmp", conf.get("spark.hadoop.hadoop.tmp.dir"));
        // a user's own value is kept as it is
        assertFalse(TrainingMasters.sparkSettings(s, "-Daeron.publication.unblock.timeout=90000000000")
                .containsKey("spark.executor.extraJavaOptions"));
        assertTrue(TrainingMasters.sparkSettings(settings(), null).isEmpty());
    }

    @Test
    void theShippedModelIsBestUnlessTheConfigSaysLast() {
        assertEquals("s3a://b/run/best.zip",
                Checkpoints.shipped(JobConfig.load(null, List.of(), Map.of()), "s3a://b/run"));
        assertEquals("/r/last.zip",
                Checkpoints.shipped(JobConfig.load(null, List.of("train.ship=last"), Map.of()), "/r/"));
        UserError e = assertThrows(UserError.class,
                () -> Checkpoints.shipped(JobConfig.load(null, List.of("train.ship=newest"), Map.of()), "/r"));
        assertTrue(e.getMessage().contains("'train.ship'") && e.getMessage().contains("best, last"), e.getMessage());
    }
}
