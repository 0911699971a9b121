package io.resnetspark.model.onednn;

/**
 * Per-thread buffers for tensors that live only inside one helper call (a blocked output before its
 * reorder, a gradient on its way back): every layer of a network shares them, so their memory is that
 * of the largest layer, not the sum over layers.
 */
final class Scratch {
    enum Slot { WEIGHTS, DST, DIFF_DST, DIFF_DST_W, DIFF_SRC, DIFF_WEIGHTS, SRC_W, SRC }

    private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);
    private final NativeBuffer[] buffers = new NativeBuffer[Slot.values().length];

    private Scratch() {
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = new NativeBuffer();
        }
    }

    static long address(Slot slot, long bytes) {
        return CURRENT.get().buffers[slot.ordinal()].address(bytes);
    }
}
