package io.resnetspark.eval;

import io.resnetspark.eval.remote.Tally;
import io.resnetspark.scoring.Prediction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The numbers of one evaluation, derived from a {@link Tally}: accuracy, per-class precision / recall /
 * F1, their macro and support-weighted averages, calibration, loss. {@link #toJson()} is report.json.
 * Averages follow scikit-learn's classification_report: over the classes that occur as truth or as
 * prediction, with 0 where a ratio has nothing to divide by.
 */
public final class Report {
    public record ClassStats(int index, String name, double precision, double recall, double f1, long support,
                             long predicted) {
    }

    public record Averages(double precision, double recall, double f1) {
    }

    public record Bin(double lower, double upper, long count, double accuracy, double confidence) {
    }

    /** Where the numbers came from and how long they took (identifiers are URIs without credentials). */
    public record Context(String modelUri, String modelSha256, Map<String, Object> model, String dataUri, String split,
                          int files, int partitions, double seconds, String created) {
    }

    private final List<String> classes;
    private final Tally tally;
    private final Context context;
    private final List<ClassStats> perClass = new ArrayList<>();
    private final Averages macro;
    private final Averages weighted;
    private final List<Bin> reliability = new ArrayList<>();
    private final double ece;

    public Report(List<String> classes, Tally tally, Context context) {
        this.classes = List.copyOf(classes);
        this.tally = tally;
        this.context = context;
        int n = classes.size();
        double mp = 0, mr = 0, mf = 0, wp = 0, wr = 0, wf = 0;
        int present = 0;
        for (int c = 0; c < n; c++) {
            long tp = tally.confusion[c][c];
            long support = 0;
            long predicted = 0;
            for (int j = 0; j < n; j++) {
                support += tally.confusion[c][j];
                predicted += tally.confusion[j][c];
            }
            double p = predicted == 0 ? 0 : (double) tp / predicted;
            double r = support == 0 ? 0 : (double) tp / support;
            double f = p + r == 0 ? 0 : 2 * p * r / (p + r);
            perClass.add(new ClassStats(c, classes.get(c), p, r, f, support, predicted));
            if (support > 0 || predicted > 0) {
                present++;
                mp += p;
                mr += r;
                mf += f;
            }
            wp += p * support;
            wr += r * support;
            wf += f * support;
        }
        long total = tally.examples;
        macro = present == 0 ? new Averages(0, 0, 0) : new Averages(mp / present, mr / present, mf / present);
        weighted = total == 0 ? new Averages(0, 0, 0) : new Averages(wp / total, wr / total, wf / total);
        double e = 0;
        for (int b = 0; b < tally.bins; b++) {
            long count = tally.binCount[b];
            double acc = count == 0 ? 0 : (double) tally.binCorrect[b] / count;
            double conf = count == 0 ? 0 : tally.binConfidence[b] / count;
            reliability.add(new Bin((double) b / tally.bins, (double) (b + 1) / tally.bins, count, acc, conf));
            if (total > 0) {
                e += Math.abs(acc - conf) * count / total;
            }
        }
        ece = e;
    }

    public List<String> classes() {
        return classes;
    }

    public Context context() {
        return context;
    }

    public long examples() {
        return tally.examples;
    }

    public long correct() {
        long c = 0;
        for (int i = 0; i < classes.size(); i++) {
            c += tally.confusion[i][i];
        }
        return c;
    }

    public double top1() {
        return tally.examples == 0 ? 0 : (double) correct() / tally.examples;
    }

    public int topK() {
        return Math.min(tally.topK, classes.size());
    }

    public double topKAccuracy() {
        return tally.examples == 0 ? 0 : (double) tally.topKHits / tally.examples;
    }

    public double loss() {
        return tally.examples == 0 ? 0 : tally.lossSum / tally.examples;
    }

    public double ece() {
        return ece;
    }

    public long[][] confusion() {
        return tally.confusion;
    }

    public List<ClassStats> perClass() {
        return perClass;
    }

    public Averages macro() {
        return macro;
    }

    public Averages weighted() {
        return weighted;
    }

    public List<Bin> reliability() {
        return reliability;
    }

    public List<Prediction> mistakes() {
        return tally.mistakes();
    }

    public double imagesPerSecond() {
        return context.seconds() > 0 ? tally.examples / context.seconds() : 0;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("format_version", 1);
        j.put("created", context.created());
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("uri", context.modelUri());
        model.put("sha256", context.modelSha256());
        model.putAll(context.model());
        j.put("model", model);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("uri", context.dataUri());
        data.put("split", context.split());
        data.put("files", context.files());
        data.put("classes", classes);
        j.put("data", data);
        j.put("examples", tally.examples);
        j.put("correct", correct());
        j.put("top1", top1());
        j.put("top5", topKAccuracy());
        j.put("top5_k", topK());
        j.put("loss", loss());
        j.put("ece", ece);
        j.put("macro_avg", averages(macro));
        j.put("weighted_avg", averages(weighted));
        List<Map<String, Object>> pc = new ArrayList<>();
        for (ClassStats s : perClass) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", s.index());
            m.put("class", s.name());
            m.put("precision", s.precision());
            m.put("recall", s.recall());
            m.put("f1", s.f1());
            m.put("support", s.support());
            m.put("predicted", s.predicted());
            pc.add(m);
        }
        j.put("per_class", pc);
        Map<String, Object> confusion = new LinkedHashMap<>();
        confusion.put("rows", "true class");
        confusion.put("columns", "predicted class");
        confusion.put("matrix", tally.confusion);
        j.put("confusion", confusion);
        Map<String, Object> cal = new LinkedHashMap<>();
        cal.put("bins", tally.bins);
        cal.put("ece", ece);
        List<Map<String, Object>> bins = new ArrayList<>();
        for (Bin b : reliability) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lower", b.lower());
            m.put("upper", b.upper());
            m.put("count", b.count());
            m.put("accuracy", b.accuracy());
            m.put("confidence", b.confidence());
            bins.add(m);
        }
        cal.put("reliability", bins);
        j.put("calibration", cal);
        List<Map<String, Object>> mis = new ArrayList<>();
        for (Prediction p : mistakes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("source", p.source);
            m.put("true", classes.get(p.label));
            m.put("predicted", classes.get(p.predicted()));
            m.put("confidence", (double) p.confidence());
            mis.add(m);
        }
        j.put("misclassified", mis);
        Map<String, Object> timing = new LinkedHashMap<>();
        timing.put("seconds", context.seconds());
        timing.put("images_per_sec", imagesPerSecond());
        timing.put("partitions", context.partitions());
        j.put("timing", timing);
        return j;
    }

    private static Map<String, Object> averages(Averages a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("precision", a.precision());
        m.put("recall", a.recall());
        m.put("f1", a.f1());
        return m;
    }
}
