package io.resnetspark.eval;

import io.resnetspark.common.Progress;
import io.resnetspark.common.ProgressPoller;
import io.resnetspark.common.Secrets;
import io.resnetspark.common.UserError;
import io.resnetspark.config.JobConfig;
import io.resnetspark.data.Manifest;
import io.resnetspark.data.format.BatchChecksums;
import io.resnetspark.eval.remote.ScorePartition;
import io.resnetspark.eval.remote.Tally;
import io.resnetspark.eval.remote.TallyPartition;
import io.resnetspark.eval.remote.Thumbnails;
import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.ResNetOptions;
import io.resnetspark.scoring.ModelPool;
import io.resnetspark.scoring.Prediction;
import io.resnetspark.spark.LiveCount;
import io.resnetspark.spark.Partitions;
import io.resnetspark.spark.SparkSetup;
import io.resnetspark.storage.ModelFile;
import io.resnetspark.storage.RemoteStorage;
import io.resnetspark.storage.Storage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * The {@code evaluate} stage on the driver: checks model and data agree, scores the split on the
 * cluster ({@link ScorePartition} over the minibatch file paths), merges the per-partition
 * {@link Tally}s, has Spark write predictions.csv, and writes the report files; {@code _SUCCESS} last.
 * Only per-partition tallies come back to the driver, never the images or the per-example rows.
 */
public final class Evaluator {
    public static final int TOP_K = 5;
    public static final String PREDICTIONS = "predictions.csv";
    public static final List<String> FILES = List.of("report.json", "report.html", "confusion.csv", "per-class.csv",
            "misclassified.csv", PREDICTIONS);

    /** The evaluate.* keys, checked. */
    public record Settings(String model, String data, String split, String out, String run, int misclassified,
                           int bins, int batch, int partitions, boolean overwrite, List<Double> targets) {
        public static Settings of(JobConfig c) {
            List<Double> targets = new ArrayList<>();
            for (String t : c.getString("evaluate.time-to-accuracy").split(",")) {
                if (t.isBlank()) {
                    continue;
                }
                try {
                    double v = Double.parseDouble(t.trim());
                    if (!(v > 0 && v <= 1)) {
                        throw new NumberFormatException();
                    }
                    targets.add(v);
                } catch (NumberFormatException e) {
                    throw new UserError("configuration key 'evaluate.time-to-accuracy' must be accuracies in (0, 1]"
                            + " separated by commas, got '" + c.getString("evaluate.time-to-accuracy") + "'");
                }
            }
            String split = c.getString("evaluate.split").trim();
            if (split.isEmpty() || split.contains("/")) {
                throw new UserError("configuration key 'evaluate.split' must name a split such as test or val, got '"
                        + split + "'");
            }
            return new Settings(c.require("evaluate.model", "model (--model)"), c.getString("evaluate.data").trim(),
                    split, c.require("evaluate.out", "output directory (--out)"), c.getString("evaluate.run").trim(),
                    c.getInt("evaluate.misclassified", 0, 100_000), c.getInt("evaluate.calibration-bins", 1, 1000),
                    c.getInt("evaluate.batch", 0, 1 << 20), c.getInt("evaluate.partitions", 0, 1 << 20),
                    c.getBoolean("evaluate.overwrite"), targets);
        }
    }

    /** What happened: the report, or null when the output was already committed and left alone. */
    public record Outcome(Path out, Report report, boolean skipped) {
    }

    private Evaluator() {
    }

