package io.resnetspark.train;

import io.resnetspark.cli.Progress;
import io.resnetspark.config.JobConfig;
import io.resnetspark.config.ModelSettings;
import io.resnetspark.config.UserError;
import io.resnetspark.data.Augmentation;
import io.resnetspark.data.BatchTransform;
import io.resnetspark.data.Manifest;
import io.resnetspark.data.MinibatchLoader;
import io.resnetspark.data.RemoteStorage;
import io.resnetspark.executor.GpuBoundLoader;
import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.spark.SparkSetup;
import io.resnetspark.storage.Storage;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * The driver side of {@code train}: per epoch, fit the shuffled train files with the configured master
 * ({@code fitPaths}), evaluate top-1/top-5 on the val files on the cluster, append a metrics line and
 * write a checkpoint. Resumes from the newest complete checkpoint; stops on a non-finite loss.
 */
public final class Trainer {
    /** What a run ended with. */
    public record Result(boolean alreadyTrained, int epochsDone, boolean complete, Path run) {
    }

    private final JobConfig config;
    private final TrainSettings s;
    private final Storage storage;
    private final PrintStream console;

    public Trainer(JobConfig config, PrintStream console) {
        this.config = config;
        this.s = TrainSettings.from(config);
        this.storage = new Storage(SparkSetup.hadoop(config));
        this.console = console;
    }

