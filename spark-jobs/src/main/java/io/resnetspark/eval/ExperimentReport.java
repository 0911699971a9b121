package io.resnetspark.eval;

import io.resnetspark.model.ModelStore;
import io.resnetspark.storage.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;

/**
 * experiment.json and experiment.html: the training runs of one experiment side by side (loss and
 * accuracy curves of every run on shared axes, and a table of final/best figures), so a comparison such
 * as plain vs residual networks of two depths is read from one page.
 */
public final class ExperimentReport {
    /** One run of the experiment: its name, the config overrides that define it, and its metrics. */
    public record Entry(String name, Map<String, Object> overrides, long parameters, TrainingRun run) {
    }

    private ExperimentReport() {
    }

    public static void write(Storage storage, Path out, String title, List<Entry> entries) {
        try {
            storage.writeString(new Path(out, "experiment.json"), ModelStore.JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(json(title, entries)));
        } catch (IOException e) {
            throw new IllegalStateException("experiment.json could not be rendered", e);
        }
        storage.writeString(new Path(out, "experiment.html"), html(title, entries));
        storage.markCommitted(out);
    }

    static Map<String, Object> json(String title, List<Entry> entries) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("title", title);
        List<Map<String, Object>> runs = new ArrayList<>();
        for (Entry e : entries) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", e.name());
            r.put("overrides", e.overrides());
            r.put("parameters", e.parameters());
            r.put("run", e.run().uri());
            r.put("epochs", e.run().epochs().size());
            String acc = e.run().accuracyMetric();
            r.put("accuracy_metric", acc);
            r.put("final_accuracy", last(e.run().series(acc)));
            r.put("best_accuracy", max(e.run().series(acc)));
            r.put("final_train_loss", last(e.run().series("train_loss")));
            r.put("train_seconds", last(e.run().series("elapsed_seconds")));
            r.put("images_per_sec", median(e.run().series("images_per_sec")));
            r.put("curves", Map.of("epoch", e.run().series("epoch"), "train_loss", e.run().series("train_loss"),
                    acc, e.run().series(acc)));
            runs.add(r);
        }
        j.put("runs", runs);
        return j;
    }

    static String html(String title, List<Entry> entries) {
        StringBuilder h = new StringBuilder(1 << 16);
        ReportHtml.head(h, title);
        h.append("<h1>").append(ReportHtml.escape(title)).append("</h1>\n");
        h.append("<table><tr><th>run</th><th>settings</th><th>parameters</th><th>epochs</th><th>final train loss</th>")
                .append("<th>final accuracy</th><th>best accuracy</th><th>training time</th><th>images/s</th></tr>\n");
        int maxEpoch = 0;
        for (Entry e : entries) {
            for (double v : e.run().series("epoch")) {
                maxEpoch = Math.max(maxEpoch, (int) v);
            }
            String acc = e.run().accuracyMetric();
            double secs = last(e.run().series("elapsed_seconds"));
            h.append("<tr><td>").append(ReportHtml.escape(e.name())).append("</td><td>")
                    .append(ReportHtml.escape(e.overrides().toString())).append("</td><td class=\"num\">")
                    .append(String.format(Locale.ROOT, "%,d", e.parameters())).append("</td><td class=\"num\">")
                    .append(e.run().epochs().size()).append("</td><td class=\"num\">")
                    .append(num(last(e.run().series("train_loss")))).append("</td><td class=\"num\">")
                    .append(num(last(e.run().series(acc)))).append(" (").append(acc).append(")</td><td class=\"num\">")
                    .append(num(max(e.run().series(acc)))).append("</td><td class=\"num\">")
                    .append(Double.isNaN(secs) ? "-" : io.resnetspark.common.Progress.formatSeconds(secs))
                    .append("</td><td class=\"num\">").append(rate(median(e.run().series("images_per_sec"))))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
        double[] epochs = new double[maxEpoch];
        for (int i = 0; i < maxEpoch; i++) {
            epochs[i] = i + 1;
        }
        h.append("<div class=\"chart\" id=\"loss-curves\">")
                .append(Charts.svg(Charts.curves("Training loss", "cross-entropy", epochs, names(entries),
                        byEpoch(entries, "train_loss", maxEpoch), false), 760, 380))
                .append("</div>\n<div class=\"chart\" id=\"accuracy-curves\">")
                .append(Charts.svg(Charts.curves("Accuracy (" + (entries.isEmpty() ? "val_top1"
                                : entries.get(0).run().accuracyMetric()) + ")", "accuracy", epochs, names(entries),
                        byEpoch(entries, null, maxEpoch), true), 760, 380))
                .append("</div>\n</body></html>\n");
        return h.toString();
    }

    private static List<String> names(List<Entry> entries) {
        return entries.stream().map(Entry::name).toList();
    }

    /** Each run's series indexed by epoch 1..maxEpoch (NaN where a run has no such epoch); key null = its accuracy. */
    private static List<double[]> byEpoch(List<Entry> entries, String key, int maxEpoch) {
        List<double[]> out = new ArrayList<>();
        for (Entry e : entries) {
            double[] v = new double[maxEpoch];
            java.util.Arrays.fill(v, Double.NaN);
            double[] ep = e.run().series("epoch");
            double[] s = e.run().series(key == null ? e.run().accuracyMetric() : key);
            for (int i = 0; i < ep.length; i++) {
                if (!Double.isNaN(ep[i]) && ep[i] >= 1 && ep[i] <= maxEpoch) {
                    v[(int) ep[i] - 1] = s[i];
                }
            }
            out.add(v);
        }
        return out;
    }

    private static double last(double[] v) {
        return v.length == 0 ? Double.NaN : v[v.length - 1];
    }

    private static double max(double[] v) {
        double m = Double.NaN;
        for (double x : v) {
            if (!Double.isNaN(x) && (Double.isNaN(m) || x > m)) {
                m = x;
            }
        }
        return m;
    }

    /** The median epoch's training images/s: the first epoch also starts the executors and warms up. */
    private static double median(double[] v) {
        double[] known = java.util.Arrays.stream(v).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (known.length == 0) {
            return Double.NaN;
        }
        int mid = known.length / 2;
        return known.length % 2 == 1 ? known[mid] : (known[mid - 1] + known[mid]) / 2;
    }

    private static String rate(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }
}
