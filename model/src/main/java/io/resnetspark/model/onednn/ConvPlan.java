package io.resnetspark.model.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import java.util.Arrays;
import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * The oneDNN primitives of one convolution at one input shape: made on the first call with that shape
 * and reused for every later one. The primitives choose their own (blocked) layouts; DL4J's arrays are
 * plain NCHW / OIHW, so each tensor crosses with a reorder, or with none where the layouts agree.
 * The algorithm is always direct: convolution_auto may pick Winograd, which is slow for training.
 */
final class ConvPlan {
    /** Shape of one convolution call: NCHW input, OIHW weights, and oneDNN's stride/dilation/padding. */
    record Geometry(long[] input, long[] weights, long[] strides, long[] dilation, long[] padL, long[] padR,
                    boolean bias) {
        long[] output() {
            long[] out = new long[4];
            out[0] = input[0];
            out[1] = weights[0];
            for (int d = 0; d < 2; d++) {
                long k = (weights[2 + d] - 1) * (dilation[d] + 1) + 1;
                out[2 + d] = (input[2 + d] + padL[d] + padR[d] - k) / strides[d] + 1;
            }
            return out;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Geometry g && Arrays.equals(input, g.input) && Arrays.equals(weights, g.weights)
                    && Arrays.equals(strides, g.strides) && Arrays.equals(dilation, g.dilation)
                    && Arrays.equals(padL, g.padL) && Arrays.equals(padR, g.padR) && bias == g.bias;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(input) * 31 + Arrays.hashCode(weights);
        }
    }

    final Geometry geometry;
    final long[] output;
    private final dnnl_memory_desc_t userSrc;
    private final dnnl_memory_desc_t userWeights;
    private final dnnl_memory_desc_t userDst;
    private final dnnl_memory_desc_t userBias;
    private final dnnl_primitive_desc fwdPd;

    final Prim forward;
    /** Reorders around the forward primitive; null where the primitive takes DL4J's layout as it is. */
    final Prim srcIn;
    final Prim weightsIn;
    final Prim dstOut;
    final long srcBytes;
    final long weightsBytes;
    final long dstBytes;
    final dnnl_memory_desc_t fwdWeights;
    final dnnl_memory_desc_t fwdSrc;
    /** The forward writes the helpers' shared blocked layout: a paired batch norm can take it as it is. */
    final boolean dstBlocked;
    /** Reorder from the shared blocked layout to DL4J's, for an output handed over and needed plain after all. */
    final Prim blockedToUser;

    private Backward backward;

    /** The backward primitives, made on the first backward pass (an inference-only network never needs them). */
    static final class Backward {
        final Prim data;
        final Prim weights;
        /** Reorders into the backward primitives' layouts; null where DL4J's layout is already the one. */
        final Prim diffDstIn;
        final Prim diffDstInW;
        final Prim weightsIn;
        final Prim srcInW;
        final Prim diffSrcOut;
        final Prim diffWeightsOut;
        /** The weights primitive wants diff_dst in the data primitive's layout: one reorder serves both. */
        final boolean diffDstShared;
        /** Both backward primitives take diff_dst in the shared blocked layout (a batch norm's handover). */
        final boolean diffDstBlocked;
        /** The data primitive takes the weights, the weights primitive src, in the forward layout. */
        final boolean weightsAsForward;
        final boolean srcAsForward;
        final long diffDstBytes;
        final long diffDstWBytes;
        final long weightsBytes;
        final long diffSrcBytes;
        final long srcWBytes;
        final long diffWeightsBytes;

