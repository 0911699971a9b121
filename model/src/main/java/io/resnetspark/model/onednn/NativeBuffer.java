package io.resnetspark.model.onednn;

import java.lang.ref.Cleaner;
import org.bytedeco.javacpp.Pointer;

/**
 * Memory beside ND4J's workspaces for tensors in oneDNN's blocked layouts. Aligned to 64 bytes (what
 * oneDNN's kernels want), zeroed once at allocation so steps do not page-fault on it, grown and never
 * shrunk (one buffer serves every shape of its slot), and freed when its owner is collected. Plain
 * malloc rather than a JavaCPP pointer: JavaCPP would count it against -Xmx and refuse large tensors.
 */
final class NativeBuffer {
    private static final long ALIGN = 64;
    private static final Cleaner CLEANER = Cleaner.create();

    /** What the cleaner frees: kept apart from the buffer so that it does not keep the buffer reachable. */
    private static final class Block implements Runnable {
        Pointer raw;

        @Override
        public void run() {
            if (raw != null) {
                Pointer.free(raw);
                raw = null;
            }
        }
    }

    private final Block block = new Block();
    private long address;
    private long capacity;

    NativeBuffer() {
        CLEANER.register(this, block);
    }

    /** The buffer's aligned address, with at least {@code bytes} behind it. */
    long address(long bytes) {
        if (bytes > capacity) {
            block.run();
            Pointer raw = Pointer.malloc(bytes + ALIGN);
            if (raw == null || raw.isNull()) {
                throw new OutOfMemoryError("oneDNN helper: cannot allocate " + bytes + " native bytes");
            }
            Pointer.memset(raw, 0, bytes + ALIGN);
            block.raw = raw;
            address = (raw.address() + ALIGN - 1) & -ALIGN;
            capacity = bytes;
        }
        return address;
    }

    long capacity() {
        return capacity;
    }
}
