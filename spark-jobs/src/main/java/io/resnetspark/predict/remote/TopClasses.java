package io.resnetspark.predict.remote;

import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * {@code predict}'s row for an input: its name, the error (null when it was scored), then the top-k
 * classes by name with their probabilities, most likely first.
 */
public final class TopClasses<T> implements ScoreImages.Output<T> {
    private static final long serialVersionUID = 1L;

    /** How an input is named in the output. */
    public interface Name<T> extends Function<T, String>, java.io.Serializable {
    }

    private final List<String> classes;
    private final int topK;
    private final Name<T> name;

    public TopClasses(List<String> classes, int topK, Name<T> name) {
        this.classes = List.copyOf(classes);
        this.topK = topK;
        this.name = name;
    }

    @Override
    public Row scored(T in, float[] logits, float[] p) {
        Integer[] order = new Integer[p.length];
        for (int j = 0; j < p.length; j++) {
            order[j] = j;
        }
        java.util.Arrays.sort(order, (x, y) -> Float.compare(p[y], p[x]));
        Object[] row = new Object[2 + 2 * topK];
        row[0] = name.apply(in);
        for (int k = 0; k < topK; k++) {
            row[2 + 2 * k] = classes.get(order[k]);
            row[3 + 2 * k] = (double) p[order[k]];
        }
        return RowFactory.create(row);
    }

    @Override
    public Row failed(T in, String reason) {
        Object[] row = new Object[2 + 2 * topK];
        row[0] = name.apply(in);
        row[1] = reason == null ? "unreadable" : reason;
        return RowFactory.create(row);
    }
}
