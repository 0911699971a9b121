package io.resnetspark.model;

import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * How the weights move: the updater (with its learning-rate schedule), coupled L2 (PyTorch SGD's
 * {@code weight_decay}) and decoupled weight decay (AdamW). Lives beside the model because DL4J keeps
 * them in the network configuration.
 */
public record Optimization(IUpdater updater, double l2, double weightDecay) {
    public static Optimization defaults() {
        return new Optimization(new Adam(1e-3), 0.0, 0.0);
    }
}
