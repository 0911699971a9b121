package io.resnetspark.pipeline;

import io.resnetspark.common.Progress;
import io.resnetspark.common.UserError;
import io.resnetspark.config.JobConfig;
import io.resnetspark.eval.ExperimentReport;
import io.resnetspark.eval.TrainingRun;
import io.resnetspark.spark.SparkSetup;
import io.resnetspark.storage.ModelFile;
import io.resnetspark.storage.RunLayout;
import io.resnetspark.storage.Storage;
import io.resnetspark.train.Checkpoints;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.Path;

/**
 * Prepares the data once, trains every variant of {@code experiment.runs} on it with the same budget (the
 * shared train.* keys), and writes one report with their curves side by side. Reruns continue: committed
 * data and finished runs are kept, interrupted runs resume.
 */
public final class Experiment {
    private record Variant(String name, Map<String, Object> overrides) {
    }

    private Experiment() {
    }

    public static void run(JobConfig c, PrintStream out, PrintStream log) throws Exception {
        RunLayout root = new RunLayout(c.require("experiment.root", "experiment root (where the data, runs and report go)"));
        List<Variant> variants = variants(c);
        JobConfig prepare = c.with(Map.of("prepare.out", root.data()));
        Pipeline.check(prepare, List.of("prepare"));
        List<JobConfig> runs = new ArrayList<>();
        for (Variant v : variants) {
            Map<String, Object> o = new LinkedHashMap<>(v.overrides());
            o.put("train.data", root.data());
            o.put("train.run", root.run(v.name()));
            // a rerun continues each variant instead of refusing its checkpoints
            o.put("train.resume", true);
            JobConfig rc = c.with(o);
            // every variant's settings, model.* included, fail here rather than after the earlier variants trained
            Pipeline.check(rc, List.of("train"));
            runs.add(rc);
        }
        long start = System.nanoTime();
        log.println("== experiment: prepare");
        Stage.named("prepare").run(prepare, out, log);
        for (int i = 0; i < variants.size(); i++) {
            log.println("== experiment: train " + variants.get(i).name() + " (" + (i + 1) + "/" + variants.size() + ")");
            try {
                Stage.named("train").run(runs.get(i), out, log);
            } catch (Exception | Error e) {
                log.println("== experiment: " + variants.get(i).name() + " failed; rerun the same command to continue");
                throw e;
            }
        }
        Storage storage = new Storage(SparkSetup.hadoop(c));
        List<ExperimentReport.Entry> entries = new ArrayList<>();
        for (int i = 0; i < variants.size(); i++) {
            Path run = Storage.path(runs.get(i).getString("train.run"));
            TrainingRun metrics = TrainingRun.read(storage, run, run.toString());
            long params = ModelFile.read(storage, new Checkpoints(storage, run).last()).load(false).graph().numParams();
            entries.add(new ExperimentReport.Entry(variants.get(i).name(), variants.get(i).overrides(), params,
                    metrics));
        }
        ExperimentReport.write(storage, Storage.path(root.report()), c.getString("experiment.title"), entries);
        log.printf("== experiment: done in %s%n", Progress.formatSeconds((System.nanoTime() - start) / 1e9));
        out.println("report: " + root.report() + "/experiment.html");
    }

    /** experiment.runs, each checked: a unique plain name and only known configuration keys. */
    private static List<Variant> variants(JobConfig c) {
        List<Variant> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Map<String, Object> m : c.getObjectList("experiment.runs")) {
            Object name = m.get("name");
            if (!(name instanceof String n) || !n.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new UserError("every entry of experiment.runs needs a name of letters, digits, '.', '_' or '-'"
                        + " (it names the run directory), got " + name);
            }
            if (!names.add(n)) {
                throw new UserError("experiment.runs has two entries named '" + n + "'");
            }
            Map<String, Object> overrides = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : m.entrySet()) {
                if (e.getKey().equals("name")) {
                    continue;
                }
                if (!e.getKey().startsWith("set.")) {
                    throw new UserError("experiment.runs entry '" + n + "' has '" + e.getKey() + "'; an entry holds "
                            + "only name and set { key = value ... }");
                }
                String key = e.getKey().substring(4);
                JobConfig.checkKnownKey(key, "experiment.runs entry '" + n + "'");
                if (key.startsWith("train.data") || key.startsWith("train.run") || key.startsWith("prepare.")) {
                    throw new UserError("experiment.runs entry '" + n + "' sets '" + key + "'; every run shares the "
                            + "experiment's data and gets its own run directory");
                }
                overrides.put(key, e.getValue());
            }
            out.add(new Variant(n, overrides));
        }
        if (out.isEmpty()) {
            throw new UserError("experiment.runs is empty; list the variants to train, e.g. "
                    + "{ name = \"resnet20\", set { model.name = \"resnet20\" } }");
        }
        return out;
    }
}
