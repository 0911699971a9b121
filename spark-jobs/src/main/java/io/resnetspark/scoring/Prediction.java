package io.resnetspark.scoring;

import java.io.Serializable;

/**
 * What scoring one image yields: its source, true label, the top-k classes with their probabilities
 * (most likely first) and the probability given to the true class. Small, so that a whole split's
 * predictions can be cached on the executors and written as text; a plain class with a no-argument
 * constructor so that Kryo can spill it.
 */
public final class Prediction implements Serializable {
    private static final long serialVersionUID = 1L;

    public String source;
    public int label;
    public int[] top;
    public float[] topProb;
    public float trueProb;
    /** The minibatch file the image was read from and its place there (null and 0 when not known). */
    public String file;
    public int index;

    public Prediction() {
    }

    public Prediction(String source, int label, int[] top, float[] topProb, float trueProb) {
        this.source = source;
        this.label = label;
        this.top = top;
        this.topProb = topProb;
        this.trueProb = trueProb;
    }

    /** The same prediction, saying where its image is (so a report can show the image of a mistake). */
    public Prediction from(String minibatchFile, int position) {
        this.file = minibatchFile;
        this.index = position;
        return this;
    }

    public int predicted() {
        return top[0];
    }

    public float confidence() {
        return topProb[0];
    }

    public boolean correct() {
        return top[0] == label;
    }

    public boolean inTop(int k) {
        for (int i = 0; i < Math.min(k, top.length); i++) {
            if (top[i] == label) {
                return true;
            }
        }
        return false;
    }

    /** Cross-entropy of this example; probabilities of exactly 0 are clamped so one example cannot make it infinite. */
    public double loss() {
        return -Math.log(Math.max(trueProb, 1e-12));
    }

    /** The k most likely classes of a probability row, ties broken by the lower index. */
    public static Prediction of(String source, int label, float[] probs, int k) {
        int kk = Math.min(k, probs.length);
        int[] top = new int[kk];
        float[] p = new float[kk];
        for (int j = 0; j < kk; j++) {
            top[j] = -1;
            p[j] = Float.NEGATIVE_INFINITY;
        }
        for (int c = 0; c < probs.length; c++) {
            float v = probs[c];
            if (!(v > p[kk - 1])) {
                continue;
            }
            int pos = kk - 1;
            while (pos > 0 && v > p[pos - 1]) {
                top[pos] = top[pos - 1];
                p[pos] = p[pos - 1];
                pos--;
            }
            top[pos] = c;
            p[pos] = v;
        }
        // a row of NaN would leave slots empty; name them so reports stay well-formed
        for (int j = 0; j < kk; j++) {
            if (top[j] < 0) {
                top[j] = j;
                p[j] = Float.NaN;
            }
        }
        return new Prediction(source, label, top, p, probs[label]);
    }
}
