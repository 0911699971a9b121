package io.resnetspark.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.resnetspark.common.UserError;
import io.resnetspark.config.JobConfig;
import io.resnetspark.model.ModelStore;
import io.resnetspark.spark.SparkSetup;
import io.resnetspark.storage.RunLayout;
import io.resnetspark.storage.RunLock;
import io.resnetspark.storage.Storage;
import io.resnetspark.train.Checkpoints;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * Scheduled retraining. Prepares the new data, warm-starts a challenger from the current champion,
 * evaluates challenger and champion on the same held-out split, and exports and promotes the challenger
 * only when {@link Promotion} says so. Every decision is appended to {@code <models>/<name>/decisions.jsonl};
 * the {@code champion} file beside the versions names the promoted version. Rerunning with the same
 * {@code retrain.run-id} continues a crashed run (each stage skips what it already committed).
 */
public final class Retrain {
    private static final Pattern VERSION = Pattern.compile("v(\\d+)");

    private Retrain() {
    }

    /** What was decided: the version promoted (or kept) and why. */
    public record Decision(boolean promoted, String version, String reason) {
    }

    public static Decision run(JobConfig c, PrintStream out, PrintStream log) throws Exception {
        // the scheduled job and a manual run (or a pipeline) must not write one root at once
        String rootUri = c.require("pipeline.root", "pipeline root (where every stage writes)");
        try (RunLock lock = RunLock.acquire(new Storage(SparkSetup.hadoop(c)), Storage.path(rootUri), "retrain")) {
            return decide(c, out, log);
        }
    }

    private static Decision decide(JobConfig c, PrintStream out, PrintStream log) throws Exception {
        RunLayout root = new RunLayout(c.require("pipeline.root", "pipeline root (where every stage writes)"));
        String name = c.require("pipeline.name", "model name");
        double margin = c.getDouble("retrain.margin", -1, 1);
        String id = c.getString("retrain.run-id").isBlank()
                ? DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now())
                : c.getString("retrain.run-id").trim();
        Storage storage = new Storage(SparkSetup.hadoop(c));
        Path models = Storage.path(root.models(name));
        Path championFile = new Path(models, RunLayout.CHAMPION);
        String champion = storage.exists(championFile) ? storage.readString(championFile).trim() : null;
        String data = root.data(id);
        String run = root.run(name + "-" + id);
        String report = RunLayout.report(run);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("prepare.out", data);
        o.put("train.data", data);
        o.put("train.run", run);
        if (champion != null) {
            o.put("train.init-from", root.version(name, champion) + "/" + RunLayout.EXPORTED_MODEL);
        }
        o.put("evaluate.model", Checkpoints.shipped(c, run));
        o.put("evaluate.data", data);
        o.put("evaluate.out", report);
        o.put("evaluate.run", run);
        JobConfig stages = c.with(o);
        Pipeline.check(stages, java.util.List.of("prepare", "train", "evaluate"));
        step("prepare", stages, out, log);
        step("train", stages, out, log);
        step("evaluate", stages, out, log);
        double challengerTop1 = top1(storage, report);
        Double championTop1 = null;
        if (champion != null) {
            String championReport = run + "/champion-report";
            step("evaluate", stages.with(Map.of("evaluate.model", root.version(name, champion) + "/"
                    + RunLayout.EXPORTED_MODEL, "evaluate.out", championReport, "evaluate.run", "")), out, log);
            championTop1 = top1(storage, championReport);
        }
        Promotion p = Promotion.decide(challengerTop1, championTop1, margin);
        Map<String, Object> decision = new LinkedHashMap<>();
        decision.put("time", Instant.now().toString());
        decision.put("run_id", id);
        decision.put("run", run);
        decision.put("data", data);
        decision.put("metric", "top1");
        decision.put("challenger", challengerTop1);
        decision.put("champion_version", champion);
        decision.put("champion", championTop1);
        decision.put("margin", margin);
        String version = champion;
        if (p.promote()) {
            version = existingOrNextVersion(storage, models, run);
            step("export", stages.with(Map.of("export.model", Checkpoints.shipped(c, run),
                    "export.to", root.version(name, version), "export.report", report)), out, log);
            storage.writeString(championFile, version + "\n");
            decision.put("promoted", true);
            decision.put("version", version);
        } else {
            decision.put("promoted", false);
        }
        decision.put("reason", p.reason());
        appendDecision(storage, new Path(models, RunLayout.DECISIONS), decision);
        out.println("retrain: " + (p.promote() ? "promoted " + version : "kept " + champion) + " (" + p.reason() + ")");
        return new Decision(p.promote(), version, p.reason());
    }

    private static void step(String stage, JobConfig c, PrintStream out, PrintStream log) throws Exception {
        log.println("== retrain: " + stage);
        try {
            Stage.named(stage).run(c, out, log);
        } catch (UserError e) {
            throw new UserError("retrain stopped: " + stage + " failed (" + e.getMessage() + "); rerun with the same "
                    + "retrain.run-id to continue", e);
        }
    }

    static double top1(Storage storage, String reportDir) throws IOException {
        JsonNode r = ModelStore.JSON.readTree(storage.readString(Storage.path(reportDir + "/report.json")));
        JsonNode t = r.get("top1");
        if (t == null) {
            throw new UserError("report " + reportDir + "/report.json has no top1");
        }
        return t.asDouble();
    }

    /** The version this run already exported (a rerun after a crash), else one past the highest vN. */
    static String existingOrNextVersion(Storage storage, Path models, String run) {
        int max = 0;
        try {
            if (storage.exists(models)) {
                for (FileStatus s : storage.fs(models).listStatus(models)) {
                    Matcher m = VERSION.matcher(s.getPath().getName());
                    if (s.isDirectory() && m.matches()) {
                        Path card = new Path(s.getPath(), "model-card.json");
                        if (storage.exists(card) && storage.readString(card).contains(run)) {
                            return s.getPath().getName();
                        }
                        max = Math.max(max, Integer.parseInt(m.group(1)));
                    }
                }
            }
        } catch (IOException e) {
            throw Storage.unreachable(models, e);
        }
        return "v" + (max + 1);
    }

    static void appendDecision(Storage storage, Path file, Map<String, Object> decision) throws IOException {
        String before = storage.exists(file) ? storage.readString(file) : "";
        String line = ModelStore.JSON.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(decision);
        storage.writeString(file, before + line + "\n");
    }
}
