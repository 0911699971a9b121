package io.resnetspark.train;

import io.resnetspark.common.Progress;
import io.resnetspark.common.ProgressPoller;
import io.resnetspark.common.UserError;
import io.resnetspark.common.Watchdog;
import io.resnetspark.config.JobConfig;
import io.resnetspark.config.ModelSettings;
import io.resnetspark.data.Manifest;
import io.resnetspark.data.format.BatchChecksums;
import io.resnetspark.data.format.BatchTransform;
import io.resnetspark.data.format.Preprocessor;
import io.resnetspark.model.EvalTransform;
import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.ResNetBuilder;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.spark.LiveCount;
import io.resnetspark.spark.SparkSetup;
import io.resnetspark.spark.StageSession;
import io.resnetspark.storage.MetricsLog;
import io.resnetspark.storage.RemoteStorage;
import io.resnetspark.storage.RunLock;
import io.resnetspark.storage.Storage;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * The driver side of {@code train}: per epoch, fit the shuffled train files with the configured
 * {@link Master}, score val (and test) on the cluster ({@link Validation}), append a metrics line
 * ({@link EpochRecord}) and write a checkpoint. Resumes from the newest complete checkpoint; stops on a
 * non-finite loss.
 */
public final class Trainer {
    /** What a run ended with. */
    public record Result(boolean alreadyTrained, int epochsDone, boolean complete, Path run) {
    }

    /** The network an invocation starts from, and the iterations it already has. */
    private record Start(ComputationGraph graph, long iteration) {
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
        Manifest manifest = Manifest.read(storage, data);
        List<String> trainFiles = Manifest.files(storage, data, "train");
        if (trainFiles.isEmpty()) {
            throw new UserError("the prepared data " + data + " has no train minibatch files (" + data + "/train)");
        }
        List<String> testFiles = s.trackTest() ? Manifest.files(storage, data, "test") : List.of();
        if (s.trackTest() && testFiles.isEmpty()) {
            throw new UserError("train.track-test is on but the prepared data " + data + " has no test minibatch files ("
                    + data + "/test)");
        }
        try (RunLock lock = RunLock.acquire(storage, run, "train")) {
            return run(lock, manifest, data, run, trainFiles, testFiles);
        }
    }

    private Result run(RunLock lock, Manifest manifest, Path data, Path run, List<String> trainFiles,
                       List<String> testFiles) throws IOException {
        Checkpoints checkpoints = new Checkpoints(storage, run);
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
        List<Map<String, Object>> history = new MetricsLog(storage, run).trimTo(start);
        if (start > 0 && checkpoints.restoreAliases(start, EpochRecord.bestEpoch(history, start))) {
            console.println("[train] best.zip and last.zip restored from the checkpoints (the last save was cut"
                    + " short)");
        }
        if (start >= s.epochs()) {
            storage.markCommitted(run);
            return new Result(false, start, true, run);
        }
        try (StageSession spark = new StageSession(config, "train")) {
            int epoch = train(spark.get(), lock, manifest, data, run, start, history, trainFiles,
                    Manifest.files(storage, data, "val"), testFiles);
            boolean complete = epoch >= s.epochs();
            if (complete) {
                storage.markCommitted(run);
            } else {
                console.println("[train] stopped after epoch " + epoch + " of " + s.epochs()
                        + " (train.stop-after-epochs); continue with --resume");
            }
            return new Result(false, epoch, complete, run);
        }
    }

