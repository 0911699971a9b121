package io.resnetspark.predict.remote;

import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The spark.ml model's output row: the input row with the predicted class index, the probabilities and
 * the logits (as Vectors) appended, each only when its column is wanted. A row whose image cannot be used
 * fails the task, is dropped, or keeps a NaN prediction and empty vectors, as Spark's
 * {@code handleInvalid} (error | skip | keep) says.
 */
public final class ClassifierColumns implements ScoreImages.Output<Row> {
    private static final long serialVersionUID = 1L;

    private final boolean prediction;
    private final boolean probability;
    private final boolean raw;
    private final String handleInvalid;
    private final String imageColumn;

    public ClassifierColumns(boolean prediction, boolean probability, boolean raw, String handleInvalid,
                             String imageColumn) {
        this.prediction = prediction;
        this.probability = probability;
        this.raw = raw;
        this.handleInvalid = handleInvalid;
        this.imageColumn = imageColumn;
    }

    @Override
    public Row scored(Row in, float[] logits, float[] p) {
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return row(in, best, Vectors.dense(doubles(p)), Vectors.dense(doubles(logits)));
    }

    @Override
    public Row failed(Row in, String reason) {
        return switch (handleInvalid) {
            case "skip" -> null;
            case "keep" -> row(in, Double.NaN, null, null);
            default -> throw new IllegalArgumentException("an image in column '" + imageColumn + "' cannot be used ("
                    + reason + "); set handleInvalid to 'skip' to drop such rows or 'keep' to keep them with a NaN"
                    + " prediction");
        };
    }

    private Row row(Row in, double predicted, Object probabilities, Object logits) {
        int n = in.length();
        Object[] v = new Object[n + (prediction ? 1 : 0) + (probability ? 1 : 0) + (raw ? 1 : 0)];
        for (int i = 0; i < n; i++) {
            v[i] = in.get(i);
        }
        int at = n;
        if (raw) {
            v[at++] = logits;
        }
        if (probability) {
            v[at++] = probabilities;
        }
        if (prediction) {
            v[at] = predicted;
        }
        return RowFactory.create(v);
    }

    private static double[] doubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
