package io.resnetspark.eval;

import com.fasterxml.jackson.databind.JsonNode;
import io.resnetspark.common.UserError;
import io.resnetspark.model.ModelStore;
import io.resnetspark.storage.MetricsLog;
import io.resnetspark.storage.Storage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;

/** The epochs of a training run as recorded in {@code <run>/metrics.jsonl}, for curves and time-to-accuracy. */
public record TrainingRun(String uri, List<JsonNode> epochs) {
    /**
     * The run at {@code run}, read through {@link MetricsLog} (the one reader of metrics.jsonl).
     *
     * @param uri how reports name the run (credentials removed)
     */
    public static TrainingRun read(Storage storage, Path run, String uri) {
        MetricsLog log = new MetricsLog(storage, run);
        if (!storage.exists(log.file())) {
            throw new UserError("training run " + uri + " has no " + MetricsLog.FILE);
        }
        List<JsonNode> epochs = new ArrayList<>();
        for (Map<String, Object> line : log.read()) {
            if (!line.containsKey("epoch")) {
                throw new UserError(uri + "/" + MetricsLog.FILE + " holds a line that is not an epoch record (no "
                        + "'epoch')");
            }
            epochs.add(ModelStore.JSON.valueToTree(line));
        }
        return new TrainingRun(uri, epochs);
    }

    /** One number per epoch (NaN where the epoch does not have it). */
    public double[] series(String key) {
        double[] v = new double[epochs.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode n = epochs.get(i).get(key);
            v[i] = n != null && n.isNumber() ? n.asDouble() : Double.NaN;
        }
        return v;
    }

    public boolean has(String key) {
        for (JsonNode n : epochs) {
            if (n.has(key) && n.get(key).isNumber()) {
                return true;
            }
        }
        return false;
    }

    /** The accuracy time-to-accuracy is measured on: test_top1 when the run tracked the test split, else val_top1. */
    public String accuracyMetric() {
        return has("test_top1") ? "test_top1" : "val_top1";
    }

    /**
     * For each target, the first epoch whose {@link #accuracyMetric()} reaches it and the wall time
     * (elapsed_seconds) at its end; null values when it was never reached.
     */
    public List<Map<String, Object>> timeToAccuracy(List<Double> targets) {
        String metric = accuracyMetric();
        double[] top1 = series(metric);
        double[] elapsed = series("elapsed_seconds");
        double[] epoch = series("epoch");
        List<Map<String, Object>> out = new ArrayList<>();
        for (double t : targets) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("metric", metric);
            m.put("accuracy", t);
            m.put("reached", false);
            m.put("epoch", null);
            m.put("seconds", null);
            for (int i = 0; i < top1.length; i++) {
                if (top1[i] >= t) {
                    m.put("reached", true);
                    m.put("epoch", (long) epoch[i]);
                    m.put("seconds", Double.isNaN(elapsed[i]) ? null : elapsed[i]);
                    break;
                }
            }
            out.add(m);
        }
        return out;
    }
}
