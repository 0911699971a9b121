package io.resnetspark.model.layers;

import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A grouped 2D convolution computed as im2col followed by one batched matrix product over
 * (example, group) pairs. Only ND4J ops are used (im2col, matmul, col2im, sum), so it runs unchanged on
 * the CPU and the CUDA backends. Its activation is the identity (checked by the configuration): in a
 * ResNet a batch norm always sits between a convolution and its ReLU.
 *
 * <p>Why this shape of computation: im2col in its natural [N, C, kH, kW, oH, oW] layout is the same
 * memory as [N, G, K, P] with K = C/G * kH * kW and P = oH * oW, because a group's channels are
 * contiguous. With the weights viewed as [G, O/G, K] and repeated over N, one matmul
 * [N, G, O/G, K] x [N, G, K, P] gives [N, G, O/G, P], which is the NCHW output itself: no permute or
 * copy of activations on the way in or out, and the same holds for the gradient of the columns in the
 * backward pass, which col2im folds back into the input gradient. Writing the columns group-major
 * instead (so one [G, O/G, K] x [G, K, N*P] product suffices) made im2col scatter its writes and cost
 * 3-5x more on a 2-core CPU than the products it saved.
 *
 * <p>The columns are computed again in the backward pass rather than kept from the forward pass: kept,
 * they would be 9x the input of every grouped layer for the whole step (about 1.6 GB for ResNeXt-50 at
 * batch 16, 224 px).
 *
 * <p>Where it stands (GroupedConvolutionBenchmark, one thread, batch 8, ResNeXt-50's 3x3 shapes with 32
 * groups, forward + backward): 0.87x the speed of a dense oneDNN convolution of the same shape at 56x56,
 * where copying patches in and out (im2col, col2im) dominates, and 1.5x, 2.6x and 4.3x its speed at
 * 28, 14 and 7 pixels. That is also why a convolution with one group stays DL4J's own layer.
 */
public class GroupedConvolutionLayer extends BaseLayer<GroupedConvolution> {

    public GroupedConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.CONVOLUTIONAL;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public boolean hasBias() {
        return layerConf().hasBias();
    }

    /** The sizes of one forward pass, from the input and the configuration. */
    private record Geometry(long n, long c, long h, long w, long outC, long outH, long outW, long groups,
                            int[] k, int[] s, int[] p, int[] d) {
        long inPerGroup() { return c / groups; }
        long outPerGroup() { return outC / groups; }
        long patch() { return inPerGroup() * k[0] * k[1]; }
        long positions() { return outH * outW; }
    }

    private Geometry geometry(INDArray x) {
        GroupedConvolution conf = layerConf();
        if (x.rank() != 4 || x.size(1) != conf.getNIn()) {
            throw new DL4JInvalidInputException("grouped convolution " + conf.getLayerName() + " expects input [N, "
                    + conf.getNIn() + ", H, W], got " + java.util.Arrays.toString(x.shape()) + " " + layerId());
        }
        int[] k = conf.getKernelSize();
        int[] s = conf.getStride();
        int[] p = conf.getPadding();
        int[] d = conf.getDilation();
        long h = x.size(2);
        long w = x.size(3);
        long outH = (h + 2L * p[0] - (long) d[0] * (k[0] - 1) - 1) / s[0] + 1;
        long outW = (w + 2L * p[1] - (long) d[1] * (k[1] - 1) - 1) / s[1] + 1;
        if (outH < 1 || outW < 1) {
            throw new DL4JInvalidInputException("grouped convolution " + conf.getLayerName() + ": input " + h + "x" + w
                    + " is smaller than its kernel " + layerId());
        }
        return new Geometry(x.size(0), x.size(1), h, w, conf.getNOut(), outH, outW, conf.getGroups(), k, s, p, d);
    }

