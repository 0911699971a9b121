package io.resnetspark.executor;

import java.io.Serializable;
import java.lang.reflect.Field;
import java.util.Collections;
import java.util.Iterator;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.parameterserver.pw.SharedTrainingWrapper;

/**
 * Reads the network a gradient-sharing executor trained, from inside that executor's JVM.
 *
 * <p>Why: with dl4j-spark-parameterserver 1.0.0-M2 on a multi-JVM cluster the driver's copy of the
 * network does not follow training (its update subscriber receives little of what the executors
 * exchange; validation on it stays near chance while every executor's copy has learned). Each executor
 * keeps its network between epochs in the {@code SharedTrainingWrapper} singleton and applies its own
 * and every other executor's updates, so any executor's copy is the trained model (up to the
 * not-yet-sent residuals). The singleton's fields are not public, hence the reflection; it answers
 * nothing (empty) when this JVM has not trained.
 */
public final class SharedWorkerModel implements FlatMapFunction<Iterator<Integer>, SharedWorkerModel.State> {
    private static final long serialVersionUID = 1L;

    /**
     * The executor's parameters (flattened, DL4J order) and the score of its last minibatch. A class, not
     * a record: Spark's Kryo cannot serialize records.
     */
    public static final class State implements Serializable {
        private static final long serialVersionUID = 1L;
        private float[] params;
        private double score;

        State() {
        }

        State(float[] params, double score) {
            this.params = params;
            this.score = score;
        }

        public float[] params() {
            return params;
        }

        public double score() {
            return score;
        }
    }

    @Override
    public Iterator<State> call(Iterator<Integer> ignored) throws Exception {
        Model model = model();
        if (model == null || model.params() == null) {
            return Collections.emptyIterator();
        }
        return Collections.singletonList(new State(model.params().dup().data().asFloat(), model.score())).iterator();
    }

    static Model model() throws ReflectiveOperationException {
        Field instance = SharedTrainingWrapper.class.getDeclaredField("INSTANCE");
        instance.setAccessible(true);
        Object wrapper = instance.get(null);
        if (wrapper == null) {
            return null;
        }
        Field original = SharedTrainingWrapper.class.getDeclaredField("originalModel");
        original.setAccessible(true);
        return (Model) original.get(wrapper);
    }
}
