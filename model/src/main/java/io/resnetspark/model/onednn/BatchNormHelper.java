package io.resnetspark.model.onednn;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's batch-norm layer hook ({@link BatchNormalizationHelper}) on oneDNN's training-mode batch norm:
 * one primitive computes the batch statistics and the output, and the backward primitive takes the
 * statistics and the forward's blocked input as they are (DL4J's own oneDNN helper computes mean and
 * variance with separate ND4J reductions, then runs inference-mode batch norm, and its backward runs
 * oneDNN's slow plain-layout kernel). The layer keeps its running averages itself from
 * {@link #getMeanCache}/{@link #getVarCache}, as with any helper. Variance is the biased batch variance,
 * like DL4J's. With a paired convolution before it ({@link ConvHelper#pair}) the input arrives, and
 * the input gradient leaves, in the blocked layout.
 */
public final class BatchNormHelper implements BatchNormalizationHelper {
    private final Map<Key, BatchNormPlan> plans = new HashMap<>();
    private final NativeBuffer savedSrc = new NativeBuffer();
    private ConvHelper producer;
    private boolean failed;
    private INDArray mean;
    private INDArray variance;
    private INDArray lastInput;
    private BatchNormPlan lastPlan;
    /** The training forward's input in the blocked layout: in savedSrc, or the producer's own buffer. */
    private long lastSrc;

    private INDArray offeredInput;
    private long offeredAddress;
    private boolean offeredMaterialized;

    private long trainingCalls;
    private long inferenceCalls;
    private long backwardCalls;
    private long takenOver;
    private long handedOver;

    private record Key(long[] shape, float epsilon) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(shape, k.shape) && epsilon == k.epsilon;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(shape) * 31 + Float.hashCode(epsilon);
        }
    }

    public BatchNormHelper() {
    }

    void producer(ConvHelper conv) {
        this.producer = conv;
    }

    /** False once a call failed (DL4J then runs its own code, which needs plain inputs). */
    boolean healthy() {
        return !failed;
    }

    /** The paired convolution's output {@code z}, also at {@code address} in the blocked layout. */
    void offerInput(INDArray z, long address, boolean materialized) {
        offeredInput = z;
        offeredAddress = address;
        offeredMaterialized = materialized;
    }

    @Override
    public boolean checkSupported() {
        return true;
    }

    @Override
    public boolean checkSupported(double eps, boolean fixedGammaBeta) {
        return !fixedGammaBeta;
    }

    @Override
    public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta,
                              INDArray globalMean, INDArray globalVar, double decay, double eps,
                              CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        boolean blockedIn = x == offeredInput && offeredAddress != 0;
        long offered = offeredAddress;
        offeredInput = null;
        offeredAddress = 0;
        try {
            if (!supported(x, gamma, beta, format)) {
                materializeInput(blockedIn, x);
                return null;
            }
            return forward(x, blockedIn, offered, training, gamma, beta, globalMean, globalVar, eps, workspaceMgr);
        } catch (RuntimeException e) {
            failed = true;
            materializeInput(blockedIn, x);
            throw e;
        }
    }

    private INDArray forward(INDArray x, boolean blockedIn, long offered, boolean training, INDArray gamma,
                             INDArray beta, INDArray globalMean, INDArray globalVar, double eps,
                             LayerWorkspaceMgr workspaceMgr) {
        INDArray in = blockedIn ? x : dense(x);
        BatchNormPlan p = plan(in, eps);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, in.shape(), 'c');
        long src;
        if (blockedIn) {
            takenOver++;
            src = offered;
        } else {
            src = training ? savedSrc.address(p.dataBytes) : Scratch.address(Scratch.Slot.SRC, p.dataBytes);
            p.toBlocked.reorder(Dnnl.address(in), src);
        }
        long dst = Scratch.address(Scratch.Slot.DST, p.dataBytes);
        long scale = Dnnl.address(dense(gamma));
        long shift = Dnnl.address(dense(beta));
        if (training) {
            trainingCalls++;
            statistics(in.size(1));
            p.training.bind(0, src).bind(1, dst).bind(2, Dnnl.address(mean)).bind(3, Dnnl.address(variance))
                    .bind(4, scale).bind(5, shift).run();
            lastInput = x;
            lastPlan = p;
            lastSrc = src;
        } else {
            inferenceCalls++;
            p.inference.bind(0, src).bind(1, dst).bind(2, Dnnl.address(dense(globalMean)))
                    .bind(3, Dnnl.address(dense(globalVar))).bind(4, scale).bind(5, shift).run();
        }
        p.fromBlocked.reorder(dst, Dnnl.address(out));
        return out;
    }

    private void materializeInput(boolean blockedIn, INDArray x) {
        if (blockedIn && producer != null) {
            producer.materializeIfLastOutput(x);
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, long[] shape, INDArray gamma,
                                                     INDArray beta, INDArray dGammaView, INDArray dBetaView,
                                                     double eps, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        try {
            if (!supported(input, gamma, beta, format) || epsilon.dataType() != DataType.FLOAT
                    || !Dnnl.rowMajor(dGammaView) || !Dnnl.rowMajor(dBetaView)) {
                materializeInput(producer != null, input);
                return null;
            }
            return backward(input, epsilon, gamma, beta, dGammaView, dBetaView, eps, workspaceMgr);
        } catch (RuntimeException e) {
            failed = true;
            materializeInput(producer != null, input);
            throw e;
        } finally {
            lastInput = null;
            lastPlan = null;
            lastSrc = 0;
        }
    }

    private Pair<Gradient, INDArray> backward(INDArray input, INDArray epsilon, INDArray gamma, INDArray beta,
                                              INDArray dGammaView, INDArray dBetaView, double eps,
                                              LayerWorkspaceMgr workspaceMgr) {
        BatchNormPlan p = plan(input, eps);
        long scale = Dnnl.address(dense(gamma));
        long shift = Dnnl.address(dense(beta));
        long src = lastSrc;
        if (input != lastInput || p != lastPlan) {
            // no training forward of this input just before (not how DL4J trains, but cheap to get right):
            // redo it for the statistics the backward needs
            materializeInput(producer != null, input);
            INDArray in = dense(input);
            statistics(in.size(1));
            src = savedSrc.address(p.dataBytes);
            p.toBlocked.reorder(Dnnl.address(in), src);
            p.training.bind(0, src).bind(1, Scratch.address(Scratch.Slot.DST, p.dataBytes))
                    .bind(2, Dnnl.address(mean)).bind(3, Dnnl.address(variance)).bind(4, scale).bind(5, shift).run();
        }
        backwardCalls++;
        long diffDst = Scratch.address(Scratch.Slot.DIFF_DST, p.dataBytes);
        p.toBlocked.reorder(Dnnl.address(dense(epsilon)), diffDst);
        INDArray epsOut = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        boolean handOver = producer != null && producer.takesBlockedDelta();
        NativeBuffer lent = handOver ? BufferPool.take() : null;
        long diffSrc = handOver ? lent.address(p.dataBytes) : Scratch.address(Scratch.Slot.DIFF_SRC, p.dataBytes);
        p.backward().bind(0, src).bind(1, Dnnl.address(mean)).bind(2, Dnnl.address(variance)).bind(3, diffDst)
                .bind(4, scale).bind(5, diffSrc).bind(6, Dnnl.address(dGammaView)).bind(7, Dnnl.address(dBetaView))
                .bind(8, shift).run();
        if (handOver) {
            handedOver++;
            producer.offerDelta(epsOut, lent);
        } else {
            p.fromBlocked.reorder(diffSrc, Dnnl.address(epsOut));
        }

        Gradient g = new DefaultGradient();
        g.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
        g.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
        return new Pair<>(g, epsOut);
    }

    /** Batch mean and variance of the last training forward, which the layer turns into running averages. */
    @Override
    public INDArray getMeanCache(DataType dataType) {
        return mean;
    }

    @Override
    public INDArray getVarCache(DataType dataType) {
        return variance;
    }

    private void statistics(long channels) {
        if (mean == null || mean.length() != channels) {
            try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                mean = Nd4j.create(DataType.FLOAT, channels);
                variance = Nd4j.create(DataType.FLOAT, channels);
            }
        }
    }

    private static boolean supported(INDArray x, INDArray gamma, INDArray beta, CNN2DFormat format) {
        return format == CNN2DFormat.NCHW && x.rank() == 4 && x.dataType() == DataType.FLOAT && gamma != null
                && beta != null && gamma.dataType() == DataType.FLOAT && beta.dataType() == DataType.FLOAT;
    }

    private static INDArray dense(INDArray a) {
        return Dnnl.rowMajorOrCopy(a);
    }

    private BatchNormPlan plan(INDArray in, double eps) {
        Key k = new Key(in.shape(), (float) eps);
        BatchNormPlan p = plans.get(k);
        if (p == null) {
            p = new BatchNormPlan(in.shape(), (float) eps);
            plans.put(k, p);
        }
        return p;
    }

    /**
     * Training forwards, inference forwards, backward passes, inputs taken blocked from the paired
     * convolution, input gradients handed to it blocked.
     */
    public long[] counts() {
        return new long[] {trainingCalls, inferenceCalls, backwardCalls, takenOver, handedOver};
    }

    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (BatchNormPlan p : plans.values()) {
            sb.append(Arrays.toString(p.shape)).append(": ").append(p.describe()).append('\n');
        }
        return sb.toString();
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return Collections.singletonMap("onednn_saved_src", savedSrc.capacity());
    }
}
