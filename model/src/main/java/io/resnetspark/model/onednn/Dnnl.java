package io.resnetspark.model.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The process's oneDNN (JavaCPP's presets, a library apart from the one inside libnd4j): one CPU engine,
 * one stream per thread, and the few C API calls the helpers share. The C API is used rather than the
 * C++ wrappers so that every native object is created once and kept, with nothing allocated per call.
 */
public final class Dnnl {
    private static final dnnl_engine ENGINE;
    private static final ThreadLocal<dnnl_stream> STREAM;
    private static final String VERSION;

    static {
        Loader.load(org.bytedeco.dnnl.global.dnnl.class);
        ENGINE = new dnnl_engine();
        check(dnnl_engine_create(ENGINE, dnnl_cpu, 0), "engine");
        STREAM = ThreadLocal.withInitial(() -> {
            dnnl_stream s = new dnnl_stream();
            check(dnnl_stream_create(s, ENGINE, dnnl_stream_default_flags), "stream");
            return s;
        });
        dnnl_version_t v = dnnl_version();
        VERSION = v.major() + "." + v.minor() + "." + v.patch();
    }

    private Dnnl() {
    }

    /** Loads the library (once); throws when its natives are missing, so callers can fall back. */
    public static String version() {
        return VERSION;
    }

    /** True when oneDNN runs its AVX-512 kernels (they block channels by 16 instead of 8). */
    static boolean wideVectors() {
        int isa = dnnl_get_effective_cpu_isa();
        return (isa & dnnl_cpu_isa_avx512_core) == dnnl_cpu_isa_avx512_core;
    }

    /** The channel-blocked layout the helpers exchange tensors in: what oneDNN's kernels use on this CPU. */
    static int blockedTag() {
        return wideVectors() ? dnnl_nChw16c : dnnl_nChw8c;
    }

    /** oneDNN's name for the instruction set it dispatches to, e.g. "avx2" or "avx512_core". */
    public static String isa() {
        int isa = dnnl_get_effective_cpu_isa();
        if ((isa & dnnl_cpu_isa_avx512_core) == dnnl_cpu_isa_avx512_core) {
            return isa == dnnl_cpu_isa_avx512_core ? "avx512_core" : "avx512_core+";
        }
        if ((isa & dnnl_cpu_isa_avx2) == dnnl_cpu_isa_avx2) {
            return "avx2";
        }
        return "pre-avx2";
    }

    static dnnl_engine engine() {
        return ENGINE;
    }

    static dnnl_stream stream() {
        return STREAM.get();
    }

    static void check(int status, String what) {
        if (status != dnnl_success) {
            throw new OneDnnException("oneDNN " + what + " failed with status " + status);
        }
    }

    /** A plain (dense, row-major) f32 descriptor, or a "let the primitive choose" one with {@code any}. */
    static dnnl_memory_desc_t md(long[] dims, int tag) {
        dnnl_memory_desc_t md = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_tag(md, dims.length, dims, dnnl_f32, tag), "memory descriptor");
        return md;
    }

    /** The descriptor of an array as it lies in memory (any strides), so views need no copy. */
    static dnnl_memory_desc_t md(INDArray a) {
        if (a.dataType() != DataType.FLOAT) {
            throw new OneDnnException("oneDNN helpers take float arrays, got " + a.dataType());
        }
        dnnl_memory_desc_t md = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_strides(md, a.rank(), a.shape(), dnnl_f32, a.stride()), "strided memory descriptor");
        return md;
    }

    /**
     * True when an array lies in memory as a plain row-major array of its shape (strides of size-1
     * dimensions do not matter: ND4J gives views odd ones there), so a plain descriptor describes it.
     */
    static boolean rowMajor(INDArray a) {
        long expected = 1;
        long[] shape = a.shape();
        long[] stride = a.stride();
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /** The array itself when it is row-major, else a row-major copy (in the current workspace). */
    static INDArray rowMajorOrCopy(INDArray a) {
        return rowMajor(a) ? a : a.dup('c');
    }

    /** Address of an array's first element (ND4J keeps a view's offset apart from its buffer's address). */
    static long address(INDArray a) {
        return a.data().address() + a.offset() * a.data().getElementSize();
    }

    static dnnl_primitive_desc primitiveDesc(Pointer opDesc, dnnl_primitive_desc hint, String what) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        check(dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(opDesc), null, ENGINE, hint), what);
        return pd;
    }

    /** A copy of one of a primitive's memory descriptors (the query's answer lives only as long as the pd). */
    static dnnl_memory_desc_t query(dnnl_primitive_desc pd, int what) {
        dnnl_memory_desc_t md = dnnl_primitive_desc_query_md(pd, what, 0);
        if (md == null || md.isNull()) {
            return null;
        }
        dnnl_memory_desc_t copy = new dnnl_memory_desc_t();
        Pointer.memcpy(copy, md, copy.sizeof());
        return copy;
    }

    static boolean same(dnnl_memory_desc_t a, dnnl_memory_desc_t b) {
        return dnnl_memory_desc_equal(a, b) != 0;
    }

    static long bytes(dnnl_memory_desc_t md) {
        return dnnl_memory_desc_get_size(md);
    }

    /** The implementation oneDNN picked, e.g. "jit:avx2" or "ncsp_bnorm:any". */
    static String implementation(dnnl_primitive_desc pd) {
        PointerPointer<BytePointer> out = new PointerPointer<>(1);
        check(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, out), "implementation query");
        return out.getString(0);
    }
}
