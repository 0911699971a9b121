package io.resnetspark.train;

import io.resnetspark.data.BatchTransform;
import io.resnetspark.data.MixedBatch;
import io.resnetspark.data.MixingLoader;
import io.resnetspark.data.RemoteStorage;
import io.resnetspark.executor.GpuBoundLoader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;

/**
 * Parameter averaging with DL4J's Spark master: each worker fits {@code train.averaging.frequency}
 * minibatches from the current parameters, then the driver averages parameters, updater state and
 * batch-norm statistics, round after round ({@link RoundsInOrder}).
 */
final class AveragingMaster implements Master {
    private final JavaSparkContext sc;
    private final SparkComputationGraph net;
    private final RoundsInOrder rounds;
    private final TrainSettings s;
    private final int workers;
    private final int batch;
    private final BatchTransform transform;
    private final RemoteStorage remote;

    AveragingMaster(JavaSparkContext sc, ComputationGraph graph, TrainSettings s, int workers, int batch,
                    BatchTransform transform, RemoteStorage remote) {
        this.sc = sc;
        this.s = s;
        this.workers = workers;
        this.batch = batch;
        this.transform = transform;
        this.remote = remote;
        this.rounds = new RoundsInOrder(builder(s, workers, batch));
        this.net = new SparkComputationGraph(sc, graph, rounds);
    }

    /**
     * DL4J's settings. numWorkers must be given: with a ComputationGraph, fitPaths dereferences it (NPE).
     * The batch size per worker is the minibatch file size: DL4J uses it only to count how many files make
     * one averaging round ({@code frequency * batchSizePerWorker / examplesPerFile} per worker).
     */
    static ParameterAveragingTrainingMaster.Builder builder(TrainSettings s, int workers, int batch) {
        TrainSettings.Averaging a = s.averaging();
        return new ParameterAveragingTrainingMaster.Builder(workers, batch)
                .batchSizePerWorker(batch)
                .averagingFrequency(a.frequency())
                .workerPrefetchNumBatches(a.prefetch())
                .aggregationDepth(a.aggregationDepth())
                .repartionData(Repartition.Never)
                .saveUpdater(true)
                .rngSeed(s.seed());
    }

    @Override
    public double fitEpoch(List<String> order, long seed, LongAccumulator steps) {
        Map<String, MixedBatch> plan = new HashMap<>(MixedBatch.perFile(rounds.units(order, batch), s.mixFiles()));
        Broadcast<Map<String, MixedBatch>> shared = sc.broadcast(plan);
        try {
            DataSetLoader loader = new MixingLoader(shared, transform, seed, remote);
            if (s.gpuBinding()) {
                loader = new GpuBoundLoader(loader);
            }
            net.fitPaths(sc.parallelize(order, Math.max(1, Math.min(workers, order.size()))),
                    new CountingLoader(loader, steps));
        } finally {
            shared.destroy();
        }
        return net.getScore();
    }

    @Override
    public long steps(int files) {
        return files;
    }
}
