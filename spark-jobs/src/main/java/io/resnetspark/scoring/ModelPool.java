package io.resnetspark.scoring;

import io.resnetspark.model.BatchNormFolding;
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
 * Scoring copies may have their batch norms folded into the convolutions ({@link BatchNormFolding}:
 * same outputs, fewer passes over the activations); folded and plain copies are pooled apart.
 */
public final class ModelPool {
    /** The key that switches scoring with batch norms folded into the convolutions (same outputs, faster). */
    public static final String FOLD_BATCH_NORM = "performance.fold-batch-norm";

    private static String currentKey;
    private static ConcurrentLinkedQueue<ComputationGraph> idle = new ConcurrentLinkedQueue<>();

    private ModelPool() {
    }

    /**
     * A network for {@code key} (unique per evaluation), restored from the zip bytes when none is idle.
     * Give it back with the same {@code key} and {@code foldBatchNorm}.
     */
    public static ComputationGraph borrow(String key, Supplier<byte[]> zip, String name, boolean foldBatchNorm) {
        key = poolKey(key, foldBatchNorm);
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
        ComputationGraph loaded = ModelStore.load(new ByteArrayInputStream(zip.get()), name, false).graph();
        return foldBatchNorm ? BatchNormFolding.fold(loaded) : loaded;
    }

    public static void giveBack(String key, boolean foldBatchNorm, ComputationGraph g) {
        key = poolKey(key, foldBatchNorm);
        synchronized (ModelPool.class) {
            if (key.equals(currentKey)) {
                idle.add(g);
            }
        }
    }

    private static String poolKey(String key, boolean foldBatchNorm) {
        return foldBatchNorm ? key + "#bn-folded" : key;
    }
}
