package io.resnetspark.cli;

import io.resnetspark.export.Exporter;
import io.resnetspark.spark.SparkSetup;
import io.resnetspark.storage.Storage;
import java.util.Map;

/** {@code export}: a versioned, checksummed model directory with classes and a model card (no Spark needed). */
public final class ExportCommand implements Command {
    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "write <models>/<name>/<version>/ with model.zip, classes.json, model-card.json, SHA256SUMS";
    }

    @Override
    public Map<String, String> flags() {
        return Map.of("model", "export.model", "to", "export.to", "report", "export.report");
    }

    @Override
    public Map<String, String> switches() {
        return Map.of("overwrite", "export.overwrite");
    }

    @Override
    public int run(Invocation inv) {
        Exporter.run(inv.config(), new Storage(SparkSetup.hadoop(inv.config())), System.out);
        return 0;
    }
}