    public static Outcome run(JobConfig config, SparkSession spark, PrintStream log) {
        Settings s = Settings.of(config);
        Storage storage = new Storage(spark.sparkContext().hadoopConfiguration());
        Path out = Storage.path(s.out());
        if (storage.committed(out)) {
            if (!s.overwrite()) {
                log.println("[evaluate] " + out + " is already committed; skipping (use --overwrite to redo it)");
                return new Outcome(out, null, true);
            }
            // the marker goes first, so a crash during the clean-up never leaves a committed-looking half
            storage.delete(new Path(out, Storage.SUCCESS));
            storage.delete(out);
        } else {
            storage.clearLeftovers(out, "evaluation output", FILES);
        }

        Path modelPath = Storage.path(s.model());
        ModelFile model = ModelFile.read(storage, modelPath);
        byte[] zip = model.zip();
        String sha = model.sha256();
        ModelMetadata meta = model.metadata();
        ResNetOptions o = meta.options();
        if (!o.includeTop()) {
            throw new UserError("model " + modelPath + " has no classifier (include_top=false); evaluate needs one");
        }
        String dataUri = s.data();
        if (dataUri.isEmpty()) {
            Object trained = meta.training().get("data");
            if (trained == null || trained.toString().isBlank()) {
                throw new UserError("no data given (--data) and model " + modelPath + " does not record its training data");
            }
            dataUri = trained.toString();
        }
        Path data = Storage.path(dataUri);
        Manifest manifest = Manifest.read(storage, data);
        check(meta, manifest, modelPath, data);
        List<String> files = Manifest.files(storage, data, s.split());
        if (files.isEmpty()) {
            throw new UserError("split '" + s.split() + "' of " + data + " has no minibatch files");
        }
        TrainingRun run = s.run().isEmpty() ? null : run(storage, Storage.path(s.run()));

        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // a task holds its partition's predictions until they are stored: at most 16 files' worth each by
        // default, so executor memory does not grow with the data set
        int partitions = Partitions.of(sc, files.size(), 16, 1, s.partitions());
        log.printf(Locale.ROOT, "[evaluate] scoring %d files of split '%s' with %s on %d partitions%n", files.size(),
                s.split(), o.model(), partitions);
        int classes = meta.classes().size();
        long start = System.nanoTime();
        Broadcast<byte[]> modelBytes = sc.broadcast(zip);
        RemoteStorage remote = new RemoteStorage(SparkSetup.executorHadoopSettings(spark, config));
        ScorePartition score = new ScorePartition(modelBytes, sha, remote, Secrets.cleanUri(modelPath.toString()), meta.normalization(),
                new ScorePartition.Expect(o.channels(), o.height(), o.width(), classes), s.batch(), TOP_K)
                .foldingBatchNorm(config.getBoolean(ModelPool.FOLD_BATCH_NORM));
        LongAccumulator scored = sc.sc().longAccumulator("evaluate: images scored");
        Broadcast<BatchChecksums> checks = sc.broadcast(manifest.checksums());
        score.counting(scored).checking(checks);
        long images = manifest.images(s.split(), files.size());
        JavaRDD<Prediction> predictions = sc.parallelize(files, partitions).mapPartitions(score)
                // read twice (tally, then the per-example CSV); kept serialized on local disk so that
                // executor memory does not grow with the data set (scoring again would cost far more)
                .persist(StorageLevel.DISK_ONLY());
        try {
            sc.setJobDescription("evaluate: score " + s.split());
            // the executors count images as they score them; the line follows their live counts
            List<Tuple2<Integer, Tally>> parts;
            try (LiveCount live = LiveCount.of(spark.sparkContext(), scored);
                 ProgressPoller progress = new ProgressPoller(new Progress("evaluate", "images", images), images,
                         live, null)) {
                parts = predictions
                        .mapPartitionsWithIndex(new TallyPartition(classes, s.bins(), s.misclassified(), TOP_K), true)
                        .collect();
                progress.finish(null);
            }
            Tally tally = new Tally(classes, s.bins(), s.misclassified(), TOP_K);
            parts.stream().sorted(Comparator.comparingInt(Tuple2::_1)).forEach(t -> tally.merge(t._2()));
            double seconds = (System.nanoTime() - start) / 1e9;

            sc.setJobDescription("evaluate: pictures of the mistakes");
            Map<String, byte[]> thumbnails = thumbnails(sc, remote, checks, tally.mistakes());

            sc.setJobDescription("evaluate: write predictions");
            writePredictions(storage, predictions, meta.classes(), out);

            Report report = new Report(meta.classes(), tally, new Report.Context(Secrets.cleanUri(modelPath.toString()), sha,
                    modelFacts(meta), Secrets.cleanUri(data.toString()), s.split(), files.size(), partitions, seconds,
                    Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()));
            write(storage, out, report, run, s.targets(), thumbnails);
            storage.markCommitted(out);
            log.printf(Locale.ROOT, "[evaluate] %d images: top-1 %.4f, top-%d %.4f, loss %.4f, ECE %.4f; %.1f s"
                    + " (%.1f images/s); report %s%n", report.examples(), report.top1(), report.topK(),
                    report.topKAccuracy(), report.loss(), report.ece(), seconds, report.imagesPerSecond(),
                    new Path(out, "report.html"));
            return new Outcome(out, report, false);
        } finally {
            predictions.unpersist(false);
            modelBytes.destroy();
            checks.destroy();
        }
    }

