package io.resnetspark.model.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import org.bytedeco.dnnl.dnnl_batch_normalization_desc_t;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * The oneDNN batch-norm primitives of one input shape. They run on the channel-blocked layout
 * (nChw8c, or nChw16c with AVX-512): oneDNN's only batch norm for plain NCHW is a slow generic loop
 * (measured 20-100x slower than the blocked JIT kernel here), so a reorder in and out is far cheaper.
 */
final class BatchNormPlan {
    final long[] shape;
    final long dataBytes;
    final Prim toBlocked;
    final Prim fromBlocked;
    final Prim training;
    final Prim inference;
    final dnnl_memory_desc_t blocked;
    private final dnnl_primitive_desc trainingPd;
    private final dnnl_memory_desc_t stats;
    private final float epsilon;
    private Prim backward;

    BatchNormPlan(long[] shape, float epsilon) {
        this.shape = shape.clone();
        this.epsilon = epsilon;
        dnnl_memory_desc_t plain = Dnnl.md(shape, dnnl_nchw);
        blocked = Dnnl.md(shape, Dnnl.blockedTag());
        stats = Dnnl.md(new long[] {shape[1]}, dnnl_x);
        dataBytes = Dnnl.bytes(blocked);
        toBlocked = Prim.reorder(plain, blocked);
        fromBlocked = Prim.reorder(blocked, plain);

        dnnl_batch_normalization_desc_t t = new dnnl_batch_normalization_desc_t();
        Dnnl.check(dnnl_batch_normalization_forward_desc_init(t, dnnl_forward_training, blocked, epsilon,
                dnnl_use_scale | dnnl_use_shift), "batch norm training descriptor");
        trainingPd = Dnnl.primitiveDesc(t, null, "batch norm training");
        training = new Prim(trainingPd,
                new int[] {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE, DNNL_ARG_SCALE, DNNL_ARG_SHIFT},
                new dnnl_memory_desc_t[] {blocked, blocked, stats, stats, stats, stats});

        dnnl_batch_normalization_desc_t i = new dnnl_batch_normalization_desc_t();
        Dnnl.check(dnnl_batch_normalization_forward_desc_init(i, dnnl_forward_inference, blocked, epsilon,
                dnnl_use_global_stats | dnnl_use_scale | dnnl_use_shift), "batch norm inference descriptor");
        inference = new Prim(Dnnl.primitiveDesc(i, null, "batch norm inference"),
                new int[] {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE, DNNL_ARG_SCALE, DNNL_ARG_SHIFT},
                new dnnl_memory_desc_t[] {blocked, blocked, stats, stats, stats, stats});
    }

    /**
     * Arguments: src, mean, variance, diff_dst, scale, diff_src, diff_scale, diff_shift, shift. oneDNN 2.5
     * counts the shift among the backward's inputs when the forward had one, and refuses the call without it.
     */
    Prim backward() {
        if (backward == null) {
            dnnl_batch_normalization_desc_t b = new dnnl_batch_normalization_desc_t();
            Dnnl.check(dnnl_batch_normalization_backward_desc_init(b, dnnl_backward, blocked, blocked, epsilon,
                    dnnl_use_scale | dnnl_use_shift), "batch norm backward descriptor");
            backward = new Prim(Dnnl.primitiveDesc(b, trainingPd, "batch norm backward"),
                    new int[] {DNNL_ARG_SRC, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE, DNNL_ARG_DIFF_DST, DNNL_ARG_SCALE,
                            DNNL_ARG_DIFF_SRC, DNNL_ARG_DIFF_SCALE, DNNL_ARG_DIFF_SHIFT, DNNL_ARG_SHIFT},
                    new dnnl_memory_desc_t[] {blocked, stats, stats, blocked, stats, blocked, stats, stats, stats});
        }
        return backward;
    }

    String describe() {
        return "training " + training.implementation + ", inference " + inference.implementation
                + (backward == null ? "" : ", backward " + backward.implementation);
    }
}
