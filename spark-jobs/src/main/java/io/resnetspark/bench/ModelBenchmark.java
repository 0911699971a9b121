package io.resnetspark.bench;

import io.resnetspark.model.BatchNormFolding;
import io.resnetspark.model.OneDnn;
import io.resnetspark.model.Optimization;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * Single-process training or inference speed of one model on random data: what the hardware and
 * DL4J give before Spark adds anything.
 */
public final class ModelBenchmark {
    private ModelBenchmark() {
    }

    /** What to measure besides the model: inference on the BN-folded copy, and the unfolded one beside it. */
    public record Inference(boolean foldBatchNorm, boolean compareUnfolded) {
        public static final Inference PLAIN = new Inference(false, false);
    }

    public static Map<String, Object> run(ResNetOptions options, String what, int batch, int warmup, int iters) {
        return run(options, what, batch, warmup, iters, Inference.PLAIN);
    }

    public static Map<String, Object> run(ResNetOptions options, String what, int batch, int warmup, int iters,
                                          Inference inference) {
        // SGD with momentum, as the PyTorch peer uses, so both sides do the same optimizer work
        ComputationGraph trained = ResNetBuilder.build(options, new Optimization(new Nesterovs(0.01, 0.9), 0, 0));
        boolean train = "train".equals(what);
        boolean fold = !train && inference.foldBatchNorm();
        ComputationGraph g = fold ? BatchNormFolding.fold(trained) : trained;
        // the unfolded network, timed in alternation with the folded one so both see the same machine
        ComputationGraph other = fold && inference.compareUnfolded() ? trained : null;
        OneDnn.Coverage coverage = OneDnn.coverage(g);
        Nd4j.getRandom().setSeed(options.seed());
        INDArray x = Nd4j.randn(DataType.FLOAT, batch, options.channels(), options.height(), options.width());
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, options.classes());
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % options.classes(), 1f);
        }
        DataSet ds = new DataSet(x, y);
        for (int i = 0; i < warmup; i++) {
            step(g, ds, train);
            if (other != null) {
                step(other, ds, false);
            }
        }
        double[] secs = new double[iters];
        double[] otherSecs = new double[iters];
        for (int i = 0; i < iters; i++) {
            long t0 = System.nanoTime();
            step(g, ds, train);
            secs[i] = (System.nanoTime() - t0) / 1e9;
            if (other != null) {
                t0 = System.nanoTime();
                step(other, ds, false);
                otherSecs[i] = (System.nanoTime() - t0) / 1e9;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("what", what);
        m.put("model", options.model());
        m.put("input", options.inputShape());
        m.put("batch", batch);
        m.put("classes", options.classes());
        m.put("warmup", warmup);
        Timings timings = new Timings(secs, batch);
        m.putAll(timings.toMap());
        if (!train) {
            m.put("bn_folded", fold);
        }
        if (other != null) {
            Timings unfolded = new Timings(otherSecs, batch);
            m.put("unfolded", unfolded.toMap());
            m.put("fold_speedup", Timings.round(unfolded.medianSeconds() / timings.medianSeconds()));
        }
        m.put("onednn", Map.of("complete", coverage.complete(), "layers", coverage.layers(),
                "with_helper", coverage.withHelper(), "own_helpers", OneDnn.ownHelpers(g)));
        m.put("rss_mib", Machine.rssMiB());
        m.put("peak_rss_mib", Machine.peakRssMiB());
        m.put("heap_used_mib", (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        m.put("machine", Machine.describe());
        return m;
    }

    private static void step(ComputationGraph g, DataSet ds, boolean train) {
        if (train) {
            g.fit(ds);
        } else {
            g.output(false, ds.getFeatures());
        }
    }
}