    /** im2col as [N, G, K, P]; see the class comment for why this layout. */
    private static INDArray columns(INDArray x, Geometry g) {
        INDArray col = Nd4j.createUninitialized(x.dataType(),
                new long[] {g.n, g.c, g.k[0], g.k[1], g.outH, g.outW}, 'c');
        Convolution.im2col(x, g.k[0], g.k[1], g.s[0], g.s[1], g.p[0], g.p[1], g.d[0], g.d[1], false, col);
        return col.reshape('c', g.n, g.groups, g.patch(), g.positions());
    }

    /**
     * The weights as [N, G, O/G, K]: ND4J's batched matmul refuses a batch dimension of 1 against N, so
     * they are tiled. One assign per example: INDArray.broadcast did the same copy 10-40x slower.
     */
    private static INDArray weightsPerExample(INDArray w, Geometry g) {
        INDArray perGroup = w.reshape('c', g.groups, g.outPerGroup(), g.patch());
        INDArray tiled = Nd4j.createUninitialized(w.dataType(), new long[] {g.n, g.groups, g.outPerGroup(), g.patch()},
                'c');
        for (long i = 0; i < g.n; i++) {
            tiled.get(NDArrayIndex.point(i)).assign(perGroup);
        }
        return tiled;
    }

    /** The reshapes below are views only on a plain 'c' layout; an activation from a permuting vertex is copied. */
    private static INDArray contiguous(INDArray a) {
        return a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a) ? a : a.dup('c');
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        return preOutput(training, workspaceMgr);
    }

    @Override
    protected INDArray preOutput(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = contiguous(input.castTo(dataType));
        Geometry g = geometry(x);
        INDArray w = getParamWithNoise(GroupedConvolutionParams.WEIGHT, training, workspaceMgr);
        INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                new long[] {g.n, g.outC, g.outH, g.outW}, 'c');
        Nd4j.matmul(weightsPerExample(w, g), columns(x, g),
                z.reshape('c', g.n, g.groups, g.outPerGroup(), g.positions()));
        if (hasBias()) {
            INDArray b = getParamWithNoise(GroupedConvolutionParams.BIAS, training, workspaceMgr);
            Nd4j.getExecutioner().exec(new BroadcastAddOp(z, b.reshape(g.outC), z, 1));
        }
        return z;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray x = contiguous(input.castTo(dataType));
        Geometry g = geometry(x);
        INDArray w = getParamWithNoise(GroupedConvolutionParams.WEIGHT, true, workspaceMgr);
        INDArray delta = contiguous(epsilon.castTo(dataType));
        INDArray dY = delta.reshape('c', g.n, g.groups, g.outPerGroup(), g.positions());

        // dL/dW = sum over examples of dY x columns^T, per group
        INDArray wGrad = gradientViews.get(GroupedConvolutionParams.WEIGHT);
        INDArray perExample = Nd4j.matmul(dY, columns(x, g), false, true, false);
        perExample.sum(wGrad.reshape('c', g.groups, g.outPerGroup(), g.patch()), 0);

        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(GroupedConvolutionParams.WEIGHT, wGrad, 'c');
        if (hasBias()) {
            INDArray bGrad = gradientViews.get(GroupedConvolutionParams.BIAS);
            delta.sum(bGrad.reshape(g.outC), 0, 2, 3);
            gradient.setGradientFor(GroupedConvolutionParams.BIAS, bGrad);
        }

        // dL/dx: the columns' gradient W^T x dY, folded back onto the input positions
        INDArray colGrad = Nd4j.matmul(weightsPerExample(w, g), dY, true, false, false);
        INDArray epsOut = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
                new long[] {g.n, g.c, g.h, g.w}, 'c');
        Convolution.col2im(colGrad.reshape('c', g.n, g.c, g.k[0], g.k[1], g.outH, g.outW), epsOut,
                g.s[0], g.s[1], g.p[0], g.p[1], (int) g.h, (int) g.w, g.d[0], g.d[1]);

        weightNoiseParams.clear();
        return new Pair<>(gradient, backpropDropOutIfPresent(epsOut));
    }
}
