package io.resnetspark.model;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** Training steps on a learnable batch lower the loss of each new block kind, and move its own parameters. */
class VariantTrainingTest {

    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of(TinyRows.RESNEXT, "layer1_0_conv2"),
                Arguments.of(TinyRows.SE_RESNET, "layer2_0_se_fc1"),
                Arguments.of(TinyRows.RES2NET, "layer1_1_convs_2"));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void stepsLowerTheLoss(Architecture tiny, String ownLayer) {
        ComputationGraph g = TinyRows.build(tiny, TinyRows.options(tiny, 3, 32, 2));
        DataSet batch = TrainingStepTest.learnableBatch(8, 3, 32, 7);
        INDArray before = g.getLayer(ownLayer).params().dup();
        // training-mode scores: batch statistics, so the running averages' warm-up does not blur the signal
        double loss0 = g.score(batch, true);
        g.fit(batch);
        double loss1 = g.score(batch, true);
        assertTrue(loss1 < loss0, tiny.name() + ": one step took the loss from " + loss0 + " to " + loss1);
        assertNotEquals(before, g.getLayer(ownLayer).params(), ownLayer + " was trained");
        for (int i = 0; i < 5; i++) {
            g.fit(batch);
        }
        double loss6 = g.score(batch, true);
        assertTrue(loss6 < loss0 * 0.5, tiny.name() + ": six steps took the loss from " + loss0 + " to " + loss6);
    }
}
