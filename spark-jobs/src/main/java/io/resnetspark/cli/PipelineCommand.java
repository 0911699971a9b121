package io.resnetspark.cli;

import io.resnetspark.config.JobConfig;
import io.resnetspark.config.ModelSettings;
import io.resnetspark.data.PrepareSettings;
import io.resnetspark.eval.Evaluator;
import io.resnetspark.export.Exporter;
import io.resnetspark.train.Checkpoints;
import io.resnetspark.train.TrainSettings;
import io.resnetspark.config.UserError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code pipeline}: prepare, train, evaluate and export in order under one root URI. Each stage skips
 * itself when its committed output exists, so the pipeline is safe to rerun after any failure.
 */
public final class PipelineCommand implements Command {
    static final List<String> STAGES = List.of("prepare", "train", "evaluate", "export");

    @Override
    public String name() {
        return "pipeline";
    }

    @Override
    public String summary() {
        return "run prepare, train, evaluate and export in order (each skips itself when already done)";
    }

    @Override
    public Map<String, String> flags() {
        return Map.of("root", "pipeline.root", "name", "pipeline.name", "version", "pipeline.version",
                "source", "prepare.source", "format", "prepare.format", "model", "model.name",
                "epochs", "train.epochs");
    }

    @Override
    public int run(Invocation inv) throws Exception {
        JobConfig c = locations(inv.config());
        List<String> stages = c.getStringList("pipeline.stages");
        for (String s : stages) {
            if (!STAGES.contains(s)) {
                throw new UserError("configuration key 'pipeline.stages' has unknown stage '" + s + "'; stages: "
                        + String.join(", ", STAGES));
            }
        }
        checkStages(c, stages);
        long start = System.nanoTime();
        for (String stage : stages) {
            System.err.println("== pipeline: " + stage);
            // the run directory is the pipeline's own: checkpoints there are from an earlier, interrupted
            // pipeline run, so train continues from them instead of refusing (train alone asks for --resume)
            JobConfig stageConfig = stage.equals("train") ? c.with(Map.of("train.resume", true)) : c;
            int code = Main.command(stage).run(new Invocation(stageConfig, Map.of(), inv.debug()));
            if (code != 0) {
                System.err.println("== pipeline: " + stage + " failed (exit " + code + "); rerun the same command to"
                        + " continue from this stage");
                return code;
            }
        }
        System.err.printf("== pipeline: done in %s%n", Progress.formatSeconds((System.nanoTime() - start) / 1e9));
        if (stages.contains("evaluate")) {
            System.out.println("report: " + c.getString("evaluate.out") + "/report.html");
        }
        if (stages.contains("export")) {
            System.out.println("model:  " + c.getString("export.to"));
        }
        return 0;
    }

    /**
     * Reads the settings of every stage that will run, so that a bad value for a late stage (say
     * evaluate.misclassified) fails now, not after prepare and train have spent their hours.
     */
    static void checkStages(JobConfig c, List<String> stages) {
        for (String stage : stages) {
            switch (stage) {
                case "prepare" -> PrepareSettings.from(c);
                case "train" -> {
                    TrainSettings.from(c);
                    // the data decides classes and input shape; any valid shape checks the model.* keys
                    ModelSettings.options(c, 2, 3, 224, 224);
                }
                case "evaluate" -> Evaluator.Settings.of(c);
                case "export" -> Exporter.Settings.of(c);
                default -> throw new IllegalArgumentException(stage);
            }
        }
    }

    /** Fills every stage location that the user left empty from pipeline.root. */
    static JobConfig locations(JobConfig c) {
        String root = c.require("pipeline.root", "pipeline root (where every stage writes)");
        root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        String name = c.require("pipeline.name", "model name");
        String data = root + "/data";
        String run = root + "/runs/" + name;
        Map<String, Object> derived = new LinkedHashMap<>();
        derived.put("prepare.out", data);
        derived.put("train.data", data);
        derived.put("train.run", run);
        derived.put("evaluate.model", Checkpoints.shipped(c, run));
        derived.put("evaluate.data", data);
        derived.put("evaluate.out", run + "/report");
        derived.put("evaluate.run", run);
        derived.put("export.model", Checkpoints.shipped(c, run));
        derived.put("export.to", root + "/models/" + name + "/" + c.require("pipeline.version", "export version"));
        derived.put("export.report", run + "/report");
        Map<String, Object> missing = new LinkedHashMap<>();
        derived.forEach((k, v) -> {
            if (c.has(k) && c.getString(k).isBlank()) {
                missing.put(k, v);
            }
        });
        return c.with(missing);
    }
}
