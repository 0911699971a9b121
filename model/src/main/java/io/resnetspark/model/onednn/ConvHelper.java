package io.resnetspark.model.onednn;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdDataAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdFilterAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.FwdAlgo;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * DL4J's convolution layer hook ({@link ConvolutionHelper}) on the project's own oneDNN primitives.
 *
 * <p>Besides reusing primitives per shape, it removes the forward convolution that DL4J's layer repeats in
 * every backward pass: with {@code CacheMode.NONE} the layer asks for its pre-activation again before
 * backprop. After a training forward whose activation is the identity (every ResNet convolution), the
 * output array handed to the next layer <em>is</em> that pre-activation and is still alive in the
 * activation workspace, so the repeated call returns it. The forward's src and weights, already in the
 * primitives' layouts, are kept for the backward primitives so they are not reordered twice.
 *
 * <p>Paired with the batch norm that is its only consumer ({@link #pair}), it hands the output over in
 * oneDNN's blocked layout and takes the batch norm's input gradient back the same way, which saves four
 * full-tensor reorders per conv/BN pair and step. While training, the plain NCHW output array is then
 * left unwritten (only that batch norm reads it, from the blocked copy); inference writes it as usual.
 */
public final class ConvHelper implements ConvolutionHelper {
    private final boolean bias;
    private final Map<ConvPlan.Geometry, ConvPlan> plans = new HashMap<>();
    private final NativeBuffer savedSrc = new NativeBuffer();
    private final NativeBuffer savedWeights = new NativeBuffer();
    private final NativeBuffer blockedOut = new NativeBuffer();
    private BatchNormHelper next;

    private INDArray lastInput;
    private INDArray lastWeights;
    private INDArray lastOutput;
    private ConvPlan lastPlan;
    /** Address of the last output in the blocked layout while it is not (yet) written to lastOutput; else 0. */
    private long lastBlocked;
    /** Set by a training forward with identity activation: the next forward call with the same input is the layer's repeat. */
    private boolean armed;
    /** An input gradient a paired batch norm left in the blocked layout for the next backward. */
    private INDArray offeredDelta;
    private NativeBuffer offeredDeltaBuffer;

    private long forwardCalls;
    private long repeatsSkipped;
    private long backwardCalls;
    private long handedOver;
    private long takenOver;

    public ConvHelper(boolean bias) {
        this.bias = bias;
    }

    /** Makes {@code bn}, the only consumer of this layer's output, take it in the blocked layout. */
    void pair(BatchNormHelper bn) {
        this.next = bn;
        bn.producer(this);
    }

    @Override
    public boolean checkSupported() {
        return true;
    }

    @Override
    public INDArray preOutput(INDArray input, INDArray weights, INDArray biasArray, int[] kernel, int[] strides,
                              int[] pad, AlgoMode mode, FwdAlgo fwdAlgo, ConvolutionMode convolutionMode,
                              int[] dilation, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        if (!supported(input, weights, format)) {
            return null;
        }
        if (armed && input == lastInput && weights == lastWeights && !lastOutput.wasClosed()) {
            armed = false;
            repeatsSkipped++;
            return lastOutput;
        }
        armed = false;
        forwardCalls++;
        INDArray in = dense(input);
        ConvPlan p = plan(in, weights, kernel, strides, pad, convolutionMode, dilation);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, p.output, 'c');

        long src = Dnnl.address(in);
        if (p.srcIn != null) {
            long blocked = savedSrc.address(p.srcBytes);
            p.srcIn.reorder(src, blocked);
            src = blocked;
        }
        long w = Dnnl.address(weights);
        if (p.weightsIn != null) {
            long blocked = savedWeights.address(p.weightsBytes);
            p.weightsIn.reorder(w, blocked);
            w = blocked;
        }
        // the blocked copy is made plain or offered to the batch norm in activate(), which DL4J calls only for
        // outputs whose strides strictly descend: never for a 1-pixel-high or -wide output (ResNet's layer 4 at 32 px)
        boolean handOver = next != null && p.dstBlocked && next.healthy() && Shape.strideDescendingCAscendingF(out);
        long dst = handOver ? blockedOut.address(p.dstBytes)
                : p.dstOut == null ? Dnnl.address(out) : Scratch.address(Scratch.Slot.DST, p.dstBytes);
        p.forward.bind(0, src).bind(1, w);
        if (bias) {
            p.forward.bind(2, Dnnl.address(dense(biasArray))).bind(3, dst);
        } else {
            p.forward.bind(2, dst);
        }
        p.forward.run();
        if (!handOver && p.dstOut != null) {
            p.dstOut.reorder(dst, Dnnl.address(out));
        }
        lastInput = input;
        lastWeights = weights;
        lastOutput = out;
        lastPlan = p;
        lastBlocked = handOver ? dst : 0;
        return out;
    }

    @Override
    public INDArray activate(INDArray z, IActivation afn, boolean training) {
        boolean identity = afn instanceof ActivationIdentity;
        armed = training && z == lastOutput && identity;
        if (z == lastOutput && lastBlocked != 0) {
            long blocked = lastBlocked;
            if (!training || !identity) {
                // inference and non-identity activations read the plain output: write it
                materializeOutput();
            }
            next.offerInput(z, blocked, lastBlocked == 0);
            handedOver++;
        }
        return afn.getActivation(z, training);
    }

    /** Writes the last output in DL4J's layout (it was handed over blocked only); for a batch norm that needs it plain. */
    void materializeOutput() {
        if (lastBlocked != 0) {
            lastPlan.blockedToUser.reorder(lastBlocked, Dnnl.address(lastOutput));
            lastBlocked = 0;
        }
    }

    /** Takes the paired batch norm's input gradient, left in the blocked layout for {@code delta}. */
    void offerDelta(INDArray delta, NativeBuffer blocked) {
        BufferPool.give(offeredDeltaBuffer);
        offeredDelta = delta;
        offeredDeltaBuffer = blocked;
    }

    /** True when this layer's next backward takes its output gradient in the blocked layout. */
    boolean takesBlockedDelta() {
        return lastPlan != null && lastPlan.backward().diffDstBlocked;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray weights, INDArray biasArray,
                                                     INDArray delta, int[] kernel, int[] strides, int[] pad,
                                                     INDArray biasGradView, INDArray weightGradView, IActivation afn,
                                                     AlgoMode mode, BwdFilterAlgo bwdFilterAlgo,
                                                     BwdDataAlgo bwdDataAlgo, ConvolutionMode convolutionMode,
                                                     int[] dilation, CNN2DFormat format,
                                                     LayerWorkspaceMgr workspaceMgr) {
        boolean blockedDelta = delta == offeredDelta && offeredDeltaBuffer != null;
        try {
            if (!supported(input, weights, format) || delta.dataType() != DataType.FLOAT
                    || !Dnnl.rowMajor(weightGradView)) {
                materializeDelta(blockedDelta, delta);
                return null;
            }
            return backward(input, weights, delta, blockedDelta, biasGradView, weightGradView, kernel, strides, pad,
                    convolutionMode, dilation, workspaceMgr);
        } catch (RuntimeException e) {
            // DL4J falls back to its own code, which reads delta as a plain array
            materializeDelta(blockedDelta, delta);
            throw e;
        } finally {
            BufferPool.give(offeredDeltaBuffer);
            offeredDelta = null;
            offeredDeltaBuffer = null;
        }
    }

    private Pair<Gradient, INDArray> backward(INDArray input, INDArray weights, INDArray delta, boolean blockedDelta,
                                              INDArray biasGradView, INDArray weightGradView, int[] kernel,
                                              int[] strides, int[] pad, ConvolutionMode convolutionMode,
                                              int[] dilation, LayerWorkspaceMgr workspaceMgr) {
        backwardCalls++;
        INDArray in = dense(input);
        ConvPlan p = plan(in, weights, kernel, strides, pad, convolutionMode, dilation);
        ConvPlan.Backward b = p.backward();
        if (blockedDelta && !b.diffDstBlocked) {
            materializeDelta(true, delta);
            blockedDelta = false;
        }
        // what the forward of this step left in the primitives' layouts (the layer never changes
        // weights or input between its forward and its backward)
        boolean fresh = input == lastInput && p == lastPlan;
        boolean weightsFresh = fresh && weights == lastWeights;

        long ddData;
        long ddWeights;
        if (blockedDelta) {
            takenOver++;
            ddData = offeredDeltaBuffer.address(0);
            ddWeights = ddData;
        } else {
            long dd = Dnnl.address(dense(delta));
            ddData = dd;
            if (b.diffDstIn != null) {
                ddData = Scratch.address(Scratch.Slot.DIFF_DST, b.diffDstBytes);
                b.diffDstIn.reorder(dd, ddData);
            }
            ddWeights = dd;
            if (b.diffDstShared) {
                ddWeights = ddData;
            } else if (b.diffDstInW != null) {
                ddWeights = Scratch.address(Scratch.Slot.DIFF_DST_W, b.diffDstWBytes);
                b.diffDstInW.reorder(dd, ddWeights);
            }
        }

        long w = Dnnl.address(weights);
        if (b.weightsIn != null) {
            if (b.weightsAsForward && weightsFresh) {
                w = savedWeights.address(p.weightsBytes);
            } else {
                long blocked = Scratch.address(Scratch.Slot.WEIGHTS, b.weightsBytes);
                b.weightsIn.reorder(w, blocked);
                w = blocked;
            }
        }
        INDArray eps = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, in.shape(), 'c');
        long ds = b.diffSrcOut == null ? Dnnl.address(eps) : Scratch.address(Scratch.Slot.DIFF_SRC, b.diffSrcBytes);
        b.data.bind(0, ddData).bind(1, w).bind(2, ds).run();
        if (b.diffSrcOut != null) {
            b.diffSrcOut.reorder(ds, Dnnl.address(eps));
        }

        long src = Dnnl.address(in);
        if (b.srcInW != null) {
            if (b.srcAsForward && fresh) {
                src = savedSrc.address(p.srcBytes);
            } else {
                long blocked = Scratch.address(Scratch.Slot.SRC_W, b.srcWBytes);
                b.srcInW.reorder(src, blocked);
                src = blocked;
            }
        }
        long dw = b.diffWeightsOut == null ? Dnnl.address(weightGradView)
                : Scratch.address(Scratch.Slot.DIFF_WEIGHTS, b.diffWeightsBytes);
        b.weights.bind(0, src).bind(1, ddWeights).bind(2, dw);
        if (bias) {
            b.weights.bind(3, Dnnl.address(biasGradView));
        }
        b.weights.run();
        if (b.diffWeightsOut != null) {
            b.diffWeightsOut.reorder(dw, Dnnl.address(weightGradView));
        }
        forget();

        Gradient g = new DefaultGradient();
        if (bias) {
            g.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
        }
        g.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView);
        return new Pair<>(g, eps);
    }

    /** Writes the output in DL4J's layout if {@code a} is the last output and was handed over blocked only. */
    void materializeIfLastOutput(INDArray a) {
        if (a == lastOutput) {
            materializeOutput();
        }
    }

    /** Writes a handed-over input gradient into its plain array, for code that reads it there. */
    private void materializeDelta(boolean blockedDelta, INDArray delta) {
        if (blockedDelta && offeredDeltaBuffer != null) {
            planWithOutput(delta.shape()).blockedToUser.reorder(offeredDeltaBuffer.address(0), Dnnl.address(delta));
            BufferPool.give(offeredDeltaBuffer);
            offeredDeltaBuffer = null;
            offeredDelta = null;
        }
    }

    private ConvPlan planWithOutput(long[] shape) {
        if (lastPlan != null && java.util.Arrays.equals(lastPlan.output, shape)) {
            return lastPlan;
        }
        for (ConvPlan p : plans.values()) {
            if (java.util.Arrays.equals(p.output, shape)) {
                return p;
            }
        }
        throw new OneDnnException("no convolution of output shape " + java.util.Arrays.toString(shape));
    }

    /** Drops the references to the step's arrays (they belong to a workspace that is about to be reused). */
    private void forget() {
        armed = false;
        lastInput = null;
        lastWeights = null;
        lastOutput = null;
        lastPlan = null;
        lastBlocked = 0;
    }

    private static boolean supported(INDArray input, INDArray weights, CNN2DFormat format) {
        return format == CNN2DFormat.NCHW && input.rank() == 4 && input.dataType() == DataType.FLOAT
                && weights.dataType() == DataType.FLOAT;
    }

    private static INDArray dense(INDArray a) {
        return Dnnl.rowMajorOrCopy(a);
    }

    private ConvPlan plan(INDArray in, INDArray weights, int[] kernel, int[] strides, int[] pad,
                          ConvolutionMode mode, int[] dilation) {
        int[] out;
        int[] padTL = pad;
        if (mode == ConvolutionMode.Same) {
            out = ConvolutionUtils.getOutputSize(in, kernel, strides, null, mode, dilation, CNN2DFormat.NCHW);
            padTL = ConvolutionUtils.getSameModeTopLeftPadding(out, new int[] {(int) in.size(2), (int) in.size(3)},
                    kernel, strides, dilation);
        } else {
            out = ConvolutionUtils.getOutputSize(in, kernel, strides, pad, mode, dilation, CNN2DFormat.NCHW);
        }
        long[] padR = new long[2];
        long[] oneDnnDilation = new long[2];
        for (int d = 0; d < 2; d++) {
            long k = (long) (kernel[d] - 1) * dilation[d] + 1;
            // may be negative (a stride that skips the last rows): oneDNN then leaves them out
            padR[d] = (long) (out[d] - 1) * strides[d] + k - in.size(2 + d) - padTL[d];
            oneDnnDilation[d] = dilation[d] - 1;
        }
        ConvPlan.Geometry g = new ConvPlan.Geometry(in.shape(), weights.shape(),
                new long[] {strides[0], strides[1]}, oneDnnDilation, new long[] {padTL[0], padTL[1]}, padR, bias);
        ConvPlan p = plans.get(g);
        if (p == null) {
            p = new ConvPlan(g);
            plans.put(g, p);
        }
        return p;
    }

    /**
     * Calls that ran a forward convolution, repeats answered from the forward, backward passes, outputs
     * handed over blocked to the paired batch norm, input gradients taken back blocked.
     */
    public long[] counts() {
        return new long[] {forwardCalls, repeatsSkipped, backwardCalls, handedOver, takenOver};
    }

    /** The oneDNN implementations chosen for each shape seen so far. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (ConvPlan p : plans.values()) {
            sb.append(java.util.Arrays.toString(p.geometry.input())).append(": ").append(p.describe()).append('\n');
        }
        return sb.toString();
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        Map<String, Long> m = new HashMap<>();
        m.put("onednn_saved_src", savedSrc.capacity());
        m.put("onednn_saved_weights", savedWeights.capacity());
        m.put("onednn_blocked_output", blockedOut.capacity());
        return Collections.unmodifiableMap(m);
    }
}