    /** The epochs of this invocation; returns the last epoch done. */
    private int train(SparkSession session, RunLock lock, Manifest manifest, Path data, Path run, int start,
                      List<Map<String, Object>> history, List<String> trainFiles, List<String> valFiles,
                      List<String> testFiles) throws IOException {
        JavaSparkContext sc = SparkSetup.context(session);
        RemoteStorage remote = new RemoteStorage(SparkSetup.executorHadoopSettings(session, config));
        Broadcast<BatchChecksums> checks = sc.broadcast(manifest.checksums());
        List<String> skipped = s.skipBadFiles() ? BadFiles.leaveOut(sc, remote, checks, console, trainFiles, valFiles,
                testFiles) : List.of();
        // tasks that run at once: one training worker each (spark.task.cpus may give a task all cores)
        int slots = Math.max(1, sc.defaultParallelism() / sc.getConf().getInt("spark.task.cpus", 1));
        int workers = s.configuredWorkers() > 0 ? s.configuredWorkers() : slots;
        int batch = manifest.batchSize();
        double baseLr = s.baseLr(batch * workers);
        ResNetOptions options = ModelSettings.options(config, manifest.classes().size(), manifest.channels(),
                manifest.height(), manifest.width());
        Start from = startingNetwork(run, start, options, manifest, s.schedule().toDl4j(baseLr, start, s.epochs()));
        ComputationGraph graph = from.graph();
        Master.Cluster cluster = new Master.Cluster(sc, s, workers, new BatchTransform(manifest.normalization(),
                s.augmentation()), remote, checks);
        Master master = null;
        Validation validation = null;
        Checkpoints checkpoints = new Checkpoints(storage, run);
        MetricsLog metrics = new MetricsLog(storage, run);
        ModelMetadata base = ModelMetadata.of(options, manifest.classes(), manifest.normalization());
        if (manifest.recipe().get(Preprocessor.RESIZE_SHORTER) instanceof Number shorter) {
            // data prepared with torchvision's geometry: predict must resize raw images the same way
            base = base.withEvalTransform(new EvalTransform(shorter.intValue(), manifest.height(), manifest.width(),
                    "bilinear", "RGB", 1.0 / 255.0));
        }
        EpochRecord record = new EpochRecord(config, s, data, run, history, workers, batch);
        Progress progress = new Progress("train", "epochs", s.epochs(), console);
        long iteration = from.iteration();
        int ran = 0;
        int epoch = start;
        while (epoch < s.epochs() && (s.stopAfterEpochs() == 0 || ran < s.stopAfterEpochs())) {
            epoch++;
            // the backbone is frozen for the first train.freeze-backbone-epochs, then the whole network trains;
            // both masters and validation hold the network they were made with, so they follow a switch
            boolean freeze = epoch <= s.freezeBackboneEpochs();
            if (master == null || freeze != FrozenBackbone.isFrozen(graph)) {
                if (freeze != FrozenBackbone.isFrozen(graph)) {
                    graph = freeze ? FrozenBackbone.frozen(graph) : FrozenBackbone.unfrozen(graph);
                    console.println("[train] epoch " + epoch + ": " + (freeze ? "backbone frozen, training the"
                            + " classifier only" : "backbone unfrozen, training every layer"));
                }
                master = Master.create(cluster, graph, slots, batch, manifest.normalization());
                validation = new Validation(sc, graph, s, workers, batch, manifest, checks);
            }
            double lr = s.schedule().lr(baseLr, epoch - 1, s.epochs());
            // see LrSchedule: workers only see a rate set on the driver's network, which both masters ship
            graph.setLearningRate(lr);
            // DL4J's own 0-based epoch counter, kept right in the saved models for other DL4J tools
            graph.getConfiguration().setEpochCount(epoch - 1);
            List<String> order = new ArrayList<>(trainFiles);
            Collections.shuffle(order, new Random(s.seed() * 1_000_003L + epoch));
            long images = manifest.images("train", order.size());
            long e0 = System.nanoTime();
            double score;
            Validation.Scores val;
            Validation.Scores test;
            double fitSeconds;
            try {
                score = fitEpoch(sc, master, order, epoch, images);
                fitSeconds = (System.nanoTime() - e0) / 1e9;
                iteration += master.steps(order.size());
                checkFinite(graph, score, epoch, iteration, lr);
                val = validation.score(valFiles);
                test = s.trackTest() ? validation.score(testFiles) : null;
            } catch (Exception e) {
                // Spark's exceptions are checked ones that Scala throws undeclared: caught here, rethrown as they were
                UserError damaged = BadFiles.explain(e, epoch);
                if (damaged != null) {
                    throw damaged;
                }
                throw e;
            }
            lock.check();
            Map<String, Object> line = record.line(epoch, iteration, score, graph.calcRegularizationScore(true), val,
                    test, images / fitSeconds, lr, (System.nanoTime() - e0) / 1e9);
            if (!skipped.isEmpty()) {
                line.put("skipped_files", skipped);
            }
            // metrics first: a crash before the checkpoint below only means this epoch is trained again
            metrics.append(line);
            checkpoints.save(FrozenBackbone.unfrozen(graph), base.withTraining(record.training(line)), epoch,
                    record.isBest(val));
            ran++;
            progress.update(epoch, record.summary(line));
        }
        return epoch;
    }

