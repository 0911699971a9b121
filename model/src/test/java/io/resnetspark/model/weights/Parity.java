package io.resnetspark.model.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.nd4j.linalg.api.ndarray.INDArray;

/** How far two sets of logits are apart, measured as the tests and the report quote it. */
record Parity(double maxAbs, double scale) {
    /** Relative tolerance on logits: float32 rounding through 150 layers stays far below it. */
    static final double TOLERANCE = 1e-4;

    double relative() {
        return maxAbs / scale;
    }

    static Parity of(INDArray expected, INDArray actual) {
        assertArrayEquals(expected.shape(), actual.shape(), "logit shapes");
        assertTrue(!actual.isNaN().any() && !actual.isInfinite().any(), "finite logits");
        double scale = Math.max(1e-6, expected.amaxNumber().doubleValue());
        return new Parity(expected.sub(actual).amaxNumber().doubleValue(), scale);
    }

    Parity assertWithin(String what) {
        System.out.printf("PARITY %s: max abs %.3g, relative %.3g (logit scale %.3g)%n", what, maxAbs, relative(), scale);
        assertTrue(relative() < TOLERANCE, what + ": logits differ by " + maxAbs + ", " + relative()
                + " of their scale " + scale);
        return this;
    }
}
