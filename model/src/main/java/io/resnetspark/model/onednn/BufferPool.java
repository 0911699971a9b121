package io.resnetspark.model.onednn;

import java.util.ArrayDeque;

/**
 * Per-thread buffers lent from one helper to another: a batch norm's blocked input gradient waits in
 * one until its convolution's backward takes it, and other layers may run in between. Usually one or
 * two are out at a time, so the pool stays that small.
 */
final class BufferPool {
    private static final ThreadLocal<ArrayDeque<NativeBuffer>> FREE = ThreadLocal.withInitial(ArrayDeque::new);

    private BufferPool() {
    }

    static NativeBuffer take() {
        NativeBuffer b = FREE.get().poll();
        return b == null ? new NativeBuffer() : b;
    }

    static void give(NativeBuffer b) {
        if (b != null) {
            FREE.get().push(b);
        }
    }
}
