package io.resnetspark.eval;

import io.resnetspark.eval.remote.Thumbnails;
import io.resnetspark.scoring.Prediction;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * report.html: one self-contained page (inline CSS and SVG charts, nothing fetched) with the headline
 * numbers, the confusion heat map, per-class bars, the reliability diagram and, when a training run
 * is given, its curves and time-to-accuracy. Every text that comes from data is HTML-escaped.
 */
public final class ReportHtml {
    private ReportHtml() {
    }

    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** The page head shared by every HTML page this project writes (inline CSS, nothing fetched). */
    static void head(StringBuilder h, String title) {
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                .append(escape(title)).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}")
                .append("h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}")
                .append(".cards{display:flex;flex-wrap:wrap;gap:12px}")
                .append(".card{background:#f0f4fa;border-radius:6px;padding:10px 16px;min-width:120px}")
                .append(".card b{display:block;font-size:24px;color:#08306b}")
                .append("table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px}")
                .append("th{background:#f5f5f5}td.num{text-align:right}.ids td{word-break:break-all}")
                .append(".chart{margin:12px 0}")
                // small images (28 px) are shown larger, their pixels kept sharp
                .append(".thumb{min-height:56px;max-height:96px;image-rendering:pixelated;display:block}\n")
                .append("</style></head><body>\n");
    }

    public static String render(Report r, TrainingRun run, List<Double> targets) {
        return render(r, run, targets, Map.of());
    }

    /** @param thumbnails PNGs of the mistakes' images by {@link Thumbnails#key}; a mistake without one has none */
    public static String render(Report r, TrainingRun run, List<Double> targets, Map<String, byte[]> thumbnails) {
        Report.Context c = r.context();
        int n = r.classes().size();
        StringBuilder h = new StringBuilder(1 << 16);
        head(h, "Evaluation: " + c.modelUri());
        h.append("<h1>Evaluation report</h1>\n<div class=\"cards\">");
        card(h, "top-1 accuracy", pct(r.top1()));
        card(h, "top-" + r.topK() + " accuracy", pct(r.topKAccuracy()));
        card(h, "mean loss", f(r.loss()));
        card(h, "ECE", f(r.ece()));
        card(h, "macro F1", f(r.macro().f1()));
        card(h, "examples", String.format(Locale.ROOT, "%,d", r.examples()));
        card(h, "images/s", String.format(Locale.ROOT, "%.1f", r.imagesPerSecond()));
        h.append("</div>\n<table class=\"ids\">");
        row(h, "model", c.modelUri());
        row(h, "model sha256", c.modelSha256());
        for (Map.Entry<String, Object> e : c.model().entrySet()) {
            row(h, "model " + e.getKey(), String.valueOf(e.getValue()));
        }
        row(h, "data", c.dataUri() + " (split " + c.split() + ", " + c.files() + " files)");
        row(h, "classes", String.valueOf(n));
        row(h, "evaluated", c.created() + " in " + String.format(Locale.ROOT, "%.1f s", c.seconds()) + " on "
                + c.partitions() + " partitions");
        h.append("</table>\n");

        h.append("<h2>Confusion matrix</h2>\n<p>Rows are true classes, columns predictions; colour is the share of the"
                + " true class's images.</p>\n<div class=\"chart\" id=\"confusion\">");
        int side = Math.max(520, Math.min(1100, 240 + 26 * n));
        h.append(Charts.svg(Charts.confusion(r.classes(), r.confusion()), side + 80, side)).append("</div>\n");

        h.append("<h2>Per-class precision, recall and F1</h2>\n");
        List<Report.ClassStats> shown = r.perClass();
        int maxBars = 60;
        if (shown.size() > maxBars) {
            shown = new ArrayList<>(shown);
            shown.sort((a, b) -> Double.compare(a.f1(), b.f1()));
            shown = shown.subList(0, maxBars);
            h.append("<p>The ").append(maxBars).append(" classes with the lowest F1 of ").append(n).append(".</p>");
        }
        h.append("<div class=\"chart\" id=\"per-class\">")
                .append(Charts.svg(Charts.perClass(shown), Math.max(700, Math.min(1150, 200 + 36 * shown.size())), 420))
                .append("</div>\n");
        h.append("<table><tr><th>#</th><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th>"
                + "<th>predicted</th></tr>\n");
        for (Report.ClassStats s : r.perClass()) {
            h.append("<tr><td class=\"num\">").append(s.index()).append("</td><td>").append(escape(s.name()))
                    .append("</td><td class=\"num\">").append(f(s.precision())).append("</td><td class=\"num\">")
                    .append(f(s.recall())).append("</td><td class=\"num\">").append(f(s.f1()))
                    .append("</td><td class=\"num\">").append(s.support()).append("</td><td class=\"num\">")
                    .append(s.predicted()).append("</td></tr>\n");
        }
        averageRow(h, "macro avg", r.macro(), r.examples());
        averageRow(h, "weighted avg", r.weighted(), r.examples());
        h.append("</table>\n");

        h.append("<h2>Calibration</h2>\n<p>Expected calibration error ").append(f(r.ece())).append(" over ")
                .append(r.reliability().size()).append(" equal-width confidence bins.</p>\n<div class=\"chart\" id=\"reliability\">")
                .append(Charts.svg(Charts.reliability(r.reliability(), r.ece()), 620, 460)).append("</div>\n");

        h.append("<h2>Most confident mistakes</h2>\n<table id=\"mistakes\"><tr><th>#</th><th>image</th><th>source</th>"
                + "<th>true</th><th>predicted</th><th>confidence</th></tr>\n");
        int rank = 1;
        for (Prediction p : r.mistakes()) {
            String key = Thumbnails.key(p);
            byte[] png = key == null ? null : thumbnails.get(key);
            h.append("<tr><td class=\"num\">").append(rank++).append("</td><td>");
            if (png != null) {
                h.append("<img class=\"thumb\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(png)).append("\" alt=\"")
                        .append(escape(r.classes().get(p.label) + " taken for " + r.classes().get(p.predicted())))
                        .append("\">");
            }
            h.append("</td><td>").append(escape(p.source))
                    .append("</td><td>").append(escape(r.classes().get(p.label))).append("</td><td>")
                    .append(escape(r.classes().get(p.predicted()))).append("</td><td class=\"num\">")
                    .append(f(p.confidence())).append("</td></tr>\n");
        }
        h.append("</table>\n");

        if (run != null) {
            training(h, run, targets);
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void training(StringBuilder h, TrainingRun run, List<Double> targets) {
        h.append("<h2>Training run</h2>\n<p>").append(escape(run.uri())).append(": ").append(run.epochs().size())
                .append(" epochs.</p>\n");
        if (run.epochs().isEmpty()) {
            return;
        }
        double[] epochs = run.series("epoch");
        List<String> lossNames = new ArrayList<>();
        List<double[]> lossValues = new ArrayList<>();
        for (String k : new String[] {"train_loss", "val_loss"}) {
            if (run.has(k)) {
                lossNames.add(k);
                lossValues.add(run.series(k));
            }
        }
        List<String> accNames = new ArrayList<>();
        List<double[]> accValues = new ArrayList<>();
        for (String k : new String[] {"train_top1", "val_top1", "val_top5", "test_top1", "test_top5"}) {
            if (run.has(k)) {
                accNames.add(k);
                accValues.add(run.series(k));
            }
        }
        h.append("<div class=\"chart\" id=\"loss-curve\">")
                .append(Charts.svg(Charts.curves("Loss", "cross-entropy", epochs, lossNames, lossValues, false), 760, 380))
                .append("</div>\n<div class=\"chart\" id=\"accuracy-curve\">")
                .append(Charts.svg(Charts.curves("Accuracy", "accuracy", epochs, accNames, accValues, true), 760, 380))
                .append("</div>\n");
        h.append("<h3>Time to accuracy</h3>\n<table><tr><th>").append(run.accuracyMetric().replace("_top1", " top-1"))
                .append("</th><th>epoch</th><th>wall time</th></tr>\n");
        for (Map<String, Object> t : run.timeToAccuracy(targets)) {
            boolean reached = Boolean.TRUE.equals(t.get("reached"));
            h.append("<tr><td class=\"num\">").append(pct((Double) t.get("accuracy"))).append("</td><td class=\"num\">")
                    .append(reached ? t.get("epoch") : "not reached").append("</td><td class=\"num\">")
                    .append(reached && t.get("seconds") != null
                            ? escape(io.resnetspark.common.Progress.formatSeconds((Double) t.get("seconds"))) : "-")
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void card(StringBuilder h, String label, String value) {
        h.append("<div class=\"card\">").append(escape(label)).append("<b>").append(escape(value)).append("</b></div>");
    }

    private static void row(StringBuilder h, String k, String v) {
        h.append("<tr><th>").append(escape(k)).append("</th><td>").append(escape(v)).append("</td></tr>\n");
    }

    private static void averageRow(StringBuilder h, String name, Report.Averages a, long support) {
        h.append("<tr><th></th><th>").append(name).append("</th><td class=\"num\">").append(f(a.precision()))
                .append("</td><td class=\"num\">").append(f(a.recall())).append("</td><td class=\"num\">")
                .append(f(a.f1())).append("</td><td class=\"num\">").append(support).append("</td><td></td></tr>\n");
    }
}