    /** One epoch with a live progress line; returns DL4J's score (data loss plus weight penalty). */
    private double fitEpoch(JavaSparkContext sc, Master master, List<String> order, int epoch, long images) {
        long planned = master.steps(order.size());
        LongAccumulator steps = sc.sc().longAccumulator("train steps");
        double perStep = images / (double) planned;
        long t0 = System.nanoTime();
        Progress line = new Progress(String.format(Locale.ROOT, "train epoch %d/%d", epoch, s.epochs()), "steps",
                planned, console);
        // the epoch's jobs form one group, so that a stalled epoch can be cancelled as a whole
        String group = "train-epoch-" + epoch + "-" + Long.toHexString(System.nanoTime());
        sc.setJobGroup(group, "train epoch " + epoch, true);
        try (LiveCount live = LiveCount.of(sc.sc(), steps);
             ProgressPoller p = new ProgressPoller(line, planned, live, n -> String.format(Locale.ROOT, "%.1f img/s",
                     n * perStep / ((System.nanoTime() - t0) / 1e9)));
             Watchdog stall = new Watchdog("train epoch " + epoch, live, s.stallTimeoutMs(),
                     () -> sc.cancelJobGroup(group))) {
            try {
                return master.fitEpoch(order, s.seed() * 1000L + epoch, steps);
            } catch (Exception e) {
                // a SparkException (checked, thrown undeclared by Scala) when the watchdog cancelled the jobs
                if (stall.fired()) {
                    throw new UserError(String.format(Locale.ROOT, "epoch %d made no progress for %s "
                            + "(train.stall-timeout) after step %d of %d, so its Spark jobs were cancelled: an executor "
                            + "is stuck (see its log); the checkpoints of earlier epochs are kept, and --resume "
                            + "continues from them", epoch, Progress.formatSeconds(s.stallTimeoutMs() / 1e3),
                            stall.stuckAt(), planned), e);
                }
                throw e;
            }
        } finally {
            sc.clearJobGroup();
        }
    }

    /** Resumed from the newest checkpoint, warm-started from train.init-from, or new. */
    private Start startingNetwork(Path run, int start, ResNetOptions options, Manifest manifest, ISchedule lr)
            throws IOException {
        if (start > 0) {
            ModelStore.Loaded loaded = new Checkpoints(storage, run).load(start);
            if (!loaded.metadata().options().model().equals(options.model())) {
                throw new UserError("run directory " + run + " holds a " + loaded.metadata().options().model()
                        + " model, but model.name is " + options.model() + "; resume with the same model");
            }
            // this invocation's schedule wins (epochs or lr may have been changed for the rest of the run)
            loaded.graph().setLearningRate(lr);
            console.println("[train] resuming " + run + " after epoch " + start);
            return new Start(loaded.graph(),
                    ((Number) loaded.metadata().training().getOrDefault("iteration", 0)).longValue());
        }
        String init = config.getString("train.init-from");
        if (!init.isBlank()) {
            console.println("[train] warm start from " + init);
            return new Start(WarmStart.from(storage, init, options, manifest.classes(), Optimizers.of(s.optimizer(), lr)),
                    0);
        }
        return new Start(ResNetBuilder.build(options, Optimizers.of(s.optimizer(), lr)), 0);
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
}
