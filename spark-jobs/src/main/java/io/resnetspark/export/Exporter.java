package io.resnetspark.export;

import com.fasterxml.jackson.databind.JsonNode;
import io.resnetspark.common.UserError;
import io.resnetspark.config.JobConfig;
import io.resnetspark.model.ModelMetadata;
import io.resnetspark.model.ModelStore;
import io.resnetspark.model.ModelSummary;
import io.resnetspark.model.onnx.OnnxExport;
import io.resnetspark.model.onnx.OnnxExportException;
import io.resnetspark.storage.ModelFile;
import io.resnetspark.storage.RunLayout;
import io.resnetspark.storage.Storage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The {@code export} stage: {@code <models>/<name>/<version>/} with model.zip, model.onnx (unless
 * {@code export.onnx = false}), classes.json, model-card.json, SHA256SUMS and {@code _SUCCESS} last. Versions are immutable: a committed version is
 * skipped (exit 0, so a pipeline can rerun) and never rewritten; an uncommitted one is the leftover
 * of an interrupted export and is cleared and redone.
 */
public final class Exporter {
    public static final String MODEL = RunLayout.EXPORTED_MODEL;
    public static final String ONNX = "model.onnx";
    public static final String CLASSES = "classes.json";
    public static final String CARD = "model-card.json";
    public static final String SUMS = "SHA256SUMS";

    public record Settings(String model, String to, String report, boolean overwrite, boolean onnx) {
        public static Settings of(JobConfig c) {
            return new Settings(c.require("export.model", "model (--model)"),
                    c.require("export.to", "destination (--to <models>/<name>/<version>)"),
                    c.getString("export.report").trim(), c.getBoolean("export.overwrite"),
                    c.getBoolean("export.onnx"));
        }
    }

    /** The version directory and whether this run wrote it (false: it was already committed). */
    public record Outcome(Path dir, boolean written) {
    }

    private Exporter() {
    }

    public static Outcome run(JobConfig config, Storage storage, PrintStream log) {
        Settings s = Settings.of(config);
        Path dir = Storage.path(s.to().replaceAll("/+$", ""));
        Path parent = dir.getParent();
        if (parent == null || parent.getParent() == null || parent.getName().isEmpty()) {
            throw new UserError("export destination " + dir + " must be <models>/<name>/<version>");
        }
        String version = dir.getName();
        String name = parent.getName();
        if (storage.committed(dir)) {
            if (s.overwrite()) {
                throw new UserError("version " + dir + " is already exported and versions are never rewritten;"
                        + " export to a new version instead of using --overwrite");
            }
            log.println("[export] " + dir + " is already exported; skipping");
            return new Outcome(dir, false);
        }
        if (storage.exists(dir)) {
            log.println("[export] " + dir + " holds an interrupted export; clearing it");
            storage.clearLeftovers(dir, "export", List.of(MODEL, ONNX, CLASSES, CARD, SUMS));
        }

        Path modelPath = Storage.path(s.model());
        ModelFile model = ModelFile.read(storage, modelPath);
        byte[] zip = model.zip();
        String sha = model.sha256();
        ModelMetadata meta = model.metadata();
        // a full restore, not only the metadata: nothing that cannot be loaded gets a version
        ComputationGraph graph = model.load(false).graph();
        long params = ModelSummary.of(graph, meta.options()).trainableParams();
        // rendered before anything is written: a network ONNX cannot express fails the export, not half of it
        byte[] onnx = s.onnx() ? onnx(graph, meta, log) : null;
        JsonNode report = null;
        if (!s.report().isEmpty()) {
            report = report(storage, Storage.path(s.report()), sha);
        }

        Map<String, String> classes = new LinkedHashMap<>();
        for (int i = 0; i < meta.classes().size(); i++) {
            classes.put(Integer.toString(i), meta.classes().get(i));
        }
        Map<String, Object> card = ModelCard.of(name, version, modelPath.toString(), sha, meta, params, report,
                s.report(), codeVersion(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        byte[] classesJson;
        byte[] cardJson;
        try {
            classesJson = ModelStore.JSON.writeValueAsBytes(classes);
            cardJson = ModelStore.JSON.writeValueAsBytes(card);
        } catch (IOException e) {
            throw new IllegalStateException("export files could not be rendered", e);
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(MODEL, zip);
        if (onnx != null) {
            files.put(ONNX, onnx);
        }
        files.put(CLASSES, classesJson);
        files.put(CARD, cardJson);
        StringBuilder sums = new StringBuilder();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            storage.writeBytes(new Path(dir, f.getKey()), f.getValue());
            sums.append(Storage.sha256(f.getValue())).append("  ").append(f.getKey()).append('\n');
        }
        storage.writeBytes(new Path(dir, SUMS), sums.toString().getBytes(StandardCharsets.UTF_8));
        storage.markCommitted(dir);
        log.println("[export] " + meta.options().model() + " (" + meta.classes().size() + " classes) exported to "
                + dir + " as " + name + " version " + version);
        return new Outcome(dir, true);
    }

    /** Null, with a note, for a network ONNX export does not cover (the grouped and gated variants). */
    private static byte[] onnx(ComputationGraph graph, ModelMetadata meta, PrintStream log) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            OnnxExport.write(graph, meta, out);
        } catch (OnnxExportException e) {
            // model.zip is the product's model; a variant without an ONNX form still gets its version
            log.println("[export] model.onnx is not written: " + e.getMessage());
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static JsonNode report(Storage storage, Path dir, String modelSha) {
        Path json = new Path(dir, "report.json");
        if (!storage.committed(dir) || !storage.exists(json)) {
            throw new UserError("evaluation report " + dir + " is not a committed evaluate output (report.json and"
                    + " _SUCCESS)");
        }
        JsonNode r;
        try {
            r = ModelStore.JSON.readTree(storage.readBytes(json));
        } catch (IOException e) {
            throw new UserError(json + " is not valid JSON", e);
        }
        String evaluated = r.path("model").path("sha256").asText("");
        if (!evaluated.equals(modelSha)) {
            throw new UserError("evaluation report " + dir + " is of another model (sha256 " + evaluated
                    + ", this model " + modelSha + ")");
        }
        return r;
    }

    /** The jar's Implementation-Version, else {@code git describe} of the working directory, else "unknown". */
    static String codeVersion() {
        String v = Exporter.class.getPackage().getImplementationVersion();
        if (v != null && !v.isBlank()) {
            return v;
        }
        try {
            Process p = new ProcessBuilder(List.of("git", "describe", "--always", "--dirty", "--tags"))
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (!out.isEmpty() && !out.contains("\n") && !out.contains(" ")) {
                    return "git " + out;
                }
            } else {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            // no git here (a cluster node): the version is simply unknown
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "unknown";
    }
}
