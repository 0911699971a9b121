package io.resnetspark.pipeline;

import io.resnetspark.config.JobConfig;
import io.resnetspark.config.ModelSettings;
import io.resnetspark.data.PrepareJob;
import io.resnetspark.data.PrepareSettings;
import io.resnetspark.data.SourceListing;
import io.resnetspark.data.format.Preprocessor;
import io.resnetspark.eval.Evaluator;
import io.resnetspark.export.Exporter;
import io.resnetspark.predict.PredictSettings;
import io.resnetspark.predict.Predictor;
import io.resnetspark.spark.SparkSetup;
import io.resnetspark.spark.StageSession;
import io.resnetspark.storage.Storage;
import io.resnetspark.train.TrainSettings;
import io.resnetspark.train.Trainer;
import io.resnetspark.weights.ImportSettings;
import io.resnetspark.weights.WeightImporter;
import java.io.PrintStream;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * One stage of the product as a value that the command line, the pipeline, retraining and experiments
 * all run the same way: its name, the check of every setting it will read (a bad value fails before any
 * work, in one sentence), and the work. A stage whose output is already committed skips itself, so
 * running it again is always safe.
 */
public record Stage(String name, Consumer<JobConfig> check, Work work) {

    /** What a stage does; {@code out} gets the line a user wants at the end, {@code log} progress and notes. */
    public interface Work {
        void run(JobConfig c, PrintStream out, PrintStream log) throws Exception;
    }

    public void run(JobConfig c, PrintStream out, PrintStream log) throws Exception {
        work.run(c, out, log);
    }

    /** The stages in the order of the data flow. */
    public static List<Stage> all() {
        return List.of(
                new Stage("prepare", PrepareSettings::from, Stage::prepare),
                new Stage("train", c -> {
                    TrainSettings.from(c);
                    // the data decides classes and input shape; any valid shape checks the model.* keys
                    ModelSettings.options(c, 2, 3, 224, 224);
                }, Stage::train),
                new Stage("evaluate", Evaluator.Settings::of, Stage::evaluate),
                new Stage("export", Exporter.Settings::of,
                        (c, out, log) -> Exporter.run(c, new Storage(SparkSetup.hadoop(c)), out)),
                new Stage("predict", PredictSettings::from, Stage::predict),
                new Stage("import-weights", ImportSettings::from, Stage::importWeights));
    }

    public static Stage named(String name) {
        return all().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no stage " + name));
    }

    /** Everything that can be checked without Spark (settings, a committed output, the listing) comes first. */
    private static void prepare(JobConfig c, PrintStream out, PrintStream log) {
        PrepareSettings settings = PrepareSettings.from(c);
        PrepareJob job = new PrepareJob(settings, new Storage(SparkSetup.hadoop(c)), log);
        if (job.alreadyPrepared()) {
            out.println("already prepared at " + settings.out() + " (manifest.json present; --overwrite to redo)");
            return;
        }
        try (StageSession spark = new StageSession(c, "prepare")) {
            SourceListing listing = job.list(spark::get);
            Preprocessor pre = job.preprocessor(listing);
            log.printf("prepare: %,d inputs, %d classes, %s -> %dx%dx%d, batch %d%n", listing.items().size(),
                    listing.classes().size(), settings.format(), pre.channels(), pre.height(), pre.width(),
                    settings.batch());
            job.run(spark.get(), listing, pre, SparkSetup.executorHadoopSettings(spark.get(), c));
            out.println("prepared " + settings.out());
        }
    }

    private static void train(JobConfig c, PrintStream out, PrintStream log) throws Exception {
        Trainer.Result r = new Trainer(c, log).run();
        out.println(r.alreadyTrained() ? "already trained: " + r.run()
                : (r.complete() ? "trained " : "stopped after epoch ") + r.epochsDone() + ": " + r.run());
    }

    private static void evaluate(JobConfig c, PrintStream out, PrintStream log) {
        Evaluator.Settings s = Evaluator.Settings.of(c);
        Path dir = Storage.path(s.out());
        if (!s.overwrite() && new Storage(SparkSetup.hadoop(c)).committed(dir)) {
            out.println("[evaluate] " + dir + " is already committed; skipping (use --overwrite to redo it)");
            return;
        }
        try (StageSession spark = new StageSession(c, "evaluate")) {
            Evaluator.run(c, spark.get(), out);
        }
    }

    private static void predict(JobConfig c, PrintStream out, PrintStream log) throws Exception {
        PredictSettings s = PredictSettings.from(c);
        Predictor.Result r;
        try (StageSession session = new StageSession(c, "predict")) {
            SparkSession spark = session.get();
            r = Predictor.run(spark, new Storage(spark.sparkContext().hadoopConfiguration()),
                    SparkSetup.executorHadoopSettings(spark, c), s);
        }
        out.println(r.skipped() ? "predictions: " + r.out() + " already complete (predict.overwrite=true redoes them)"
                : "predictions: " + r.out() + " (" + r.images() + " images, " + r.failed() + " could not be read)");
    }

    /** No Spark: one file in, one zip out, read and written through the same storage as every stage. */
    private static void importWeights(JobConfig c, PrintStream out, PrintStream log) throws Exception {
        WeightImporter.Outcome r = WeightImporter.run(ImportSettings.from(c), new Storage(SparkSetup.hadoop(c)), log);
        out.println("imported " + c.getString("import-weights.model") + " (" + r.classes() + " classes, "
                + (r.headKept() ? "the file's classifier" : "a new classifier") + ") to " + r.out());
    }
}