    public Result run() throws IOException {
        Path data = Storage.path(s.data());
        Path run = Storage.path(s.run());
        Manifest manifest = readManifest(data);
        ResNetOptions options = ModelSettings.options(config, manifest.classes().size(), manifest.channels(),
                manifest.height(), manifest.width());
        List<String> trainFiles = files(data, "train");
        if (trainFiles.isEmpty()) {
            throw new UserError("the prepared data " + data + " has no train minibatch files (" + data + "/train)");
        }
        List<String> valFiles = files(data, "val");
        List<String> testFiles = s.trackTest() ? files(data, "test") : List.of();
        if (s.trackTest() && testFiles.isEmpty()) {
            throw new UserError("train.track-test is on but the prepared data " + data + " has no test minibatch files ("
                    + data + "/test)");
        }

        Checkpoints checkpoints = new Checkpoints(storage, run);
        MetricsLog metrics = new MetricsLog(storage, run);
        if (storage.committed(run)) {
            console.println("[train] " + run + " is already trained (" + Storage.SUCCESS + " exists); nothing to do");
            return new Result(true, s.epochs(), true, run);
        }
        // temporaries of a save that was cut short: never complete, and as large as a checkpoint
        storage.deleteTemporaries(run);
        storage.deleteTemporaries(checkpoints.dir());
        OptionalInt newest = checkpoints.newestEpoch();
        if (newest.isPresent() && !s.resume()) {
            throw new UserError("run directory " + run + " already has checkpoints up to epoch " + newest.getAsInt()
                    + "; pass --resume to continue it, or choose another --run");
        }
        int start = newest.orElse(0);
        List<Map<String, Object>> history = metrics.trimTo(start);
        if (start > 0 && checkpoints.restoreAliases(start, bestEpoch(history, start))) {
            console.println("[train] best.zip and last.zip restored from the checkpoints (the last save was cut"
                    + " short)");
        }
        if (start >= s.epochs()) {
            storage.markCommitted(run);
            return new Result(false, start, true, run);
        }

        SparkSession session = SparkSetup.start(config, "train");
        try {
            JavaSparkContext sc = SparkSetup.context(session);
            // tasks that run at once: one training worker each (spark.task.cpus may give a task all cores)
            int slots = Math.max(1, sc.defaultParallelism() / sc.getConf().getInt("spark.task.cpus", 1));
            int workers = s.configuredWorkers() > 0 ? s.configuredWorkers() : slots;
            if (s.master() == TrainSettings.MasterKind.SHARING) {
                SharingMaster.checkCluster(sc, workers, slots);
            }
            int batch = manifest.batchSize();
            double baseLr = s.baseLr(batch * workers);
            ISchedule lr = s.schedule().toDl4j(baseLr, start, s.epochs());

            ComputationGraph graph;
            long iteration;
            if (start > 0) {
                ModelStore.Loaded loaded = checkpoints.load(start);
                graph = loaded.graph();
                if (!loaded.metadata().options().model().equals(options.model())) {
                    throw new UserError("run directory " + run + " holds a " + loaded.metadata().options().model()
                            + " model, but model.name is " + options.model() + "; resume with the same model");
                }
                // this invocation's schedule wins (epochs or lr may have been changed for the rest of the run)
                graph.setLearningRate(lr);
                iteration = ((Number) loaded.metadata().training().getOrDefault("iteration", 0)).longValue();
                console.println("[train] resuming " + run + " after epoch " + start);
            } else if (!config.getString("train.init-from").isBlank()) {
                graph = WarmStart.from(storage, config.getString("train.init-from"), options, manifest.classes(),
                        Optimizers.of(s.optimizer(), lr));
                iteration = 0;
                console.println("[train] warm start from " + config.getString("train.init-from"));
            } else {
                graph = ResNetBuilder.build(options, Optimizers.of(s.optimizer(), lr));
                iteration = 0;
            }
            RemoteStorage remote = new RemoteStorage(SparkSetup.executorHadoopSettings(session, config));
            BatchTransform augment = new BatchTransform(manifest.normalization(),
                    new Augmentation(s.padCrop(), s.flip()));
            // evaluation scores the driver's network on the cluster, whichever master trains it
            SparkComputationGraph net = new SparkComputationGraph(sc, graph,
                    AveragingMaster.builder(s, workers, batch).build());
            Master master = s.master() == TrainSettings.MasterKind.SHARING
                    ? new SharingMaster(sc, graph, s, workers, augment, BatchTransform.eval(manifest.normalization()),
                            remote)
                    : new AveragingMaster(sc, graph, s, workers, batch, augment, remote);
            ModelMetadata base = ModelMetadata.of(options, manifest.classes(), manifest.normalization());
            Evaluation template = new Evaluation(manifest.classes(), Math.min(5, manifest.classes().size()));
            double bestTop1 = history.stream().map(l -> l.get("val_top1")).filter(v -> v instanceof Number)
                    .mapToDouble(v -> ((Number) v).doubleValue()).max().orElse(Double.NEGATIVE_INFINITY);
            double elapsedBefore = history.isEmpty() ? 0
                    : ((Number) history.get(history.size() - 1).getOrDefault("elapsed_seconds", 0)).doubleValue();
            long t0 = System.nanoTime();
            Progress progress = new Progress("train", "epochs", s.epochs(), console);
            int ran = 0;
            int epoch = start;
            while (epoch < s.epochs() && (s.stopAfterEpochs() == 0 || ran < s.stopAfterEpochs())) {
                epoch++;
                double epochLr = s.schedule().lr(baseLr, epoch - 1, s.epochs());
                // see LrSchedule: workers only see a rate set on the driver's network, which both masters ship
                graph.setLearningRate(epochLr);
                // DL4J's own 0-based epoch counter, kept right in the saved models for other DL4J tools
                graph.getConfiguration().setEpochCount(epoch - 1);
                List<String> order = new ArrayList<>(trainFiles);
                Collections.shuffle(order, new Random(s.seed() * 1_000_003L + epoch));
                long e0 = System.nanoTime();
                LongAccumulator steps = sc.sc().longAccumulator("train steps");
                long planned = master.steps(order.size());
                double loss;
                try (LiveCount live = LiveCount.of(sc.sc(), steps);
                     EpochProgress p = new EpochProgress(epoch, s.epochs(), planned,
                             images(manifest, order.size(), batch) / (double) planned, live, console)) {
                    loss = master.fitEpoch(order, s.seed() * 1000L + epoch, steps);
                }
                double fitSeconds = (System.nanoTime() - e0) / 1e9;
                iteration += planned;
                checkFinite(graph, loss, epoch, iteration, epochLr);
                // DL4J's score adds the L2 / weight-decay penalty to the data loss; the penalty can dominate
                // (a 56-layer plain network's weights grew ~38x in squared norm: penalty 34, data loss 0.55),
                // so the two are logged apart. The penalty is the averaged network's, the score the workers'
                // last minibatch's: the difference is approximate, as the score itself is one minibatch's.
                double penalty = graph.calcRegularizationScore(true);
                loss -= penalty;

                Evaluation val = score(sc, net, valFiles, workers, batch, manifest, template);
                Double top1 = val == null ? null : val.accuracy();
                Double top5 = val == null ? null : val.topNAccuracy();
                Evaluation test = s.trackTest() ? score(sc, net, testFiles, workers, batch, manifest, template) : null;
                long images = images(manifest, order.size(), batch);
                double epochSeconds = (System.nanoTime() - e0) / 1e9;
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("epoch", epoch);
                line.put("iteration", iteration);
                line.put("train_loss", loss);
                line.put("weight_penalty", penalty);
                line.put("val_top1", top1);
                line.put("val_top5", top5);
                if (test != null) {
                    line.put("test_top1", test.accuracy());
                    line.put("test_top5", test.topNAccuracy());
                }
                line.put("images_per_sec", images / fitSeconds);
                line.put("lr", epochLr);
                line.put("epoch_seconds", epochSeconds);
                line.put("elapsed_seconds", elapsedBefore + (System.nanoTime() - t0) / 1e9);
                line.put("master", s.master().key());
                line.put("workers", workers);
                line.put("global_batch", batch * workers);
                // metrics first: a crash before the checkpoint below only means this epoch is trained again
                metrics.append(line);
                boolean best = top1 == null || top1 > bestTop1;
                if (top1 != null && top1 > bestTop1) {
                    bestTop1 = top1;
                }
                checkpoints.save(graph, base.withTraining(training(data, run, epoch, iteration, line)),
                        epoch, best);
                ran++;
                progress.update(epoch, String.format(Locale.ROOT, "loss %.4f, val top-1 %s%s, %.1f img/s, lr %.4g",
                        loss, top1 == null ? "-" : String.format(Locale.ROOT, "%.3f", top1),
                        test == null ? "" : String.format(Locale.ROOT, ", test top-1 %.3f", test.accuracy()),
                        images / fitSeconds, epochLr));
            }
            boolean complete = epoch >= s.epochs();
            if (complete) {
                storage.markCommitted(run);
            } else {
                console.println("[train] stopped after epoch " + epoch + " of " + s.epochs()
                        + " (train.stop-after-epochs); continue with --resume");
            }
            return new Result(false, epoch, complete, run);
        } finally {
            session.stop();
        }
    }

