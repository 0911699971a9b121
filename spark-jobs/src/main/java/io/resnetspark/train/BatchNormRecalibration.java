package io.resnetspark.train;

import io.resnetspark.data.BatchTransform;
import io.resnetspark.data.Minibatch;
import io.resnetspark.storage.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Re-estimates the batch-norm running statistics of a network trained by gradient sharing ("precise
 * BN"). Gradient sharing sends every update element as +-threshold, and DL4J moves BN's running mean
 * and variance through that same update vector, so after a few hundred steps they have moved only a
 * few hundred thresholds from their initial values: the weights have learned, but inference with those
 * statistics is near chance. Fitting a copy of the network with learning rate 0 on some train
 * minibatches leaves every weight as it is and moves only the statistics, by BN's own momentum.
 */
final class BatchNormRecalibration {
    private BatchNormRecalibration() {
    }

    /** Runs {@code steps} minibatches (cycling over {@code files}) and copies the new statistics into {@code graph}. */
    static void run(ComputationGraph graph, Storage storage, List<String> files, BatchTransform transform, int steps)
            throws IOException {
        if (steps <= 0 || files.isEmpty()) {
            return;
        }
        ComputationGraph copy = graph.clone();
        copy.setLearningRate(0.0);
        for (int i = 0; i < steps; i++) {
            String f = files.get(i % files.size());
            Minibatch b;
            try (InputStream in = storage.open(new Path(f))) {
                b = Minibatch.read(in, f);
            }
            copy.fit(transform.apply(b, new Random(i)));
        }
        graph.params().assign(copy.params());
    }
}
