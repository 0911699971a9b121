package io.resnetspark.cli;

import io.resnetspark.config.JobConfig;
import io.resnetspark.pipeline.Experiment;
import io.resnetspark.pipeline.Pipeline;
import io.resnetspark.pipeline.Retrain;
import io.resnetspark.pipeline.Stage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The commands that run a stage or a composition of stages: each is its name, a line of help and the
 * flags that map onto configuration keys; the work is in {@link io.resnetspark.pipeline}.
 */
final class StageCommand implements Command {
    /** What a command runs. */
    private interface Work {
        void run(JobConfig c) throws Exception;
    }

    private final String name;
    private final String summary;
    private final Map<String, String> flags;
    private final Map<String, String> switches;
    private final Work work;

    private StageCommand(String name, String summary, Map<String, String> flags, Map<String, String> switches,
                         Work work) {
        this.name = name;
        this.summary = summary;
        this.flags = flags;
        this.switches = switches;
        this.work = work;
    }

    private static StageCommand stage(String name, String summary, Map<String, String> flags,
                                      Map<String, String> switches) {
        return new StageCommand(name, summary, flags, switches,
                c -> Stage.named(name).run(c, System.out, System.err));
    }

    /** In the order a user meets them. */
    static List<Command> all() {
        Map<String, String> prepare = new LinkedHashMap<>();
        for (String k : new String[] {"source", "format", "out", "size", "channels", "batch", "val-fraction",
            "test-fraction", "split-seed", "partitions"}) {
            prepare.put(k, "prepare." + k);
        }
        for (String k : new String[] {"image", "label", "split", "id"}) {
            prepare.put(k + "-col", "table." + k + "-column");
        }
        return List.of(
                stage("prepare", "decode, resize and shard images into minibatch files with a manifest", prepare,
                        Map.of("overwrite", "prepare.overwrite")),
                stage("train", "train a ResNet on prepared data on Spark, with per-epoch validation, checkpoints and "
                        + "resume", Map.of("data", "train.data", "run", "train.run", "model", "model.name",
                        "master-type", "train.master", "epochs", "train.epochs", "lr", "train.optimizer.lr",
                        "optimizer", "train.optimizer.name", "seed", "train.seed"), Map.of("resume", "train.resume")),
                stage("evaluate", "score a prepared split with a model; write report.json/.html, CSVs and per-example "
                        + "predictions", Map.of("model", "evaluate.model", "data", "evaluate.data", "split",
                        "evaluate.split", "out", "evaluate.out", "run", "evaluate.run", "misclassified",
                        "evaluate.misclassified", "bins", "evaluate.calibration-bins", "batch", "evaluate.batch",
                        "partitions", "evaluate.partitions"), Map.of("overwrite", "evaluate.overwrite")),
                stage("export", "write <models>/<name>/<version>/ with model.zip, classes.json, model-card.json, "
                        + "SHA256SUMS", Map.of("model", "export.model", "to", "export.to", "report", "export.report"),
                        Map.of("overwrite", "export.overwrite")),
                stage("predict", "classify raw images with an exported model; Parquet + CSV rows with top-k classes",
                        Map.of("model", "predict.model", "images", "predict.images", "out", "predict.out",
                                "top-k", "predict.top-k", "batch", "predict.batch", "format", "predict.format",
                                "image-col", "table.image-column", "id-col", "table.id-column"),
                        Map.of("overwrite", "predict.overwrite")),
                stage("import-weights", "turn a torchvision/timm checkpoint (.pth or .safetensors) into a model zip",
                        Map.of("from", "import-weights.from", "model", "import-weights.model", "out",
                                "import-weights.out", "class-names", "import-weights.class-names", "size",
                                "import-weights.size"),
                        Map.of("new-head", "import-weights.new-head", "overwrite", "import-weights.overwrite")),
                new StageCommand("pipeline", "run prepare, train, evaluate and export in order (each skips itself "
                        + "when already done)", Map.of("root", "pipeline.root", "name", "pipeline.name", "version",
                        "pipeline.version", "source", "prepare.source", "format", "prepare.format", "model",
                        "model.name", "epochs", "train.epochs"), Map.of(),
                        c -> Pipeline.run(c, System.out, System.err)),
                new StageCommand("retrain", "prepare new data, warm-start from the champion, and promote the "
                        + "challenger only if it is better", Map.of("root", "pipeline.root", "name", "pipeline.name",
                        "source", "prepare.source", "run-id", "retrain.run-id", "margin", "retrain.margin"), Map.of(),
                        c -> Retrain.run(c, System.out, System.err)),
                new StageCommand("experiment", "train several model variants on the same data and budget, and report "
                        + "their curves side by side", Map.of("root", "experiment.root", "source", "prepare.source",
                        "epochs", "train.epochs"), Map.of(), c -> Experiment.run(c, System.out, System.err)));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String summary() {
        return summary;
    }

    @Override
    public Map<String, String> flags() {
        return flags;
    }

    @Override
    public Map<String, String> switches() {
        return switches;
    }

    @Override
    public int run(Invocation inv) throws Exception {
        work.run(inv.config());
        return 0;
    }
}
