package io.resnetspark.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

class TrainingStepTest {

    /** A batch whose class is written in the image (bright left half vs bright right half). */
    static DataSet learnableBatch(int n, int channels, int size, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(new int[] {n, channels, size, size}).muli(0.2);
        INDArray y = Nd4j.zeros(n, 2);
        for (int i = 0; i < n; i++) {
            int label = i % 2;
            y.putScalar(i, label, 1.0);
            for (int c = 0; c < channels; c++) {
                for (int h = 0; h < size; h++) {
                    for (int w = label == 0 ? 0 : size / 2; w < (label == 0 ? size / 2 : size); w++) {
                        x.putScalar(new int[] {i, c, h, w}, x.getDouble(i, c, h, w) + 1.0);
                    }
                }
            }
        }
        return new DataSet(x, y);
    }

    @Test
    void afewStepsLowerTheLoss() {
        ComputationGraph g = ResNetBuilder.build(ResNetOptions.builder("resnet20").classes(2).input(1, 16, 16).build(),
                new Optimization(new Adam(1e-3), 0, 0));
        DataSet batch = learnableBatch(16, 1, 16, 7);
        // training-mode scores: batch statistics, so the running averages' warm-up does not blur the signal
        double before = g.score(batch, true);
        for (int i = 0; i < 20; i++) {
            g.fit(batch);
        }
        double after = g.score(batch, true);
        assertTrue(after < before * 0.7, "loss went from " + before + " to " + after);
    }
}
