package io.resnetspark.train;

import io.resnetspark.config.JobConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;

/**
 * What an epoch leaves behind: its metrics.jsonl line, the training facts in the checkpoint's metadata,
 * the progress summary, and whether it is the best epoch so far (best.zip follows val top-1).
 */
final class EpochRecord {
    private final JobConfig config;
    private final TrainSettings s;
    private final Path data;
    private final Path run;
    private final int workers;
    private final int batch;
    private final double elapsedBefore;
    private final long t0 = System.nanoTime();
    private double bestTop1;

    EpochRecord(JobConfig config, TrainSettings s, Path data, Path run, List<Map<String, Object>> history,
                int workers, int batch) {
        this.config = config;
        this.s = s;
        this.data = data;
        this.run = run;
        this.workers = workers;
        this.batch = batch;
        this.bestTop1 = history.stream().map(l -> l.get("val_top1")).filter(v -> v instanceof Number)
                .mapToDouble(v -> ((Number) v).doubleValue()).max().orElse(Double.NEGATIVE_INFINITY);
        this.elapsedBefore = history.isEmpty() ? 0
                : ((Number) history.get(history.size() - 1).getOrDefault("elapsed_seconds", 0)).doubleValue();
    }

    /**
     * @param score   DL4J's score, which adds the L2 / weight-decay penalty to the data loss. The penalty can
     *                dominate (a 56-layer plain network's weights grew ~38x in squared norm: penalty 34, data
     *                loss 0.55), so the two are logged apart.
     * @param penalty the network's weight penalty at the end of the epoch
     */
    Map<String, Object> line(int epoch, long iteration, double score, double penalty, Validation.Scores val,
                             Validation.Scores test, double imagesPerSecond, double lr, double epochSeconds) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("epoch", epoch);
        line.put("iteration", iteration);
        line.put("train_loss", score - penalty);
        line.put("weight_penalty", penalty);
        line.put("val_top1", val == null ? null : val.top1());
        line.put("val_top5", val == null ? null : val.top5());
        if (test != null) {
            line.put("test_top1", test.top1());
            line.put("test_top5", test.top5());
        }
        line.put("images_per_sec", imagesPerSecond);
        line.put("lr", lr);
        line.put("epoch_seconds", epochSeconds);
        line.put("elapsed_seconds", elapsedBefore + (System.nanoTime() - t0) / 1e9);
        line.put("master", s.master().key());
        line.put("workers", workers);
        line.put("global_batch", batch * workers);
        return line;
    }

    /** True for the epoch best.zip must now hold (every epoch, when there is no val split). */
    boolean isBest(Validation.Scores val) {
        if (val == null) {
            return true;
        }
        if (val.top1() > bestTop1) {
            bestTop1 = val.top1();
            return true;
        }
        return false;
    }

    Map<String, Object> training(Map<String, Object> line) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("data", data.toString());
        t.put("run", run.toString());
        t.put("epoch", line.get("epoch"));
        t.put("iteration", line.get("iteration"));
        t.put("seed", s.seed());
        t.put("model_seed", config.getLong("model.seed"));
        t.put("val_top1", line.get("val_top1"));
        t.put("val_top5", line.get("val_top5"));
        t.put("train_loss", line.get("train_loss"));
        t.put("lr", line.get("lr"));
        t.put("master", s.master().key());
        t.put("epochs", s.epochs());
        t.put("config", config.asMap());
        return t;
    }

    String summary(Map<String, Object> line) {
        Object top1 = line.get("val_top1");
        Object test = line.get("test_top1");
        return String.format(Locale.ROOT, "loss %.4f, val top-1 %s%s, %.1f img/s, lr %.4g", line.get("train_loss"),
                top1 == null ? "-" : String.format(Locale.ROOT, "%.3f", top1),
                test == null ? "" : String.format(Locale.ROOT, ", test top-1 %.3f", test), line.get("images_per_sec"),
                line.get("lr"));
    }

    /** The epoch best.zip stands for, by the rule of {@link #isBest}; {@code fallback} without metrics. */
    static int bestEpoch(List<Map<String, Object>> history, int fallback) {
        int best = fallback;
        double bestTop1 = Double.NEGATIVE_INFINITY;
        for (Map<String, Object> line : history) {
            int epoch = ((Number) line.get("epoch")).intValue();
            Object top1 = line.get("val_top1");
            if (!(top1 instanceof Number)) {
                best = epoch;
            } else if (((Number) top1).doubleValue() > bestTop1) {
                bestTop1 = ((Number) top1).doubleValue();
                best = epoch;
            }
        }
        return best;
    }
}
