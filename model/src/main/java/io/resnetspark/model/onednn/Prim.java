package io.resnetspark.model.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * One oneDNN primitive with its argument list, made once per shape. Each argument is a oneDNN memory
 * object without data; {@link #bind} points it at an ND4J array or a native buffer just before
 * {@link #run}, so a step costs no allocation and no descriptor work.
 */
final class Prim {
    final dnnl_primitive_desc pd;
    final String implementation;
    private final dnnl_primitive primitive = new dnnl_primitive();
    private final dnnl_exec_arg_t args;
    private final dnnl_memory[] memories;
    private final int[] ids;
    private final Address handle = new Address();

    /** @param ids DNNL_ARG_* of each argument, in the order {@link #bind} numbers them */
    Prim(dnnl_primitive_desc pd, int[] ids, dnnl_memory_desc_t[] mds) {
        this.pd = pd;
        this.ids = ids.clone();
        this.implementation = Dnnl.implementation(pd);
        Dnnl.check(dnnl_primitive_create(primitive, pd), "primitive " + implementation);
        args = new dnnl_exec_arg_t(ids.length);
        memories = new dnnl_memory[ids.length];
        for (int i = 0; i < ids.length; i++) {
            memories[i] = new dnnl_memory();
            Dnnl.check(dnnl_memory_create(memories[i], mds[i], Dnnl.engine(), null), "memory");
            args.position(i).arg(ids[i]).memory(memories[i]);
        }
        args.position(0);
    }

    /** A reorder between two layouts of the same tensor. */
    static Prim reorder(dnnl_memory_desc_t from, dnnl_memory_desc_t to) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        Dnnl.check(dnnl_reorder_primitive_desc_create(pd, from, Dnnl.engine(), to, Dnnl.engine(), null), "reorder");
        return new Prim(pd, new int[] {DNNL_ARG_FROM, DNNL_ARG_TO}, new dnnl_memory_desc_t[] {from, to});
    }

    Prim bind(int slot, long address) {
        Dnnl.check(dnnl_memory_set_data_handle(memories[slot], handle.at(address)), "data handle");
        return this;
    }

    void run() {
        Dnnl.check(dnnl_primitive_execute(primitive, Dnnl.stream(), ids.length, args), implementation);
    }

    /** Runs a reorder from one address to another. */
    void reorder(long from, long to) {
        bind(0, from).bind(1, to).run();
    }
}