    /** Top-1/top-5 of the current network on {@code files}, scored on the cluster; null when there are none. */
    private Evaluation score(JavaSparkContext sc, SparkComputationGraph net, List<String> files, int workers, int batch,
                             Manifest manifest, Evaluation template) {
        if (files.isEmpty()) {
            return null;
        }
        return (Evaluation) net.doEvaluation(sc.parallelize(files, Math.max(1, Math.min(workers, files.size()))),
                workers, batch, loader(manifest, Augmentation.none(), 0), template.newInstance())[0];
    }

    private DataSetLoader loader(Manifest manifest, Augmentation augmentation, int epoch) {
        DataSetLoader l = new MinibatchLoader(new BatchTransform(manifest.normalization(), augmentation),
                s.seed() * 1000L + epoch);
        return s.gpuBinding() ? new GpuBoundLoader(l) : l;
    }

    /** Train images of the data set: the manifest's count (files times batch for hand-made data without one). */
    private static long images(Manifest manifest, int files, int batch) {
        return manifest.splits() != null && manifest.splits().get("train") != null
                ? manifest.splits().get("train").images() : (long) files * batch;
    }

    private Map<String, Object> training(Path data, Path run, int epoch, long iteration, Map<String, Object> line) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("data", data.toString());
        t.put("run", run.toString());
        t.put("epoch", epoch);
        t.put("iteration", iteration);
        t.put("seed", s.seed());
        t.put("model_seed", config.getLong("model.seed"));
        t.put("val_top1", line.get("val_top1"));
        t.put("val_top5", line.get("val_top5"));
        t.put("train_loss", line.get("train_loss"));
        t.put("lr", line.get("lr"));
        t.put("master", s.master().key());
        t.put("epochs", s.epochs());
        t.put("config", config.asMap());
        return t;
    }

    /** The epoch best.zip stands for, by the rule the epoch loop applies; {@code fallback} without metrics. */
    static int bestEpoch(List<Map<String, Object>> history, int fallback) {
        int best = fallback;
        double bestTop1 = Double.NEGATIVE_INFINITY;
        for (Map<String, Object> line : history) {
            int epoch = ((Number) line.get("epoch")).intValue();
            Object top1 = line.get("val_top1");
            if (!(top1 instanceof Number)) {
                best = epoch;
            } else if (((Number) top1).doubleValue() > bestTop1) {
                bestTop1 = ((Number) top1).doubleValue();
                best = epoch;
            }
        }
        return best;
    }

    static void checkFinite(ComputationGraph graph, double loss, int epoch, long iteration, double lr) {
        INDArray params = graph.params();
        boolean badParams = BooleanIndexing.or(params, Conditions.isNan())
                || BooleanIndexing.or(params, Conditions.isInfinite());
        if (!Double.isFinite(loss) || badParams) {
            throw new UserError(String.format(Locale.ROOT, "training diverged in epoch %d (by iteration %d): %s at "
                            + "learning rate %.4g; the checkpoints of earlier epochs are kept; lower train.optimizer.lr "
                            + "(or add train.schedule.warmup-epochs) and start a new run", epoch, iteration,
                    Double.isFinite(loss) ? "the weights hold NaN or infinite values" : "the loss is " + loss, lr));
        }
    }

    private Manifest readManifest(Path data) {
        Path m = new Path(data, Manifest.FILE);
        if (!storage.exists(m)) {
            throw new UserError("no prepared data at " + data + " (" + Manifest.FILE + " is missing; run prepare first)");
        }
        try {
            return ModelStore.JSON.readValue(storage.readBytes(m), Manifest.class);
        } catch (IOException e) {
            throw new UserError(m + " is not a valid manifest: " + e.getMessage());
        }
    }

    private List<String> files(Path data, String split) {
        List<String> out = new ArrayList<>();
        for (FileStatus f : storage.listFiles(new Path(data, split))) {
            String name = f.getPath().getName();
            if (name.endsWith(".bin") && !name.startsWith(".") && !name.startsWith("_")) {
                out.add(f.getPath().toString());
            }
        }
        return out;
    }
}
