package io.resnetspark.executor;

import io.resnetspark.model.ModelStore;
import java.io.ByteArrayInputStream;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Networks restored on this executor JVM, reused across the partitions of one evaluation. A
 * ComputationGraph is not safe for concurrent inference, so each running task borrows its own copy;
 * restoring ResNet-50 costs seconds, so copies go back to the pool instead of being dropped.
 * Only the newest model is kept: an evaluation that starts frees the copies of the previous one.
 */
public final class ModelPool {
    private static String currentKey;
    private static ConcurrentLinkedQueue<ComputationGraph> idle = new ConcurrentLinkedQueue<>();

    private ModelPool() {
    }

    /** A network for {@code key} (unique per evaluation), restored from the zip bytes when none is idle. */
    public static ComputationGraph borrow(String key, Supplier<byte[]> zip, String name) {
        ConcurrentLinkedQueue<ComputationGraph> queue;
        synchronized (ModelPool.class) {
            if (!key.equals(currentKey)) {
                currentKey = key;
                idle = new ConcurrentLinkedQueue<>();
            }
            queue = idle;
        }
        ComputationGraph g = queue.poll();
        if (g != null) {
            return g;
        }
        return ModelStore.load(new ByteArrayInputStream(zip.get()), name, false).graph();
    }

    public static void giveBack(String key, ComputationGraph g) {
        synchronized (ModelPool.class) {
            if (key.equals(currentKey)) {
                idle.add(g);
            }
        }
    }
}
