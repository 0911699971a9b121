package io.resnetspark.predict.remote;

import io.resnetspark.data.format.BatchTransform;
import io.resnetspark.data.format.Minibatch;
import io.resnetspark.data.format.Preprocessor;
import io.resnetspark.model.Logits;
import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.scoring.ModelPool;
import java.io.Serializable;
import java.util.List;
import java.util.Random;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What scoring raw images takes on an executor: the model (broadcast zip bytes, restored once per JVM
 * by {@link ModelPool}, batch norm folded by default), and the preprocessing prepare applied to the
 * model's training data (shorter side to the model's input size, center crop, its channels, its
 * normalization). Shared by {@code predict} over files and tables and by the spark.ml model.
 */
public final class ImageScorer implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Broadcast<byte[]> model;
    private final String modelSha;
    private final ModelMetadata meta;
    private final long maxPixels;
    private final boolean foldBatchNorm;

    public ImageScorer(Broadcast<byte[]> model, String modelSha, ModelMetadata meta, long maxPixels,
                       boolean foldBatchNorm) {
        this.model = model;
        this.modelSha = modelSha;
        this.meta = meta;
        this.maxPixels = maxPixels;
        this.foldBatchNorm = foldBatchNorm;
    }

    public ModelMetadata metadata() {
        return meta;
    }

    /** Imported weights carry the transform they were validated with (torchvision's); models trained here, prepare's. */
    public Preprocessor preprocessor() {
        ResNetOptions o = meta.options();
        if (meta.evalTransform() != null) {
            return Preprocessor.evaluating(meta.evalTransform(), o.channels(), maxPixels);
        }
        return new Preprocessor(o.height() == o.width() ? o.height() : 0, o.width(), o.height(), o.channels(),
                maxPixels);
    }

    /** A network of this task's own; give it back when the partition is done. */
    public ComputationGraph borrow() {
        return ModelPool.borrow(modelSha, model::value, "model " + modelSha, foldBatchNorm);
    }

    public void giveBack(ComputationGraph graph) {
        ModelPool.giveBack(modelSha, foldBatchNorm, graph);
    }

    /** Logits and probabilities of preprocessed images (uint8 CHW), one row per image. */
    public record Scores(float[][] logits, float[][] probabilities) {
    }

    public Scores score(ComputationGraph graph, Preprocessor pre, List<byte[]> pixels) {
        int n = pixels.size();
        int bytes = pre.imageBytes();
        byte[] all = new byte[n * bytes];
        for (int i = 0; i < n; i++) {
            System.arraycopy(pixels.get(i), 0, all, i * bytes, bytes);
        }
        Minibatch b = new Minibatch(n, pre.channels(), pre.height(), pre.width(), meta.classes().size(), all,
                new int[n], new String[n]);
        INDArray x = BatchTransform.eval(meta.normalization()).apply(b, new Random(0)).getFeatures();
        INDArray[] out = Logits.withProbabilities(graph, x);
        return new Scores(out[0].toFloatMatrix(), out[1].toFloatMatrix());
    }
}
