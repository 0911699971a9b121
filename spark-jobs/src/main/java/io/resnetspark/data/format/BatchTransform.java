package io.resnetspark.data.format;

import io.resnetspark.model.Normalization;
import java.io.Serializable;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns a uint8 {@link Minibatch} into the float {@link DataSet} a network consumes, on the executor:
 * normalization always ({@code (p/255 - mean) / std}), and for training the random augmentation of
 * {@link Augmentation}. One pass over the bytes writes the final floats.
 *
 * <p>It is also a DL4J {@link DataSetPreProcessor} for iterators whose features hold raw pixel values
 * (0..255 as floats, NCHW): {@link #preProcess} augments and normalizes them in place, drawing from its
 * own random stream ({@link #seeded}).
 */
public class BatchTransform implements Serializable, DataSetPreProcessor {
    private static final long serialVersionUID = 1L;

    private final Normalization normalization;
    private final Augmentation augmentation;
    private long seed;
    private transient Random random;

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

    /** The same transform as a preprocessor whose random draws start from {@code seed}. */
    public BatchTransform seeded(long seed) {
        BatchTransform t = new BatchTransform(normalization, augmentation);
        t.seed = seed;
        return t;
    }

    public DataSet apply(Minibatch b, Random random) {
        float[] out = transform(b.pixels(), b.n(), b.channels(), b.height(), b.width(), random);
        INDArray features = Nd4j.create(out, new long[] {b.n(), b.channels(), b.height(), b.width()}, 'c');
        INDArray labels = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, b.n(), b.classes());
        for (int i = 0; i < b.n(); i++) {
            labels.putScalar(i, b.labels()[i], 1.0f);
        }
        return new DataSet(features, labels);
    }

    /** Augments and normalizes n uint8 CHW images into floats. */
    public float[] transform(byte[] px, int n, int c, int h, int w, Random random) {
        float[] scale = new float[c];
        float[] shift = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double mean = normalization.mean()[Math.min(ch, normalization.mean().length - 1)];
            double std = normalization.std()[Math.min(ch, normalization.std().length - 1)];
            scale[ch] = (float) (1.0 / (255.0 * std));
            shift[ch] = (float) (-mean / std);
        }
        float[] out = new float[n * c * h * w];
        for (int i = 0; i < n; i++) {
            augmentation.apply(px, i * c * h * w, out, i * c * h * w, c, h, w, scale, shift, random);
        }
        return out;
    }

    /** Features of raw pixel values (0..255, NCHW) become augmented, normalized features. */
    @Override
    public void preProcess(org.nd4j.linalg.dataset.api.DataSet ds) {
        INDArray f = ds.getFeatures();
        if (f.rank() != 4) {
            throw new IllegalArgumentException("expected NCHW image features, got shape "
                    + java.util.Arrays.toString(f.shape()));
        }
        int n = (int) f.size(0);
        int c = (int) f.size(1);
        int h = (int) f.size(2);
        int w = (int) f.size(3);
        float[] raw = f.dup('c').data().asFloat();
        byte[] px = new byte[raw.length];
        for (int i = 0; i < raw.length; i++) {
            int v = Math.round(raw[i]);
            px[i] = (byte) (v < 0 ? 0 : Math.min(v, 255));
        }
        synchronized (this) {
            if (random == null) {
                random = new Random(seed);
            }
            float[] out = transform(px, n, c, h, w, random);
            ds.setFeatures(Nd4j.create(out, new long[] {n, c, h, w}, 'c'));
        }
    }
}
