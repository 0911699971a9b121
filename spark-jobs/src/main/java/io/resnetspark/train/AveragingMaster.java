package io.resnetspark.train;

import io.resnetspark.data.format.MixedBatch;
import io.resnetspark.data.remote.MixingLoader;
import io.resnetspark.spark.GpuBoundLoader;
import io.resnetspark.train.remote.CountingLoader;
import io.resnetspark.train.remote.OwnHelpersHook;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    private final Cluster cluster;
    private final SparkComputationGraph net;
    private final RoundsInOrder rounds;
    private final int batch;

    AveragingMaster(Cluster cluster, ComputationGraph graph, int batch) {
        this.cluster = cluster;
        this.batch = batch;
        this.rounds = new RoundsInOrder(builder(cluster.settings(), cluster.workers(), batch));
        this.net = new SparkComputationGraph(cluster.sc(), graph, rounds);
    }

    /**
     * DL4J's settings. numWorkers must be given: with a ComputationGraph, fitPaths dereferences it (NPE).
     * The batch size per worker is the minibatch file size: DL4J uses it only to count how many files make
     * one averaging round ({@code frequency * batchSizePerWorker / examplesPerFile} per worker). The hook
     * gives the workers' network copies the project's oneDNN helpers.
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
                .rngSeed(s.seed())
                .trainingHooks(new OwnHelpersHook());
    }

    @Override
    public double fitEpoch(List<String> order, long seed, LongAccumulator steps) {
        TrainSettings s = cluster.settings();
        Map<String, MixedBatch> plan = new HashMap<>(MixedBatch.perFile(rounds.units(order, batch), s.mixFiles()));
        Broadcast<Map<String, MixedBatch>> shared = cluster.sc().broadcast(plan);
        try {
            DataSetLoader loader = new MixingLoader(shared, cluster.checks(), cluster.transform(), seed,
                    cluster.remote());
            if (s.gpuBinding()) {
                loader = new GpuBoundLoader(loader);
            }
            net.fitPaths(cluster.sc().parallelize(order, Math.max(1, Math.min(cluster.workers(), order.size()))),
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
