package io.resnetspark.eval.remote;

import io.resnetspark.scoring.Prediction;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;
import scala.Tuple2;

/** Runs on executors: folds one partition's predictions into a {@link Tally}, tagged with the partition index. */
public final class TallyPartition implements Function2<Integer, Iterator<Prediction>, Iterator<Tuple2<Integer, Tally>>> {
    private static final long serialVersionUID = 1L;

    private final int classes;
    private final int bins;
    private final int keepMistakes;
    private final int topK;

    public TallyPartition(int classes, int bins, int keepMistakes, int topK) {
        this.classes = classes;
        this.bins = bins;
        this.keepMistakes = keepMistakes;
        this.topK = topK;
    }

    @Override
    public Iterator<Tuple2<Integer, Tally>> call(Integer partition, Iterator<Prediction> predictions) {
        Tally t = new Tally(classes, bins, keepMistakes, topK);
        predictions.forEachRemaining(t::add);
        t.mistakes();
        return List.of(new Tuple2<>(partition, t)).iterator();
    }
}
