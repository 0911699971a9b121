package io.resnetspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

class ModelStoreTest {
    @TempDir
    Path dir;

    private static final List<String> CLASSES = List.of("left", "right");

    private ModelStore.Loaded trained() {
        ResNetOptions o = ResNetOptions.builder("resnet20").classes(2).input(1, 16, 16).build();
        ComputationGraph g = ResNetBuilder.build(o, new Optimization(new Adam(1e-3), 0, 0));
        g.fit(TrainingStepTest.learnableBatch(8, 1, 16, 3));
        ModelMetadata meta = ModelMetadata.of(o, CLASSES, new Normalization(new double[] {0.5}, new double[] {0.25}))
                .withTraining(Map.of("epoch", 3));
        return new ModelStore.Loaded(g, meta);
    }

    @Test
    void roundTripGivesIdenticalOutputsAndMetadata() throws Exception {
        ModelStore.Loaded m = trained();
        File f = dir.resolve("m.zip").toFile();
        ModelStore.save(m.graph(), m.metadata(), true, f);
        ModelStore.Loaded back = ModelStore.load(f, f.getName(), true);
        INDArray x = Nd4j.rand(new int[] {4, 1, 16, 16});
        assertEquals(m.graph().outputSingle(x), back.graph().outputSingle(x));
        assertEquals(m.graph().params(), back.graph().params());
        assertEquals(m.graph().getUpdater().getStateViewArray(), back.graph().getUpdater().getStateViewArray());
        assertEquals(CLASSES, back.metadata().classes());
        assertEquals(m.metadata().options(), back.metadata().options());
        assertEquals(3, ((Number) back.metadata().training().get("epoch")).intValue());
        assertEquals(0.25, back.metadata().normalization().std()[0]);
    }

    @Test
    void transferLearningReplacesTheHeadAndFreezesTheBackbone() throws Exception {
        ModelStore.Loaded m = trained();
        List<String> five = List.of("a", "b", "c", "d", "e");
        ModelStore.Loaded t = Transfer.newHead(m, five, true, new Adam(1e-2));
        assertEquals(5, t.graph().outputSingle(Nd4j.rand(new int[] {2, 1, 16, 16})).size(1));
        assertEquals(5, t.metadata().options().classes());
        ModelSummary s = ModelSummary.of(t.graph(), t.metadata().options());
        assertEquals(64 * 5 + 5, s.trainableParams(), "only the new head trains");
        INDArray convBefore = t.graph().getLayer("conv1").params().dup();
        INDArray x = Nd4j.rand(new int[] {6, 1, 16, 16});
        INDArray y = Nd4j.zeros(6, 5);
        for (int i = 0; i < 6; i++) {
            y.putScalar(i, i % 5, 1);
        }
        t.graph().fit(new org.nd4j.linalg.dataset.DataSet(x, y));
        assertEquals(convBefore, t.graph().getLayer("conv1").params(), "frozen backbone did not move");

        ModelStore.Loaded unfrozen = Transfer.newHead(m, five, false, new Adam(1e-2));
        assertTrue(ModelSummary.of(unfrozen.graph(), unfrozen.metadata().options()).trainableParams() > 64 * 5 + 5);
    }

    @Test
    void badFilesGiveOneClearSentence() throws Exception {
        File text = dir.resolve("notes.txt").toFile();
        Files.writeString(text.toPath(), "hello, I am not a model");
        ModelFileException e1 = assertThrows(ModelFileException.class, () -> ModelStore.load(text, "notes.txt", false));
        assertTrue(e1.getMessage().contains("notes.txt") && e1.getMessage().contains("not a readable zip"),
                e1.getMessage());

        File empty = dir.resolve("empty.zip").toFile();
        Files.write(empty.toPath(), new byte[0]);
        assertTrue(assertThrows(ModelFileException.class, () -> ModelStore.load(empty, "empty.zip", false))
                .getMessage().contains("empty"));

        ModelStore.Loaded m = trained();
        File good = dir.resolve("good.zip").toFile();
        ModelStore.save(m.graph(), m.metadata(), false, good);
        File truncated = dir.resolve("truncated.zip").toFile();
        Files.copy(good.toPath(), truncated.toPath());
        try (RandomAccessFile raf = new RandomAccessFile(truncated, "rw")) {
            raf.setLength(raf.length() / 2);
        }
        ModelFileException e3 = assertThrows(ModelFileException.class,
                () -> ModelStore.load(truncated, "truncated.zip", false));
        assertTrue(e3.getMessage().contains("truncated.zip"), e3.getMessage());

        File plainDl4j = dir.resolve("plain.zip").toFile();
        ModelSerializer.writeModel(m.graph(), plainDl4j, false);
        assertTrue(assertThrows(ModelFileException.class, () -> ModelStore.load(plainDl4j, "plain.zip", false))
                .getMessage().contains("not written by resnet-spark"));
        assertNotEquals(0, good.length());
    }
}