        Backward(ConvPlan p) {
            Geometry g = p.geometry;
            dnnl_memory_desc_t anySrc = Dnnl.md(g.input, dnnl_format_tag_any);
            dnnl_memory_desc_t anyWeights = Dnnl.md(g.weights, dnnl_format_tag_any);
            dnnl_memory_desc_t anyDst = Dnnl.md(p.output, dnnl_format_tag_any);

            dnnl_convolution_desc_t dd = new dnnl_convolution_desc_t();
            Dnnl.check(dnnl_dilated_convolution_backward_data_desc_init(dd, dnnl_convolution_direct, anySrc, anyWeights, anyDst,
                    g.strides, g.dilation, g.padL, g.padR), "convolution backward data descriptor");
            dnnl_primitive_desc dataPd = Dnnl.primitiveDesc(dd, p.fwdPd, "convolution backward data");
            dnnl_memory_desc_t diffSrc = Dnnl.query(dataPd, dnnl_query_diff_src_md);
            dnnl_memory_desc_t dataWeights = Dnnl.query(dataPd, dnnl_query_weights_md);
            dnnl_memory_desc_t dataDiffDst = Dnnl.query(dataPd, dnnl_query_diff_dst_md);
            data = new Prim(dataPd, new int[] {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC},
                    new dnnl_memory_desc_t[] {dataDiffDst, dataWeights, diffSrc});

            dnnl_convolution_desc_t wd = new dnnl_convolution_desc_t();
            Dnnl.check(dnnl_dilated_convolution_backward_weights_desc_init(wd, dnnl_convolution_direct, anySrc, anyWeights,
                    g.bias ? p.userBias : null, anyDst, g.strides, g.dilation, g.padL, g.padR),
                    "convolution backward weights descriptor");
            dnnl_primitive_desc weightsPd = Dnnl.primitiveDesc(wd, p.fwdPd, "convolution backward weights");
            dnnl_memory_desc_t wSrc = Dnnl.query(weightsPd, dnnl_query_src_md);
            dnnl_memory_desc_t diffWeights = Dnnl.query(weightsPd, dnnl_query_diff_weights_md);
            dnnl_memory_desc_t wDiffDst = Dnnl.query(weightsPd, dnnl_query_diff_dst_md);
            weights = g.bias
                    ? new Prim(weightsPd, new int[] {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS, DNNL_ARG_DIFF_BIAS},
                            new dnnl_memory_desc_t[] {wSrc, wDiffDst, diffWeights, p.userBias})
                    : new Prim(weightsPd, new int[] {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS},
                            new dnnl_memory_desc_t[] {wSrc, wDiffDst, diffWeights});

            diffDstIn = reorderOrNull(p.userDst, dataDiffDst);
            diffDstShared = Dnnl.same(dataDiffDst, wDiffDst);
            dnnl_memory_desc_t shared = Dnnl.md(p.output, Dnnl.blockedTag());
            diffDstBlocked = Dnnl.same(dataDiffDst, shared) && Dnnl.same(wDiffDst, shared);
            diffDstInW = reorderOrNull(p.userDst, wDiffDst);
            weightsIn = reorderOrNull(p.userWeights, dataWeights);
            weightsAsForward = p.weightsIn != null && Dnnl.same(dataWeights, p.fwdWeights);
            srcInW = reorderOrNull(p.userSrc, wSrc);
            srcAsForward = p.srcIn != null && Dnnl.same(wSrc, p.fwdSrc);
            diffSrcOut = reorderOrNull(diffSrc, p.userSrc);
            diffWeightsOut = reorderOrNull(diffWeights, p.userWeights);
            diffDstBytes = Dnnl.bytes(dataDiffDst);
            diffDstWBytes = Dnnl.bytes(wDiffDst);
            weightsBytes = Dnnl.bytes(dataWeights);
            diffSrcBytes = Dnnl.bytes(diffSrc);
            srcWBytes = Dnnl.bytes(wSrc);
            diffWeightsBytes = Dnnl.bytes(diffWeights);
        }

    }

    ConvPlan(Geometry g) {
        this.geometry = g;
        this.output = g.output();
        userSrc = Dnnl.md(g.input, dnnl_nchw);
        userWeights = Dnnl.md(g.weights, dnnl_oihw);
        userDst = Dnnl.md(output, dnnl_nchw);
        userBias = Dnnl.md(new long[] {g.weights[0]}, dnnl_x);

        dnnl_convolution_desc_t fd = new dnnl_convolution_desc_t();
        Dnnl.check(dnnl_dilated_convolution_forward_desc_init(fd, dnnl_forward_training, dnnl_convolution_direct,
                Dnnl.md(g.input, dnnl_format_tag_any), Dnnl.md(g.weights, dnnl_format_tag_any),
                g.bias ? userBias : null, Dnnl.md(output, dnnl_format_tag_any),
                g.strides, g.dilation, g.padL, g.padR), "convolution forward descriptor");
        fwdPd = Dnnl.primitiveDesc(fd, null, "convolution forward");
        dnnl_memory_desc_t src = Dnnl.query(fwdPd, dnnl_query_src_md);
        fwdSrc = src;
        fwdWeights = Dnnl.query(fwdPd, dnnl_query_weights_md);
        dnnl_memory_desc_t dst = Dnnl.query(fwdPd, dnnl_query_dst_md);
        forward = g.bias
                ? new Prim(fwdPd, new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST},
                        new dnnl_memory_desc_t[] {src, fwdWeights, userBias, dst})
                : new Prim(fwdPd, new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST},
                        new dnnl_memory_desc_t[] {src, fwdWeights, dst});
        srcIn = reorderOrNull(userSrc, src);
        weightsIn = reorderOrNull(userWeights, fwdWeights);
        dstOut = reorderOrNull(dst, userDst);
        dnnl_memory_desc_t shared = Dnnl.md(output, Dnnl.blockedTag());
        dstBlocked = Dnnl.same(dst, shared);
        blockedToUser = Prim.reorder(shared, userDst);
        srcBytes = Dnnl.bytes(src);
        weightsBytes = Dnnl.bytes(fwdWeights);
        dstBytes = Dnnl.bytes(dst);
    }

    static Prim reorderOrNull(dnnl_memory_desc_t from, dnnl_memory_desc_t to) {
        return Dnnl.same(from, to) ? null : Prim.reorder(from, to);
    }

    Backward backward() {
        if (backward == null) {
            backward = new Backward(this);
        }
        return backward;
    }

    /** The implementations oneDNN chose, for tests and logs. */
    String describe() {
        String s = "forward " + forward.implementation;
        if (backward != null) {
            s += ", backward data " + backward.data.implementation + ", backward weights " + backward.weights.implementation;
        }
        return s;
    }
}
