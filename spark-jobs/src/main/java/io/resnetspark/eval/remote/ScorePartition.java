package io.resnetspark.eval.remote;

import io.resnetspark.data.format.BatchChecksums;
import io.resnetspark.data.format.BatchTransform;
import io.resnetspark.data.format.Minibatch;
import io.resnetspark.model.Normalization;
import io.resnetspark.scoring.ModelPool;
import io.resnetspark.scoring.Prediction;
import io.resnetspark.storage.RemoteStorage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Runs on executors: scores the minibatch files of one partition with the broadcast model and
 * yields one {@link Prediction} per image. Reads each file through Hadoop (any scheme) and
 * preprocesses it with the same {@link BatchTransform#eval} that training validation uses.
 */
public final class ScorePartition implements FlatMapFunction<Iterator<String>, Prediction> {
    private static final long serialVersionUID = 1L;

    /** What the driver has checked and the executors check again, file by file. */
    public record Expect(int channels, int height, int width, int classes) implements java.io.Serializable {
    }

    private final Broadcast<byte[]> model;
    private final RemoteStorage storage;
    private final String modelName;
    private final String modelSha256;
    // the arrays, not the record: Normalization is not Serializable
    private final double[] mean;
    private final double[] std;
    private final Expect expect;
    private final int batch;
    private final int topK;
    private boolean foldBatchNorm = true;
    private LongAccumulator scored;
    private Broadcast<BatchChecksums> checks;

    /**
     * @param batch images per forward pass; 0 = each file's own minibatch
     */
    public ScorePartition(Broadcast<byte[]> model, String modelSha256, RemoteStorage storage,
                          String modelName, Normalization normalization, Expect expect, int batch, int topK) {
        this.model = model;
        this.modelSha256 = modelSha256;
        this.storage = storage;
        this.modelName = modelName;
        this.mean = normalization.mean().clone();
        this.std = normalization.std().clone();
        this.expect = expect;
        this.batch = batch;
        this.topK = topK;
    }

    /** Counts the images scored, for the driver's progress line. */
    public ScorePartition counting(LongAccumulator counter) {
        this.scored = counter;
        return this;
    }

    /** Checks every file against the manifest's checksums before scoring it. */
    public ScorePartition checking(Broadcast<BatchChecksums> checksums) {
        this.checks = checksums;
        return this;
    }

    /** Score with batch norms folded into the convolutions (the default; performance.fold-batch-norm). */
    public ScorePartition foldingBatchNorm(boolean fold) {
        this.foldBatchNorm = fold;
        return this;
    }

    @Override
    public Iterator<Prediction> call(Iterator<String> paths) throws Exception {
        if (!paths.hasNext()) {
            return java.util.Collections.emptyIterator();
        }
        // the weights' hash, not the broadcast id: ids restart with every SparkContext in a JVM
        String key = modelSha256;
        ComputationGraph graph = ModelPool.borrow(key, model::value, modelName, foldBatchNorm);
        BatchTransform transform = BatchTransform.eval(new Normalization(mean, std));
        List<Prediction> out = new ArrayList<>();
        try {
            while (paths.hasNext()) {
                String file = paths.next();
                Minibatch b = read(file);
                int step = batch > 0 ? batch : Math.max(1, b.n());
                for (int from = 0; from < b.n(); from += step) {
                    Minibatch part = slice(b, from, Math.min(b.n(), from + step));
                    DataSet ds = transform.apply(part, new Random(0));
                    INDArray probs = graph.outputSingle(false, ds.getFeatures());
                    float[][] rows = probs.toFloatMatrix();
                    for (int i = 0; i < part.n(); i++) {
                        out.add(Prediction.of(part.sources()[i], part.labels()[i], rows[i], topK).from(file, from + i));
                    }
                    if (scored != null) {
                        scored.add(part.n());
                    }
                }
            }
        } finally {
            ModelPool.giveBack(key, foldBatchNorm, graph);
        }
        return out.iterator();
    }

    private Minibatch read(String file) throws IOException {
        Minibatch b = (checks == null ? BatchChecksums.NONE : checks.value()).read(storage.storage(), file);
        if (b.channels() != expect.channels() || b.height() != expect.height() || b.width() != expect.width()) {
            throw new IOException(file + " holds " + b.channels() + "x" + b.height() + "x" + b.width()
                    + " images but the model takes " + expect.channels() + "x" + expect.height() + "x" + expect.width());
        }
        for (int l : b.labels()) {
            if (l < 0 || l >= expect.classes()) {
                throw new IOException(file + " has label " + l + " outside the " + expect.classes() + " classes");
            }
        }
        // the transform one-hot encodes with the file's class count; the model's count is the one that matters
        if (b.classes() != expect.classes()) {
            b = new Minibatch(b.n(), b.channels(), b.height(), b.width(), expect.classes(), b.pixels(), b.labels(),
                    b.sources());
        }
        return b;
    }

    static Minibatch slice(Minibatch b, int from, int to) {
        if (from == 0 && to == b.n()) {
            return b;
        }
        int size = b.imageBytes();
        return new Minibatch(to - from, b.channels(), b.height(), b.width(), b.classes(),
                Arrays.copyOfRange(b.pixels(), from * size, to * size), Arrays.copyOfRange(b.labels(), from, to),
                Arrays.copyOfRange(b.sources(), from, to));
    }
}
