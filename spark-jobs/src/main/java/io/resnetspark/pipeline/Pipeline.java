package io.resnetspark.pipeline;

import io.resnetspark.common.Progress;
import io.resnetspark.common.UserError;
import io.resnetspark.config.JobConfig;
import io.resnetspark.spark.SparkSetup;
import io.resnetspark.storage.RunLayout;
import io.resnetspark.storage.RunLock;
import io.resnetspark.storage.Storage;
import io.resnetspark.train.Checkpoints;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * prepare, train, evaluate and export in order under one root ({@link RunLayout}). Each stage skips
 * itself when its committed output exists, so the pipeline is safe to rerun after any failure.
 */
public final class Pipeline {
    public static final List<String> STAGES = List.of("prepare", "train", "evaluate", "export");

    private Pipeline() {
    }

    public static void run(JobConfig config, PrintStream out, PrintStream log) throws Exception {
        JobConfig c = locations(config);
        List<String> stages = c.getStringList("pipeline.stages");
        for (String s : stages) {
            if (!STAGES.contains(s)) {
                throw new UserError("configuration key 'pipeline.stages' has unknown stage '" + s + "'; stages: "
                        + String.join(", ", STAGES));
            }
        }
        check(c, stages);
        // one pipeline per root: a second one (a cron job overlapping a manual rerun) would write the same files
        Storage storage = new Storage(SparkSetup.hadoop(c));
        try (RunLock lock = RunLock.acquire(storage, Storage.path(c.getString("pipeline.root")), "pipeline")) {
            run(c, stages, lock, out, log);
        }
    }

    private static void run(JobConfig c, List<String> stages, RunLock lock, PrintStream out, PrintStream log)
            throws Exception {
        long start = System.nanoTime();
        for (String stage : stages) {
            lock.check();
            log.println("== pipeline: " + stage);
            // the run directory is the pipeline's own: checkpoints there are from an earlier, interrupted
            // pipeline run, so train continues from them instead of refusing (train alone asks for --resume)
            JobConfig stageConfig = stage.equals("train") ? c.with(Map.of("train.resume", true)) : c;
            try {
                Stage.named(stage).run(stageConfig, out, log);
            } catch (Exception | Error e) {
                log.println("== pipeline: " + stage + " failed; rerun the same command to continue from this stage");
                throw e;
            }
        }
        log.printf("== pipeline: done in %s%n", Progress.formatSeconds((System.nanoTime() - start) / 1e9));
        if (stages.contains("evaluate")) {
            out.println("report: " + c.getString("evaluate.out") + "/report.html");
        }
        if (stages.contains("export")) {
            out.println("model:  " + c.getString("export.to"));
        }
    }

    /**
     * Reads the settings of every stage that will run, so that a bad value for a late stage (say
     * evaluate.misclassified) fails now, not after prepare and train have spent their hours.
     */
    public static void check(JobConfig c, List<String> stages) {
        stages.forEach(s -> Stage.named(s).check().accept(c));
    }

    /** Fills every stage location that the user left empty from pipeline.root. */
    public static JobConfig locations(JobConfig c) {
        RunLayout root = new RunLayout(c.require("pipeline.root", "pipeline root (where every stage writes)"));
        String name = c.require("pipeline.name", "model name");
        String data = root.data();
        String run = root.run(name);
        Map<String, Object> derived = new LinkedHashMap<>();
        derived.put("prepare.out", data);
        derived.put("train.data", data);
        derived.put("train.run", run);
        derived.put("evaluate.model", Checkpoints.shipped(c, run));
        derived.put("evaluate.data", data);
        derived.put("evaluate.out", RunLayout.report(run));
        derived.put("evaluate.run", run);
        derived.put("export.model", Checkpoints.shipped(c, run));
        derived.put("export.to", root.version(name, c.require("pipeline.version", "export version")));
        derived.put("export.report", RunLayout.report(run));
        Map<String, Object> missing = new LinkedHashMap<>();
        derived.forEach((k, v) -> {
            if (c.has(k) && c.getString(k).isBlank()) {
                missing.put(k, v);
            }
        });
        return c.with(missing);
    }
}
