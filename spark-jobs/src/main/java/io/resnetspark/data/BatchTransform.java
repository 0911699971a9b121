package io.resnetspark.data;

import io.resnetspark.model.Normalization;
import java.io.Serializable;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns a uint8 {@link Minibatch} into the float {@link DataSet} a network consumes, on the executor:
 * normalization always ({@code (p/255 - mean) / std}), and for training the random augmentation of
 * {@link Augmentation}. One pass over the bytes writes the final floats.
 */
public class BatchTransform implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Normalization normalization;
    private final Augmentation augmentation;

    public BatchTransform(Normalization normalization, Augmentation augmentation) {
        this.normalization = normalization;
        this.augmentation = augmentation == null ? Augmentation.none() : augmentation;
    }

    /** Evaluation and prediction: normalization only. */
    public static BatchTransform eval(Normalization normalization) {
        return new BatchTransform(normalization, Augmentation.none());
    }

    public Normalization normalization() {
        return normalization;
    }

    public Augmentation augmentation() {
        return augmentation;
    }

    public DataSet apply(Minibatch b, Random random) {
        int c = b.channels();
        int h = b.height();
        int w = b.width();
        float[] scale = new float[c];
        float[] shift = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double mean = normalization.mean()[Math.min(ch, normalization.mean().length - 1)];
            double std = normalization.std()[Math.min(ch, normalization.std().length - 1)];
            scale[ch] = (float) (1.0 / (255.0 * std));
            shift[ch] = (float) (-mean / std);
        }
        float[] out = new float[b.n() * c * h * w];
        byte[] px = b.pixels();
        for (int i = 0; i < b.n(); i++) {
            augmentation.apply(px, i * c * h * w, out, i * c * h * w, c, h, w, scale, shift, random);
        }
        INDArray features = Nd4j.create(out, new long[] {b.n(), c, h, w}, 'c');
        INDArray labels = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, b.n(), b.classes());
        for (int i = 0; i < b.n(); i++) {
            labels.putScalar(i, b.labels()[i], 1.0f);
        }
        return new DataSet(features, labels);
    }
}
