package io.resnetspark.train;

import io.resnetspark.executor.FreePortSupplier;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.FixedThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.TargetSparsityThresholdAlgorithm;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.repartitioner.EqualRepartitioner;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;

/**
 * Builds the training master the config asks for ({@code train.master}), with the workarounds that
 * dl4j-spark 1.0.0-M2 needs to train at all on a real cluster.
 *
 * <p>Batch size per worker is always the minibatch file size: with {@code fitPaths} each loaded file is
 * one DataSet that a worker fits whole, and DL4J uses batchSizePerWorker only to count how many files
 * make one averaging round ({@code frequency * batchSizePerWorker / examplesPerDataSet} per worker);
 * any other value would make that count, and the logged examples, wrong.
 */
public final class TrainingMasters {
    public static final String AERON_UNBLOCK = "aeron.publication.unblock.timeout";

    private TrainingMasters() {
    }

    /** @param driverHost the driver's address (spark.driver.host), the controller when none is configured */
    public static TrainingMaster<?, ?> create(TrainSettings s, int workers, int batch, String driverHost) {
        return s.master().equals("sharing") ? sharing(s, workers, batch, driverHost) : averaging(s, workers, batch);
    }

    /** Parameter averaging. numWorkers must be given: with a ComputationGraph, fitPaths dereferences it (NPE). */
    public static ParameterAveragingTrainingMaster averaging(TrainSettings s, int workers, int batch) {
        TrainSettings.Averaging a = s.averaging();
        return new ParameterAveragingTrainingMaster.Builder(workers, batch)
                .batchSizePerWorker(batch)
                .averagingFrequency(a.frequency())
                .workerPrefetchNumBatches(a.prefetch())
                .aggregationDepth(a.aggregationDepth())
                .saveUpdater(true)
                .rngSeed(s.seed())
                .build();
    }

    public static SharedTrainingMaster sharing(TrainSettings s, int workers, int batch, String driverHost) {
        TrainSettings.Sharing g = s.sharing();
        VoidConfiguration.VoidConfigurationBuilder v = VoidConfiguration.builder()
                .unicastPort(g.controllerPort())
                // DL4J's StaticPortSupplier would bind UDP 49876 in every JVM (see FreePortSupplier)
                .portSupplier(new FreePortSupplier(g.portFrom(), g.portTo()));
        if (!g.networkMask().isEmpty()) {
            v.networkMask(g.networkMask());
        }
        // DL4J itself only looks at SPARK_PUBLIC_DNS, the network mask and DL4J_VOID_IP, and fails without them
        String controller = !g.controllerAddress().isEmpty() ? g.controllerAddress()
                : g.networkMask().isEmpty() ? driverHost : null;
        if (controller != null && !controller.isEmpty()) {
            v.controllerAddress(controller);
        }
        VoidConfiguration voidConf = v.build();
        voidConf.setUnicastControllerPort(g.controllerPort());
        return new SharedTrainingMaster.Builder(voidConf, workers, threshold(g), batch)
                .batchSizePerWorker(batch)
                // one training thread per executor task: several would share one JVM's model and accumulator
                .workersPerNode(1)
                .workerPrefetchNumBatches(g.prefetch())
                // one partition (one task) per worker and epoch: the default repartitioner makes one task per
                // file, and each task ends a training session on the executor (updates are bypassed and the
                // residuals reset between sessions, and the network's epoch counter advances per session)
                .repartitioner(new EqualRepartitioner())
                .rngSeed(s.seed())
                .build();
    }

    static ThresholdAlgorithm threshold(TrainSettings.Sharing g) {
        return switch (g.thresholdAlgorithm()) {
            case "fixed" -> new FixedThresholdAlgorithm(g.threshold());
            case "target-sparsity" -> new TargetSparsityThresholdAlgorithm(g.threshold(), g.targetSparsity(),
                    g.decayRate());
            default -> new AdaptiveThresholdAlgorithm(g.threshold(), g.minSparsity(), g.maxSparsity(), g.decayRate());
        };
    }

    /**
     * Spark settings the master needs on top of the user's: for gradient sharing, Aeron's unblock timeout
     * on the executors (appended to any extraJavaOptions the user or spark-submit gave) and Hadoop's
     * tmp dir (the master's exportDirectory is ignored).
     *
     * @param existingExecutorOptions spark.executor.extraJavaOptions as already configured, or null
     */
    public static Map<String, String> sparkSettings(TrainSettings s, String existingExecutorOptions) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!s.master().equals("sharing")) {
            return out;
        }
        String flag = "-D" + AERON_UNBLOCK + "=" + s.sharing().aeronUnblockTimeoutNs();
        String existing = existingExecutorOptions == null ? "" : existingExecutorOptions.trim();
        if (!existing.contains("-D" + AERON_UNBLOCK + "=")) {
            out.put("spark.executor.extraJavaOptions", (existing + " " + flag).trim());
        }
        if (!s.sharing().tmpDir().isEmpty()) {
            out.put("spark.hadoop.hadoop.tmp.dir", s.sharing().tmpDir());
        }
        return out;
    }

    /** The driver side of the Aeron workaround: the driver JVM runs the controller's media driver. */
    public static void configureDriver(TrainSettings s) {
        if (s.master().equals("sharing") && System.getProperty(AERON_UNBLOCK) == null) {
            System.setProperty(AERON_UNBLOCK, Long.toString(s.sharing().aeronUnblockTimeoutNs()));
        }
    }
}
