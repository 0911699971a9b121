package io.resnetspark.train;

import io.resnetspark.common.UserError;
import io.resnetspark.data.format.BatchTransform;
import io.resnetspark.train.remote.AllReduceEpoch;
import io.resnetspark.train.remote.EpochResult;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.reflect.ClassTag$;
import scala.reflect.ClassTag;

/**
 * Gradient sharing as synchronous data-parallel SGD: per epoch one Spark barrier stage of {@code workers}
 * tasks ({@link AllReduceEpoch}), which average every step's gradient among themselves and end with
 * identical models; rank 0's comes back to the driver.
 *
 * <p>Why not DL4J's {@code SharedTrainingMaster} (dl4j-spark-parameterserver 1.0.0-M2): it sends each
 * worker's update after the updater, quantized to plus or minus a threshold, and every worker applies
 * the sum of all workers' updates (its own code marks averaging as a TODO), so the step grows with the
 * number of workers; batch-norm statistics travel through the same quantization and lag behind; and the
 * driver's network never receives the trained parameters (its result carries only updater state and the
 * score). Averaging exact gradients before one shared updater has none of these problems.
 */
final class SharingMaster implements Master {
    private final Cluster cluster;
    private final ComputationGraph graph;
    private final BatchTransform eval;
    private double probeDifference = Double.NaN;

    /** @param eval normalization only: the probe by which the driver checks the model it receives */
    SharingMaster(Cluster cluster, ComputationGraph graph, BatchTransform eval) {
        this.cluster = cluster;
        this.graph = graph;
        this.eval = eval;
    }

    /** A barrier stage needs every worker running at once, and Spark refuses it under dynamic allocation. */
    static void checkCluster(JavaSparkContext sc, int workers, int slots) {
        if (sc.getConf().getBoolean("spark.dynamicAllocation.enabled", false)) {
            throw new UserError("train.master = sharing runs each epoch as a Spark barrier stage, which Spark does not "
                    + "allow with spark.dynamicAllocation.enabled = true; switch dynamic allocation off for training "
                    + "or use train.master = averaging");
        }
        if (workers > slots) {
            throw new UserError("train.sharing.workers is " + workers + " but the cluster runs only " + slots
                    + " tasks at once, and gradient sharing needs every worker running together; lower "
                    + "train.sharing.workers or add executors");
        }
    }

    @Override
    public double fitEpoch(List<String> order, long seed, LongAccumulator steps) {
        JavaSparkContext sc = cluster.sc();
        TrainSettings s = cluster.settings();
        int workers = cluster.workers();
        Broadcast<byte[]> model = sc.broadcast(serialize(graph));
        Broadcast<String[]> files = sc.broadcast(order.toArray(new String[0]));
        try {
            TrainSettings.Sharing g = s.sharing();
            AllReduceEpoch epoch = new AllReduceEpoch(model, files, cluster.checks(), new AllReduceEpoch.Settings(s.mixFiles(), seed,
                    cluster.transform(), eval, g.prefetch(), g.ports()[0], g.ports()[1], g.timeoutMs(),
                    s.gpuBinding()), cluster.remote(), steps);
            ClassTag<EpochResult> tag = ClassTag$.MODULE$.apply(EpochResult.class);
            RDD<EpochResult> results = sc.parallelize(IntStream.range(0, workers).boxed().toList(), workers).rdd()
                    .barrier().mapPartitions(epoch, false, tag);
            // a shuffle after the barrier stage makes it a map stage: Spark reruns a failed barrier map stage
            // (all of its tasks), but aborts the job when a barrier result stage fails
            List<EpochResult> all = new ArrayList<>(new JavaRDD<>(results, tag).repartition(1).collect());
            all.sort(Comparator.comparingInt(r -> r.rank));
            double score = apply(all);
            checkProbe(order.get(0), all.get(0).probe);
            return score;
        } finally {
            model.destroy();
            files.destroy();
        }
    }

    private double apply(List<EpochResult> all) {
        EpochResult first = all.get(0);
        for (EpochResult r : all) {
            if (r.paramsDigest != first.paramsDigest) {
                throw new IllegalStateException("gradient sharing: worker " + r.rank + " ended the epoch with other "
                        + "parameters than worker 0; the all-reduce lost its synchrony");
            }
        }
        INDArray params = graph.params();
        params.assign(Nd4j.create(first.params, params.shape(), 'c'));
        INDArray state = graph.getUpdater().getStateViewArray();
        if (state != null && first.updaterState.length > 0) {
            state.assign(Nd4j.create(first.updaterState, state.shape(), 'c'));
        }
        graph.getConfiguration().setIterationCount(graph.getConfiguration().getIterationCount() + first.steps);
        double score = first.lossSum / Math.max(1, first.images);
        graph.setScore(score);
        return score;
    }

    /**
     * The driver's network must now score like the workers' on the probe (every parameter, batch-norm
     * statistics included, arrived): anything else would make checkpoints and evaluation differ from what
     * was trained.
     */
    private void checkProbe(String file, float[] workers) {
        float[] driver = graph.outputSingle(false, AllReduceEpoch.probe(cluster.remote().storage(),
                cluster.checks().value(), file, eval)).reshape(-1).toFloatVector();
        double diff = 0;
        for (int i = 0; i < driver.length; i++) {
            diff = Math.max(diff, Math.abs(driver[i] - workers[i]));
        }
        probeDifference = diff;
        if (driver.length != workers.length || diff > 1e-4) {
            throw new IllegalStateException("gradient sharing: the driver's copy of the trained network scores the "
                    + "probe images differently from the workers' (largest difference " + diff + ")");
        }
    }

    /** The largest difference between the driver's and the workers' outputs on the last epoch's probe. */
    double probeDifference() {
        return probeDifference;
    }

    private static byte[] serialize(ComputationGraph graph) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ModelSerializer.writeModel(graph, out, true);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public long steps(int files) {
        return (files + cluster.workers() - 1) / cluster.workers();
    }
}
