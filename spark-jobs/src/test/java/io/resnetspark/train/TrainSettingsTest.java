package io.resnetspark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.resnetspark.common.UserError;
import io.resnetspark.config.JobConfig;
import io.resnetspark.data.format.Augmentation;
import io.resnetspark.data.format.BatchTransform;
import io.resnetspark.model.Normalization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        assertEquals(TrainSettings.MasterKind.AVERAGING, s.master());
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
        assertTrue(error("train.sharing.timeout=10ms").contains("'train.sharing.timeout'"));
        assertTrue(error("train.mix-files=0").contains("'train.mix-files'"));
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
        assertEquals(3, AveragingMaster.builder(settings(), 3, 32).build().getNumWorkers());
    }

    @Test
    void theMasterIsATypeAndSharingTakesAPortRangeOrAnyPort() {
        assertEquals(TrainSettings.MasterKind.AVERAGING, settings().master());
        TrainSettings s = settings("train.master=sharing", "train.sharing.ports=41000-41010",
                "train.sharing.timeout=30s", "train.sharing.workers=3");
        assertEquals(TrainSettings.MasterKind.SHARING, s.master());
        assertArrayEquals(new int[] {41000, 41010}, s.sharing().ports());
        assertEquals(30_000, s.sharing().timeoutMs());
        assertEquals(3, s.configuredWorkers());
        assertArrayEquals(new int[] {0, 0}, settings("train.master=sharing").sharing().ports(), "any free port");
        UserError e = assertThrows(UserError.class, () -> settings("train.sharing.ports=80-90"));
        assertTrue(e.getMessage().contains("'train.sharing.ports'"), e.getMessage());
        e = assertThrows(UserError.class, () -> settings("train.master=allreduce"));
        assertTrue(e.getMessage().contains("'train.master'"), e.getMessage());
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

    @Test
    void randomResizedCropComesFromTheConfigAndChangesTheCrops() {
        Augmentation a = settings("train.augmentation.random-resized-crop.min-scale=0.08",
                "train.augmentation.flip=0.5").augmentation();
        assertEquals(0.08, a.cropMinScale(), 0);
        assertEquals(1.0, a.cropMaxScale(), 0);
        byte[] ramp = new byte[16 * 16];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = (byte) (i % 16 * 16 + i / 16);
        }
        Normalization norm = new Normalization(new double[] {0.5}, new double[] {0.25});
        float[] plain = BatchTransform.eval(norm).transform(ramp, 1, 1, 16, 16, new java.util.Random(1));
        float[] first = new BatchTransform(norm, a).transform(ramp, 1, 1, 16, 16, new java.util.Random(1));
        float[] second = new BatchTransform(norm, a).transform(ramp, 1, 1, 16, 16, new java.util.Random(2));
        assertFalse(java.util.Arrays.equals(plain, first), "a crop is not the image");
        assertFalse(java.util.Arrays.equals(first, second), "each draw crops another box");
        assertEquals(0, settings().augmentation().cropMinScale(), 0, "off by default");
        assertTrue(error("train.augmentation.random-resized-crop.min-scale=0.5", "train.augmentation.pad-crop=4")
                .contains("alternatives"));
        assertTrue(error("train.augmentation.random-resized-crop.min-scale=0.5",
                "train.augmentation.random-resized-crop.max-scale=0.2").contains("must not exceed"));
    }
}
