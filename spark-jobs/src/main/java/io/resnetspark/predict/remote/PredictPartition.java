package io.resnetspark.predict.remote;

import io.resnetspark.data.format.BadInputException;
import io.resnetspark.data.format.BatchTransform;
import io.resnetspark.data.format.Minibatch;
import io.resnetspark.data.format.Preprocessor;
import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.scoring.ModelPool;
import io.resnetspark.storage.RemoteStorage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scores one partition of image paths on an executor: decode and preprocess each image as prepare
 * did (or, for imported weights, as the model's recorded torchvision eval transform says), run the model on batches, and emit one row per image (top-k classes and probabilities, or the
 * reason it could not be read). Each task borrows its own network from {@link ModelPool}.
 */
public final class PredictPartition implements FlatMapFunction<Iterator<String>, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<byte[]> model;
    private final String modelSha;
    private final ModelMetadata meta;
    private final int topK;
    private final int batch;
    private final long maxPixels;
    private final RemoteStorage storage;
    private LongAccumulator done;
    private boolean foldBatchNorm = true;

    public PredictPartition(Broadcast<byte[]> model, String modelSha, ModelMetadata meta, int topK, int batch,
                            long maxPixels, RemoteStorage storage) {
        this.model = model;
        this.modelSha = modelSha;
        this.meta = meta;
        this.topK = topK;
        this.batch = batch;
        this.maxPixels = maxPixels;
        this.storage = storage;
    }

    public PredictPartition counting(LongAccumulator counter) {
        this.done = counter;
        return this;
    }

    /** Score with batch norms folded into the convolutions (the default; performance.fold-batch-norm). */
    public PredictPartition foldingBatchNorm(boolean fold) {
        this.foldBatchNorm = fold;
        return this;
    }

    @Override
    public Iterator<Row> call(Iterator<String> paths) {
        ResNetOptions o = meta.options();
        // imported weights carry the transform they were trained with; models trained here, prepare's
        Preprocessor pre = meta.evalTransform() != null
                ? Preprocessor.evaluating(meta.evalTransform(), o.channels(), maxPixels)
                : new Preprocessor(o.height() == o.width() ? o.height() : 0, o.width(), o.height(), o.channels(),
                        maxPixels);
        BatchTransform transform = BatchTransform.eval(meta.normalization());
        ComputationGraph graph = ModelPool.borrow(modelSha, model::value, "model " + modelSha, foldBatchNorm);
        try {
            return rows(paths, pre, transform, graph).iterator();
        } finally {
            ModelPool.giveBack(modelSha, foldBatchNorm, graph);
        }
    }

    private List<Row> rows(Iterator<String> paths, Preprocessor pre, BatchTransform transform, ComputationGraph graph) {
        List<Row> rows = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<byte[]> pixels = new ArrayList<>();
        while (paths.hasNext()) {
            String p = paths.next();
            try {
                byte[] encoded = storage.storage().readBytes(new Path(p));
                pixels.add(pre.fromFile(encoded));
                names.add(p);
            } catch (BadInputException e) {
                rows.add(error(p, e.getMessage()));
            } catch (RuntimeException e) {
                rows.add(error(p, "could not read: " + e.getMessage()));
            }
            if (names.size() == batch || (!paths.hasNext() && !names.isEmpty())) {
                score(graph, transform, pre, names, pixels, rows);
                names.clear();
                pixels.clear();
            }
        }
        if (done != null) {
            done.add(rows.size());
        }
        return rows;
    }

    private void score(ComputationGraph graph, BatchTransform transform, Preprocessor pre, List<String> names,
                       List<byte[]> pixels, List<Row> rows) {
        int n = names.size();
        int bytes = pre.imageBytes();
        byte[] all = new byte[n * bytes];
        for (int i = 0; i < n; i++) {
            System.arraycopy(pixels.get(i), 0, all, i * bytes, bytes);
        }
        Minibatch b = new Minibatch(n, pre.channels(), pre.height(), pre.width(), meta.classes().size(), all,
                new int[n], names.toArray(new String[0]));
        INDArray probs = graph.outputSingle(false, transform.apply(b, new Random(0)).getFeatures());
        for (int i = 0; i < n; i++) {
            double[] p = probs.getRow(i).toDoubleVector();
            Integer[] order = new Integer[p.length];
            for (int j = 0; j < p.length; j++) {
                order[j] = j;
            }
            java.util.Arrays.sort(order, (x, y) -> Double.compare(p[y], p[x]));
            Object[] row = new Object[2 + 2 * topK];
            row[0] = names.get(i);
            row[1] = null;
            for (int k = 0; k < topK; k++) {
                row[2 + 2 * k] = meta.classes().get(order[k]);
                row[3 + 2 * k] = p[order[k]];
            }
            rows.add(RowFactory.create(row));
        }
    }

    private Row error(String path, String reason) {
        Object[] row = new Object[2 + 2 * topK];
        row[0] = path;
        row[1] = reason == null ? "unreadable" : reason;
        return RowFactory.create(row);
    }
}
