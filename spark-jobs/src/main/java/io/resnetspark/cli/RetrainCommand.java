package io.resnetspark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.resnetspark.config.JobConfig;
import io.resnetspark.config.UserError;
import io.resnetspark.model.ModelStore;
import io.resnetspark.spark.SparkSetup;
import io.resnetspark.storage.Storage;
import io.resnetspark.train.Checkpoints;
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
 * {@code retrain}: scheduled retraining. Prepares the new data, warm-starts a challenger from the
 * current champion, evaluates challenger and champion on the same held-out split, and exports and
 * promotes the challenger only when it beats the champion by {@code retrain.margin}. Every decision
 * is appended to {@code <models>/<name>/decisions.jsonl}; the {@code champion} file beside the
 * versions names the promoted version. Rerunning with the same {@code retrain.run-id} continues a
 * crashed run (each stage skips what it already committed).
 */
public final class RetrainCommand implements Command {
    static final String CHAMPION = "champion";
    static final String DECISIONS = "decisions.jsonl";
    private static final Pattern VERSION = Pattern.compile("v(\\d+)");

    @Override
    public String name() {
        return "retrain";
    }

    @Override
    public String summary() {
        return "prepare new data, warm-start from the champion, and promote the challenger only if it is better";
    }

    @Override
    public Map<String, String> flags() {
        return Map.of("root", "pipeline.root", "name", "pipeline.name", "source", "prepare.source",
                "run-id", "retrain.run-id", "margin", "retrain.margin");
    }

    @Override
    public int run(Invocation inv) throws Exception {
        JobConfig c = inv.config();
        String root = trim(c.require("pipeline.root", "pipeline root (where every stage writes)"));
        String name = c.require("pipeline.name", "model name");
        double margin = c.getDouble("retrain.margin", -1, 1);
        String id = c.getString("retrain.run-id").isBlank()
                ? DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now())
                : c.getString("retrain.run-id").trim();
        Storage storage = new Storage(SparkSetup.hadoop(c));
        Path models = Storage.path(root + "/models/" + name);
        Path championFile = new Path(models, CHAMPION);
        String champion = storage.exists(championFile) ? storage.readString(championFile).trim() : null;
        String data = root + "/data/" + id;
        String run = root + "/runs/" + name + "-" + id;
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("prepare.out", data);
        o.put("train.data", data);
        o.put("train.run", run);
        if (champion != null) {
            o.put("train.init-from", models + "/" + champion + "/model.zip");
        }
        o.put("evaluate.model", Checkpoints.shipped(c, run));
        o.put("evaluate.data", data);
        o.put("evaluate.out", run + "/report");
        o.put("evaluate.run", run);
        JobConfig stages = c.with(o);
        step("prepare", stages, inv);
        step("train", stages, inv);
        step("evaluate", stages, inv);
        double challengerTop1 = top1(storage, run + "/report");
        Double championTop1 = null;
        if (champion != null) {
            step("evaluate", stages.with(Map.of("evaluate.model", models + "/" + champion + "/model.zip",
                    "evaluate.out", run + "/champion-report", "evaluate.run", "")), inv);
            championTop1 = top1(storage, run + "/champion-report");
        }
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
        boolean promote = championTop1 == null || challengerTop1 >= championTop1 + margin;
        if (promote) {
            String version = existingOrNextVersion(storage, models, run);
            step("export", stages.with(Map.of("export.model", Checkpoints.shipped(c, run),
                    "export.to", models + "/" + version,
                    "export.report", run + "/report")), inv);
            storage.writeString(championFile, version + "\n");
            decision.put("promoted", true);
            decision.put("version", version);
            decision.put("reason", championTop1 == null ? "no champion yet"
                    : String.format("challenger top-1 %.4f >= champion %.4f + margin %.4f", challengerTop1,
                            championTop1, margin));
        } else {
            decision.put("promoted", false);
            decision.put("reason", String.format("challenger top-1 %.4f < champion %.4f + margin %.4f on the same "
                    + "held-out split", challengerTop1, championTop1, margin));
        }
        appendDecision(storage, new Path(models, DECISIONS), decision);
        System.out.println("retrain: " + (promote ? "promoted " + decision.get("version") : "kept " + champion)
                + " (" + decision.get("reason") + ")");
        return 0;
    }

    private static void step(String stage, JobConfig c, Invocation inv) throws Exception {
        System.err.println("== retrain: " + stage);
        int code = Main.command(stage).run(new Invocation(c, Map.of(), inv.debug()));
        if (code != 0) {
            throw new UserError("retrain stopped: " + stage + " failed (exit " + code + "); rerun with the same "
                    + "retrain.run-id to continue");
        }
    }

    static double top1(Storage storage, String reportDir) throws java.io.IOException {
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
        } catch (java.io.IOException e) {
            throw Storage.unreachable(models, e);
        }
        return "v" + (max + 1);
    }

    static void appendDecision(Storage storage, Path file, Map<String, Object> decision) throws java.io.IOException {
        String before = storage.exists(file) ? storage.readString(file) : "";
        String line = ModelStore.JSON.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(decision);
        storage.writeString(file, before + line + "\n");
    }

    private static String trim(String root) {
        return root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    }
}
