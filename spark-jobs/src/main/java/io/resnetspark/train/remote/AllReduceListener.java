package io.resnetspark.train.remote;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Makes DL4J's own fit a step of synchronous data-parallel SGD: DL4J calls it after the backward pass and
 * before the updater, and it replaces the local gradient by the one of all workers' minibatches together,
 * so every worker feeds the same numbers to the same updater state and all keep identical parameters.
 *
 * <p>At this point DL4J holds two kinds of values in the gradient vector: true gradients, summed over the
 * minibatch, and batch norm's running-statistics updates, already per-image means. The first are summed
 * over workers, the second weighted by images, and both divided by all workers' images. DL4J's updater
 * would next divide the true gradients by the local minibatch size, which differs between workers (the
 * last file of a split is short) and would round differently on each: the workers' networks therefore
 * run with that division switched off ({@link #install}), and this listener does all of it.
 */
final class AllReduceListener extends BaseTrainingListener {
    private final Ring ring;
    private float[] buffer = new float[0];
    private int weight;
    private double lossSum;
    private long images;

    private AllReduceListener(Ring ring) {
        this.ring = ring;
    }

    /** Attaches a listener to a worker's network and takes the division by the minibatch size over. */
    static AllReduceListener install(ComputationGraph graph, Ring ring) {
        AllReduceListener l = new AllReduceListener(ring);
        // read by DL4J's updater only (the output layers keep their own copy, so the score stays a mean)
        graph.conf().setMiniBatch(false);
        graph.setListeners(l);
        return l;
    }

    /** The images the next step's gradient stands for (0: a stand-in minibatch that must not count). */
    void weight(int images) {
        this.weight = images;
    }

    /** Loss summed over the images of every worker's steps so far. */
    double lossSum() {
        return lossSum;
    }

    /** Images of every worker's steps so far. */
    long images() {
        return images;
    }

    @Override
    public void onGradientCalculation(Model model) {
        ComputationGraph graph = (ComputationGraph) model;
        if (graph.conf().isMiniBatch()) {
            throw new IllegalStateException("the all-reduce listener needs the updater's minibatch division off");
        }
        List<INDArray> means = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : model.gradient().gradientForVariable().entrySet()) {
            String key = e.getKey();
            int cut = key.lastIndexOf('_');
            if (!graph.getLayer(key.substring(0, cut)).updaterDivideByMinibatch(key.substring(cut + 1))) {
                means.add(e.getValue());
            }
        }
        INDArray flat = model.gradient().gradient();
        if (weight == 0) {
            flat.assign(0);
        }
        for (INDArray m : means) {
            m.muli(weight);
        }
        int n = (int) flat.length();
        if (buffer.length != n + 2) {
            buffer = new float[n + 2];
        }
        System.arraycopy(flat.reshape(n).toFloatVector(), 0, buffer, 0, n);
        buffer[n] = weight;
        buffer[n + 1] = (float) (model.score() * weight);
        try {
            ring.sum(buffer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        float total = buffer[n];
        for (int i = 0; i < n; i++) {
            buffer[i] /= total;
        }
        flat.assign(Nd4j.createFromArray(java.util.Arrays.copyOf(buffer, n)).reshape(flat.shape()));
        lossSum += buffer[n + 1];
        images += (long) total;
    }
}
