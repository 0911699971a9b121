package io.resnetspark.train;

import io.resnetspark.data.Manifest;
import io.resnetspark.data.format.BatchChecksums;
import io.resnetspark.data.format.BatchTransform;
import io.resnetspark.data.remote.MinibatchLoader;
import io.resnetspark.spark.GpuBoundLoader;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;

/**
 * Top-1 and top-5 of the driver's network on the val or test files, scored on the cluster with DL4J's
 * distributed evaluation, whichever master trains it.
 */
final class Validation {
    /** Accuracies of one split. */
    record Scores(double top1, double top5) {
    }

    private final JavaSparkContext sc;
    private final SparkComputationGraph net;
    private final int workers;
    private final int batch;
    private final Evaluation template;
    private final DataSetLoader loader;

    Validation(JavaSparkContext sc, ComputationGraph graph, TrainSettings s, int workers, int batch, Manifest manifest,
               Broadcast<BatchChecksums> checks) {
        this.sc = sc;
        this.net = new SparkComputationGraph(sc, graph, AveragingMaster.builder(s, workers, batch).build());
        this.workers = workers;
        this.batch = batch;
        this.template = new Evaluation(manifest.classes(), Math.min(5, manifest.classes().size()));
        DataSetLoader l = new MinibatchLoader(BatchTransform.eval(manifest.normalization()), 0, checks);
        this.loader = s.gpuBinding() ? new GpuBoundLoader(l) : l;
    }

    /** The scores of {@code files}; null when there are none. */
    Scores score(List<String> files) {
        if (files.isEmpty()) {
            return null;
        }
        Evaluation e = (Evaluation) net.doEvaluation(sc.parallelize(files, Math.max(1, Math.min(workers, files.size()))),
                workers, batch, loader, template.newInstance())[0];
        return new Scores(e.accuracy(), e.topNAccuracy());
    }
}
