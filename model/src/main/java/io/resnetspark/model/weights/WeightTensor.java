package io.resnetspark.model.weights;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One tensor as a checkpoint stores it, widened to float32 in row-major order. {@code dtype} keeps the
 * file's type name (F32, F16, BF16, I64, ...) for messages; integer tensors such as
 * {@code num_batches_tracked} are widened too, so a reader never has to special-case them.
 */
public record WeightTensor(String dtype, long[] shape, float[] values) {

    public WeightTensor {
        if (values.length != elements(shape)) {
            throw new IllegalArgumentException(values.length + " values for shape " + Arrays.toString(shape));
        }
    }

    public static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** A new row-major ('c') float array of this tensor's shape. */
    public INDArray toArray() {
        return Nd4j.create(values, shape.clone(), 'c');
    }

    /** "[64, 3, 7, 7]", the form messages use. */
    public String shapeText() {
        return Arrays.toString(shape);
    }
}
