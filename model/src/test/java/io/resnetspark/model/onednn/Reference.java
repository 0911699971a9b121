package io.resnetspark.model.onednn;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** DL4J's built-in path (no helper at all) as the reference, and how far a result may stray from it. */
final class Reference {
    /** Relative tolerance of every equality test (outputs and gradients). */
    static final double TOLERANCE = 1e-4;

    private Reference() {
    }

    /** Removes every conv and batch-norm helper, so the layers run DL4J's own Java/ND4J code. */
    static ComputationGraph builtIn(ComputationGraph g) {
        try {
            for (Layer wrapped : g.getLayers()) {
                Layer l = wrapped instanceof FrozenLayer f ? f.getInsideLayer() : wrapped;
                if (l.getClass() == ConvolutionLayer.class) {
                    set(ConvolutionLayer.class, l, "helper", null);
                } else if (l.getClass() == BatchNormalization.class) {
                    set(BatchNormalization.class, l, "helper", null);
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return g;
    }

    private static void set(Class<?> owner, Object target, String name, Object value) throws ReflectiveOperationException {
        Field f = owner.getDeclaredField(name);
        f.setAccessible(true);
        f.set(target, value);
    }

    /** max |actual - expected| / max |expected|: an error relative to the tensor's scale, robust to zeros. */
    static double relativeError(INDArray expected, INDArray actual) {
        if (!java.util.Arrays.equals(expected.shape(), actual.shape())) {
            throw new AssertionError("shape " + java.util.Arrays.toString(actual.shape()) + " != expected "
                    + java.util.Arrays.toString(expected.shape()));
        }
        double scale = Transforms.abs(expected, true).maxNumber().doubleValue();
        double diff = Transforms.abs(expected.sub(actual), false).maxNumber().doubleValue();
        return scale == 0 ? diff : diff / scale;
    }
}