    /**
     * The per-example rows stream to the driver a partition at a time and go out as one file: no Spark
     * output directory to rename and clear inside the report directory (on S3 that is a copy, and a
     * half-deleted temporary blocks the next run), and the driver holds one partition's rows at most.
     */
    private static void writePredictions(Storage storage, JavaRDD<Prediction> predictions, List<String> classes,
                                         Path out) {
        Iterator<String> lines = predictions.map(new Csv.PredictionLine(classes)).toLocalIterator();
        storage.write(new Path(out, PREDICTIONS), stream -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
            w.write(Csv.PREDICTIONS_HEADER);
            w.write('\n');
            while (lines.hasNext()) {
                w.write(lines.next());
                w.write('\n');
            }
            w.flush();
        });
    }

    /**
     * A small PNG of each kept mistake, read on the executors from the few files that hold them: the driver never
     * sees the images of anything but these (at most evaluate.misclassified).
     */
    private static Map<String, byte[]> thumbnails(JavaSparkContext sc, RemoteStorage remote,
                                                  Broadcast<BatchChecksums> checks, List<Prediction> mistakes) {
        Map<String, List<Integer>> byFile = new LinkedHashMap<>();
        for (Prediction p : mistakes) {
            if (p.file != null) {
                byFile.computeIfAbsent(p.file, f -> new ArrayList<>()).add(p.index);
            }
        }
        if (byFile.isEmpty()) {
            return Map.of();
        }
        List<Tuple2<String, int[]>> asked = new ArrayList<>();
        byFile.forEach((f, at) -> asked.add(new Tuple2<>(f, at.stream().mapToInt(Integer::intValue).toArray())));
        Map<String, byte[]> out = new LinkedHashMap<>();
        sc.parallelize(asked, Math.min(asked.size(), sc.defaultParallelism()))
                .mapPartitions(new Thumbnails(remote, checks)).collect().forEach(t -> out.put(t._1(), t._2()));
        return out;
    }

    private static void write(Storage storage, Path out, Report report, TrainingRun run, List<Double> targets,
                              Map<String, byte[]> thumbnails) {
        Map<String, Object> json = report.toJson();
        if (run != null) {
            Map<String, Object> training = new LinkedHashMap<>();
            training.put("uri", run.uri());
            training.put("epochs", run.epochs().size());
            training.put("time_to_accuracy", run.timeToAccuracy(targets));
            json.put("training_run", training);
        }
        try {
            storage.writeString(new Path(out, "report.json"), ModelStore.JSON.writeValueAsString(json));
        } catch (IOException e) {
            throw new IllegalStateException("report.json could not be rendered", e);
        }
        storage.writeString(new Path(out, "confusion.csv"), Csv.confusion(report));
        storage.writeString(new Path(out, "per-class.csv"), Csv.perClass(report));
        storage.writeString(new Path(out, "misclassified.csv"), Csv.misclassified(report));
        storage.writeString(new Path(out, "report.html"), ReportHtml.render(report, run, targets, thumbnails));
    }

    private static void check(ModelMetadata meta, Manifest m, Path model, Path data) {
        ResNetOptions o = meta.options();
        if (m.channels() != o.channels() || m.height() != o.height() || m.width() != o.width()) {
            throw new UserError("data " + data + " holds " + m.channels() + "x" + m.height() + "x" + m.width()
                    + " images but model " + model + " takes " + o.inputShape());
        }
        if (!m.classes().equals(meta.classes())) {
            throw new UserError("data " + data + " has classes " + abbreviate(m.classes()) + " but model " + model
                    + " was trained on " + abbreviate(meta.classes()));
        }
    }

    private static String abbreviate(List<String> classes) {
        String s = classes.size() <= 8 ? classes.toString() : classes.subList(0, 8) + "...";
        return s + " (" + classes.size() + ")";
    }

    static TrainingRun run(Storage storage, Path run) {
        return TrainingRun.read(storage, run, Secrets.cleanUri(run.toString()));
    }

    private static Map<String, Object> modelFacts(ModelMetadata meta) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", meta.options().model());
        m.put("input", meta.options().inputShape());
        m.put("classes", meta.classes().size());
        for (String k : new String[] {"epoch", "val_top1", "run"}) {
            Object v = meta.training().get(k);
            if (v != null) {
                m.put(k, v instanceof String str ? Secrets.cleanUri(str) : v);
            }
        }
        return m;
    }
}
