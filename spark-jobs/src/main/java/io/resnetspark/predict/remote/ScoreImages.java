package io.resnetspark.predict.remote;

import io.resnetspark.data.format.BadInputException;
import io.resnetspark.data.format.Preprocessor;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Scores one partition of inputs (image paths, or table rows with an image cell) on an executor: each
 * input is read and preprocessed ({@link Input}), the images go through the model a batch at a time, and
 * each input becomes one output row ({@link Output}): its scores, or the reason it could not be read.
 * Rows come out in input order as each batch is scored, so a task holds one batch, not its partition.
 * Each task borrows its own network ({@link ImageScorer#borrow}) and gives it back when it ends.
 *
 * @param <T> what an input is
 */
public final class ScoreImages<T> implements FlatMapFunction<Iterator<T>, Row> {
    private static final long serialVersionUID = 1L;

    /** How an input becomes preprocessed pixels; an input that is no usable image is a {@link BadInputException}. */
    public interface Input<T> extends Serializable {
        byte[] pixels(T in, Preprocessor pre) throws BadInputException;
    }

    /** The output row of an input. */
    public interface Output<T> extends Serializable {
        Row scored(T in, float[] logits, float[] probabilities);

        /** The row of an input that could not be scored; null drops it. */
        Row failed(T in, String reason);
    }

    private final ImageScorer scorer;
    private final int batch;
    private final Input<T> input;
    private final Output<T> output;
    private LongAccumulator done;

    public ScoreImages(ImageScorer scorer, int batch, Input<T> input, Output<T> output) {
        this.scorer = scorer;
        this.batch = batch;
        this.input = input;
        this.output = output;
    }

    /** Counts inputs as they are scored (a progress line's source). */
    public ScoreImages<T> counting(LongAccumulator counter) {
        this.done = counter;
        return this;
    }

    @Override
    public Iterator<Row> call(Iterator<T> inputs) {
        return new Batches(inputs);
    }

    /** The output rows, produced a batch at a time. */
    private final class Batches implements Iterator<Row> {
        private final Iterator<T> inputs;
        private final Preprocessor pre = scorer.preprocessor();
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private ComputationGraph graph;

        Batches(Iterator<T> inputs) {
            this.inputs = inputs;
            TaskContext task = TaskContext.get();
            if (task != null) {
                // a task that stops early (a limit, a failure) still returns its network
                task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) t -> release());
            }
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && inputs.hasNext()) {
                fill();
            }
            if (ready.isEmpty()) {
                release();
                return false;
            }
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        /** Reads up to a batch of inputs and scores them; rows keep the input order. */
        private void fill() {
            List<Row> rows = new ArrayList<>();
            List<T> waiting = new ArrayList<>();
            List<Integer> slots = new ArrayList<>();
            List<byte[]> pixels = new ArrayList<>();
            long seen = 0;
            while (waiting.size() < batch && inputs.hasNext()) {
                T in = inputs.next();
                seen++;
                try {
                    pixels.add(input.pixels(in, pre));
                    waiting.add(in);
                    slots.add(rows.size());
                    rows.add(null);
                } catch (BadInputException e) {
                    rows.add(output.failed(in, e.getMessage()));
                } catch (RuntimeException e) {
                    rows.add(output.failed(in, "could not read: " + e.getMessage()));
                }
            }
            if (!waiting.isEmpty()) {
                if (graph == null) {
                    graph = scorer.borrow();
                }
                ImageScorer.Scores s = scorer.score(graph, pre, pixels);
                for (int i = 0; i < waiting.size(); i++) {
                    rows.set(slots.get(i), output.scored(waiting.get(i), s.logits()[i], s.probabilities()[i]));
                }
            }
            for (Row r : rows) {
                if (r != null) {
                    ready.add(r);
                }
            }
            if (done != null) {
                done.add(seen);
            }
        }

        private synchronized void release() {
            if (graph != null) {
                scorer.giveBack(graph);
                graph = null;
            }
        }
    }
}
