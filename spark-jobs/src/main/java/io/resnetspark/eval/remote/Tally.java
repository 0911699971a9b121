package io.resnetspark.eval.remote;

import io.resnetspark.scoring.Prediction;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Everything a report needs, counted from predictions: confusion matrix, top-k hits, summed loss,
 * calibration bins and the most confident mistakes. Built per partition on the executors and merged
 * on the driver in partition order, so the sums (and so the report) do not depend on task timing.
 */
public final class Tally implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Most confident first; equal confidences by source, so the list is the same on every run. */
    public static final Comparator<Prediction> MOST_CONFIDENT = Comparator
            .comparingDouble((Prediction p) -> -p.confidence())
            .thenComparing(p -> p.source == null ? "" : p.source)
            .thenComparingInt(p -> p.label);

    public final int classes;
    public final int bins;
    public final int keepMistakes;
    public final int topK;
    public final long[][] confusion;
    public long examples;
    public long topKHits;
    public double lossSum;
    public final long[] binCount;
    public final long[] binCorrect;
    public final double[] binConfidence;
    List<Prediction> mistakes = new ArrayList<>();

    public Tally(int classes, int bins, int keepMistakes, int topK) {
        this.classes = classes;
        this.bins = bins;
        this.keepMistakes = keepMistakes;
        this.topK = topK;
        confusion = new long[classes][classes];
        binCount = new long[bins];
        binCorrect = new long[bins];
        binConfidence = new double[bins];
    }

    /** The bin of a confidence: bins are (lo, hi], the first one also takes 0. */
    public static int bin(double confidence, int bins) {
        if (!(confidence > 0)) {
            return 0;
        }
        int b = (int) Math.ceil(confidence * bins) - 1;
        return Math.max(0, Math.min(bins - 1, b));
    }

    public void add(Prediction p) {
        examples++;
        confusion[p.label][p.predicted()]++;
        if (p.inTop(topK)) {
            topKHits++;
        }
        lossSum += p.loss();
        int b = bin(p.confidence(), bins);
        binCount[b]++;
        binConfidence[b] += p.confidence();
        if (p.correct()) {
            binCorrect[b]++;
        } else if (keepMistakes > 0) {
            mistakes.add(p);
            if (mistakes.size() > 2 * keepMistakes) {
                trim();
            }
        }
    }

    /** Adds another tally into this one (the other is left as it was). */
    public Tally merge(Tally o) {
        for (int i = 0; i < classes; i++) {
            for (int j = 0; j < classes; j++) {
                confusion[i][j] += o.confusion[i][j];
            }
        }
        examples += o.examples;
        topKHits += o.topKHits;
        lossSum += o.lossSum;
        for (int b = 0; b < bins; b++) {
            binCount[b] += o.binCount[b];
            binCorrect[b] += o.binCorrect[b];
            binConfidence[b] += o.binConfidence[b];
        }
        mistakes.addAll(o.mistakes);
        trim();
        return this;
    }

    private void trim() {
        mistakes.sort(MOST_CONFIDENT);
        if (mistakes.size() > keepMistakes) {
            mistakes = new ArrayList<>(mistakes.subList(0, keepMistakes));
        }
    }

    public List<Prediction> mistakes() {
        trim();
        return mistakes;
    }

    public long examples() {
        return examples;
    }

    public long[][] confusion() {
        return confusion;
    }
}
